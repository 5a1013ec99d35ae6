//! Emissions as published: counts under the disclosure rule, hidden consistently across every table that shares a margin, and every figure derived from a count recomputed from the published count.
//!
//! The threat (METHOD.md, "Disclosure control"): an attacker holds every published file of a run
//! and all public data. Patient km and kg CO2e are counts times per-trip distances, and per-trip
//! distances are public geometry, so a figure computed from an exact count gives the count back
//! (and, for one patient, the postcode). Here a derived figure is the *published* count times a
//! per-trip average rounded to three significant figures: it narrows the count no further than
//! the rule does, and it is hidden whenever its count is.

use std::collections::BTreeMap;

use crate::analysis::emissions::{DecileGroups, EmissionsTally, Measures};
use crate::output::disclosure::{Cell, Disclosure, DisclosureAudit, Importance, Margins};

/// Significant figures of the per-trip averages from which published totals are rebuilt.
pub const AVERAGE_SIGNIFICANT_FIGURES: i32 = 3;

/// The row of specialties with fewer than `min_count` appointments each (a specialty is the
/// input's own text: a rare one is published neither word for word nor as a row of `*`).
pub const RARE_SPECIALTIES: &str = "Other specialties (each fewer than the minimum count)";

/// One group's measures (an area, a decile, a site, a specialty, the total) as published.
/// `Cell::Suppressed` is a hidden figure (`*`); `None` a figure that does not apply (blank).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PublishedMeasures {
    pub appointments: Cell,
    pub face_to_face: Cell,
    pub virtual_: Cell,
    pub patient_km: Cell,
    pub kgco2e: Cell,
    /// The low and high estimates of `kgco2e`, from the same published count (hidden with it).
    pub kgco2e_low: Cell,
    pub kgco2e_high: Cell,
    /// Door-to-door hours and car mileage cost of the face-to-face trips (hidden with their count).
    pub patient_hours: Cell,
    pub cost_gbp: Cell,
    pub kgco2e_avoided: Cell,
    pub kgco2e_per_appointment: Option<Cell>,
    pub kgco2e_per_face_to_face: Option<Cell>,
    pub scenario_eligible: Cell,
    pub scenario_appointments_shifted: Cell,
    pub scenario_patient_km_saved: Cell,
    pub scenario_kgco2e_saved: Cell,
    pub scenario_kgco2e_saved_low: Cell,
    pub scenario_kgco2e_saved_high: Cell,
    pub scenario_cost_saved_gbp: Cell,
    pub scenario_hours_saved: Cell,
}

/// Which of a group's counts are hidden. Appointments are published only when both face to face
/// and virtual are (else one would be the total minus the other).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Hidden {
    pub face_to_face: bool,
    pub virtual_: bool,
    pub scenario: bool,
}

