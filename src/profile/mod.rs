//! `anchormap profile`: the IoD's summary of every group of areas (local authorities, ICBs, MSOAs) in one pass over the national table.

use std::path::Path;
use std::time::Instant;

use anyhow::bail;
use serde::Serialize;

use crate::analysis::profile::{ProfileSums, DEFINITIONS};
use crate::cli::ProfileArgs;
use crate::dictionary::{EMPLOYMENT_POPULATION, TOTAL_POPULATION};
use crate::error::{Error, Location};
use crate::io::format::thousands;
use crate::output::run_folder::RunFolder;
use crate::output::schema::Kind;
use crate::output::summary::{file_name, write_json};
use crate::output::table::{fixed, Table};
use crate::reference::boundaries::{Boundaries, BoundaryProperties};
use crate::reference::lookup::GroupLookup;
use crate::reference::{Deprivation, Geography, Population};

/// The table of a profile run.
pub const TABLE: &str = "profile.csv";
/// The summary of a profile run.
pub const SUMMARY: &str = "profile_summary.json";

/// Which population the measures are weighted by, in words, for the summary and METHOD.md.
const POPULATION_NOTE: &str = "The IoD weighs its summaries by the total population (IoD2019: mid-2015, File 6; \
    IoD2025: mid-2022, File 7), and profile takes the total population column by default; gaps weighs its \
    community profile and its comparison with the workforce by the working-age population.";

/// What a profile run read and wrote.
#[derive(Debug, Serialize)]
struct ProfileSummary {
    lookup: String,
    group_column: String,
    name_column: Option<String>,
    deprivation: String,
    scores: Option<String>,
    edition: String,
    population: Option<String>,
    population_column: Option<String>,
    /// The working-age column the Employment domain is weighted by, if the population file has one.
    employment_population_column: Option<String>,
    groups: usize,
    /// Distinct (area, group) rows of the lookup.
    lookup_areas: usize,
    lookup_areas_not_in_deprivation: usize,
    ranked_areas_without_population: usize,
    areas_in_several_groups: usize,
    lookup_rows_without_group: usize,
    /// Areas the deprivation file ranks, nationally: the scale of every percentile.
    national_areas: usize,
    domains: Vec<String>,
    average_score: bool,
    definitions: String,
    population_note: String,
    outputs: Vec<String>,
}

pub(crate) fn run(args: ProfileArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let deprivation = load_deprivation(&args)?;
    let lookup = GroupLookup::load(&args.lookup, &args.group_column, &args.lookup_columns.named("--lookup-columns"))?;
    let (population, working_age) = load_population(&args)?;
    check_vintages(&args, &deprivation, &lookup, population.as_ref())?;
    let folder = RunFolder::create(&args.output.out, args.output.force, &inputs(&args))?;
    let mut sums = vec![ProfileSums::default(); lookup.groups.len()];
    let mut areas = vec![0usize; lookup.groups.len()];
    let mut counts = (0, 0); // (areas not in the deprivation file, ranked areas without a population)
    for (area, group) in &lookup.members {
        let people = population.as_ref().and_then(|p| p.get(area));
        areas[*group] += 1;
        counts.0 += usize::from(deprivation.get(area).is_none());
        counts.1 += usize::from(deprivation.get(area).is_some() && people.is_none());
        sums[*group].add(&deprivation, area, people, working_age.as_ref().and_then(|p| p.get(area)));
    }
    let table = profile_table(&lookup, &deprivation, &sums, &areas, population.is_some());
    crate::output::formats::Formats::new(&args.output.formats).write_table(folder.path(), TABLE, &table)?;
    let mut summary = summary(&args, &deprivation, &lookup, population.as_ref(), counts);
    summary.employment_population_column = working_age.map(|w| w.column);
    write_json(&folder.path().join(SUMMARY), &summary)?;
    folder.commit()?;
    if !args.output.terminal.quiet {
        eprintln!(
            "profile: {} groups of {} areas ({}) in {:.1} s: {}",
            thousands(lookup.groups.len() as u64),
            thousands(lookup.members.len() as u64),
            deprivation.edition,
            started.elapsed().as_secs_f64(),
            args.output.out.join(TABLE).display()
        );
        if !summary.average_score {
            eprintln!("note: the deprivation file has no IMD scores, so average_score is blank: give --scores (IoD File 7 or a copy)");
        }
    }
    Ok(())
}

/// The deprivation file, with the scores file's scores (and domain ranks) where it has none.
fn load_deprivation(args: &ProfileArgs) -> anyhow::Result<Deprivation> {
    let scores = args.scores.as_deref().map(|p| Deprivation::load(p, &args.scores_columns)).transpose()?;
    match (&args.iod.deprivation, scores) {
        (Some(path), scores) => {
            let deprivation = Deprivation::load(path, &args.iod.deprivation_columns)?;
            Ok(match scores {
                Some(scores) => deprivation.with_scores(scores)?,
                None => deprivation,
            })
        }
        (None, Some(scores)) => Ok(scores),
        (None, None) => bail!(Error::usage(
            "profile needs --deprivation (an IoD file of ranks, e.g. File 1 or 2) or --scores (File 7 or a copy)"
        )),
    }
}

