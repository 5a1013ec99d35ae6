//! Outpatient travel emissions: each appointment's trip accumulated by area, site and specialty, with the virtual-care scenario.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::travel::Trip;
use crate::input::appointments::{Attendance, Visit};

/// Which face-to-face appointments the scenario may move to virtual care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShiftScope {
    /// Any face-to-face appointment.
    All,
    /// Follow-up appointments only (needs a first/follow-up column).
    FollowUps,
}

impl ShiftScope {
    /// The appointments the scenario moves, in words: "all" or "follow-up".
    pub fn adjective(self) -> &'static str {
        match self {
            ShiftScope::All => "all",
            ShiftScope::FollowUps => "follow-up",
        }
    }

    /// As the summary writes it: "all" or "follow-ups".
    pub fn as_str(self) -> &'static str {
        match self {
            ShiftScope::All => "all",
            ShiftScope::FollowUps => "follow-ups",
        }
    }
}

/// The scenario: a fraction of eligible face-to-face appointments moved to video or telephone.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Scenario {
    pub fraction: f64,
    pub applies_to: ShiftScope,
}

/// Totals for a group of appointments (an area, a site, a specialty, a decile). Emissions and
/// distances are for the face-to-face trips; "avoided" is what the appointments already held
/// virtually would have cost had they been face to face; "scenario" is what the scenario saves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Measures {
    pub appointments: f64,
    pub face_to_face: f64,
    pub virtual_: f64,
    /// Of `face_to_face`: rows with no recognised mode, counted as face to face.
    pub mode_not_recorded: f64,
    pub patient_km: f64,
    pub kgco2e: f64,
    /// The low and high estimates of `kgco2e` (see [`Trip`]).
    pub kgco2e_low: f64,
    pub kgco2e_high: f64,
    /// Door-to-door travel time of the face-to-face trips, both ways.
    pub patient_hours: f64,
    /// Car mileage cost of the face-to-face trips.
    pub cost_gbp: f64,
    pub patient_km_avoided: f64,
    pub kgco2e_avoided: f64,
    /// Face-to-face appointments the scenario may move (all, or the follow-ups).
    pub scenario_eligible: f64,
    pub scenario_shifted: f64,
    pub scenario_km_saved: f64,
    pub scenario_kgco2e_saved: f64,
    pub scenario_kgco2e_saved_low: f64,
    pub scenario_kgco2e_saved_high: f64,
    pub scenario_cost_saved_gbp: f64,
    pub scenario_hours_saved: f64,
}

impl Measures {
    /// `count` appointments of one kind, each with this trip.
    pub fn of(count: f64, attendance: Attendance, visit: Visit, trip: &Trip, scenario: &Scenario) -> Measures {
        let mut m = Measures { appointments: count, ..Measures::default() };
        match attendance {
            Attendance::Virtual => {
                m.virtual_ = count;
                m.patient_km_avoided = count * trip.km;
                m.kgco2e_avoided = count * trip.kgco2e;
            }
            Attendance::FaceToFace | Attendance::NotRecorded => {
                m.face_to_face = count;
                if attendance == Attendance::NotRecorded {
                    m.mode_not_recorded = count;
                }
                m.patient_km = count * trip.km;
                m.kgco2e = count * trip.kgco2e;
                m.kgco2e_low = count * trip.kgco2e_low;
                m.kgco2e_high = count * trip.kgco2e_high;
                m.patient_hours = count * trip.hours;
                m.cost_gbp = count * trip.cost_gbp;
                let eligible = match scenario.applies_to {
                    ShiftScope::All => true,
                    ShiftScope::FollowUps => visit == Visit::FollowUp,
                };
                if eligible {
                    m.scenario_eligible = count;
                }
                if eligible && scenario.fraction > 0.0 {
                    let shifted = count * scenario.fraction;
                    m.scenario_shifted = shifted;
                    m.scenario_km_saved = shifted * trip.km;
                    m.scenario_kgco2e_saved = shifted * trip.kgco2e;
                    m.scenario_kgco2e_saved_low = shifted * trip.kgco2e_low;
                    m.scenario_kgco2e_saved_high = shifted * trip.kgco2e_high;
                    m.scenario_cost_saved_gbp = shifted * trip.cost_gbp;
                    m.scenario_hours_saved = shifted * trip.hours;
                }
            }
        }
        m
    }