impl PublishedMeasures {
    /// A group's measures as published, given which of its counts are hidden.
    // One of the few functions over 60 lines: a field per published measure, each one line,
    // read best side by side with the rules above them.
    pub fn new(m: &Measures, hidden: Hidden, fraction: f64, rule: &Disclosure) -> Self {
        use Cell::{Count, Suppressed};
        let count = |c: f64| rule.cell(c).value().unwrap_or(0.0);
        // Without any protection (exact counts published) the exact averages are published too.
        let average = |total: f64, count: f64| match (rule.protects(), count > 0.0) {
            (_, false) => 0.0,
            (true, true) => significant(total / count, AVERAGE_SIGNIFICANT_FIGURES),
            (false, true) => total / count,
        };
        let shown = |hidden: bool, value: f64| if hidden { Suppressed } else { Count(value) };
        let (face_to_face, virtual_) = (count(m.face_to_face), count(m.virtual_));
        let kgco2e = face_to_face * average(m.kgco2e, m.face_to_face);
        let per_face_to_face = |total: f64| shown(hidden.face_to_face, face_to_face * average(total, m.face_to_face));
        let appointments_hidden = hidden.face_to_face || hidden.virtual_;
        let appointments = count(m.appointments);
        let ratio = |hide: bool, part: f64, whole: f64| match (hide, whole > 0.0) {
            (true, _) => Some(Suppressed),
            (false, true) => Some(Count(part / whole)),
            (false, false) => None,
        };
        let eligible = count(m.scenario_eligible);
        let shifted = eligible * fraction;
        let saved = |total: f64| shown(hidden.scenario, shifted * average(total, m.scenario_shifted));
        PublishedMeasures {
            appointments: shown(appointments_hidden, appointments),
            face_to_face: shown(hidden.face_to_face, face_to_face),
            virtual_: shown(hidden.virtual_, virtual_),
            patient_km: shown(hidden.face_to_face, face_to_face * average(m.patient_km, m.face_to_face)),
            kgco2e: shown(hidden.face_to_face, kgco2e),
            kgco2e_low: per_face_to_face(m.kgco2e_low),
            kgco2e_high: per_face_to_face(m.kgco2e_high),
            patient_hours: per_face_to_face(m.patient_hours),
            cost_gbp: per_face_to_face(m.cost_gbp),
            kgco2e_avoided: shown(hidden.virtual_, virtual_ * average(m.kgco2e_avoided, m.virtual_)),
            kgco2e_per_appointment: ratio(appointments_hidden, kgco2e, appointments),
            kgco2e_per_face_to_face: ratio(hidden.face_to_face, kgco2e, face_to_face),
            scenario_eligible: shown(hidden.scenario, eligible),
            scenario_appointments_shifted: shown(hidden.scenario, shifted),
            scenario_patient_km_saved: saved(m.scenario_km_saved),
            scenario_kgco2e_saved: saved(m.scenario_kgco2e_saved),
            scenario_kgco2e_saved_low: saved(m.scenario_kgco2e_saved_low),
            scenario_kgco2e_saved_high: saved(m.scenario_kgco2e_saved_high),
            scenario_cost_saved_gbp: saved(m.scenario_cost_saved_gbp),
            scenario_hours_saved: saved(m.scenario_hours_saved),
        }
    }
}

impl PublishedMeasures {
    /// kg CO2e per patient-km, from the published kg and km.
    pub fn kgco2e_per_patient_km(&self) -> Option<Cell> {
        Cell::per(self.kgco2e, self.patient_km, 1.0)
    }

    /// Door-to-door minutes per face-to-face appointment (both ways), from the published hours and count.
    pub fn minutes_per_trip(&self) -> Option<Cell> {
        Cell::per(self.patient_hours, self.face_to_face, 60.0)
    }

    /// Car mileage cost per face-to-face appointment, from the published cost and count.
    pub fn cost_gbp_per_trip(&self) -> Option<Cell> {
        Cell::per(self.cost_gbp, self.face_to_face, 1.0)
    }
}

/// `value` rounded to `figures` significant figures (kept here for the paths that name it).
pub use crate::io::format::significant;

/// Every table of an emissions run as published, hidden consistently across all of them.
#[derive(Debug, Clone)]
pub struct PublishedEmissions {
    /// By area row (the same order as the run's areas).
    pub areas: Vec<PublishedMeasures>,
    /// Patients whose point lies outside every area.
    pub outside_areas: PublishedMeasures,
    /// National IMD deciles 1–10, then `none` (no English decile, or outside the boundaries); in
    /// a run across nations each nation's own deciles 1–10, nation after nation, then `none`.
    pub deciles: Vec<PublishedMeasures>,
    /// Deciles 1 and 2 together (Core20: England's IMD).
    pub core20: PublishedMeasures,
    pub total: PublishedMeasures,
    /// In a run across nations, each nation's (total, deciles 1 and 2 of its own index); England's
    /// deciles 1 and 2 are `core20`. Empty otherwise.
    pub nations: Vec<(PublishedMeasures, PublishedMeasures)>,
    pub sites: Vec<PublishedMeasures>,
    pub specialties: Vec<(String, PublishedMeasures)>,
    /// By MSOA (the run's `Areas::msoas`): its areas added up.
    pub msoas: Vec<PublishedMeasures>,
    /// What an attacker gets from the sums: face-to-face, virtual and scenario-eligible counts.
    pub audits: Vec<DisclosureAudit>,
}