/// `--population` (its total population column by default, as the IoD weighs); else the total
/// population beside the scores, if the scores file has one. With it, the same file's working-age
/// denominator of the Employment domain, if it has one.
fn load_population(args: &ProfileArgs) -> anyhow::Result<(Option<Population>, Option<Population>)> {
    let (total, file) = match (&args.population.population, &args.scores) {
        (Some(path), _) => {
            (Some(Population::load_column(path, &args.population.population_columns, &TOTAL_POPULATION)?), path)
        }
        (None, Some(scores)) => (Population::find_in(scores, &TOTAL_POPULATION)?, scores),
        (None, None) => return Ok((None, None)),
    };
    let working_age = match &total {
        Some(total) => Population::find_in(file, &EMPLOYMENT_POPULATION)?.filter(|w| w.column != total.column),
        None => None,
    };
    Ok((total, working_age))
}

/// Refuses a lookup, population or boundaries of the other LSOA vintage than the deprivation file.
fn check_vintages(
    args: &ProfileArgs,
    deprivation: &Deprivation,
    lookup: &GroupLookup,
    population: Option<&Population>,
) -> anyhow::Result<()> {
    let lsoa = |g: &Geography| matches!(g, Geography::Lsoa2011 | Geography::Lsoa2021);
    let ours = &deprivation.geography;
    let mut others: Vec<(&Path, &Geography)> = vec![(&lookup.path, &lookup.geography)];
    others.extend(population.map(|p| (p.path.as_path(), &p.geography)));
    for (path, theirs) in others {
        if lsoa(ours) && lsoa(theirs) && ours != theirs {
            bail!(Error::invalid(
                Location::file(path),
                format!(
                    "is keyed by {theirs} areas, but the deprivation file is on {ours}: use files of one vintage \
                     (IoD2019 with LSOA 2011, IoD2025 with LSOA 2021)"
                ),
            ));
        }
    }
    if let (Some(boundaries), Some(path)) = (&args.boundaries, &args.iod.deprivation) {
        let boundaries = Boundaries::load(boundaries, &BoundaryProperties::default())?;
        deprivation.coverage(&boundaries).check_same_vintage(path)?;
    }
    Ok(())
}

/// One row per group: `code`, `name`, `areas`, `areas_ranked`, `population`, the IMD's
/// `average_score`, `proportion_most_deprived_10pct` and `extent`, then each domain's score and proportion.
fn profile_table(
    lookup: &GroupLookup,
    deprivation: &Deprivation,
    sums: &[ProfileSums],
    areas: &[usize],
    weighted: bool,
) -> Table {
    let domains: Vec<(usize, &str)> = deprivation.domains().map(|(i, d)| (i, d.key)).collect();
    let (text, count, amount, share) = (Kind::Text, Kind::Count, Kind::Amount, Kind::Share);
    let mut columns: Vec<(String, Kind)> = [("code", text), ("name", text), ("areas", count), ("areas_ranked", count)]
        .into_iter()
        .chain([("population", count), ("average_score", amount)])
        .chain([("proportion_most_deprived_10pct", share), ("extent", share)])
        .map(|(name, kind)| (name.to_string(), kind))
        .collect();
    for (_, key) in &domains {
        columns.push((format!("{key}_average_score"), amount));
        columns.push((format!("{key}_proportion_most_deprived_10pct"), share));
    }
    let mut table = Table::with_kinds(&columns);
    for (g, (code, name)) in lookup.groups.iter().enumerate() {
        let imd = &sums[g].imd;
        let mut row = vec![code.clone(), name.clone(), areas[g].to_string(), imd.ranked.to_string()];
        row.push(if weighted { fixed(Some(imd.population()), 0) } else { String::new() });
        row.push(fixed(imd.average_score(), 6));
        row.push(fixed(imd.proportion_most_deprived_10pct(), 6));
        row.push(fixed(imd.extent(), 6));
        for (i, _) in &domains {
            row.push(fixed(sums[g].domains[*i].average_score(), 6));
            row.push(fixed(sums[g].domains[*i].proportion_most_deprived_10pct(), 6));
        }
        table.push(row);
    }
    table
}

fn summary(
    args: &ProfileArgs,
    deprivation: &Deprivation,
    lookup: &GroupLookup,
    population: Option<&Population>,
    (not_in_deprivation, without_population): (usize, usize),
) -> ProfileSummary {
    ProfileSummary {
        lookup: file_name(&args.lookup),
        group_column: lookup.column.clone(),
        name_column: lookup.name_column.clone(),
        deprivation: file_name(&deprivation.path),
        scores: deprivation.scores_path.as_deref().map(file_name),
        edition: crate::geocoder::deprivation_vintage(&deprivation.edition, &deprivation.geography),
        population: population.map(|p| file_name(&p.path)),
        population_column: population.map(|p| p.column.clone()),
        employment_population_column: None,
        groups: lookup.groups.len(),
        lookup_areas: lookup.members.len(),
        lookup_areas_not_in_deprivation: not_in_deprivation,
        ranked_areas_without_population: without_population,
        areas_in_several_groups: lookup.areas_in_several_groups,
        lookup_rows_without_group: lookup.rows_without_group,
        national_areas: deprivation.len(),
        domains: deprivation.domains().map(|(_, d)| d.key.to_string()).collect(),
        average_score: deprivation.has_scores(),
        definitions: DEFINITIONS.to_string(),
        population_note: POPULATION_NOTE.to_string(),
        outputs: vec![TABLE.to_string(), SUMMARY.to_string()],
    }
}

/// The files no output may replace.
fn inputs(args: &ProfileArgs) -> Vec<&Path> {
    [
        Some(&args.lookup),
        args.iod.deprivation.as_ref(),
        args.scores.as_ref(),
        args.population.population.as_ref(),
        args.boundaries.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|p| p.as_path())
    .collect()
}