    pub fn add(&mut self, o: &Measures) {
        self.appointments += o.appointments;
        self.face_to_face += o.face_to_face;
        self.virtual_ += o.virtual_;
        self.mode_not_recorded += o.mode_not_recorded;
        self.patient_km += o.patient_km;
        self.kgco2e += o.kgco2e;
        self.kgco2e_low += o.kgco2e_low;
        self.kgco2e_high += o.kgco2e_high;
        self.patient_hours += o.patient_hours;
        self.cost_gbp += o.cost_gbp;
        self.patient_km_avoided += o.patient_km_avoided;
        self.kgco2e_avoided += o.kgco2e_avoided;
        self.scenario_eligible += o.scenario_eligible;
        self.scenario_shifted += o.scenario_shifted;
        self.scenario_km_saved += o.scenario_km_saved;
        self.scenario_kgco2e_saved += o.scenario_kgco2e_saved;
        self.scenario_kgco2e_saved_low += o.scenario_kgco2e_saved_low;
        self.scenario_kgco2e_saved_high += o.scenario_kgco2e_saved_high;
        self.scenario_cost_saved_gbp += o.scenario_cost_saved_gbp;
        self.scenario_hours_saved += o.scenario_hours_saved;
    }

    pub fn sum<'a>(all: impl IntoIterator<Item = &'a Measures>) -> Measures {
        let mut total = Measures::default();
        for m in all {
            total.add(m);
        }
        total
    }
}

/// The decile groups patients are counted in: England's IMD deciles, or in a run across nations
/// each nation's own index's deciles, nation after nation (England first); never pooled.
#[derive(Debug, Clone)]
pub struct DecileGroups {
    /// Per area row: its group (`10 × nation + decile − 1`), or `None` (no decile in its nation's
    /// index, or its nation's index not given): counted with the patients outside every area.
    pub of_area: Vec<Option<usize>>,
    /// The nations and their indices (`("Wales", "WIMD 2025")`), England first; one in an England-only run.
    pub nations: Vec<(crate::reference::Country, String)>,
}

impl DecileGroups {
    /// England's IMD deciles (index 0 = decile 1), as every run had them.
    pub fn england(deciles: &[Option<u8>]) -> DecileGroups {
        let of_area = deciles.iter().map(|d| d.filter(|d| (1..=10).contains(d)).map(|d| d as usize - 1)).collect();
        DecileGroups { of_area, nations: vec![(crate::reference::Country::England, String::new())] }
    }

    /// Whether the groups are of more than one nation.
    pub fn across_nations(&self) -> bool {
        self.nations.len() > 1
    }

    /// How many groups: ten per nation, then the one without a decile.
    pub fn len(&self) -> usize {
        self.nations.len() * 10 + 1
    }

    /// Whether there are no groups (never: there is always the one without a decile).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The group without a decile (the last).
    pub fn none(&self) -> usize {
        self.nations.len() * 10
    }
}

/// One placed appointment row, ready to accumulate.
#[derive(Debug, Clone, Copy)]
pub struct PlacedAppointment {
    /// Row of the area table; `None` when the patient's point lies outside every area.
    pub area: Option<usize>,
    pub site: usize,
    pub measures: Measures,
}

/// Measures accumulated by patient area, site and specialty.
#[derive(Debug, Clone)]
pub struct EmissionsTally {
    pub by_area: Vec<Measures>,
    /// Patients whose point lies outside every area (still counted by site and in totals).
    pub outside_areas: Measures,
    pub by_site: Vec<Measures>,
    pub by_specialty: BTreeMap<String, Measures>,
}

impl EmissionsTally {
    pub fn new(areas: usize, sites: usize) -> EmissionsTally {
        EmissionsTally {
            by_area: vec![Measures::default(); areas],
            outside_areas: Measures::default(),
            by_site: vec![Measures::default(); sites],
            by_specialty: BTreeMap::new(),
        }
    }