impl PublishedEmissions {
    /// Applies the rule to every group of `tally`: each count hidden when small, then secondary
    /// suppression over every relation an attacker could subtract along (areas within their
    /// decile, deciles within the total and Core20, sites and specialties within the total, areas
    /// within their MSOA, MSOAs within the total); each figure derived from a count hidden with it.
    pub fn new(
        tally: &EmissionsTally,
        deciles: &DecileGroups,
        area_msoas: &[Option<usize>],
        fraction: f64,
        rule: &Disclosure,
    ) -> Self {
        let specialties = rule.merge_rare(&tally.by_specialty, |m| m.appointments, Measures::add, RARE_SPECIALTIES);
        let (groups, at) = groups(tally, deciles, area_msoas, &specialties);
        let margins = margins(&at, deciles, area_msoas, &specialties);
        let (hidden, audits) = hidden(&groups, &margins, rule);
        let publish = |i: usize| PublishedMeasures::new(&groups[i], hidden[i], fraction, rule);
        PublishedEmissions {
            areas: (0..at.outside).map(publish).collect(),
            outside_areas: publish(at.outside),
            deciles: (at.first_decile..at.first_decile + deciles.len()).map(publish).collect(),
            core20: publish(at.core20),
            total: publish(at.total),
            nations: at.nations.iter().map(|(total, low)| (publish(*total), publish(*low))).collect(),
            sites: (at.first_site..at.first_specialty).map(publish).collect(),
            specialties: specialties.keys().cloned().zip((at.first_specialty..at.first_msoa).map(publish)).collect(),
            msoas: (at.first_msoa..groups.len()).map(publish).collect(),
            audits,
        }
    }
}

/// Where each kind of group is in the one list of groups.
struct Layout {
    outside: usize,
    first_decile: usize,
    /// The decile groups (ten per nation, then `none`).
    deciles: usize,
    core20: usize,
    total: usize,
    /// Across nations, each nation's (total, deciles 1–2) groups (England's deciles 1–2 are `core20`).
    nations: Vec<(usize, usize)>,
    first_site: usize,
    first_specialty: usize,
    first_msoa: usize,
    end: usize,
}

/// The groups, in one list: areas, outside, deciles (11), core20, total, sites, specialties, MSOAs.
fn groups(
    tally: &EmissionsTally,
    decile_groups: &DecileGroups,
    area_msoas: &[Option<usize>],
    specialties: &BTreeMap<String, Measures>,
) -> (Vec<Measures>, Layout) {
    let deciles = tally.by_group(decile_groups);
    let total = tally.total();
    let core20 = Measures::sum(&deciles[..2]);
    let mut groups: Vec<Measures> = tally.by_area.clone();
    let outside = groups.len();
    groups.push(tally.outside_areas);
    let first_decile = groups.len();
    groups.extend(deciles.iter().copied());
    let core20_at = groups.len();
    groups.push(core20);
    let total_at = groups.len();
    groups.push(total);
    let mut nations = Vec::new();
    if decile_groups.across_nations() {
        for n in 0..decile_groups.nations.len() {
            let of_nation = &deciles[n * 10..n * 10 + 10];
            let nation_total = groups.len();
            groups.push(Measures::sum(of_nation));
            let low = match n {
                0 => core20_at,
                _ => {
                    groups.push(Measures::sum(&of_nation[..2]));
                    groups.len() - 1
                }
            };
            nations.push((nation_total, low));
        }
    }
    let first_site = groups.len();
    groups.extend(tally.by_site.iter().copied());
    let first_specialty = groups.len();
    groups.extend(specialties.values().copied());
    let first_msoa = groups.len();
    groups.extend(msoa_measures(&tally.by_area, area_msoas));
    let end = groups.len();
    let at = Layout {
        outside,
        first_decile,
        deciles: decile_groups.len(),
        core20: core20_at,
        total: total_at,
        nations,
        first_site,
        first_specialty,
        first_msoa,
        end,
    };
    (groups, at)
}

