//! Workforce-versus-community gaps: staff and working-age population by deprivation class, by area, and their ratios.

use std::collections::BTreeMap;

use crate::analysis::community::Community;
use crate::analysis::AreaFacts;
use crate::input::band::BandGroup;
use crate::input::demography::{EthnicGroup, WresGroup};

/// How areas are classed: IMD decile (10 classes) or quintile (5; deciles 1–2 are quintile 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Classes {
    Decile,
    Quintile,
}

impl Classes {
    pub fn count(self) -> usize {
        match self {
            Classes::Decile => 10,
            Classes::Quintile => 5,
        }
    }

    pub fn of(self, decile: u8) -> usize {
        match self {
            Classes::Decile => decile as usize,
            Classes::Quintile => (decile as usize).div_ceil(2),
        }
    }

    pub fn column(self) -> &'static str {
        match self {
            Classes::Decile => "imd_decile",
            Classes::Quintile => "imd_quintile",
        }
    }
}

/// Staff counted per area (index = area), overall and by each breakdown.
#[derive(Debug, Clone, Default)]
pub struct StaffTally {
    /// Staff living in each area (everyone placed, in the community or not).
    pub by_area: Vec<f64>,
    /// Breakdowns: dimension ("band", "staff_group") → group value → staff per area.
    pub groups: BTreeMap<&'static str, BTreeMap<String, Vec<f64>>>,
    /// With band and ethnic group: every staff row (placed or not) by band group and White, BME
    /// or not stated (WRES indicator 1).
    pub band_by_wres: Option<BTreeMap<(BandGroup, WresGroup), f64>>,
    /// Every staff row (placed or not) by a breakdown's group and ethnic group, for the
    /// all-staff tables of national returns: dimension ("band", "sex", "starter") → (group,
    /// ethnic group) → staff.
    pub all_staff: BTreeMap<&'static str, BTreeMap<(String, EthnicGroup), f64>>,
}

impl StaffTally {
    pub fn new(areas: usize) -> StaffTally {
        StaffTally {
            by_area: vec![0.0; areas],
            groups: BTreeMap::new(),
            band_by_wres: None,
            all_staff: BTreeMap::new(),
        }
    }

    /// Counts a staff row (wherever it lives) in an all-staff table: its `group` of `dimension`
    /// and its ethnic group.
    pub fn add_all(&mut self, dimension: &'static str, group: &str, ethnic: EthnicGroup) {
        *self.all_staff.entry(dimension).or_default().entry((group.to_string(), ethnic)).or_default() += 1.0;
    }

    /// Counts a staff row (wherever it lives) by band group and WRES group.
    pub fn add_wres(&mut self, band: BandGroup, group: WresGroup) {
        *self.band_by_wres.get_or_insert_with(BTreeMap::new).entry((band, group)).or_default() += 1.0;
    }

    pub fn add(&mut self, area: usize, breakdown: &[(&'static str, String)]) {
        self.by_area[area] += 1.0;
        let areas = self.by_area.len();
        for (dimension, value) in breakdown {
            let counts =
                self.groups.entry(dimension).or_default().entry(value.clone()).or_insert_with(|| vec![0.0; areas]);
            counts[area] += 1.0;
        }
    }

    pub fn merge(&mut self, other: StaffTally) {
        for (key, n) in other.band_by_wres.into_iter().flatten() {
            *self.band_by_wres.get_or_insert_with(BTreeMap::new).entry(key).or_default() += n;
        }
        for (dimension, counts) in other.all_staff {
            let mine = self.all_staff.entry(dimension).or_default();
            for (key, n) in counts {
                *mine.entry(key).or_default() += n;
            }
        }
        for (a, b) in self.by_area.iter_mut().zip(&other.by_area) {
            *a += b;
        }
        for (dimension, groups) in other.groups {
            let mine = self.groups.entry(dimension).or_default();
            for (value, counts) in groups {
                match mine.get_mut(&value) {
                    Some(existing) => existing.iter_mut().zip(&counts).for_each(|(a, b)| *a += b),
                    None => {
                        mine.insert(value, counts);
                    }
                }
            }
        }
    }
}

/// Raw counts of one class table: staff and population per class (index 0 = class 1), plus
/// staff living in community areas without a decile.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassCounts {
    pub staff: Vec<f64>,
    pub population: Vec<f64>,
    pub staff_without_decile: f64,
}

/// Staff (from `staff_by_area`) and population of the community's areas, by class.
pub fn class_counts(
    areas: &[AreaFacts],
    community: &Community,
    staff_by_area: &[f64],
    classes: Classes,
) -> ClassCounts {
    let mut counts = ClassCounts {
        staff: vec![0.0; classes.count()],
        population: vec![0.0; classes.count()],
        staff_without_decile: 0.0,
    };
    for (i, area) in areas.iter().enumerate() {
        if !community.contains(i) {
            continue;
        }
        match area.decile {
            Some(decile) => {
                let class = classes.of(decile) - 1;
                counts.staff[class] += staff_by_area[i];
                counts.population[class] += area.population.unwrap_or(0.0);
            }
            None => counts.staff_without_decile += staff_by_area[i],
        }
    }
    counts
}

/// The comparison for one class, from published (possibly rounded) counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    pub staff_share: f64,
    /// 95% Wilson score interval of the staff share.
    pub staff_share_ci: (f64, f64),
    pub population_share: f64,
    /// Staff share ÷ population share (1 = representative).
    pub representation_ratio: Option<f64>,
    /// Staff share − population share, in percentage points.
    pub gap_pp: f64,
}

