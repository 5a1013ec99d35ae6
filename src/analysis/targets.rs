//! Target neighbourhoods for recruitment: deprived, under-represented areas within reach of open entry-level vacancies.

use geo::Coord;

use crate::analysis::community::Community;
use crate::analysis::AreaFacts;
use crate::reference::census::Residents;
use crate::spatial::CentroidIndex;

/// The smallest shortfall (people) that makes an area a target: less rounds to nobody.
pub const MIN_SHORTFALL: f64 = 0.5;

/// An open vacancy with a location.
#[derive(Debug, Clone)]
pub struct PlacedVacancy {
    /// The site as the vacancy file gives it (a code, name or postcode, as published).
    pub site: String,
    /// The site's name, for people.
    pub site_name: String,
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
    pub nearest_site_name: String,
    /// Open entry-level vacancies at sites within the radius.
    pub vacancies_within_radius: usize,
    /// Those vacancies, as indices into the list given to [`targets`], nearest first.
    pub in_reach: Vec<usize>,
    /// 1 at a site, falling linearly to 0 at the radius.
    pub access: f64,
    /// shortfall × access.
    pub score: f64,
}

/// Ranks the community's areas in `deciles` that have at least [`MIN_SHORTFALL`] fewer staff than
/// expected and an open entry-level vacancy within `radius_m`: score = shortfall × (1 − distance / radius).
pub fn targets(
    areas: &[AreaFacts],
    community: &Community,
    staff_by_area: &[f64],
    rate_per_1000: f64,
    vacancies: &[PlacedVacancy],
    deciles: &[u8],
    radius_m: f64,
) -> Vec<Target> {
    let mut found = Vec::new();
    for (i, area) in areas.iter().enumerate() {
        let (Some(decile), Some(population), Some(centroid)) = (area.decile, area.population, area.centroid) else {
            continue;
        };
        if !community.contains(i) || !deciles.contains(&decile) {
            continue;
        }
        let shortfall = population * rate_per_1000 / 1000.0 - staff_by_area[i];
        if shortfall < MIN_SHORTFALL {
            continue;
        }
        let in_reach = entry_level_in_reach(vacancies, centroid, radius_m);
        let Some(&(nearest, distance_m)) = in_reach.first() else { continue };
        let access = 1.0 - distance_m / radius_m;
        found.push(Target {
            area: i,
            shortfall,
            distance_m,
            nearest_site: vacancies[nearest].site.clone(),
            nearest_site_name: vacancies[nearest].site_name.clone(),
            vacancies_within_radius: in_reach.len(),
            in_reach: in_reach.into_iter().map(|(v, _)| v).collect(),
            access,
            score: shortfall * access,
        });
    }
    found.sort_by(|a, b| b.score.total_cmp(&a.score).then(areas[a.area].code.cmp(&areas[b.area].code)));
    found
}

/// The entry-level vacancies within `radius_m` of `point` with their distances (m), nearest first
/// (ties by site, then by order in the file).
fn entry_level_in_reach(vacancies: &[PlacedVacancy], point: Coord<f64>, radius_m: f64) -> Vec<(usize, f64)> {
    let mut in_reach: Vec<(usize, f64)> = vacancies
        .iter()
        .enumerate()
        .filter(|(_, v)| v.entry_level)
        .map(|(i, v)| (i, (v.location.x - point.x).hypot(v.location.y - point.y)))
        .filter(|(_, d)| *d <= radius_m)
        .collect();
    in_reach
        .sort_by(|a, b| a.1.total_cmp(&b.1).then(vacancies[a.0].site.cmp(&vacancies[b.0].site)).then(a.0.cmp(&b.0)));
    in_reach
}

/// What a target row says in one plain-English sentence.
pub struct Why<'a> {
    pub decile: u8,
    pub shortfall: f64,
    pub jobs: usize,
    pub nearest_site_name: &'a str,
    pub distance_km: f64,
    pub residents: Residents,
}

/// Why an area is a target, in one sentence a board member reads.
///
/// ```
/// use anchormap::analysis::targets::{reason, Why};
/// use anchormap::reference::census::Residents;
/// let why = Why { decile: 1, shortfall: 6.4, jobs: 3, nearest_site_name: "Worcestershire Royal Hospital", distance_km: 1.24,
///     residents: Residents { out_of_work: Some(412.0), without_car_share: Some(0.381) } };
/// assert_eq!(reason(&why), "In the most deprived 10% of neighbourhoods in England, with about 6 fewer staff living here \
///     than the community rate would give, 3 open entry-level jobs within reach (the nearest at Worcestershire Royal Hospital, \
///     1.2 km away), 412 residents out of work and 38% of households without a car.");
/// ```
pub fn reason(why: &Why) -> String {
    let deprived = match why.decile {
        1 => "the most deprived 10%".to_string(),
        d => format!("the most deprived {}% (decile {d})", u32::from(d) * 10),
    };
    let staff = match why.shortfall.round() as i64 {
        n if n <= 1 => "about 1 fewer staff member living here".to_string(),
        n => format!("about {n} fewer staff living here"),
    };
    let jobs = format!(
        "{} open entry-level job{} within reach (the nearest at {}, {:.1} km away)",
        why.jobs,
        if why.jobs == 1 { "" } else { "s" },
        why.nearest_site_name,
        why.distance_km
    );
    let mut parts = vec![format!("{staff} than the community rate would give"), jobs];
    if let Some(n) = why.residents.out_of_work {
        parts.push(format!("{} residents out of work", crate::io::format::thousands(n.round() as u64)));
    }
    if let Some(share) = why.residents.without_car_share {
        parts.push(format!("{:.0}% of households without a car", share * 100.0));
    }
    let last = parts.pop().unwrap_or_default();
    format!("In {deprived} of neighbourhoods in England, with {} and {last}.", parts.join(", "))
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

    fn vacancy(site: &str, x: f64, entry_level: bool) -> PlacedVacancy {
        PlacedVacancy {
            site: site.into(),
            site_name: format!("{site} Hospital"),
            location: coord! { x: x, y: 0.0 },
            entry_level,
        }
    }

    #[test]
    fn issue_15_a_shortfall_under_half_a_person_is_no_target() {
        let areas = vec![area("A", 1, 1000.0, 1000.0), area("B", 1, 1000.0, 1000.0)];
        let community = Community { members: vec![true; 2], description: String::new() };
        // Rate 10 per 1,000: A has 9.6 staff (0.4 short), B 9.5 (0.5 short).
        let found = targets(&areas, &community, &[9.6, 9.5], 10.0, &[vacancy("S1", 0.0, true)], &[1], 10_000.0);
        assert_eq!(found.iter().map(|t| t.area).collect::<Vec<_>>(), vec![1]);
        assert_eq!(found[0].nearest_site_name, "S1 Hospital");
        assert_eq!(found[0].in_reach, vec![0]);
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
        let vacancies = vec![vacancy("S1", 0.0, true), vacancy("S1", 0.0, true), vacancy("S2", 30_000.0, false)];
        let found = targets(&areas, &community, &staff, 10.0, &vacancies, &[1, 2], 10_000.0);
        let codes: Vec<&str> = found.iter().map(|t| areas[t.area].code.as_str()).collect();
        assert_eq!(codes, vec!["B", "A"]);
        assert!((found[0].score - 15.0 * 0.6).abs() < 1e-9);
        assert!((found[1].score - 8.0 * 0.9).abs() < 1e-9);
        assert_eq!(found[1].vacancies_within_radius, 2);
        assert_eq!(found[1].nearest_site, "S1");
    }
}