/// Every relation an attacker could subtract along, and which groups to hide first and last.
fn margins(
    at: &Layout,
    deciles: &DecileGroups,
    area_msoas: &[Option<usize>],
    specialties: &BTreeMap<String, Measures>,
) -> Margins {
    let mut margins = Margins::new();
    let none = deciles.none();
    for slot in 0..deciles.len() {
        let parts = deciles.of_area.iter().enumerate().filter(|(_, d)| d.unwrap_or(none) == slot).map(|(i, _)| i);
        let parts: Vec<usize> = if slot == none { parts.chain([at.outside]).collect() } else { parts.collect() };
        margins.add(parts, at.first_decile + slot);
    }
    margins.add(at.first_decile..at.first_decile + at.deciles, at.total);
    margins.add([at.first_decile, at.first_decile + 1], at.core20);
    // Across nations: each nation's deciles add up to its total, its deciles 1-2 to its own group,
    // and the nations' totals with `none` to the run's total.
    for (n, (total, low)) in at.nations.iter().enumerate() {
        let first = at.first_decile + 10 * n;
        margins.add(first..first + 10, *total);
        if n > 0 {
            margins.add([first, first + 1], *low);
        }
    }
    if !at.nations.is_empty() {
        let totals = at.nations.iter().map(|(total, _)| *total);
        margins.add(totals.chain([at.first_decile + none]).collect::<Vec<_>>(), at.total);
    }
    margins.add(at.first_site..at.first_specialty, at.total);
    if !specialties.is_empty() {
        margins.add(at.first_specialty..at.first_msoa, at.total);
    }
    msoa_margins(&mut margins, area_msoas, at.first_msoa, at.end, (at.outside, at.total));
    let residual_specialties =
        specialties.keys().enumerate().filter(|(_, l)| *l == RARE_SPECIALTIES || *l == "Not recorded");
    let residual: Vec<usize> = [at.outside, at.first_decile + none]
        .into_iter()
        .chain(residual_specialties.map(|(k, _)| at.first_specialty + k))
        .collect();
    let mut headline = vec![at.first_decile, at.first_decile + 1, at.core20, at.total];
    headline.extend(at.nations.iter().flat_map(|(total, low)| [*total, *low]));
    rank(&mut margins, &residual, &headline);
    margins
}

/// Complementary cells from `residual` groups first (`none`, outside, specialties not recorded or
/// rare); `headline` ones (Core20, its deciles, the total) last.
fn rank(margins: &mut Margins, residual: &[usize], headline: &[usize]) {
    residual.iter().for_each(|c| margins.rank(*c, Importance::Residual));
    headline.iter().for_each(|c| margins.rank(*c, Importance::Headline));
}

/// Which counts of each group are hidden. Face-to-face and virtual counts are protected each across
/// all the relations (the appointments total adds nothing: it is published only where both are).
/// The scenario's eligible count too, and with it the first appointments (face to face minus
/// eligible), which no table publishes but a subtraction would give.
fn hidden(groups: &[Measures], margins: &Margins, rule: &Disclosure) -> (Vec<Hidden>, Vec<DisclosureAudit>) {
    let small = |c: f64| rule.cell(c) == Cell::Suppressed;
    let count = |f: fn(&Measures) -> f64| groups.iter().map(f).collect::<Vec<f64>>();
    let primary = |f: fn(&Measures) -> f64| groups.iter().map(|m| small(f(m))).collect::<Vec<bool>>();
    let (face_to_face, face_to_face_audit) = rule.protect_and_audit(
        "face-to-face appointments: every table of the run",
        &count(|m| m.face_to_face),
        &primary(|m| m.face_to_face),
        margins,
    );
    let (virtual_, virtual_audit) = rule.protect_and_audit(
        "virtual appointments: every table of the run",
        &count(|m| m.virtual_),
        &primary(|m| m.virtual_),
        margins,
    );
    // An eligible count hidden because the first appointments beside it are few is as sensitive as they are.
    let mut scenario_margins = margins.clone();
    for (i, m) in groups.iter().enumerate() {
        if small(m.face_to_face - m.scenario_eligible) {
            scenario_margins.sensitive(i);
        }
    }
    let (scenario, scenario_audit) = rule.protect_and_audit(
        "appointments eligible for the scenario: every table of the run",
        &count(|m| m.scenario_eligible),
        &groups
            .iter()
            .zip(&face_to_face)
            .map(|(m, f)| *f || small(m.scenario_eligible) || small(m.face_to_face - m.scenario_eligible))
            .collect::<Vec<_>>(),
        &scenario_margins,
    );
    let audits = vec![face_to_face_audit, virtual_audit, scenario_audit];
    let hidden = (0..groups.len())
        .map(|i| Hidden { face_to_face: face_to_face[i], virtual_: virtual_[i], scenario: scenario[i] })
        .collect();
    (hidden, audits)
}