    pub fn add(&mut self, placed: &PlacedAppointment, specialty: Option<&str>) {
        match placed.area {
            Some(area) => self.by_area[area].add(&placed.measures),
            None => self.outside_areas.add(&placed.measures),
        }
        self.by_site[placed.site].add(&placed.measures);
        if let Some(specialty) = specialty {
            let label = if specialty.is_empty() { "Not recorded" } else { specialty };
            match self.by_specialty.get_mut(label) {
                Some(m) => m.add(&placed.measures),
                None => {
                    self.by_specialty.insert(label.to_string(), placed.measures);
                }
            }
        }
    }

    /// Everything placed.
    pub fn total(&self) -> Measures {
        Measures::sum(&self.by_site)
    }

    /// By national IMD decile (index 0 = decile 1), plus the areas without a decile and patients
    /// outside every area as the last entry.
    pub fn by_decile(&self, deciles: &[Option<u8>]) -> [Measures; 11] {
        let mut out = [Measures::default(); 11];
        for (area, m) in self.by_area.iter().enumerate() {
            let slot = deciles[area].filter(|d| (1..=10).contains(d)).map_or(10, |d| d as usize - 1);
            out[slot].add(m);
        }
        out[10].add(&self.outside_areas);
        out
    }
}

impl EmissionsTally {
    /// By decile group (see [`DecileGroups`]), the areas without a decile and the patients outside
    /// every area as the last group.
    pub fn by_group(&self, groups: &DecileGroups) -> Vec<Measures> {
        let mut out = vec![Measures::default(); groups.len()];
        for (area, m) in self.by_area.iter().enumerate() {
            out[groups.of_area[area].unwrap_or(groups.none())].add(m);
        }
        out[groups.none()].add(&self.outside_areas);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRIP: Trip = Trip { km: 20.0, kgco2e: 3.0, kgco2e_low: 2.0, kgco2e_high: 4.0, cost_gbp: 5.0, hours: 0.5 };

    #[test]
    fn the_scenario_moves_a_fraction_of_eligible_face_to_face_appointments() {
        let half = Scenario { fraction: 0.5, applies_to: ShiftScope::FollowUps };
        let f2f = Measures::of(4.0, Attendance::FaceToFace, Visit::FollowUp, &TRIP, &half);
        assert_eq!((f2f.patient_km, f2f.kgco2e), (80.0, 12.0));
        assert_eq!((f2f.scenario_shifted, f2f.scenario_kgco2e_saved, f2f.scenario_cost_saved_gbp), (2.0, 6.0, 10.0));
        let first = Measures::of(4.0, Attendance::FaceToFace, Visit::First, &TRIP, &half);
        assert_eq!(first.scenario_shifted, 0.0);
        let video = Measures::of(2.0, Attendance::Virtual, Visit::FollowUp, &TRIP, &half);
        assert_eq!((video.virtual_, video.kgco2e, video.kgco2e_avoided, video.scenario_shifted), (2.0, 0.0, 6.0, 0.0));
        let unknown = Measures::of(
            1.0,
            Attendance::NotRecorded,
            Visit::Unknown,
            &TRIP,
            &Scenario { fraction: 1.0, applies_to: ShiftScope::All },
        );
        assert_eq!((unknown.face_to_face, unknown.mode_not_recorded, unknown.scenario_shifted), (1.0, 1.0, 1.0));
    }

    #[test]
    fn tables_reconcile() {
        let none = Scenario { fraction: 0.0, applies_to: ShiftScope::All };
        let m = Measures::of(1.0, Attendance::FaceToFace, Visit::Unknown, &TRIP, &none);
        let mut tally = EmissionsTally::new(3, 2);
        tally.add(&PlacedAppointment { area: Some(0), site: 0, measures: m }, Some("100"));
        tally.add(&PlacedAppointment { area: Some(2), site: 1, measures: m }, Some(""));
        tally.add(&PlacedAppointment { area: None, site: 1, measures: m }, Some("100"));
        let deciles = tally.by_decile(&[Some(1), None, Some(10)]);
        assert_eq!((deciles[0].kgco2e, deciles[9].kgco2e, deciles[10].kgco2e), (3.0, 3.0, 3.0));
        assert_eq!(tally.total().kgco2e, 9.0);
        assert_eq!(Measures::sum(&deciles).kgco2e, 9.0);
        assert_eq!(tally.by_specialty["100"].appointments, 2.0);
        assert_eq!(tally.by_specialty["Not recorded"].appointments, 1.0);
    }
}
