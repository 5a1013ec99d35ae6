//! The community's own deprivation, aggregated as the IoD technical report does, and local deciles within it.

use serde::{Deserialize, Serialize};

use crate::analysis::community::Community;
use crate::analysis::AreaFacts;
use crate::reference::deprivation::{decile_of_rank, Deprivation, IOD_DOMAINS};

/// Where the definitions come from, for summaries and METHOD.md.
pub const DEFINITIONS: &str = "MHCLG, The English Indices of Deprivation 2019: Technical Report (2019), section on \
    summary measures for higher-level geographies (File 10): average score = population-weighted mean of the areas' \
    scores; proportion = share of the areas in the most deprived 10% nationally; extent = population-weighted share \
    of the areas, weight 1 in the most deprived 10% nationally, 0.95 at the 11th percentile falling evenly to 0.05 at \
    the 30th, 0 beyond (percentile = ceil(100 x rank / number of areas)); the same for each domain, the Employment \
    domain weighted by the working-age population (its denominator)";

/// The domain the IoD weighs by the working-age population rather than the total.
pub const EMPLOYMENT: &str = "employment";

/// Summary measures of a community's deprivation.
///
/// `extent` and `population_weighted_imd_score` follow the IoD's definitions ([`DEFINITIONS`]),
/// weighted by the run's population (working age in `gaps`; the IoD's own summaries use the total
/// population). Since issue 32, `extent` weighs by the IoD's percentiles (it was a continuous line
/// from 10% to 30%, which differs from the published extents by up to 0.0055).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommunityProfile {
    pub areas: usize,
    pub areas_with_decile: usize,
    pub population: f64,
    /// Population-weighted average IMD score (needs a file with scores, e.g. File 7, or its tabular copy).
    pub population_weighted_imd_score: Option<f64>,
    /// Share of the community's areas in the most deprived national decile (the IoD's "proportion").
    pub share_of_areas_in_decile_1: f64,
    /// Share of the community's areas in national deciles 1–2 (NHS England's Core20).
    pub share_of_areas_in_deciles_1_2: f64,
    /// Share of the community's population living in national deciles 1–2.
    pub share_of_population_in_deciles_1_2: f64,
    /// The IoD's "extent": the population-weighted share of the areas, weight 1 in the most
    /// deprived 10% nationally, then by percentile from 0.95 (11th) to 0.05 (30th), 0 beyond.
    pub extent: Option<f64>,
    /// The same measures for each domain of deprivation the deprivation file has.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<DomainSummary>,
    /// The definitions and their source, and the population they are weighted by.
    #[serde(default)]
    pub definitions: String,
}

/// The IoD's measures of a set of areas on one domain (or on the IMD).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DomainSummary {
    /// The domain's key (`income`, …; see the header dictionary's `IOD_DOMAINS`).
    pub domain: String,
    /// Population-weighted average of the areas' domain scores, when every ranked area has one.
    pub average_score: Option<f64>,
    /// Share of the ranked areas in the domain's most deprived 10% nationally.
    pub proportion_most_deprived_10pct: Option<f64>,
    /// The domain's extent, as the IMD's.
    pub extent: Option<f64>,
}

/// The IoD's percentile of a rank among `n` areas: ⌈100 × rank / n⌉ (1 = the most deprived 1%).
///
/// ```
/// use anchormap::analysis::profile::percentile_of_rank;
/// assert_eq!(percentile_of_rank(1, 32844), 1);
/// assert_eq!(percentile_of_rank(3284, 32844), 10);
/// assert_eq!(percentile_of_rank(3285, 32844), 11);
/// assert_eq!(percentile_of_rank(32844, 32844), 100);
/// ```
pub fn percentile_of_rank(rank: u32, n: u32) -> u32 {
    let n = u64::from(n.max(1));
    (u64::from(rank).clamp(1, n) * 100).div_ceil(n) as u32
}

/// The IoD's extent weight of a percentile: 1 for the most deprived 10%, 0.95 at the 11th
/// percentile falling evenly to 0.05 at the 30th, 0 beyond.
///
/// ```
/// use anchormap::analysis::profile::extent_weight;
/// assert_eq!(extent_weight(10), 1.0);
/// assert!((extent_weight(11) - 0.95).abs() < 1e-12);
/// assert!((extent_weight(20) - 0.5236842105).abs() < 1e-9);
/// assert!((extent_weight(30) - 0.05).abs() < 1e-12);
/// assert_eq!(extent_weight(31), 0.0);
/// ```
pub fn extent_weight(percentile: u32) -> f64 {
    match percentile {
        0..=10 => 1.0,
        11..=30 => 0.95 - f64::from(percentile - 11) * 0.9 / 19.0,
        _ => 0.0,
    }
}