/// Each MSOA's measures: its areas added up.
fn msoa_measures(by_area: &[Measures], area_msoas: &[Option<usize>]) -> Vec<Measures> {
    let count = area_msoas.iter().flatten().max().map_or(0, |m| m + 1);
    let mut msoas = vec![Measures::default(); count];
    for (m, measures) in area_msoas.iter().zip(by_area) {
        if let Some(m) = m {
            msoas[*m].add(measures);
        }
    }
    msoas
}

/// An MSOA is the sum of its areas; the MSOAs, the areas without one and the patients outside every
/// area add up to the total. `msoas` is the range of the MSOA groups; `(outside, total)` their groups.
fn msoa_margins(
    margins: &mut Margins,
    area_msoas: &[Option<usize>],
    first: usize,
    end: usize,
    (outside, total): (usize, usize),
) {
    if first == end {
        return;
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); end - first];
    let mut loose = vec![outside];
    for (area, m) in area_msoas.iter().enumerate() {
        match m {
            Some(m) => members[*m].push(area),
            None => loose.push(area),
        }
    }
    for (m, parts) in members.into_iter().enumerate() {
        margins.add(parts, first + m);
    }
    margins.add((first..end).chain(loose), total);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::emissions::{PlacedAppointment, Scenario, ShiftScope};
    use crate::analysis::travel::Trip;
    use crate::input::appointments::{Attendance, Visit};

    fn trip(km: f64) -> Trip {
        Trip {
            km,
            kgco2e: km * 0.17,
            kgco2e_low: km * 0.1,
            kgco2e_high: km * 0.25,
            cost_gbp: km * 0.28,
            hours: km / 40.0,
        }
    }

    #[test]
    fn derived_figures_follow_the_published_count() {
        let rule = Disclosure::default();
        let scenario = Scenario { fraction: 0.5, applies_to: ShiftScope::All };
        // 11 patients, 10.37 km each: published as 10 appointments of 10.4 km.
        let m = Measures::of(11.0, Attendance::FaceToFace, Visit::FollowUp, &trip(10.37), &scenario);
        let p = PublishedMeasures::new(&m, Hidden::default(), 0.5, &rule);
        assert_eq!(p.appointments, Cell::Count(10.0));
        assert_eq!(p.patient_km, Cell::Count(104.0));
        // 12 patients of the same trip publish exactly the same figures: nothing tells 11 from 12.
        let m12 = Measures::of(12.0, Attendance::FaceToFace, Visit::FollowUp, &trip(10.37), &scenario);
        assert_eq!(PublishedMeasures::new(&m12, Hidden::default(), 0.5, &rule), p);
        assert_eq!(p.scenario_appointments_shifted, Cell::Count(5.0));
        let all = Hidden { face_to_face: true, virtual_: true, scenario: true };
        let hidden = PublishedMeasures::new(&m, all, 0.5, &rule);
        assert_eq!((hidden.kgco2e, hidden.scenario_kgco2e_saved), (Cell::Suppressed, Cell::Suppressed));
        let virtual_only = PublishedMeasures::new(&m, Hidden { virtual_: true, ..Hidden::default() }, 0.5, &rule);
        assert_eq!(virtual_only.appointments, Cell::Suppressed, "else appointments minus face to face gives virtual");
        // The range follows the same published count, so it brackets the published figure.
        let (low, high) = (p.kgco2e_low.value().unwrap(), p.kgco2e_high.value().unwrap());
        assert!(low <= p.kgco2e.value().unwrap() && p.kgco2e.value().unwrap() <= high);
        assert!((p.kgco2e_low.value().unwrap() - 10.0 * 1.04).abs() < 1e-9, "10 trips of 1.037 kg, 3 s.f.");
        let minutes = p.minutes_per_trip().and_then(|c| c.value()).unwrap();
        assert!((minutes - 0.259 * 60.0).abs() < 1e-9, "{minutes}");
        assert_eq!(hidden.kgco2e_high, Cell::Suppressed);
        assert_eq!(hidden.kgco2e_per_patient_km(), Some(Cell::Suppressed));
        // 10 published trips of 10.37 km x 0.17 kg/km = 1.7629 kg, published as 1.76 kg each.
        assert!((virtual_only.kgco2e.value().unwrap() - 17.6).abs() < 1e-9);
    }

    /// Three areas of 3, 40 and 50 face-to-face appointments.
    fn three_areas() -> EmissionsTally {
        let none = Scenario { fraction: 0.0, applies_to: ShiftScope::All };
        let mut tally = EmissionsTally::new(3, 1);
        for (area, n) in [(0, 3.0), (1, 40.0), (2, 50.0)] {
            let measures = Measures::of(n, Attendance::FaceToFace, Visit::Unknown, &trip(5.0), &none);
            tally.add(&PlacedAppointment { area: Some(area), site: 0, measures }, None);
        }
        tally
    }

    #[test]
    fn a_lone_small_area_hides_another_in_its_decile() {
        let (rule, tally) = (Disclosure { min_count: 8, round_to: 1 }, three_areas());
        let published =
            PublishedEmissions::new(&tally, &DecileGroups::england(&[Some(1), Some(1), Some(5)]), &[], 0.0, &rule);
        assert_eq!(published.areas[0].appointments, Cell::Suppressed);
        assert_eq!(published.areas[1].appointments, Cell::Suppressed, "decile 1 minus area 1 would give area 0");
        assert_eq!(published.areas[2].appointments, Cell::Count(50.0));
        assert_eq!(published.deciles[0].appointments, Cell::Count(43.0));
    }

    #[test]
    fn issue_15_an_msoa_is_the_sum_of_its_areas_and_hides_nothing_they_hide() {
        let (rule, tally) = (Disclosure { min_count: 8, round_to: 1 }, three_areas());
        let deciles = [Some(1), Some(5), Some(6)];
        let published =
            PublishedEmissions::new(&tally, &DecileGroups::england(&deciles), &[Some(0), Some(0), Some(1)], 0.0, &rule);
        assert_eq!(published.areas[0].appointments, Cell::Suppressed);
        assert_eq!(published.areas[1].appointments, Cell::Suppressed, "the MSOA minus area 1 would give area 0");
        assert_eq!(published.msoas[0].appointments, Cell::Count(43.0));
        assert_eq!(published.msoas[1].appointments, Cell::Count(50.0));
    }

    #[test]
    fn issue_30_each_nations_deciles_add_up_to_its_own_total_never_pooled() {
        use crate::reference::Country;
        let (rule, tally) = (Disclosure { min_count: 8, round_to: 1 }, three_areas());
        // Area 0 in England's IMD decile 1; areas 1 and 2 in Wales's WIMD deciles 1 and 5.
        let deciles = DecileGroups {
            of_area: vec![Some(0), Some(10), Some(14)],
            nations: vec![(Country::England, "IMD 2025".into()), (Country::Wales, "WIMD 2025".into())],
        };
        let published = PublishedEmissions::new(&tally, &deciles, &[], 0.0, &rule);
        assert_eq!(published.deciles.len(), 21);
        assert_eq!(published.deciles[0].appointments, Cell::Suppressed, "England's decile 1: 3 appointments");
        let (wales, wales_low) = published.nations[1];
        // Wales's groups are its own deciles and its total: each shown as counted, or hidden.
        for (cell, exact) in [
            (published.deciles[10], 40.0),
            (published.deciles[14], 50.0),
            (wales, 90.0),
            (wales_low, 40.0),
            (published.total, 93.0),
        ] {
            assert!(
                matches!(cell.appointments, Cell::Suppressed) || cell.appointments == Cell::Count(exact),
                "{cell:?}"
            );
        }
        assert_eq!(published.nations[0].0.appointments, Cell::Suppressed, "England's total is its 3");
        assert_eq!(published.core20.appointments, Cell::Suppressed);
        // The run's total less Wales's and `none` would give England's 3: one of them is hidden.
        let sum = [published.total, wales, published.deciles[20]];
        assert!(sum.iter().any(|m| m.appointments == Cell::Suppressed), "{sum:?}");
    }
}
