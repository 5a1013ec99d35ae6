//! Which target neighbourhoods (a gaps run's `targets.csv`) can reach each site without a car, and in how many minutes: the user's time matrix (r5r, OpenTripPlanner) where it has the pair, the fitted travel model otherwise, each row labelled with its source.

use std::path::Path;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::analysis::travel::TravelModel;
use crate::analysis::{AreaFacts, Areas};
use crate::cli::commute::ReachArgs;
use crate::dictionary::TARGETS;
use crate::error::{Error, Location};
use crate::input::sites::Site;
use crate::input::time_matrix::TimeMatrix;
use crate::io::CsvInput;
use crate::output::table::{fixed, Table};

/// The table's file name.
pub const TABLE: &str = "commute_target_reach.csv";

/// The table's columns.
const COLUMNS: [&str; 10] = [
    "rank",
    "area_code",
    "area_name",
    "neighbourhood",
    "imd_decile",
    "site_code",
    "site_name",
    "minutes_without_car",
    "within_reach",
    "time_source",
];

/// One target neighbourhood: its rank in the file (if ranked) and its area row.
struct Target {
    rank: Option<u32>,
    area: usize,
}

/// What the reach of targets comes to, for both summaries (areas and sites only: no count of people).
#[derive(Debug, Clone, Serialize)]
pub struct TargetReach {
    /// The targets file's name.
    pub targets_file: String,
    /// Target neighbourhoods read and found among the run's areas.
    pub targets: usize,
    /// Area codes of the targets file that are not among the run's areas.
    pub targets_not_in_areas: Vec<String>,
    /// Within reach: at most this many minutes one way without a car.
    pub reach_minutes: f64,
    /// Target × site pairs timed by the time matrix, and by the travel model.
    pub pairs_from_time_matrix: usize,
    /// See `pairs_from_time_matrix`.
    pub pairs_modelled: usize,
    /// For each located site, how many targets are within reach.
    pub by_site: Vec<SiteReach>,
    /// How the times are made, in words.
    pub method: String,
}

/// One site's targets within reach.
#[derive(Debug, Clone, Serialize)]
pub struct SiteReach {
    /// The site's code as published.
    pub site_code: String,
    /// The site's name as published.
    pub site_name: String,
    /// Targets within `reach_minutes` of the site without a car.
    pub targets_within_reach: usize,
}

/// The table and summary of `--targets` (with `--time-matrix` where given) for `sites` (those staff work at),
/// or `None` without `--targets`.
pub fn target_reach(
    args: &ReachArgs,
    areas: &Areas,
    sites: &[Site],
    model: &TravelModel,
) -> crate::error::Result<Option<(Table, TargetReach)>> {
    let Some(path) = &args.targets else { return Ok(None) };
    let (targets, not_in_areas) = read_targets(path, &args.targets_columns, areas)?;
    let matrix = match &args.time_matrix {
        Some(m) => Some(TimeMatrix::read(m, &args.time_matrix_columns)?),
        None => None,
    };
    let mut table = Table::new(&COLUMNS);
    let (mut from_matrix, mut modelled) = (0, 0);
    let located: Vec<&Site> = sites.iter().filter(|s| s.location.is_some()).collect();
    let mut within = vec![0; located.len()];
    for target in &targets {
        let area = &areas.facts[target.area];
        for (site, within) in located.iter().zip(&mut within) {
            let timed = matrix.as_ref().and_then(|m| m.get(&area.code, &site.code));
            let Some(minutes) = timed.or_else(|| modelled_minutes(model, area.centroid, site.location)) else {
                continue;
            };
            let reach = minutes <= args.reach_minutes;
            *(if timed.is_some() { &mut from_matrix } else { &mut modelled }) += 1;
            *within += usize::from(reach);
            table.push(row(target, area, site, minutes, reach, timed.is_some()));
        }
    }
    let by_site = located
        .iter()
        .zip(within)
        .map(|(site, within)| SiteReach {
            site_code: site.label.clone(),
            site_name: site.name.clone(),
            targets_within_reach: within,
        })
        .collect();
    let summary = TargetReach {
        targets_file: crate::output::summary::file_name(path),
        targets: targets.len(),
        targets_not_in_areas: not_in_areas,
        reach_minutes: args.reach_minutes,
        pairs_from_time_matrix: from_matrix,
        pairs_modelled: modelled,
        by_site,
        method: method(model, matrix.is_some()),
    };
    Ok(Some((table, summary)))
}

