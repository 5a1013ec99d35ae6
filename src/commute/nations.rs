//! Commuting by nation (issue 30): with `--wimd`/`--simd` and staff living in more than one nation, each nation's staff counted on the deciles of its own index (Wales on WIMD, Scotland on SIMD), England's on its IMD as always, side by side and never pooled.
//!
//! The nations' rows are more cells of the run's one system of sums ([`extend`]): each nation's
//! deciles add up to its total, its deciles 1–2 to their own row, its deciles by band group to its
//! deciles and (with every nation's and the staff without a decile) to the band groups; the
//! nations' totals with the staff without a decile to the run's total, and every nation's but
//! England's with those staff to England's `none` row. England's deciles are the run's own.

use serde::Serialize;

use crate::analysis::emissions::DecileGroups;
use crate::commute::equity::{EquityLens, NoCar};
use crate::commute::published::PublishedMeasures;
use crate::commute::tables::{entry_pay, measure_cells, share, MEASURE_COLUMNS};
use crate::commute::tally::{CommuteMeasures, CommuteTally};
use crate::geocoder::nations::nation_name;
use crate::input::band::BandGroup;
use crate::io::format::{mass, thousands};
use crate::output::disclosure::{Cell, Importance, Margins};
use crate::output::table::{fixed, Table};
use crate::reference::Country;
use crate::run::RunContext;

/// Why each nation's staff are counted on its own index, in one sentence (the gaps wording).
pub const NATIONS_NOT_POOLED: &str = "Each nation's index ranks its areas only within that nation (a Welsh decile 1 \
     is the most deprived tenth of Wales, not of England or Great Britain), so the indices are not pooled: each \
     nation's staff are counted on the deciles of that nation's own index.";

/// The decile groups of the run's staff: `None` when they all live in England (or the run has no
/// other nation's index); else each nation's own deciles, England first, for the nations where
/// staff live (an area's group `10 × nation + decile − 1`).
pub fn decile_groups(run: &RunContext, tally: &CommuteTally) -> Option<DecileGroups> {
    let nations = run.geocoder.nations.as_ref()?;
    let facts = &run.areas.facts;
    let order = [Country::England, Country::Wales, Country::Scotland];
    let valid = |d: u8| (1..=10).contains(&d);
    // An area's own nation and decile: England's IMD where it has one, else its own nation's index.
    let own = |a: &crate::analysis::AreaFacts| match (a.decile.filter(|d| valid(*d)), a.own) {
        (Some(d), _) => Some((Country::England, d)),
        (None, Some(o)) if o.nation != Country::England && order.contains(&o.nation) && valid(o.decile) => {
            Some((o.nation, o.decile))
        }
        _ => None,
    };
    let staffed = facts.iter().zip(&tally.by_area).filter(|(_, m)| m.staff > 0.0);
    let mut present: Vec<Country> =
        staffed.filter_map(|(a, _)| own(a)).map(|(n, _)| n).filter(|n| *n != Country::England).collect();
    present.sort_by_key(|n| order.iter().position(|o| o == n));
    present.dedup();
    if present.is_empty() {
        return None;
    }
    let list: Vec<(Country, String)> = std::iter::once(Country::England)
        .chain(present)
        .map(|n| (n, nations.index_of(n).unwrap_or("IMD").to_string()))
        .collect();
    let of_area = facts
        .iter()
        .map(|a| {
            let (nation, decile) = own(a)?;
            let n = list.iter().position(|(c, _)| *c == nation)?;
            Some(n * 10 + decile as usize - 1)
        })
        .collect();
    Some(DecileGroups { of_area, nations: list })
}

/// The staff of each group of `groups` (ten per nation), those without a decile of their own
/// nation's index (with the homes outside every area), and the same by band group.
struct OwnMeasures {
    deciles: Vec<CommuteMeasures>,
    none: CommuteMeasures,
    decile_band: Vec<[CommuteMeasures; 5]>,
    none_band: [CommuteMeasures; 5],
}

impl OwnMeasures {
    fn of(tally: &CommuteTally, groups: &DecileGroups) -> OwnMeasures {
        let slots = groups.none();
        let mut own = OwnMeasures {
            deciles: vec![CommuteMeasures::default(); slots],
            none: tally.outside_areas,
            decile_band: vec![[CommuteMeasures::default(); 5]; slots],
            none_band: [CommuteMeasures::default(); 5],
        };
        for (area, m) in tally.by_area.iter().enumerate() {
            match groups.of_area[area] {
                Some(s) => own.deciles[s].add(m),
                None => own.none.add(m),
            }
        }
        // Rows past the areas (homes outside every area) have no group.
        for (row, bands) in tally.by_area_band.iter().enumerate() {
            let target = match groups.of_area.get(row).copied().flatten() {
                Some(s) => &mut own.decile_band[s],
                None => &mut own.none_band,
            };
            for (t, m) in target.iter_mut().zip(bands) {
                t.add(m);
            }
        }
        own
    }
}