/// The sums behind the IoD's measures of a set of areas, one area added at a time (one pass over
/// a national table fills one of these per group).
#[derive(Debug, Clone, Copy, Default)]
pub struct IodSums {
    /// Areas added with a rank.
    pub ranked: usize,
    most_deprived_10pct: usize,
    /// Population of the ranked areas with a population.
    ranked_population: f64,
    extent: f64,
    /// Areas with a population and a rank but no score: the average score needs them all.
    unscored: usize,
    scored_population: f64,
    score: f64,
}

impl IodSums {
    /// Adds an area of rank `rank` among `national` ranked areas (an area with a score and no
    /// rank counts towards the average score only; one with neither, not at all).
    pub fn add(&mut self, rank: Option<u32>, score: Option<f64>, population: Option<f64>, national: u32) {
        if let Some(rank) = rank {
            let percentile = percentile_of_rank(rank, national);
            self.ranked += 1;
            self.most_deprived_10pct += usize::from(percentile <= 10);
            if let Some(population) = population {
                self.ranked_population += population;
                self.extent += extent_weight(percentile) * population;
            }
        }
        let Some(population) = population.filter(|_| rank.is_some() || score.is_some()) else { return };
        match score {
            Some(score) => {
                self.scored_population += population;
                self.score += score * population;
            }
            None => self.unscored += 1,
        }
    }

    /// The population of the ranked areas (the weights' total).
    pub fn population(&self) -> f64 {
        self.ranked_population
    }

    /// Population-weighted average score, when every ranked area with a population has a score.
    pub fn average_score(&self) -> Option<f64> {
        (self.unscored == 0 && self.scored_population > 0.0).then(|| self.score / self.scored_population)
    }

    /// Share of the ranked areas in the most deprived 10% nationally.
    pub fn proportion_most_deprived_10pct(&self) -> Option<f64> {
        (self.ranked > 0).then(|| self.most_deprived_10pct as f64 / self.ranked as f64)
    }

    /// The IoD's extent (population-weighted), when the ranked areas have people.
    pub fn extent(&self) -> Option<f64> {
        (self.ranked_population > 0.0).then(|| self.extent / self.ranked_population)
    }

    /// The measures of `domain`.
    pub fn summary(&self, domain: &str) -> DomainSummary {
        DomainSummary {
            domain: domain.to_string(),
            average_score: self.average_score(),
            proportion_most_deprived_10pct: self.proportion_most_deprived_10pct(),
            extent: self.extent(),
        }
    }
}

/// The sums of the IMD and of each domain of the deprivation file, for one set of areas.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProfileSums {
    pub imd: IodSums,
    pub domains: [IodSums; 7],
}

impl ProfileSums {
    /// Adds the area `code` with its population, its IMD and domains from `deprivation`. The
    /// Employment domain is weighted by `working_age` where given, as the IoD weighs it (its
    /// denominator is the working-age population); every other measure by `population`.
    pub fn add(&mut self, deprivation: &Deprivation, code: &str, population: Option<f64>, working_age: Option<f64>) {
        let national = deprivation.len() as u32;
        let imd = deprivation.get(code);
        self.imd.add(imd.map(|r| r.rank), imd.and_then(|r| r.score), population, national);
        if let Some(domains) = deprivation.domains_of(code) {
            for ((sums, record), domain) in self.domains.iter_mut().zip(domains).zip(&IOD_DOMAINS) {
                let weight = if domain.key == EMPLOYMENT { working_age.or(population) } else { population };
                sums.add(record.rank, record.score, weight, national);
            }
        }
    }

    /// Each domain's measures, for the domains `deprivation` has.
    pub fn domain_summaries(&self, deprivation: &Deprivation) -> Vec<DomainSummary> {
        deprivation.domains().map(|(i, domain)| self.domains[i].summary(domain.key)).collect()
    }
}