/// One row of the table.
fn row(target: &Target, area: &AreaFacts, site: &Site, minutes: f64, reach: bool, from_matrix: bool) -> Vec<String> {
    vec![
        target.rank.map(|r| r.to_string()).unwrap_or_default(),
        area.code.clone(),
        area.name.clone(),
        area.label(),
        fixed(area.decile.map(f64::from), 0),
        site.label.clone(),
        site.name.clone(),
        fixed(Some(minutes), 0),
        reach.to_string(),
        if from_matrix { "time matrix" } else { "modelled" }.to_string(),
    ]
}

/// One-way minutes without a car between an area's centroid and a site: car time from the straight line
/// (the fitted time model) times the without-car factor.
fn modelled_minutes(model: &TravelModel, from: Option<geo::Coord<f64>>, to: Option<geo::Coord<f64>>) -> Option<f64> {
    let (a, b) = (from?, to?);
    let km = (a.x - b.x).hypot(a.y - b.y) / 1000.0;
    Some(model.time.car_minutes(km, km * model.circuity) * model.without_car_time_factor)
}

/// The targets, in the file's order, and the area codes not among the run's areas.
fn read_targets(
    path: &Path,
    columns: &crate::columns::ColumnMap,
    areas: &Areas,
) -> crate::error::Result<(Vec<Target>, Vec<String>)> {
    let row_of: FxHashMap<&str, usize> = areas.facts.iter().enumerate().map(|(i, a)| (a.code.as_str(), i)).collect();
    let mut input = CsvInput::open(path)?;
    let columns = &columns.named("--targets-columns");
    let [rank_spec, area_spec] = &TARGETS;
    let (rank, area) = (input.find(rank_spec, columns)?, input.require(area_spec, columns)?);
    let (mut targets, mut missing) = (Vec::new(), Vec::new());
    let mut batch = Vec::new();
    while input.read_batch(&mut batch, 4096)? {
        for row in &batch {
            let text = |i: usize| String::from_utf8_lossy(row.record.get(i).unwrap_or_default()).trim().to_string();
            let code = text(area);
            if code.is_empty() {
                continue;
            }
            let rank = match rank.map(text).filter(|r| !r.is_empty()) {
                Some(r) => Some(r.parse::<u32>().map_err(|_| {
                    let at = Location::at(path, row.line, rank.unwrap_or(0) + 1);
                    Error::invalid(at, format!("'{r}' is not a rank (a whole number)"))
                })?),
                None => None,
            };
            match row_of.get(code.as_str()) {
                Some(&area) => targets.push(Target { rank, area }),
                None => missing.push(code),
            }
        }
    }
    Ok((targets, missing))
}

/// The method in words.
fn method(model: &TravelModel, matrix: bool) -> String {
    let modelled = format!(
        "modelled: car time from the straight-line distance between the neighbourhood's centre and the site ({}), times {} for a journey by public transport or on foot (DfT Journey Time Statistics 2019)",
        match model.time {
            crate::analysis::travel::TimeModel::FixedPlusPerKm { fixed_minutes, minutes_per_straight_line_km } =>
                format!("{fixed_minutes} minutes plus {minutes_per_straight_line_km} a straight-line km"),
            crate::analysis::travel::TimeModel::Speed { kmh } => format!("road km at {kmh} km/h"),
        },
        model.without_car_time_factor
    );
    if matrix {
        format!("One-way minutes without a car from the time matrix given; pairs it lacks are {modelled}.")
    } else {
        format!("One-way minutes without a car, {modelled}. A public-transport time matrix (--time-matrix, e.g. from r5r or OpenTripPlanner) replaces the model where it has the pair.")
    }
}