/// Compares a class's staff with its population, given the totals they are shares of.
pub fn compare(staff: f64, staff_total: f64, population: f64, population_total: f64) -> Option<Comparison> {
    if staff_total <= 0.0 || population_total <= 0.0 {
        return None;
    }
    let staff_share = staff / staff_total;
    let population_share = population / population_total;
    Some(Comparison {
        staff_share,
        staff_share_ci: wilson_interval(staff, staff_total),
        population_share,
        representation_ratio: (population_share > 0.0).then(|| staff_share / population_share),
        gap_pp: (staff_share - population_share) * 100.0,
    })
}

/// 95% Wilson score interval for a proportion of `k` out of `n`.
///
/// ```
/// let (low, high) = anchormap::analysis::gaps::wilson_interval(20.0, 100.0);
/// assert!((low - 0.1333).abs() < 1e-4 && (high - 0.2888).abs() < 1e-4);
/// ```
pub fn wilson_interval(k: f64, n: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 0.0);
    }
    let z = 1.959_963_984_540_054_f64;
    let p = k / n;
    let denominator = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denominator;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Staff per 1,000 population across the community: the rate every area is compared with.
pub fn community_rate(areas: &[AreaFacts], community: &Community, staff_by_area: &[f64]) -> Option<f64> {
    let (mut staff, mut population) = (0.0, 0.0);
    for (i, area) in areas.iter().enumerate().filter(|(i, _)| community.contains(*i)) {
        if let Some(p) = area.population {
            staff += staff_by_area[i];
            population += p;
        }
    }
    (population > 0.0).then(|| staff / population * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(decile: u8, population: f64) -> AreaFacts {
        AreaFacts { decile: Some(decile), population: Some(population), ..Default::default() }
    }

    #[test]
    fn counts_by_decile_and_quintile_in_the_community_only() {
        let areas = vec![area(1, 100.0), area(2, 300.0), area(2, 50.0), area(10, 600.0), AreaFacts::default()];
        let community = Community { members: vec![true, true, false, true, true], description: String::new() };
        let staff = [5.0, 1.0, 40.0, 14.0, 3.0];
        let deciles = class_counts(&areas, &community, &staff, Classes::Decile);
        assert_eq!(deciles.staff[0], 5.0);
        assert_eq!(deciles.staff[1], 1.0);
        assert_eq!(deciles.population[1], 300.0);
        assert_eq!(deciles.staff[9], 14.0);
        assert_eq!(deciles.staff_without_decile, 3.0);
        let quintiles = class_counts(&areas, &community, &staff, Classes::Quintile);
        assert_eq!((quintiles.staff[0], quintiles.population[0]), (6.0, 400.0));
    }

    #[test]
    fn comparison_arithmetic() {
        let c = compare(10.0, 100.0, 200.0, 1000.0).unwrap();
        assert!((c.staff_share - 0.1).abs() < 1e-12);
        assert!((c.population_share - 0.2).abs() < 1e-12);
        assert!((c.representation_ratio.unwrap() - 0.5).abs() < 1e-12);
        assert!((c.gap_pp + 10.0).abs() < 1e-9);
        assert!(compare(1.0, 0.0, 1.0, 1.0).is_none());
        assert_eq!(compare(1.0, 10.0, 0.0, 1.0).unwrap().representation_ratio, None);
    }
}
