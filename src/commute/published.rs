//! Commuting as published: staff counts under the disclosure rule, hidden consistently across every table that shares a margin, and WTE, trips, km, kg CO2e, £ and hours recomputed from the published counts.
//!
//! As for patient travel (METHOD.md, "Disclosure control"): a home-to-site distance is public
//! geometry, so a figure computed from an exact count gives the count back. Each figure is the
//! *published* staff count times the group's per-person average to three significant figures, and
//! is hidden whenever its count is.

use std::collections::BTreeMap;

use crate::commute::tally::{decile_slot, CommuteMeasures, CommuteTally};
use crate::io::format::significant;
use crate::output::disclosure::{Cell, Disclosure, DisclosureAudit, Importance, Margins};

/// Significant figures of the per-person averages from which published figures are rebuilt.
pub const AVERAGE_SIGNIFICANT_FIGURES: i32 = 3;

/// The row of staff groups with fewer than the minimum count each.
pub const RARE_GROUPS: &str = "Other staff groups (each fewer than the minimum count)";

/// One group's measures as published; `Cell::Suppressed` is `*`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PublishedMeasures {
    /// Members of staff, under the rule.
    pub staff: Cell,
    /// The others: the published staff count times the per-person average (3 s.f.).
    pub wte: Cell,
    /// Return trips a year.
    pub trips: Cell,
    /// Passenger-km a year.
    pub km: Cell,
    /// kg CO2e a year.
    pub kgco2e: Cell,
    /// Low estimate of `kgco2e`.
    pub kgco2e_low: Cell,
    /// High estimate of `kgco2e`.
    pub kgco2e_high: Cell,
    /// Car mileage cost a year.
    pub cost_gbp: Cell,
    /// Door-to-door hours a year.
    pub hours: Cell,
    /// Scenario: kg CO2e saved by short car trips on foot or by bicycle.
    pub shift_kgco2e_saved: Cell,
    /// Scenario: kg CO2e saved by one more day a week at home.
    pub home_day_kgco2e_saved: Cell,
    /// Scenario: kg CO2e, km and hours saved by the moved site.
    pub site_move_kgco2e_saved: Cell,
    /// See `site_move_kgco2e_saved`.
    pub site_move_km_saved: Cell,
    /// See `site_move_kgco2e_saved`.
    pub site_move_hours_saved: Cell,
}

impl PublishedMeasures {
    /// A group's measures as published, hidden or not.
    pub fn new(m: &CommuteMeasures, hidden: bool, rule: &Disclosure) -> PublishedMeasures {
        let staff = rule.cell(m.staff).value().unwrap_or(0.0);
        let average = |total: f64| match (rule.protects(), m.staff > 0.0) {
            (_, false) => 0.0,
            (true, true) => significant(total / m.staff, AVERAGE_SIGNIFICANT_FIGURES),
            (false, true) => total / m.staff,
        };
        let shown = |total: f64| if hidden { Cell::Suppressed } else { Cell::Count(staff * average(total)) };
        PublishedMeasures {
            staff: if hidden { Cell::Suppressed } else { Cell::Count(staff) },
            wte: shown(m.wte),
            trips: shown(m.trips),
            km: shown(m.km),
            kgco2e: shown(m.kgco2e),
            kgco2e_low: shown(m.kgco2e_low),
            kgco2e_high: shown(m.kgco2e_high),
            cost_gbp: shown(m.cost_gbp),
            hours: shown(m.hours),
            shift_kgco2e_saved: shown(m.shift_kgco2e_saved),
            home_day_kgco2e_saved: shown(m.home_day_kgco2e_saved),
            site_move_kgco2e_saved: shown(m.site_move_kgco2e_saved),
            site_move_km_saved: shown(m.site_move_km_saved),
            site_move_hours_saved: shown(m.site_move_hours_saved),
        }
    }

    /// `part` per `whole` × `scale` of two of its published figures: hidden with either, absent when `whole` is 0.
    pub fn per(part: Cell, whole: Cell, scale: f64) -> Option<Cell> {
        Cell::per(part, whole, scale)
    }
}

/// Every table of a commute run as published.
#[derive(Debug, Clone)]
pub struct PublishedCommute {
    /// By area row.
    pub areas: Vec<PublishedMeasures>,
    /// Homes outside every area.
    pub outside_areas: PublishedMeasures,
    /// Deciles 1–10, then `none`.
    pub deciles: Vec<PublishedMeasures>,
    /// Deciles 1 and 2 together.
    pub core20: PublishedMeasures,
    /// Everyone placed.
    pub total: PublishedMeasures,
    /// By site row.
    pub sites: Vec<PublishedMeasures>,
    /// By band group, in the order of `BandGroup::ALL`.
    pub bands: Vec<PublishedMeasures>,
    /// By staff group (rare ones merged).
    pub staff_groups: Vec<(String, PublishedMeasures)>,
    /// By MSOA of the run's `Areas::msoas`.
    pub msoas: Vec<PublishedMeasures>,
    /// By decile slot (1–10, none) and band group: 11 × 5, decile by decile.
    pub decile_band: Vec<PublishedMeasures>,
    /// By straight-line distance band (Census 2021 TS058's).
    pub distances: Vec<PublishedMeasures>,
    /// In a run whose staff span nations, each nation's rows on its own index (England's deciles
    /// are `deciles`); `None` otherwise.
    pub by_nation: Option<crate::commute::nations::PublishedNations>,
    /// What an attacker gets from the sums of staff counts.
    pub audits: Vec<DisclosureAudit>,
}

