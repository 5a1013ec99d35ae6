//! How often staff travel (trips a year from WTE, working days, leave and days on site) and each member of staff's year of commuting accumulated by home area, site, band group and staff group.

use std::collections::BTreeMap;

use crate::analysis::travel::Trip;
use crate::cli::commute::DaysOnSite;
use crate::columns::normalise;
use crate::input::band::BandGroup;

/// Words of the ESR staff groups whose work is clinical (on site whatever `--days-on-site` says overall).
const CLINICAL_GROUP_WORDS: [&str; 9] = [
    "medical",
    "dental",
    "nursing",
    "midwi",
    "alliedhealth",
    "additionalclinical",
    "scientist",
    "scientific",
    "student",
];

/// Trips a year: a full-time year's working days less leave, times the share of days on site.
#[derive(Debug, Clone)]
pub struct Frequency {
    /// Weekdays in a year.
    pub working_days: f64,
    /// Days of leave, bank holidays included.
    pub leave_days: f64,
    /// Days a week on site, overall and by staff group.
    pub days_on_site: DaysOnSite,
}

impl Frequency {
    /// Days a week on site for a staff group: its own figure, else 5 for a clinical group, else the overall one (5 by default).
    pub fn days_a_week(&self, staff_group: &str) -> f64 {
        let key = normalise(staff_group);
        if let Some((_, days)) = self.days_on_site.by_group.iter().find(|(g, _)| normalise(g) == key) {
            return *days;
        }
        if is_clinical(&key) {
            return 5.0;
        }
        self.days_on_site.overall.unwrap_or(5.0)
    }

    /// Return trips a year for one whole-time equivalent of a staff group.
    ///
    /// ```
    /// use anchormap::commute::tally::Frequency;
    /// let days = "3".parse().unwrap();
    /// let f = Frequency { working_days: 260.0, leave_days: 35.0, days_on_site: days };
    /// assert_eq!(f.trips_per_wte_year("Nursing and Midwifery Registered"), 225.0);
    /// assert_eq!(f.trips_per_wte_year("Administrative and Clerical"), 135.0);
    /// ```
    pub fn trips_per_wte_year(&self, staff_group: &str) -> f64 {
        (self.working_days - self.leave_days).max(0.0) * self.days_a_week(staff_group) / 5.0
    }

    /// Whether the extra-home-day scenario applies: a non-clinical group on site at least 2 days a week.
    pub fn home_day_eligible(&self, staff_group: &str) -> bool {
        !is_clinical(&normalise(staff_group)) && self.days_a_week(staff_group) >= 2.0
    }

    /// Return trips a year one day a week comes to, for one whole-time equivalent.
    pub fn trips_per_weekday_year(&self) -> f64 {
        (self.working_days - self.leave_days).max(0.0) / 5.0
    }
}

/// A staff group (normalised) that is clinical.
fn is_clinical(key: &str) -> bool {
    CLINICAL_GROUP_WORDS.iter().any(|w| key.contains(w))
}

/// A group's year of commuting: people, their WTE, return trips and what the trips come to.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CommuteMeasures {
    /// Members of staff (people).
    pub staff: f64,
    /// Their contracted whole-time equivalent.
    pub wte: f64,
    /// Return trips a year.
    pub trips: f64,
    /// Passenger-km a year, both ways.
    pub km: f64,
    /// kg CO2e a year.
    pub kgco2e: f64,
    /// The low and high estimates of `kgco2e`.
    pub kgco2e_low: f64,
    /// See `kgco2e_low`.
    pub kgco2e_high: f64,
    /// Car mileage cost a year (GBP).
    pub cost_gbp: f64,
    /// Door-to-door hours a year.
    pub hours: f64,
    /// Scenario: kg CO2e a year saved by short car trips made on foot or by bicycle.
    pub shift_kgco2e_saved: f64,
    /// Scenario: kg CO2e a year saved by one more day a week at home.
    pub home_day_kgco2e_saved: f64,
    /// Scenario: kg CO2e, km and hours a year saved by the moved site (negative: more).
    pub site_move_kgco2e_saved: f64,
    /// See `site_move_kgco2e_saved`.
    pub site_move_km_saved: f64,
    /// See `site_move_kgco2e_saved`.
    pub site_move_hours_saved: f64,
}

impl CommuteMeasures {
    /// One member of staff of `wte`, making `trips` return trips a year, each `trip`.
    pub fn of(wte: f64, trips: f64, trip: &Trip) -> CommuteMeasures {
        CommuteMeasures {
            staff: 1.0,
            wte,
            trips,
            km: trips * trip.km,
            kgco2e: trips * trip.kgco2e,
            kgco2e_low: trips * trip.kgco2e_low,
            kgco2e_high: trips * trip.kgco2e_high,
            cost_gbp: trips * trip.cost_gbp,
            hours: trips * trip.hours,
            shift_kgco2e_saved: 0.0,
            home_day_kgco2e_saved: 0.0,
            site_move_kgco2e_saved: 0.0,
            site_move_km_saved: 0.0,
            site_move_hours_saved: 0.0,
        }
    }