/// Where one nation's groups are in the run's list.
struct NationAt {
    deciles: Vec<usize>,
    total: usize,
    low: usize,
    /// Decile by band group, decile by decile (10 × 5).
    decile_band: Vec<usize>,
}

/// Where the nations' groups are in the run's list, to publish them once protected.
pub struct NationsAt {
    groups: DecileGroups,
    nations: Vec<NationAt>,
    none: usize,
    none_band: Vec<usize>,
}

/// Adds each nation's groups and their sums to the run's (`anchors`: where the run's outside-areas,
/// first decile, Core20, total, first band group and first decile × band groups are); `None`, and
/// nothing added, unless the staff span nations ([`CommuteTally::nations`]).
pub fn extend(
    tally: &CommuteTally,
    groups: &mut Vec<CommuteMeasures>,
    margins: &mut Margins,
    anchors: [usize; 6],
) -> Option<NationsAt> {
    let decile_groups = tally.nations.clone()?;
    let [outside, first_decile, core20, total, bands, cross] = anchors;
    let own = OwnMeasures::of(tally, &decile_groups);
    let push = |groups: &mut Vec<CommuteMeasures>, m: CommuteMeasures| {
        groups.push(m);
        groups.len() - 1
    };
    let mut nations = Vec::new();
    for n in 0..decile_groups.nations.len() {
        let slots = n * 10..n * 10 + 10;
        let (deciles, decile_band): (Vec<usize>, Vec<usize>) = match n {
            // England's deciles (and by band) are the run's own.
            0 => ((first_decile..first_decile + 10).collect(), (cross..cross + 50).collect()),
            _ => {
                let deciles: Vec<usize> = slots.clone().map(|s| push(groups, own.deciles[s])).collect();
                let bands: Vec<usize> =
                    slots.clone().flat_map(|s| own.decile_band[s]).map(|m| push(groups, m)).collect();
                for (d, slot) in slots.clone().enumerate() {
                    let parts = decile_groups.of_area.iter().enumerate().filter(|(_, g)| **g == Some(slot));
                    margins.add(parts.map(|(i, _)| i).collect::<Vec<_>>(), deciles[d]);
                    margins.add(bands[d * 5..d * 5 + 5].to_vec(), deciles[d]);
                }
                (deciles, bands)
            }
        };
        let nation_total = push(groups, CommuteMeasures::sum(&own.deciles[slots.clone()]));
        margins.add(deciles.clone(), nation_total);
        let low = match n {
            0 => core20,
            _ => {
                let low = push(groups, CommuteMeasures::sum(&own.deciles[n * 10..n * 10 + 2]));
                margins.add([deciles[0], deciles[1]], low);
                low
            }
        };
        for cell in [deciles[0], deciles[1], nation_total, low] {
            margins.rank(cell, Importance::Headline);
        }
        for d in 0..10 {
            margins.rank(decile_band[d * 5 + 4], Importance::Residual);
        }
        nations.push(NationAt { deciles, total: nation_total, low, decile_band });
    }
    let (none, none_band) = without_decile(&own, &decile_groups, groups, margins, outside);
    add_totals(&nations, none, &none_band, margins, [total, first_decile, bands, cross]);
    Some(NationsAt { groups: decile_groups, nations, none, none_band })
}

/// The staff without a decile in any nation's index (in all and by band group), as cells.
fn without_decile(
    own: &OwnMeasures,
    decile_groups: &DecileGroups,
    groups: &mut Vec<CommuteMeasures>,
    margins: &mut Margins,
    outside: usize,
) -> (usize, Vec<usize>) {
    let mut push = |m: CommuteMeasures| {
        groups.push(m);
        groups.len() - 1
    };
    let none = push(own.none);
    let parts = decile_groups.of_area.iter().enumerate().filter(|(_, g)| g.is_none()).map(|(i, _)| i);
    margins.add(parts.chain([outside]).collect::<Vec<_>>(), none);
    let none_band: Vec<usize> = own.none_band.iter().map(|m| push(*m)).collect();
    margins.add(none_band.clone(), none);
    for cell in none_band.iter().chain([&none]) {
        margins.rank(*cell, Importance::Residual);
    }
    (none, none_band)
}