/// Where each table's groups start in the one list of groups.
struct Layout {
    outside: usize,
    deciles: usize,
    core20: usize,
    total: usize,
    sites: usize,
    bands: usize,
    groups: usize,
    msoas: usize,
    cross: usize,
    distances: usize,
    end: usize,
}

impl PublishedCommute {
    /// Applies the rule to every group: staff counts hidden when small, then secondary suppression
    /// over every sum an attacker could subtract along (areas within their decile and MSOA, deciles,
    /// sites, band groups, staff groups, distance bands and MSOAs within the total, Core20); each
    /// figure hidden with its count. Beside them, the same tables exact (the twins written to
    /// `not-for-publication/`, with the same rows).
    pub fn new(
        tally: &CommuteTally,
        deciles: &[Option<u8>],
        msoas: &[Option<usize>],
        rule: &Disclosure,
    ) -> (Self, Self) {
        let add = |a: &mut CommuteMeasures, b: &CommuteMeasures| a.add(b);
        let staff_groups = rule.merge_rare(&tally.by_staff_group, |m| m.staff, add, RARE_GROUPS);
        let system = CommuteSystem::build(tally, &staff_groups, deciles, msoas);
        let staff = system.raw();
        let (hidden, audit) =
            rule.protect_and_audit("staff: every table of the run", staff, &rule.primary(staff), system.margins());
        let exact = system.published(&vec![false; staff.len()], Vec::new(), &Disclosure::NONE);
        (system.published(&hidden, vec![audit], rule), exact)
    }
}

/// A commute run's staff counts as one system of sums before any is hidden, with where each
/// table's groups are in it: what [`PublishedCommute::new`] protects alone, and a network protects
/// with its partners' and its other tables (`anchormap network`). Its layout depends on the
/// number of areas, sites, staff groups and MSOAs only: tallies of the same areas and sites with
/// the same staff groups have their cells in the same places.
pub struct CommuteSystem {
    groups: Vec<CommuteMeasures>,
    staff: Vec<f64>,
    layout: Layout,
    staff_groups: Vec<String>,
    margins: Margins,
    /// Each nation's rows on its own index, when the staff span nations (`--wimd`, `--simd`).
    by_nation: Option<crate::commute::nations::NationsAt>,
}

impl CommuteSystem {
    /// The system of `tally`'s staff counts, its staff groups those of `staff_groups` (rare ones
    /// already merged, as [`Disclosure::merge_rare`] or a network's partners together do).
    pub fn build(
        tally: &CommuteTally,
        staff_groups: &BTreeMap<String, CommuteMeasures>,
        deciles: &[Option<u8>],
        msoas: &[Option<usize>],
    ) -> CommuteSystem {
        let by_decile = tally.by_decile(deciles);
        let mut groups: Vec<CommuteMeasures> = tally.by_area.clone();
        let at = |groups: &mut Vec<CommuteMeasures>, more: &[CommuteMeasures]| {
            let start = groups.len();
            groups.extend_from_slice(more);
            start
        };
        let outside = at(&mut groups, &[tally.outside_areas]);
        let first_decile = at(&mut groups, &by_decile);
        let core20 = at(&mut groups, &[CommuteMeasures::sum(&by_decile[..2])]);
        let total = at(&mut groups, &[tally.total()]);
        let sites = at(&mut groups, &tally.by_site);
        let bands = at(&mut groups, &tally.by_band);
        let group_rows: Vec<CommuteMeasures> = staff_groups.values().copied().collect();
        let first_group = at(&mut groups, &group_rows);
        let first_msoa = at(&mut groups, &msoa_measures(&tally.by_area, msoas));
        let cross = at(&mut groups, tally.by_decile_band.as_flattened());
        let distances = at(&mut groups, &tally.by_distance);
        let layout = Layout {
            outside,
            deciles: first_decile,
            core20,
            total,
            sites,
            bands,
            groups: first_group,
            msoas: first_msoa,
            cross,
            distances,
            end: groups.len(),
        };
        let staff_groups: Vec<String> = staff_groups.keys().cloned().collect();
        let mut margins = margins(&layout, deciles, msoas, &staff_groups);
        let anchors = [layout.outside, layout.deciles, layout.core20, layout.total, layout.bands, layout.cross];
        let by_nation = crate::commute::nations::extend(tally, &mut groups, &mut margins, anchors);
        let staff: Vec<f64> = groups.iter().map(|m| m.staff).collect();
        CommuteSystem { groups, staff, layout, staff_groups, margins, by_nation }
    }

    /// Each group's staff count, exact.
    pub fn raw(&self) -> &[f64] {
        &self.staff
    }

    /// The sums among the counts, and how much each matters.
    pub fn margins(&self) -> &Margins {
        &self.margins
    }