/// Profiles the community by the IoD's definitions; `deprivation` gives the national number of
/// ranked areas (32,844 for IoD2019) and the domains.
pub fn profile(areas: &[AreaFacts], community: &Community, deprivation: Option<&Deprivation>) -> CommunityProfile {
    let members: Vec<&AreaFacts> =
        areas.iter().enumerate().filter(|(i, _)| community.contains(*i)).map(|(_, a)| a).collect();
    let with_decile: Vec<&&AreaFacts> = members.iter().filter(|a| a.decile.is_some()).collect();
    let population: f64 = members.iter().filter_map(|a| a.population).sum();
    let ranked_population: f64 = with_decile.iter().filter_map(|a| a.population).sum();
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    let national = deprivation.map_or(0, Deprivation::len) as u32;
    let mut imd = IodSums::default();
    let mut sums = ProfileSums::default();
    for area in &with_decile {
        imd.add(area.rank, area.score, area.population, national);
        if let Some(deprivation) = deprivation {
            sums.add(deprivation, &area.code, area.population, area.population);
        }
    }
    CommunityProfile {
        areas: members.len(),
        areas_with_decile: with_decile.len(),
        population,
        population_weighted_imd_score: imd.average_score(),
        share_of_areas_in_decile_1: share(
            with_decile.iter().filter(|a| a.decile == Some(1)).count(),
            with_decile.len(),
        ),
        share_of_areas_in_deciles_1_2: share(
            with_decile.iter().filter(|a| matches!(a.decile, Some(1 | 2))).count(),
            with_decile.len(),
        ),
        share_of_population_in_deciles_1_2: if ranked_population > 0.0 {
            with_decile.iter().filter(|a| matches!(a.decile, Some(1 | 2))).filter_map(|a| a.population).sum::<f64>()
                / ranked_population
        } else {
            0.0
        },
        extent: imd.extent().filter(|_| national > 0),
        domains: deprivation.map(|d| sums.domain_summaries(d)).unwrap_or_default(),
        definitions: format!(
            "{DEFINITIONS}. Weighted here by the run's population (--population; working age by default), where the \
             IoD's published summaries use the total population."
        ),
    }
}

/// Deciles of the community's areas ranked among themselves (1 = most deprived in the community).
/// Labelled "local" wherever shown; national deciles stay the default.
pub fn local_deciles(areas: &[AreaFacts], community: &Community) -> Vec<Option<u8>> {
    let mut ranked: Vec<(u32, usize)> = areas
        .iter()
        .enumerate()
        .filter(|(i, _)| community.contains(*i))
        .filter_map(|(i, a)| Some((a.rank?, i)))
        .collect();
    ranked.sort();
    let n = ranked.len() as u32;
    let mut local = vec![None; areas.len()];
    for (position, (_, i)) in ranked.into_iter().enumerate() {
        local[i] = Some(decile_of_rank(position as u32 + 1, n));
    }
    local
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(rank: u32, decile: u8, score: f64, population: f64) -> AreaFacts {
        AreaFacts {
            rank: Some(rank),
            decile: Some(decile),
            score: Some(score),
            population: Some(population),
            ..Default::default()
        }
    }

    #[test]
    fn profile_measures() {
        // 100 areas nationally: ranks 5 (top 10%), 20 (sliding scale), 80 (none).
        let areas = vec![area(5, 1, 50.0, 100.0), area(20, 2, 30.0, 200.0), area(80, 8, 10.0, 100.0)];
        let community = Community { members: vec![true; 3], description: String::new() };
        let mut sums = IodSums::default();
        for a in &areas {
            sums.add(a.rank, a.score, a.population, 100);
        }
        let p = profile(&areas, &community, None);
        assert_eq!(p.areas, 3);
        assert!((p.population_weighted_imd_score.unwrap() - (5000.0 + 6000.0 + 1000.0) / 400.0).abs() < 1e-9);
        assert!((p.share_of_areas_in_decile_1 - 1.0 / 3.0).abs() < 1e-9);
        assert!((p.share_of_population_in_deciles_1_2 - 0.75).abs() < 1e-9);
        // Rank 20 of 100 is the 20th percentile: weight 0.95 - 9 × 0.9 / 19.
        let weight = 0.95 - 9.0 * 0.9 / 19.0;
        assert!((sums.extent().unwrap() - (100.0 + weight * 200.0) / 400.0).abs() < 1e-9);
        assert!((sums.proportion_most_deprived_10pct().unwrap() - 1.0 / 3.0).abs() < 1e-9);
        // Without a deprivation file there is no national count to place a rank in.
        assert_eq!(p.extent, None);
        assert_eq!(local_deciles(&areas, &community), vec![Some(4), Some(7), Some(10)]);
    }
}
