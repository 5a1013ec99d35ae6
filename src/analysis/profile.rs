//! The community's own deprivation, aggregated as the IoD technical report does, and local deciles within it.

use serde::Serialize;

use crate::analysis::community::Community;
use crate::analysis::AreaFacts;
use crate::reference::deprivation::decile_of_rank;

/// Summary measures of a community's deprivation.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CommunityProfile {
    pub areas: usize,
    pub areas_with_decile: usize,
    pub population: f64,
    /// Population-weighted average IMD score (needs a file with scores, e.g. File 7).
    pub population_weighted_imd_score: Option<f64>,
    /// Share of the community's areas in the most deprived national decile.
    pub share_of_areas_in_decile_1: f64,
    /// Share of the community's areas in national deciles 1–2 (NHS England's Core20).
    pub share_of_areas_in_deciles_1_2: f64,
    /// Share of the community's population living in national deciles 1–2.
    pub share_of_population_in_deciles_1_2: f64,
    /// IoD "extent": the share of the population living in the most deprived areas, with
    /// weight 1 in the most deprived 10% nationally, falling linearly to 0 at 30%.
    pub extent: Option<f64>,
}

/// Profiles the community; `national_areas` is the number of areas the IMD ranks (32,844 for IoD2019).
pub fn profile(areas: &[AreaFacts], community: &Community, national_areas: usize) -> CommunityProfile {
    let members: Vec<&AreaFacts> =
        areas.iter().enumerate().filter(|(i, _)| community.contains(*i)).map(|(_, a)| a).collect();
    let with_decile: Vec<&&AreaFacts> = members.iter().filter(|a| a.decile.is_some()).collect();
    let population: f64 = members.iter().filter_map(|a| a.population).sum();
    let ranked_population: f64 = with_decile.iter().filter_map(|a| a.population).sum();
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    let scored: Vec<(f64, f64)> = with_decile.iter().filter_map(|a| Some((a.score?, a.population?))).collect();
    let scored_population: f64 = scored.iter().map(|(_, p)| p).sum();
    let extent_weight = |rank: u32| {
        let p = rank as f64 / national_areas.max(1) as f64;
        ((0.30 - p) / 0.20).clamp(0.0, 1.0)
    };
    let extent_numerator: f64 = with_decile.iter().filter_map(|a| Some(extent_weight(a.rank?) * a.population?)).sum();
    CommunityProfile {
        areas: members.len(),
        areas_with_decile: with_decile.len(),
        population,
        population_weighted_imd_score: (scored.len() == with_decile.len() && scored_population > 0.0)
            .then(|| scored.iter().map(|(s, p)| s * p).sum::<f64>() / scored_population),
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
        extent: (ranked_population > 0.0).then(|| extent_numerator / ranked_population),
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
        // 100 areas nationally: ranks 5 (top 10%), 20 (sliding scale, weight 0.5), 80 (none).
        let areas = vec![area(5, 1, 50.0, 100.0), area(20, 2, 30.0, 200.0), area(80, 8, 10.0, 100.0)];
        let community = Community { members: vec![true; 3], description: String::new() };
        let p = profile(&areas, &community, 100);
        assert_eq!(p.areas, 3);
        assert!((p.population_weighted_imd_score.unwrap() - (5000.0 + 6000.0 + 1000.0) / 400.0).abs() < 1e-9);
        assert!((p.share_of_areas_in_decile_1 - 1.0 / 3.0).abs() < 1e-9);
        assert!((p.share_of_population_in_deciles_1_2 - 0.75).abs() < 1e-9);
        assert!((p.extent.unwrap() - (100.0 + 0.5 * 200.0) / 400.0).abs() < 1e-9);
        assert_eq!(local_deciles(&areas, &community), vec![Some(4), Some(7), Some(10)]);
    }
}