/// The nations' totals and the staff without a decile make the run's total; all but England's
/// make England's `none`; by band group likewise.
fn add_totals(nations: &[NationAt], none: usize, none_band: &[usize], margins: &mut Margins, anchors: [usize; 4]) {
    let [total, first_decile, bands, cross] = anchors;
    let totals: Vec<usize> = nations.iter().map(|n| n.total).collect();
    margins.add(totals.iter().copied().chain([none]).collect::<Vec<_>>(), total);
    margins.add(totals[1..].iter().copied().chain([none]).collect::<Vec<_>>(), first_decile + 10);
    for (b, none_of_band) in none_band.iter().enumerate() {
        let of_band = |nation: &NationAt| (0..10).map(move |d| nation.decile_band[d * 5 + b]).collect::<Vec<_>>();
        let others: Vec<usize> = nations[1..].iter().flat_map(of_band).chain([*none_of_band]).collect();
        margins.add(others.clone(), cross + 50 + b);
        margins.add(of_band(&nations[0]).into_iter().chain(others).collect::<Vec<_>>(), bands + b);
    }
}

impl NationsAt {
    /// The nations' rows as published (`publish`: a group's measures, hidden or not).
    pub fn publish(&self, publish: &dyn Fn(usize) -> PublishedMeasures) -> PublishedNations {
        let all = |cells: &[usize]| cells.iter().map(|i| publish(*i)).collect::<Vec<_>>();
        PublishedNations {
            nations: self.groups.nations.clone(),
            of_area: self.groups.of_area.clone(),
            by_nation: self
                .nations
                .iter()
                .map(|n| NationCells {
                    deciles: all(&n.deciles),
                    total: publish(n.total),
                    low: publish(n.low),
                    decile_band: all(&n.decile_band),
                })
                .collect(),
            none: publish(self.none),
            none_band: all(&self.none_band),
        }
    }
}

/// One nation's rows as published.
#[derive(Debug, Clone)]
pub struct NationCells {
    /// Its own index's deciles 1–10.
    pub deciles: Vec<PublishedMeasures>,
    /// All its staff with a decile of its own index.
    pub total: PublishedMeasures,
    /// Its deciles 1–2 (England's: Core20).
    pub low: PublishedMeasures,
    /// Decile by band group (10 × 5, in the order of [`BandGroup::ALL`]).
    pub decile_band: Vec<PublishedMeasures>,
}

/// Each nation's rows on its own index, as published, England first.
#[derive(Debug, Clone)]
pub struct PublishedNations {
    /// The nations and their indices (`(Wales, "WIMD 2025")`).
    pub nations: Vec<(Country, String)>,
    /// Each area's group (`10 × nation + decile − 1`).
    pub of_area: Vec<Option<usize>>,
    /// Each nation's rows, in the order of `nations`.
    pub by_nation: Vec<NationCells>,
    /// Staff without a decile of their own nation's index (and homes outside every area).
    pub none: PublishedMeasures,
    /// The same by band group.
    pub none_band: Vec<PublishedMeasures>,
}

impl PublishedNations {
    /// `commute_by_decile.csv` across nations: each nation's deciles of its own index and its total
    /// (kg shares within the nation), then the staff without a decile and the run's total.
    pub fn decile_table(&self, total: &PublishedMeasures) -> Table {
        let mut headers = vec!["nation", "deprivation_index", "deprivation_decile"];
        headers.extend(MEASURE_COLUMNS);
        headers.push("share_of_kgco2e");
        let mut table = Table::new(&headers);
        let row = |label: [String; 3], p: &PublishedMeasures, whole: &PublishedMeasures| {
            let mut row = label.to_vec();
            row.extend(measure_cells(p));
            row.push(share(p.kgco2e, whole.kgco2e));
            row
        };
        for ((nation, index), cells) in self.nations.iter().zip(&self.by_nation) {
            let label = |d: String| [nation_name(*nation).to_string(), index.clone(), d];
            for (d, p) in cells.deciles.iter().enumerate() {
                table.push(row(label((d + 1).to_string()), p, &cells.total));
            }
            table.push(row(label("total".into()), &cells.total, &cells.total));
        }
        table.push(row([String::new(), String::new(), "none".into()], &self.none, total));
        table.push(row([String::new(), String::new(), "total".into()], total, total));
        table
    }