    /// Adds another group's measures.
    pub fn add(&mut self, o: &CommuteMeasures) {
        self.staff += o.staff;
        self.wte += o.wte;
        self.trips += o.trips;
        self.km += o.km;
        self.kgco2e += o.kgco2e;
        self.kgco2e_low += o.kgco2e_low;
        self.kgco2e_high += o.kgco2e_high;
        self.cost_gbp += o.cost_gbp;
        self.hours += o.hours;
        self.shift_kgco2e_saved += o.shift_kgco2e_saved;
        self.home_day_kgco2e_saved += o.home_day_kgco2e_saved;
        self.site_move_kgco2e_saved += o.site_move_kgco2e_saved;
        self.site_move_km_saved += o.site_move_km_saved;
        self.site_move_hours_saved += o.site_move_hours_saved;
    }

    /// The sum of several groups.
    pub fn sum<'a>(all: impl IntoIterator<Item = &'a CommuteMeasures>) -> CommuteMeasures {
        let mut total = CommuteMeasures::default();
        all.into_iter().for_each(|m| total.add(m));
        total
    }
}

/// One placed member of staff, ready to accumulate.
#[derive(Debug, Clone)]
pub struct PlacedStaff {
    /// Area row of the home; `None` when the home point lies outside every area.
    pub area: Option<usize>,
    /// Site row.
    pub site: usize,
    /// National IMD decile slot of the home (0–9 for deciles 1–10; 10 for none or outside the areas).
    pub decile: usize,
    /// Band group.
    pub band: BandGroup,
    /// Straight-line distance from home to site: its band of Census 2021 TS058 ([`crate::commute::distance::DISTANCE_BANDS`]).
    pub distance: usize,
    /// Staff group: its number among the run's staff groups (see [`CommuteTally::finish`]).
    pub staff_group: usize,
    /// The mode split travelled by: its number (see [`crate::commute::modes::Modes::split`]).
    pub split: usize,
    /// The member of staff's year.
    pub measures: CommuteMeasures,
}

/// Measures by home area, site, band group and staff group, and trips by mode.
#[derive(Debug, Clone)]
pub struct CommuteTally {
    /// By area row.
    pub by_area: Vec<CommuteMeasures>,
    /// Staff whose home lies outside every area.
    pub outside_areas: CommuteMeasures,
    /// By site row.
    pub by_site: Vec<CommuteMeasures>,
    /// By band group, in the order of [`BandGroup::ALL`].
    pub by_band: [CommuteMeasures; 5],
    /// By staff group as written (filled by [`CommuteTally::finish`]).
    pub by_staff_group: BTreeMap<String, CommuteMeasures>,
    /// Return trips a year by mode (exact; for the analyst's summary; filled by [`CommuteTally::finish`]).
    pub trips_by_mode: BTreeMap<String, f64>,
    /// By staff group number, until [`CommuteTally::finish`].
    by_group: Vec<CommuteMeasures>,
    /// Return trips a year by split number, until [`CommuteTally::finish`].
    trips_by_split: Vec<f64>,
    /// By decile slot (as [`CommuteTally::by_decile`]) and band group: the equity lens.
    pub by_decile_band: [[CommuteMeasures; 5]; 11],
    /// By straight-line distance band (Census 2021 TS058's).
    pub by_distance: [CommuteMeasures; 8],
    /// By area row and band group, homes outside every area last: kept only with Wales's or
    /// Scotland's index ([`CommuteTally::track_area_bands`]), for each nation's equity lens.
    pub by_area_band: Vec<[CommuteMeasures; 5]>,
    /// In a run whose staff span nations (`--wimd`, `--simd`), each area's decile group on its own
    /// nation's index (set once the staff are placed); `None`: England's IMD alone.
    pub nations: Option<crate::analysis::emissions::DecileGroups>,
}

impl CommuteTally {
    /// Empty, for `areas` areas, `sites` sites and `splits` mode splits.
    pub fn new(areas: usize, sites: usize, splits: usize) -> CommuteTally {
        CommuteTally {
            by_area: vec![CommuteMeasures::default(); areas],
            outside_areas: CommuteMeasures::default(),
            by_site: vec![CommuteMeasures::default(); sites],
            by_band: [CommuteMeasures::default(); 5],
            by_staff_group: BTreeMap::new(),
            trips_by_mode: BTreeMap::new(),
            by_decile_band: [[CommuteMeasures::default(); 5]; 11],
            by_distance: [CommuteMeasures::default(); 8],
            by_group: Vec::new(),
            trips_by_split: vec![0.0; splits],
            by_area_band: Vec::new(),
            nations: None,
        }
    }