    /// The cell of everyone placed (the tables' total row).
    pub fn total(&self) -> usize {
        self.layout.total
    }

    /// The tables as published: each group hidden where `hidden` says (as [`CommuteSystem::raw`]),
    /// else its count under `rule` and its figures from that count.
    pub fn published(&self, hidden: &[bool], audits: Vec<DisclosureAudit>, rule: &Disclosure) -> PublishedCommute {
        let layout = &self.layout;
        let publish = |i: usize| PublishedMeasures::new(&self.groups[i], hidden[i], rule);
        PublishedCommute {
            areas: (0..layout.outside).map(publish).collect(),
            outside_areas: publish(layout.outside),
            deciles: (layout.deciles..layout.deciles + 11).map(publish).collect(),
            core20: publish(layout.core20),
            total: publish(layout.total),
            sites: (layout.sites..layout.bands).map(publish).collect(),
            bands: (layout.bands..layout.groups).map(publish).collect(),
            staff_groups: self.staff_groups.iter().cloned().zip((layout.groups..layout.msoas).map(publish)).collect(),
            msoas: (layout.msoas..layout.cross).map(publish).collect(),
            decile_band: (layout.cross..layout.distances).map(publish).collect(),
            distances: (layout.distances..layout.end).map(publish).collect(),
            by_nation: self.by_nation.as_ref().map(|at| at.publish(&publish)),
            audits,
        }
    }
}

/// The sums between the groups, and which groups are hidden first (residual) and last (headline).
fn margins(l: &Layout, deciles: &[Option<u8>], msoas: &[Option<usize>], group_names: &[String]) -> Margins {
    let mut margins = Margins::new();
    for slot in 0..11 {
        let parts = deciles.iter().enumerate().filter(|(_, d)| decile_slot(**d) == slot).map(|(i, _)| i);
        let parts: Vec<usize> = if slot == 10 { parts.chain([l.outside]).collect() } else { parts.collect() };
        margins.add(parts, l.deciles + slot);
    }
    margins.add(l.deciles..l.deciles + 11, l.total);
    margins.add([l.deciles, l.deciles + 1], l.core20);
    margins.add(l.sites..l.bands, l.total);
    margins.add(l.bands..l.groups, l.total);
    margins.add(l.groups..l.msoas, l.total);
    for slot in 0..11 {
        margins.add(l.cross + slot * 5..l.cross + slot * 5 + 5, l.deciles + slot);
    }
    for band in 0..5 {
        margins.add((0..11).map(|slot| l.cross + slot * 5 + band), l.bands + band);
    }
    margins.add(l.distances..l.end, l.total);
    if l.msoas < l.cross {
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); l.cross - l.msoas];
        let mut loose = vec![l.outside];
        for (area, m) in msoas.iter().enumerate() {
            match m {
                Some(m) => members[*m].push(area),
                None => loose.push(area),
            }
        }
        for (m, parts) in members.into_iter().enumerate() {
            margins.add(parts, l.msoas + m);
        }
        margins.add((l.msoas..l.cross).chain(loose), l.total);
    }
    let residual_groups = group_names.iter().enumerate().filter(|(_, g)| *g == RARE_GROUPS || *g == "Not recorded");
    for cell in [l.outside, l.deciles + 10, l.groups - 1].into_iter().chain(residual_groups.map(|(i, _)| l.groups + i))
    {
        margins.rank(cell, Importance::Residual);
    }
    let residual_cross = (0..55).filter(|i| i / 5 == 10 || i % 5 == 4).map(|i| l.cross + i);
    residual_cross.for_each(|cell| margins.rank(cell, Importance::Residual));
    for cell in [l.deciles, l.deciles + 1, l.core20, l.total, l.bands] {
        margins.rank(cell, Importance::Headline);
    }
    margins
}

/// Each MSOA's measures: its areas added up.
fn msoa_measures(by_area: &[CommuteMeasures], msoas: &[Option<usize>]) -> Vec<CommuteMeasures> {
    let count = msoas.iter().flatten().max().map_or(0, |m| m + 1);
    let mut out = vec![CommuteMeasures::default(); count];
    for (m, measures) in msoas.iter().zip(by_area) {
        if let Some(m) = m {
            out[*m].add(measures);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_follow_the_published_count() {
        let rule = Disclosure::default();
        let m = CommuteMeasures {
            staff: 11.0,
            wte: 9.9,
            trips: 2475.0,
            km: 24_750.0,
            kgco2e: 4139.4,
            ..Default::default()
        };
        let p = PublishedMeasures::new(&m, false, &rule);
        assert_eq!(p.staff, Cell::Count(10.0));
        // 225 trips of 10 km a person: 10 published people x 2,250 km.
        assert_eq!(p.km, Cell::Count(22_500.0));
        let twelve = CommuteMeasures { staff: 12.0, km: 27_000.0, ..m };
        assert_eq!(PublishedMeasures::new(&twelve, false, &rule).km, p.km, "11 and 12 publish the same km");
        assert_eq!(PublishedMeasures::new(&m, true, &rule).kgco2e, Cell::Suppressed);
    }
}
