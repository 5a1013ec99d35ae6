//! Target neighbourhoods for recruitment: deprived, under-represented areas within reach of open entry-level vacancies.

use geo::Coord;

use crate::analysis::community::Community;
use crate::analysis::AreaFacts;
use crate::spatial::CentroidIndex;

/// An open vacancy with a location.
#[derive(Debug, Clone)]
pub struct PlacedVacancy {
    pub site: String,
    pub location: Coord<f64>,
    pub entry_level: bool,
}

/// One target neighbourhood and the components of its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub area: usize,
    /// Staff expected at the community rate minus staff living there (people).
    pub shortfall: f64,
    /// Straight-line distance from the area's centroid to the nearest site with an open entry-level vacancy (m).
    pub distance_m: f64,
    pub nearest_site: String,
    /// Open entry-level vacancies at sites within the radius.
    pub vacancies_within_radius: usize,
    /// 1 at a site, falling linearly to 0 at the radius.
    pub access: f64,
    /// shortfall × access.
    pub score: f64,
}

/// Ranks the community's areas in `deciles` that have fewer staff than expected and an open
/// entry-level vacancy within `radius_m`: score = shortfall × (1 − distance / radius).
pub fn targets(
    areas: &[AreaFacts],
    community: &Community,
    staff_by_area: &[f64],
    rate_per_1000: f64,
    vacancies: &[PlacedVacancy],
    deciles: &[u8],
    radius_m: f64,
) -> Vec<Target> {
    let entry: Vec<&PlacedVacancy> = vacancies.iter().filter(|v| v.entry_level).collect();
    let mut found = Vec::new();
    for (i, area) in areas.iter().enumerate() {
        let (Some(decile), Some(population), Some(centroid)) = (area.decile, area.population, area.centroid) else {
            continue;
        };
        if !community.contains(i) || !deciles.contains(&decile) {
            continue;
        }
        let shortfall = population * rate_per_1000 / 1000.0 - staff_by_area[i];
        if shortfall <= 0.0 {
            continue;
        }
        let distance = |v: &&PlacedVacancy| (v.location.x - centroid.x).hypot(v.location.y - centroid.y);
        let in_reach: Vec<(f64, &str)> =
            entry.iter().map(|v| (distance(v), v.site.as_str())).filter(|(d, _)| *d <= radius_m).collect();
        let Some(&(distance_m, nearest_site)) = in_reach.iter().min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)))
        else {
            continue;
        };
        let access = 1.0 - distance_m / radius_m;
        found.push(Target {
            area: i,
            shortfall,
            distance_m,
            nearest_site: nearest_site.to_string(),
            vacancies_within_radius: in_reach.len(),
            access,
            score: shortfall * access,
        });
    }
    found.sort_by(|a, b| b.score.total_cmp(&a.score).then(areas[a.area].code.cmp(&areas[b.area].code)));
    found
}

/// What one vacancy can reach: the population of deprived areas around it and the nearest of them.
#[derive(Debug, Clone, PartialEq)]
pub struct VacancyReach {
    pub deprived_population_within_radius: f64,
    pub deprived_areas_within_radius: usize,
    /// The k nearest deprived areas: (area, distance m).
    pub nearest_deprived: Vec<(usize, f64)>,
}

/// Reach of a point over an index of deprived-area centroids (built by the caller for `deciles`).
pub fn reach(
    areas: &[AreaFacts],
    deprived: &CentroidIndex,
    point: Coord<f64>,
    radius_m: f64,
    k: usize,
) -> VacancyReach {
    let within = deprived.within(point, radius_m);
    VacancyReach {
        deprived_population_within_radius: within.iter().filter_map(|(a, _)| areas[*a as usize].population).sum(),
        deprived_areas_within_radius: within.len(),
        nearest_deprived: deprived.nearest(point, k).into_iter().map(|(a, d)| (a as usize, d)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    fn area(code: &str, decile: u8, population: f64, x: f64) -> AreaFacts {
        AreaFacts {
            code: code.into(),
            decile: Some(decile),
            population: Some(population),
            centroid: Some(coord! { x: x, y: 0.0 }),
            ..Default::default()
        }
    }

    #[test]
    fn a_known_construction() {
        // Rate 10 per 1,000. A: decile 1, 1000 people, 2 staff -> shortfall 8, 1 km from the site.
        // B: decile 2, 2000 people, 5 staff -> shortfall 15, 4 km away. C: decile 1, fully represented.
        // D: decile 5 (not targeted). E: decile 1 but 20 km away (out of reach).
        let areas = vec![
            area("A", 1, 1000.0, 1000.0),
            area("B", 2, 2000.0, 4000.0),
            area("C", 1, 1000.0, 500.0),
            area("D", 5, 1000.0, 0.0),
            area("E", 1, 1000.0, 20_000.0),
        ];
        let community = Community { members: vec![true; 5], description: String::new() };
        let staff = [2.0, 5.0, 12.0, 0.0, 0.0];
        let vacancies = vec![
            PlacedVacancy { site: "S1".into(), location: coord! { x: 0.0, y: 0.0 }, entry_level: true },
            PlacedVacancy { site: "S1".into(), location: coord! { x: 0.0, y: 0.0 }, entry_level: true },
            PlacedVacancy { site: "S2".into(), location: coord! { x: 30_000.0, y: 0.0 }, entry_level: false },
        ];
        let found = targets(&areas, &community, &staff, 10.0, &vacancies, &[1, 2], 10_000.0);
        let codes: Vec<&str> = found.iter().map(|t| areas[t.area].code.as_str()).collect();
        assert_eq!(codes, vec!["B", "A"]);
        assert!((found[0].score - 15.0 * 0.6).abs() < 1e-9);
        assert!((found[1].score - 8.0 * 0.9).abs() < 1e-9);
        assert_eq!(found[1].vacancies_within_radius, 2);
        assert_eq!(found[1].nearest_site, "S1");
    }
}