    /// `commute_by_decile_band.csv` across nations: each nation's deciles of its own index by band
    /// group, then the staff without a decile by band group; cost per WTE against entry pay.
    pub fn decile_band_table(&self) -> Table {
        let mut headers = vec!["nation", "deprivation_index", "deprivation_decile", "band_group"];
        headers.extend(MEASURE_COLUMNS);
        headers.extend(["entry_pay_gbp", "cost_share_of_pay"]);
        let mut table = Table::new(&headers);
        let row = |label: [String; 3], band: BandGroup, p: &PublishedMeasures| {
            let mut row = label.to_vec();
            row.push(band.to_string());
            row.extend(measure_cells(p));
            let pay = entry_pay(band);
            row.push(fixed(pay, 0));
            row.push(match (PublishedMeasures::per(p.cost_gbp, p.wte, 1.0), pay) {
                (Some(Cell::Count(cost)), Some(pay)) => fixed(Some(cost / pay), 4),
                (Some(Cell::Suppressed), Some(_)) => "*".to_string(),
                _ => String::new(),
            });
            row
        };
        for ((nation, index), cells) in self.nations.iter().zip(&self.by_nation) {
            for (i, p) in cells.decile_band.iter().enumerate() {
                let label = [nation_name(*nation).to_string(), index.clone(), (i / 5 + 1).to_string()];
                table.push(row(label, BandGroup::ALL[i % 5], p));
            }
        }
        for (band, p) in BandGroup::ALL.iter().zip(&self.none_band) {
            table.push(row([String::new(), String::new(), "none".into()], *band, p));
        }
        table
    }

    /// Each nation's headline figures from the published rows: its staff and kg, the share of its
    /// kg from its deciles 1–2, the scenarios' savings there, and its equity lens (its car share
    /// weighted by `area_staff`, each area's published staff count, as England's lens).
    pub fn summaries(
        &self,
        area_staff: &[f64],
        (no_car, paid_hours): (Option<&NoCar>, f64),
        scenarios: [bool; 3],
    ) -> Vec<CommuteNation> {
        self.nations
            .iter()
            .zip(&self.by_nation)
            .enumerate()
            .map(|(n, ((nation, index), cells))| {
                let sum = |a: Cell, b: Cell| match (a, b) {
                    (Cell::Count(a), Cell::Count(b)) => Some(a + b),
                    _ => None,
                };
                let (d1, d2) = (&cells.decile_band[0], &cells.decile_band[5]);
                let figures = [
                    sum(d1.staff, d2.staff),
                    sum(d1.wte, d2.wte),
                    sum(d1.cost_gbp, d2.cost_gbp),
                    sum(d1.hours, d2.hours),
                ];
                let car = no_car.and_then(|c| c.weighted(area_staff, &self.deciles_of(n)));
                let lens = EquityLens::of_nation(figures, car, paid_hours, (true, index));
                nation_summary(nation_name(*nation), index, (&cells.total, &cells.low), lens, scenarios)
            })
            .collect()
    }

    /// An area's nation, its index and its decile in it (blank without one), for the area table.
    pub fn area_cells(&self, area: usize) -> [String; 3] {
        match self.of_area.get(area).copied().flatten() {
            Some(g) => {
                let (nation, index) = &self.nations[g / 10];
                [nation_name(*nation).to_string(), index.clone(), (g % 10 + 1).to_string()]
            }
            None => Default::default(),
        }
    }

    /// Each area's decile in nation `n`'s own index (`None` elsewhere), for the car share.
    fn deciles_of(&self, n: usize) -> Vec<Option<u8>> {
        let of = |g: &Option<usize>| g.filter(|g| g / 10 == n).map(|g| (g % 10 + 1) as u8);
        self.of_area.iter().map(of).collect()
    }
}

/// One nation's commute in a run whose staff span nations, from the published rows.
#[derive(Debug, Clone, Serialize)]
pub struct CommuteNation {
    /// `England`, `Wales`, `Scotland`.
    pub nation: String,
    /// Its own index (`WIMD 2025`).
    pub index: String,
    /// Staff living in the nation (with a decile of its own index).
    pub staff: Option<f64>,
    /// Their commute's kg CO2e a year.
    pub kgco2e: Option<f64>,
    /// Staff living in its deciles 1–2.
    pub deciles_1_2_staff: Option<f64>,
    /// Of its kg CO2e, the share from staff in its deciles 1–2.
    pub share_of_kgco2e_from_deciles_1_2: Option<f64>,
    /// Of each scenario's saving in the nation, the share from staff in its deciles 1–2 (when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modal_shift_share_to_deciles_1_2: Option<f64>,
    /// See `modal_shift_share_to_deciles_1_2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_home_day_share_to_deciles_1_2: Option<f64>,
    /// See `modal_shift_share_to_deciles_1_2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_move_share_to_deciles_1_2: Option<f64>,
    /// Its Bands 1–4 staff living in its deciles 1–2.
    pub equity_lens: EquityLens,
    /// The nation's figures in a sentence.
    pub headline: String,
}