    /// Keeps staff by area and band group too (`areas` areas, then homes outside every area).
    pub fn track_area_bands(&mut self, areas: usize) {
        self.by_area_band = vec![[CommuteMeasures::default(); 5]; areas + 1];
    }

    /// Adds one member of staff.
    pub fn add(&mut self, placed: &PlacedStaff) {
        let m = &placed.measures;
        match placed.area {
            Some(area) => self.by_area[area].add(m),
            None => self.outside_areas.add(m),
        }
        self.by_site[placed.site].add(m);
        let band = BandGroup::ALL.iter().position(|b| *b == placed.band).unwrap_or(4);
        self.by_band[band].add(m);
        self.by_decile_band[placed.decile.min(10)][band].add(m);
        if !self.by_area_band.is_empty() {
            let row = placed.area.unwrap_or(self.by_area_band.len() - 1);
            self.by_area_band[row][band].add(m);
        }
        self.by_distance[placed.distance.min(7)].add(m);
        if self.by_group.len() <= placed.staff_group {
            self.by_group.resize(placed.staff_group + 1, CommuteMeasures::default());
        }
        self.by_group[placed.staff_group].add(m);
        self.trips_by_split[placed.split] += m.trips;
    }

    /// Names the staff groups (`groups[n]` is group number `n`) and shares each split's trips among
    /// its modes (`split(n)` is split number `n`'s shares).
    pub fn finish<'s>(&mut self, groups: &[String], split: impl Fn(usize) -> &'s BTreeMap<String, f64>) {
        for (name, m) in groups.iter().zip(&self.by_group).filter(|(_, m)| m.staff > 0.0) {
            self.by_staff_group.entry(name.clone()).or_default().add(m);
        }
        for (n, trips) in self.trips_by_split.iter().enumerate().filter(|(_, t)| **t != 0.0) {
            for (mode, s) in split(n) {
                *self.trips_by_mode.entry(mode.clone()).or_default() += trips * s;
            }
        }
    }

    /// Adds `other`'s finished tally (the same areas, sites and splits): a network's pool, the sum
    /// of its partners' exact measures ([`crate::commute::partners`]).
    pub fn merge(&mut self, other: &CommuteTally) {
        let add_all = |mine: &mut [CommuteMeasures], theirs: &[CommuteMeasures]| {
            mine.iter_mut().zip(theirs).for_each(|(a, b)| a.add(b));
        };
        add_all(&mut self.by_area, &other.by_area);
        self.outside_areas.add(&other.outside_areas);
        add_all(&mut self.by_site, &other.by_site);
        add_all(&mut self.by_band, &other.by_band);
        for (name, m) in &other.by_staff_group {
            self.by_staff_group.entry(name.clone()).or_default().add(m);
        }
        for (mode, trips) in &other.trips_by_mode {
            *self.trips_by_mode.entry(mode.clone()).or_default() += trips;
        }
        for (mine, theirs) in self.by_decile_band.iter_mut().zip(&other.by_decile_band) {
            add_all(mine, theirs);
        }
        add_all(&mut self.by_distance, &other.by_distance);
        // By area and band group is kept only when the run has Wales's or Scotland's files.
        if self.by_area_band.len() < other.by_area_band.len() {
            self.by_area_band.resize(other.by_area_band.len(), [CommuteMeasures::default(); 5]);
        }
        for (mine, theirs) in self.by_area_band.iter_mut().zip(&other.by_area_band) {
            add_all(mine, theirs);
        }
    }

    /// Everyone placed.
    pub fn total(&self) -> CommuteMeasures {
        CommuteMeasures::sum(&self.by_site)
    }

    /// By national IMD decile (index 0 = decile 1), then areas without a decile and homes outside every area.
    pub fn by_decile(&self, deciles: &[Option<u8>]) -> [CommuteMeasures; 11] {
        let mut out = [CommuteMeasures::default(); 11];
        for (area, m) in self.by_area.iter().enumerate() {
            out[decile_slot(deciles[area])].add(m);
        }
        out[10].add(&self.outside_areas);
        out
    }
}

/// Index 0–9 for deciles 1–10; 10 for an area without an English decile.
pub fn decile_slot(decile: Option<u8>) -> usize {
    decile.filter(|d| (1..=10).contains(d)).map_or(10, |d| d as usize - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_groups_win_and_clinical_groups_stay_on_site() {
        let f = Frequency {
            working_days: 260.0,
            leave_days: 35.0,
            days_on_site: "2,Estates and Ancillary=5".parse().unwrap(),
        };
        assert_eq!(f.days_a_week("Medical and Dental"), 5.0);
        assert_eq!(f.days_a_week("Allied Health Professionals"), 5.0);
        assert_eq!(f.days_a_week("Administrative and Clerical"), 2.0);
        assert_eq!(f.days_a_week("ESTATES AND ANCILLARY"), 5.0);
        assert_eq!(f.days_a_week("Not recorded"), 2.0);
    }
}