/// A nation's summary and headline from its total and deciles 1–2 rows and its lens.
fn nation_summary(
    name: &str,
    index: &str,
    (total, low): (&PublishedMeasures, &PublishedMeasures),
    lens: EquityLens,
    [shift, home, moved]: [bool; 3],
) -> CommuteNation {
    let ratio = |part: Cell, whole: Cell| match (part.value(), whole.value()) {
        (Some(p), Some(w)) if w != 0.0 => Some((p / w * 10_000.0).round() / 10_000.0),
        _ => None,
    };
    let kg_share = ratio(low.kgco2e, total.kgco2e);
    let staff_share = ratio(low.staff, total.staff);
    let staff = total.staff.value().map_or("a small number of".to_string(), |s| thousands(s as u64));
    let kg = total.kgco2e.value().map_or("a hidden amount of".to_string(), mass);
    let core20 = if name == "England" { ", Core20" } else { "" };
    let mut headline = format!("{name}: {staff} staff living in {name} commute {kg} CO2e a year");
    if let (Some(k), Some(s)) = (kg_share, staff_share) {
        headline.push_str(&format!(
            "; {:.1}% of it from staff in its most deprived fifth of neighbourhoods ({index} deciles 1-2{core20}), who \
             are {:.1}% of its staff",
            k * 100.0,
            s * 100.0
        ));
    }
    if let (Some(n), Some(c), Some(h)) =
        (lens.bands_1_4_deciles_1_2_staff, lens.cost_share_of_entry_pay, lens.hours_share_of_paid_hours)
    {
        headline.push_str(&format!(
            "; its {} Bands 1-4 staff there spend {:.1}% of Band 2 entry pay and {:.1}% of their paid hours on the commute",
            thousands(n as u64),
            c * 100.0,
            h * 100.0
        ));
    }
    CommuteNation {
        nation: name.to_string(),
        index: index.to_string(),
        staff: total.staff.value(),
        kgco2e: total.kgco2e.value().map(|v| (v * 10.0).round() / 10.0),
        deciles_1_2_staff: low.staff.value(),
        share_of_kgco2e_from_deciles_1_2: kg_share,
        modal_shift_share_to_deciles_1_2: ratio(low.shift_kgco2e_saved, total.shift_kgco2e_saved).filter(|_| shift),
        extra_home_day_share_to_deciles_1_2: ratio(low.home_day_kgco2e_saved, total.home_day_kgco2e_saved)
            .filter(|_| home),
        site_move_share_to_deciles_1_2: ratio(low.site_move_kgco2e_saved, total.site_move_kgco2e_saved)
            .filter(|_| moved),
        equity_lens: lens,
        headline,
    }
}

/// Each nation's figures from the exact tally, for the exact summary (no rule: the counts themselves).
pub fn exact_summaries(
    tally: &CommuteTally,
    no_car: Option<&NoCar>,
    paid_hours: f64,
    scenarios: [bool; 3],
) -> Vec<CommuteNation> {
    let Some(groups) = &tally.nations else { return Vec::new() };
    let own = OwnMeasures::of(tally, groups);
    let rule = crate::output::disclosure::Disclosure::NONE;
    let exact = |m: &CommuteMeasures| PublishedMeasures::new(m, false, &rule);
    let area_staff: Vec<f64> = tally.by_area.iter().map(|a| a.staff).collect();
    groups
        .nations
        .iter()
        .enumerate()
        .map(|(n, (nation, index))| {
            let total = CommuteMeasures::sum(&own.deciles[n * 10..n * 10 + 10]);
            let low = CommuteMeasures::sum(&own.deciles[n * 10..n * 10 + 2]);
            let lens_m = CommuteMeasures::sum([&own.decile_band[n * 10][0], &own.decile_band[n * 10 + 1][0]]);
            let figures = [Some(lens_m.staff), Some(lens_m.wte), Some(lens_m.cost_gbp), Some(lens_m.hours)];
            let of = |g: &Option<usize>| g.filter(|g| g / 10 == n).map(|g| (g % 10 + 1) as u8);
            let deciles: Vec<Option<u8>> = groups.of_area.iter().map(of).collect();
            let car = no_car.and_then(|c| c.weighted(&area_staff, &deciles));
            let lens = EquityLens::of_nation(figures, car, paid_hours, (false, index));
            nation_summary(nation_name(*nation), index, (&exact(&total), &exact(&low)), lens, scenarios)
        })
        .collect()
}
