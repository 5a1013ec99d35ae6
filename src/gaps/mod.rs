//! `anchormap gaps`: where staff live against the community's working-age population, by deprivation; target neighbourhoods.

pub mod demography;
pub mod published;
pub mod targets;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::bail;
use serde::{Deserialize, Serialize};

use crate::analysis::community::Community;
use crate::analysis::demography::DemographyTable;
use crate::analysis::demography::{community_population, demography_rows, Dimension, BME};
use crate::analysis::gaps::{class_counts, community_rate, compare, Classes, StaffTally};
use crate::analysis::profile::{local_deciles, profile, CommunityProfile};
use crate::analysis::targets::{reach, targets, PlacedVacancy};
use crate::analysis::AreaFacts;
use crate::cli::{Breakdown, DemographyArgs, GapsArgs};
use crate::dictionary::{CAR_AVAILABILITY, ECONOMIC_ACTIVITY};
use crate::error::{Error, Location};
use crate::gaps::demography::{
    all_staff_group_column, all_staff_table, demography_groups, demography_table, demography_table_by_nation,
    wres1_rows, wres1_table,
};
use crate::gaps::published::{
    check_linked, other_nations, published_before, AllStaffCells, ClassCells, PublishedStaff,
};
use crate::gaps::targets::TargetRows;
use crate::geocoder::nations::{nation_name, Nations};
use crate::geocoder::{MatchCounts, MatchStatus};
use crate::input::band::Band;
use crate::input::demography::{AgeBand, EthnicGroup, Sex};
use crate::input::home_postcode;
use crate::input::sites::Site;
use crate::input::staff::StaffColumns;
use crate::input::unrecognised::{ColumnInFile, ColumnSpread, UnrecognisedValues};
use crate::input::vacancies::{read_vacancies, unread_bands_warning, Vacancy};
use crate::input::value_maps::ValueMaps;
use crate::io::csv_input::Row;
use crate::io::format::thousands;
use crate::io::CsvInput;
use crate::output::disclosure::joint::Protection;
use crate::output::disclosure::{Cell, Disclosure, RunAudit};
use crate::output::geojson;
use crate::output::run_summary::{
    CommunitySummary, DemographySummary, Edition, GapsSummary, NationGaps, PublishedStaffCounts, SiteLocated,
    VacancyCounts, Wres1Summary,
};
use crate::output::summary::{file_name, INTERNAL_FOLDER};
use crate::output::table::{fixed, Table};
use crate::reference::census::CensusTable;
use crate::reference::census::Residents;
use crate::reference::Country;
use crate::reference::Population;
use crate::run::say;
use crate::run::{each_batch, PeopleFile, RunContext};
use crate::spatial::CentroidIndex;

/// The published summary of a gaps run.
pub const SUMMARY: &str = "gaps_summary.json";
/// The exact counts of a gaps run, in [`INTERNAL_FOLDER`].
pub const INTERNAL_SUMMARY: &str = "gaps_summary_exact.json";

/// The analyst's summary of a gaps run ([`INTERNAL_SUMMARY`]): every count exact; never published.
/// (Fields in the order of the file's keys, alphabetical as before this type.)
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GapsExact {
    /// The exact tables written beside it.
    pub exact_tables: Vec<String>,
    /// What the file is, in words.
    pub not_for_publication: String,
    /// Staff counted by where they ended up.
    pub staff: StaffCounts,
    /// The staff file, as given.
    pub staff_file: String,
    /// The run's warnings.
    pub warnings: Vec<String>,
    /// WRES indicator 1's rows with exact counts (with `--by band` and `--by ethnic-group`).
    pub wres_indicator_1: Option<Vec<crate::output::run_summary::Wres1Band>>,
}

/// Staff counted by where they ended up.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct StaffCounts {
    pub rows: u64,
    #[serde(rename = "match")]
    pub by_match: MatchCounts,
    pub placed_in_community: u64,
    pub placed_outside_community: u64,
    /// Living in the community but in an area without an IMD decile (e.g. a Welsh area).
    pub in_community_without_decile: u64,
}

impl StaffCounts {
    /// Adds another file's counts (a network's pool).
    pub fn merge(&mut self, other: &StaffCounts) {
        self.rows += other.rows;
        let (mine, theirs) = (&mut self.by_match, &other.by_match);
        mine.within += theirs.within;
        mine.nearest += theirs.nearest;
        mine.outside += theirs.outside;
        mine.unknown_postcode += theirs.unknown_postcode;
        mine.invalid_postcode += theirs.invalid_postcode;
        mine.no_coordinates += theirs.no_coordinates;
        mine.directory += theirs.directory;
        self.placed_in_community += other.placed_in_community;
        self.placed_outside_community += other.placed_outside_community;
        self.in_community_without_decile += other.in_community_without_decile;
    }
}

pub(crate) fn run(args: GapsArgs) -> anyhow::Result<()> {
    let PeopleFile { input: staff, columns, maps, postcode_column } = open_staff(&args)?;
    check_breakdowns(&args, &columns, &staff.headers)?;
    let (mut run, shared) = open_run(&args)?;
    check_protect_with_nations(&args, &run, &shared.community)?;
    let vacancies = load_vacancies(&args, &shared.sites, &mut run)?;
    let placed = place_staff(staff, (&columns, &maps), &args, &shared.community, &mut run)?;
    let earlier = published_before(&args.protect_with, &run.disclosure)?;
    let published = PublishedStaff::new(
        &run.areas.facts,
        &shared.community,
        &placed.tally,
        &placed.counts.by_match,
        placed.counts.placed_outside_community,
        Protection { rule: &run.disclosure, earlier: &earlier },
    );
    check_linked(&published, &earlier)?;
    let (summary, exact) = publish_run(&args, &mut run, &shared, (&vacancies, &placed, &published), postcode_column)?;
    let (quiet, started) = (run.quiet, run.started);
    run.finish((SUMMARY, &summary), (INTERNAL_SUMMARY, &exact))?;
    if !quiet {
        // Across nations, each nation's headline on its own line.
        let headlines: Vec<&str> = match summary.by_nation.as_slice() {
            [] => summary.headline.iter().map(String::as_str).collect(),
            nations => nations.iter().filter_map(|n| n.headline.as_deref()).collect(),
        };
        let across = !summary.by_nation.is_empty();
        print_summary(&placed.counts, (&summary.community.profile, across), &headlines, started);
        for d in &summary.decisions {
            eprintln!("note: {d}");
        }
    }
    Ok(())
}

/// The staff file of `args`, opened and its columns found.
pub(crate) fn open_staff(args: &GapsArgs) -> anyhow::Result<PeopleFile<StaffColumns>> {
    let staff = PeopleFile::open(
        (&args.reference, "gaps needs --deprivation (an IoD file) to compare by deprivation decile"),
        &args.values,
        (&args.staff, &args.staff_columns, &crate::dictionary::STAFF[0]),
        StaffColumns::resolve,
        |c| c.postcode,
    )?;
    check_breakdowns(args, &staff.columns, &staff.input.headers)?;
    Ok(staff)
}

/// What a gaps run reads once, whoever's staff it places: the sites, the census tables, the
/// community, the residents of its areas.
pub(crate) struct Shared {
    pub sites: Vec<Site>,
    pub census: Vec<DemographyTable>,
    pub community: Community,
    pub codes_bridged: BTreeMap<String, u64>,
    pub community_name: Option<String>,
    pub residents: Vec<Residents>,
}

/// The run context (reference data, population, names) and what every staff file is compared with.
/// Each nation's staff are compared with its own community on its own index (`--wimd`, `--simd`),
/// in a gaps run as in a network's partners and pool.
pub(crate) fn open_run(args: &GapsArgs) -> anyhow::Result<(RunContext, Shared)> {
    let rule = (args.disclosure.rule(), true);
    let mut run = RunContext::open_with_nations(&args.output, &args.reference, rule, &inputs(args), || {
        Population::load(args.population.required()?, &args.population.population_columns).map(Some)
    })?;
    run.attach_names(&args.names)?;
    let sites = run.sites(&args.sites)?;
    let census = census_tables(args, &mut run)?;
    let (community, codes_bridged, community_name) = community(args, &sites, &mut run)?;
    let residents = residents(args, &mut run)?;
    Ok((run, Shared { sites, census, community, codes_bridged, community_name, residents }))
}

/// Writes every table, the workbook and the disclosure audit of one set of published staff into
/// the run's folder; the published summary and the exact one (with the exact tables written).
pub(crate) fn publish_run(
    args: &GapsArgs,
    run: &mut RunContext,
    shared: &Shared,
    (vacancies, placed, published): (&[Vacancy], &PlacedStaff, &PublishedStaff),
    postcode_column: (String, usize),
) -> anyhow::Result<(GapsSummary, GapsExact)> {
    let community = &shared.community;
    let residents = &shared.residents;
    let mut tables = write_tables(args, run, community, &placed.tally, published, vacancies, residents)?;
    let demography = write_demography(args, run, community, published, &shared.census)?;
    tables.written.extend(demography.written.iter().cloned());
    let community_name = shared.community_name.as_deref().unwrap_or(&community.description);
    let across = (!tables.nations.is_empty()).then_some(NATIONS_NOT_POOLED);
    tables.written.push(write_workbook(run, &tables.written, community_name, across)?);
    tables.written.push(RunAudit::new(run.disclosure, vec![published.audit.clone()]).write(run.out())?);
    run.warnings.extend(crate::postcode::withheld_warning());
    let mut summary = summary(args, run, community, published, &tables, &placed.decisions, vacancies, &shared.sites);
    summary.community.codes_bridged_by_change = shared.codes_bridged.clone();
    summary.community.name = shared.community_name.clone();
    summary.postcode_column = home_postcode::record(postcode_column, &mut summary.decisions);
    (summary.demography, summary.wres_indicator_1) = (demography.summaries, demography.wres1);
    summary.all_staff = demography.all_staff;
    let exact = exact_summary((args, &shared.census), run, community, placed, &tables.population_by_decile)?;
    Ok((summary, exact))
}

/// The workbook of the published tables, with the community named in its notes; its file name.
fn write_workbook(
    run: &RunContext,
    tables: &[String],
    community: &str,
    nations: Option<&str>,
) -> anyhow::Result<String> {
    let mut notes = vec![format!("Community: {community}.")];
    notes.extend(nations.map(str::to_string));
    run.write_workbook("gaps.xlsx", "Staff against the community by deprivation", tables, &notes)
}

/// The analyst's summary: every count exact, and the exact tables written beside it.
fn exact_summary(
    (args, census): (&GapsArgs, &[DemographyTable]),
    run: &RunContext,
    community: &Community,
    placed: &PlacedStaff,
    population: &[f64],
) -> anyhow::Result<GapsExact> {
    let (exact_tables, exact_wres1) = write_exact_tables((args, census), run, community, placed, population)?;
    Ok(GapsExact {
        exact_tables,
        not_for_publication: "exact counts of people: keep with the row-level data, never publish".into(),
        staff: placed.counts.clone(),
        staff_file: args.staff.display().to_string(),
        warnings: run.warnings.clone(),
        wres_indicator_1: exact_wres1,
    })
}

/// WRES indicator 1's rows.
fn write_exact_tables(
    (args, census): (&GapsArgs, &[DemographyTable]),
    run: &RunContext,
    community: &Community,
    placed: &PlacedStaff,
    population: &[f64],
) -> anyhow::Result<(Vec<String>, Option<Vec<crate::output::run_summary::Wres1Band>>)> {
    let facts = &run.areas.facts;
    let (counts, none) = (&placed.counts, &Disclosure::NONE);
    let exact = PublishedStaff::new(
        facts,
        community,
        &placed.tally,
        &counts.by_match,
        counts.placed_outside_community,
        Protection::alone(none),
    );
    let dir = run.out().join(INTERNAL_FOLDER);
    std::fs::create_dir_all(&dir).map_err(|e| crate::error::Error::io(&dir, e))?;
    let mut written = Vec::new();
    let demography = exact_demography_tables((args, census), run, community, &exact);
    let nations = nation_populations(run, community);
    let tables =
        class_tables(population, &nations, &exact).into_iter().chain(all_staff_tables(&exact)).chain(demography);
    for (name, table) in tables {
        table.write_csv(&dir.join(&name))?;
        written.push(name);
    }
    // The exact area table: what `anchormap audit` needs to tell which areas of two runs hold the same people.
    let estimates = published_estimates(&exact.areas, none);
    let rate = community_rate(facts, community, &estimates).unwrap_or(0.0);
    let nations = across_nations(run, community);
    let table = area_rows(facts, (None, nations), community, &exact.areas, rate, None).0;
    table.write_csv(&dir.join("gaps_by_area.csv"))?;
    written.push("gaps_by_area.csv".to_string());
    let wres1 = exact.wres1.as_ref().map(wres1_rows);
    if let Some(rows) = &wres1 {
        wres1_table(rows, None).write_csv(&dir.join("wres_indicator_1.csv"))?;
        written.push("wres_indicator_1.csv".to_string());
    }
    Ok((written.into_iter().map(|f| format!("{INTERNAL_FOLDER}/{f}")).collect(), wres1))
}

/// The files no output may replace.
fn inputs(args: &GapsArgs) -> Vec<&Path> {
    let c = &args.community;
    let d = &args.demography;
    [
        Some(&args.staff),
        args.vacancies.vacancies.as_ref(),
        args.sites.sites.as_ref(),
        args.population.population.as_ref(),
    ]
    .into_iter()
    .chain([c.community_codes.as_ref(), c.community_lookup.as_ref(), c.bridge.area_bridge.as_ref()])
    .chain([d.ethnic_group_population.as_ref(), d.sex_population.as_ref(), d.age_population.as_ref()])
    .chain([args.economic_activity.as_ref(), args.car_availability.as_ref()])
    .flatten()
    .map(|p| p.as_path())
    .chain(args.names.paths())
    .collect()
}

/// Each breakdown's column is there: `--by starter` also needs the date that splits new starters
/// from the rest; `--by age-band` from dates of birth, the date ages are taken on.
fn check_breakdowns(args: &GapsArgs, columns: &StaffColumns, headers: &[String]) -> anyhow::Result<()> {
    if args.by.contains(&Breakdown::Starter) && args.new_starters_since.is_none() {
        bail!(crate::Error::usage("--by starter needs --new-starters-since DATE (e.g. 2025-04-01)"));
    }
    for breakdown in dedup(&args.by) {
        let (column, key, what) = match breakdown {
            Breakdown::Starter => (columns.start_date, "start_date", "a start date column"),
            Breakdown::EthnicGroup => (columns.ethnic_group, "ethnic_group", "an ethnic group column"),
            Breakdown::Sex => (columns.sex, "sex", "a sex or gender column"),
            Breakdown::AgeBand => {
                (columns.age_band.or(columns.date_of_birth), "age_band", "an age band, age or date of birth column")
            }
            Breakdown::Band | Breakdown::StaffGroup => continue,
        };
        if column.is_none() {
            bail!(Error::invalid(
                Location::file(&args.staff),
                format!(
                    "--by {} needs {what} (name it with --staff-columns {key}=HEADER); the header has {}",
                    breakdown_flag(breakdown),
                    crate::columns::list_headers(headers)
                )
            ));
        }
    }
    let ages_from_births = columns.age_band.is_none() && columns.date_of_birth.is_some();
    if args.by.contains(&Breakdown::AgeBand) && ages_from_births && args.demography.age_on.is_none() {
        bail!(crate::Error::usage(
            "--by age-band takes ages from the date of birth column: give --age-on DATE (e.g. the date of the extract)"
        ));
    }
    Ok(())
}

/// The `--by` value of a breakdown, as typed.
fn breakdown_flag(breakdown: Breakdown) -> &'static str {
    match breakdown {
        Breakdown::Band => "band",
        Breakdown::StaffGroup => "staff-group",
        Breakdown::Starter => "starter",
        Breakdown::EthnicGroup => "ethnic-group",
        Breakdown::Sex => "sex",
        Breakdown::AgeBand => "age-band",
    }
}

/// The census tables of the demographic breakdowns asked for, each on the boundaries' geography
/// (one of another, from the fetched reference set, is left out with a note; one the user named
/// stops the run).
fn census_tables(args: &GapsArgs, run: &mut RunContext) -> anyhow::Result<Vec<DemographyTable>> {
    let mut tables = Vec::new();
    for dimension in dedup(&args.by).into_iter().filter_map(Breakdown::dimension) {
        let (Some(path), columns) = args.demography.table(dimension) else { continue };
        let table = DemographyTable::load(dimension, path, columns)?;
        let boundaries = run.geocoder.boundaries.geography.clone();
        let defaulted = crate::cli::config::from_reference_set(DemographyArgs::option(dimension));
        if table.table.geography != boundaries && defaulted {
            run.warnings.push(format!(
                "{} (from the fetched reference set) not used: it is on {} areas and the boundaries are {boundaries}; \
                 staff by {} are not compared with the census",
                file_name(path),
                table.table.geography,
                dimension.key().replace('_', " ")
            ));
            continue;
        }
        if table.table.geography != boundaries {
            bail!(Error::invalid(
                Location::file(path),
                format!(
                    "is on {} areas and the boundaries are {boundaries}: compare with the census on LSOA 2021 boundaries \
                     (the IoD2025 set), or leave out the census table",
                    table.table.geography
                ),
            ));
        }
        tables.push(table);
    }
    Ok(tables)
}

/// The vacancies, each located at its site (or its own postcode); none located is an error.
pub(crate) fn load_vacancies(args: &GapsArgs, sites: &[Site], run: &mut RunContext) -> anyhow::Result<Vec<Vacancy>> {
    let Some(path) = &args.vacancies.vacancies else { return Ok(Vec::new()) };
    let maps = args.values.maps()?;
    let vacancies = read_vacancies(path, (&args.vacancies.vacancy_columns, &maps), sites, &run.geocoder.directory)?;
    run.warnings.extend(unread_bands_warning(path, &vacancies));
    run.warnings.extend(unlocated_vacancies(path, &vacancies)?);
    Ok(vacancies)
}

/// The community the run compares staff with, the codes of a list of the other vintage bridged by
/// change type, and what the community is called; an empty community is an error.
fn community(
    args: &GapsArgs,
    sites: &[Site],
    run: &mut RunContext,
) -> anyhow::Result<(Community, BTreeMap<String, u64>, Option<String>)> {
    let facts = &run.areas.facts;
    let mut codes_bridged = BTreeMap::new();
    let geography = &run.geocoder.boundaries.geography;
    let mut name = args.community.community_name.clone();
    let community = crate::run::community::build_community(
        &args.community,
        geography,
        facts,
        sites,
        &mut run.warnings,
        &mut codes_bridged,
        &mut name,
    )?;
    if community.size() == 0 {
        bail!("the community ({}) has no areas in the boundaries", community.description);
    }
    let uncounted = facts.iter().enumerate().filter(|(i, a)| community.contains(*i) && a.population.is_none()).count();
    if uncounted > 0 {
        run.warnings.push(format!(
            "{uncounted} community areas have no population in {}",
            args.population.required()?.display()
        ));
    }
    say(run.quiet, format_args!("community: {} ({} areas)", community.description, thousands(community.size() as u64)));
    Ok((community, codes_bridged.into_iter().map(|(change, n)| (change.to_string(), n)).collect(), name))
}

/// Staff placed and tallied by area and breakdown, with their counts and what was not read.
pub(crate) struct PlacedStaff {
    pub tally: StaffTally,
    pub counts: StaffCounts,
    /// Notes for the summary's decisions (e.g. a band column mostly not recorded).
    pub decisions: Vec<String>,
}

impl StaffCounts {
    /// Counts a row by its match status and where it was placed.
    fn add(&mut self, status: MatchStatus, area: Option<usize>, community: &Community, facts: &[AreaFacts]) {
        self.rows += 1;
        self.by_match.add(status);
        let Some(area) = area else { return };
        if community.contains(area) {
            self.placed_in_community += 1;
            self.in_community_without_decile += u64::from(facts[area].decile.is_none());
        } else {
            self.placed_outside_community += 1;
        }
    }
}

/// Streams the staff file: geocodes in parallel, tallies by area and breakdown; values of the
/// breakdowns' columns not understood are warned about (or stop the run) after the pass.
pub(crate) fn place_staff(
    input: CsvInput,
    (columns, maps): (&StaffColumns, &ValueMaps),
    args: &GapsArgs,
    community: &Community,
    run: &mut RunContext,
) -> anyhow::Result<PlacedStaff> {
    let breakdowns: Vec<Breakdown> = dedup(&args.by);
    let wres1 = breakdowns.contains(&Breakdown::Band) && breakdowns.contains(&Breakdown::EthnicGroup);
    let headers = input.headers.clone();
    let facts = &run.areas.facts;
    let mut tally = StaffTally::new(facts.len());
    let mut counts = StaffCounts::default();
    let mut unread = vec![UnrecognisedValues::default(); breakdowns.len()];
    let mut spreads = [ColumnSpread::default(), ColumnSpread::default()];
    each_batch(input, "placing staff", |batch| {
        let texts: Vec<&[u8]> = batch.iter().map(|row| columns.postcode(row)).collect();
        let results = run.geocoder.geocode_many(&texts);
        for (row, result) in batch.iter().zip(results) {
            let area = run.areas.of(&result);
            for (spread, column) in spreads.iter_mut().zip([columns.band, columns.staff_group]) {
                if let Some(text) = column.and_then(|i| row.record.get(i)) {
                    spread.add(&String::from_utf8_lossy(text));
                }
            }
            let mut groups = Vec::with_capacity(breakdowns.len());
            for (b, unread) in breakdowns.iter().zip(&mut unread) {
                let (dimension, group, not_read) = group_of(*b, row, (columns, maps), args);
                if let Some(text) = not_read {
                    unread.add(&text);
                }
                groups.push((dimension, group));
            }
            let ethnic = columns.ethnic_group(row, maps).unwrap_or(EthnicGroup::NotStated);
            if wres1 {
                tally.add_wres(columns.band(row, maps).group(), ethnic.wres());
            }
            for (dimension, group) in groups.iter().filter(|(d, _)| ALL_STAFF_DIMENSIONS.contains(d)) {
                tally.add_all(dimension, group, ethnic);
            }
            counts.add(result.status, area, community, facts);
            if let Some(area) = area {
                tally.add(area, &groups);
            }
        }
        Ok(())
    })?;
    run.warnings.extend(check_spreads(&spreads, &breakdowns, columns, &headers, args)?);
    let decisions = report_unread(&breakdowns, &unread, columns, &headers, args, counts.rows, run)?;
    Ok(PlacedStaff { tally, counts, decisions })
}

/// The band and staff group columns blank on every row stop the run when a breakdown tables
/// them (every row would silently be "not recorded"); blank but not tabled, or one value on
/// every row, is a warning naming the column and its count.
fn check_spreads(
    spreads: &[ColumnSpread; 2],
    breakdowns: &[Breakdown],
    columns: &StaffColumns,
    headers: &[String],
    args: &GapsArgs,
) -> anyhow::Result<Vec<String>> {
    let mut warnings = Vec::new();
    let roles = [(columns.band, Breakdown::Band, "band"), (columns.staff_group, Breakdown::StaffGroup, "staff group")];
    for (spread, (index, breakdown, role)) in spreads.iter().zip(roles) {
        let Some(i) = index else { continue };
        let (key, by) = if breakdown == Breakdown::Band { ("band", "band") } else { ("staff_group", "staff-group") };
        let column = ColumnInFile::new(&args.staff, &headers[i], role, "--staff-columns", key);
        if spread.all_blank() {
            let text = format!(
                "the {role} is blank on all {} rows, so every staff member would be counted as not recorded",
                thousands(spread.rows())
            );
            if breakdowns.contains(&breakdown) {
                bail!(Error::invalid(
                    Location::file(&args.staff).with_column(format!("'{}'", column.header)),
                    format!("{text}; name the column that holds it with --staff-columns {key}=HEADER, or leave out --by {by}")
                ));
            }
            warnings.push(format!("{}, column '{}': {text}", args.staff.display(), column.header));
        }
        warnings.extend(spread.single_value_warning(&column));
    }
    Ok(warnings)
}

/// The breakdowns tabled for every staff row, wherever they live (`staff_all_by_*.csv`): what a
/// WRES or EDS return counts.
pub const ALL_STAFF_DIMENSIONS: [&str; 3] = ["band", "sex", "starter"];

/// Values of a breakdown's column that were not understood: a start date stops the run beyond
/// the share allowed; the others are counted as not recorded, in the headline when they are many.
fn report_unread(
    breakdowns: &[Breakdown],
    unread: &[UnrecognisedValues],
    columns: &StaffColumns,
    headers: &[String],
    args: &GapsArgs,
    rows: u64,
    run: &mut RunContext,
) -> anyhow::Result<Vec<String>> {
    let mut decisions = Vec::new();
    for (breakdown, values) in breakdowns.iter().zip(unread) {
        let (index, role, key, counted_as) = match breakdown {
            Breakdown::Band => (columns.band, "band", "band", "'Band not recorded'"),
            Breakdown::Starter => (columns.start_date, "start date", "start_date", ""),
            Breakdown::EthnicGroup => (columns.ethnic_group, "ethnic group", "ethnic_group", "'Not stated'"),
            Breakdown::Sex => (columns.sex, "sex", "sex", "'Other or not stated'"),
            Breakdown::AgeBand => (columns.age_band.or(columns.date_of_birth), "age", "age_band", "'Not recorded'"),
            Breakdown::StaffGroup => continue,
        };
        let Some(i) = index else { continue };
        let column = ColumnInFile::new(&args.staff, &headers[i], role, "--staff-columns", key);
        if *breakdown == Breakdown::Starter {
            run.warnings.extend(values.check(&column, rows, "dates as dd/mm/yyyy or yyyy-mm-dd")?);
        } else if let Some(note) = values.note(&column, rows, counted_as) {
            // Word for word only where nothing is published: the terminal and the exact summary.
            if note.headline {
                decisions.push(note.published);
            }
            run.warnings.push(note.exact);
        }
    }
    Ok(decisions)
}

/// One staff row's group in one breakdown, e.g. `("band", "Bands 1-4")`, and the column's text
/// when it was not understood (the row is then in the breakdown's "not recorded" group).
fn group_of(
    breakdown: Breakdown,
    row: &Row,
    (columns, maps): (&StaffColumns, &ValueMaps),
    args: &GapsArgs,
) -> (&'static str, String, Option<String>) {
    let unread = |column: Option<usize>| Some(columns.text(column, row));
    match breakdown {
        Breakdown::Band => {
            let band = columns.band(row, maps);
            let text = columns.band_text(row);
            let not_read = (band == Band::Unknown && !text.is_empty()).then_some(text);
            ("band", band.group().to_string(), not_read)
        }
        Breakdown::StaffGroup => ("staff_group", columns.staff_group(row), None),
        Breakdown::Starter => {
            let start = columns.start_date(row);
            let text = columns.text(columns.start_date, row);
            let not_read = (start.is_none() && !text.is_empty()).then_some(text);
            ("starter", starter_group(start, args.new_starters_since), not_read)
        }
        Breakdown::EthnicGroup => match columns.ethnic_group(row, maps) {
            Some(group) => ("ethnic_group", group.label().to_string(), None),
            None => ("ethnic_group", EthnicGroup::NotStated.label().to_string(), unread(columns.ethnic_group)),
        },
        Breakdown::Sex => match columns.sex(row, maps) {
            Some(sex) => ("sex", sex.label().to_string(), None),
            None => ("sex", Sex::NotStated.label().to_string(), unread(columns.sex)),
        },
        Breakdown::AgeBand => match columns.age_band(row, args.demography.age_on) {
            Some(age) => ("age_band", age.label().to_string(), None),
            None => (
                "age_band",
                AgeBand::NotRecorded.label().to_string(),
                unread(columns.age_band.or(columns.date_of_birth)),
            ),
        },
    }
}

/// What the tables give the summary: the population by decile, the headline, the files written.
struct Tables {
    population_by_decile: Vec<f64>,
    /// In a run across nations: each nation's community by its own index's deciles.
    nations: Vec<NationPopulation>,
    /// The sum of the published (unsuppressed) area counts.
    staff_published_in_community: f64,
    written: Vec<String>,
}

/// Writes every table: by class (all staff and each breakdown), by area (CSV and GeoJSON), and
/// with vacancies, the targets and each vacancy's reach.
fn write_tables(
    args: &GapsArgs,
    run: &RunContext,
    community: &Community,
    tally: &StaffTally,
    published: &PublishedStaff,
    vacancies: &[Vacancy],
    residents: &[Residents],
) -> anyhow::Result<Tables> {
    let facts = &run.areas.facts;
    let population = class_counts(facts, community, &tally.by_area, Classes::Decile).population;
    let nations = nation_populations(run, community);
    let mut written = Vec::new();
    for (name, table) in class_tables(&population, &nations, published) {
        run.write_table(&name, &table)?;
        written.push(name);
    }
    let area_cells = &published.areas;
    let estimates = published_estimates(area_cells, &run.disclosure);
    let rate = community_rate(facts, community, &estimates).unwrap_or(0.0);
    written.extend(area_tables(args, run, community, area_cells, rate)?);
    written.extend(msoa_tables(run, community, published, rate)?);
    if args.vacancies.vacancies.is_some() {
        let located: Vec<&Vacancy> = vacancies.iter().filter(|v| v.location.is_some()).collect();
        let rows =
            TargetRows { facts, msoas: &run.areas.msoas, cells: area_cells, rate, vacancies: &located, residents };
        written.extend(write_targets(args, run, community, &estimates, &rows)?);
        written.extend(write_reach(args, run, vacancies)?);
    }
    Ok(Tables {
        population_by_decile: population,
        nations,
        staff_published_in_community: area_cells.iter().flatten().filter_map(|c| c.value()).sum(),
        written,
    })
}

/// What the demography tables give the summary.
#[derive(Default)]
struct DemographyOutputs {
    summaries: Vec<DemographySummary>,
    wres1: Option<Wres1Summary>,
    /// The all-staff tables' totals, for the summary.
    all_staff: BTreeMap<String, BTreeMap<String, Option<f64>>>,
    written: Vec<String>,
}

/// Writes staff by ethnic group, sex and age band against the community's census counts (over
/// the community's areas with a decile, as the deprivation tables), and WRES indicator 1.
fn write_demography(
    args: &GapsArgs,
    run: &mut RunContext,
    community: &Community,
    published: &PublishedStaff,
    census: &[DemographyTable],
) -> anyhow::Result<DemographyOutputs> {
    let mut outputs = DemographyOutputs::default();
    let mut community_bme_share = None;
    let nations = nation_populations(run, community);
    for dimension in dedup(&args.by).into_iter().filter_map(Breakdown::dimension) {
        let table = census.iter().find(|t| t.dimension == dimension);
        if !nations.is_empty() {
            // Across nations: each nation's staff against its own part of the community.
            let by_nation = nation_demography(run, community, (dimension, table), published, &nations);
            if dimension == Dimension::EthnicGroup {
                community_bme_share = by_nation.bme_share;
            }
            run.warnings.extend(by_nation.warnings);
            let name = format!("gaps_by_{}.csv", dimension.key());
            run.write_table(&name, &demography_table_by_nation(dimension, &by_nation.rows))?;
            outputs.written.push(name);
            outputs.summaries.extend(by_nation.summaries);
            continue;
        }
        let (population, missing) = census_population(run, community, dimension, table);
        run.warnings.extend(census_warning(dimension, table, missing));
        let rows = dimension_rows(dimension, published, &population);
        if dimension == Dimension::EthnicGroup {
            community_bme_share = rows.iter().find(|r| r.label == BME).and_then(|r| r.population_share);
        }
        let name = format!("gaps_by_{}.csv", dimension.key());
        run.write_table(&name, &demography_table(dimension, &rows))?;
        outputs.written.push(name);
        outputs.summaries.push(DemographySummary {
            dimension: dimension.key().to_string(),
            population_file: table.map(|t| file_name(&t.table.path)),
            population_of: dimension.population_of().to_string(),
            areas: "the community's areas with an IMD decile (as in the deprivation tables)".to_string(),
            areas_without_census: missing,
            note: table.and_then(|t| t.note.clone()),
            groups: demography_groups(&rows),
            nation: None,
        });
    }
    if let Some(cells) = &published.wres1 {
        let bands = wres1_rows(cells);
        run.write_table("wres_indicator_1.csv", &wres1_table(&bands, community_bme_share))?;
        outputs.written.push("wres_indicator_1.csv".to_string());
        let note =
            "every staff row, wherever they live; BME share of those with a stated ethnic group (WRES indicator 1)";
        outputs.wres1 = Some(Wres1Summary { bands, community_bme_share, note: note.to_string() });
    }
    for (name, table) in all_staff_tables(published) {
        run.write_table(&name, &table)?;
        outputs.written.push(name);
    }
    outputs.all_staff = published.all_staff.iter().map(all_staff_summary).collect();
    Ok(outputs)
}

/// One breakdown's comparison in a run across nations: each nation's rows (its staff against its
/// part of the community), their summaries, the community's BME share over the nations with a
/// census, and the warnings (Scotland's census is not Census 2021).
struct NationDemography {
    rows: Vec<(String, Vec<crate::analysis::demography::DemographyRow>)>,
    summaries: Vec<DemographySummary>,
    bme_share: Option<f64>,
    warnings: Vec<String>,
}

/// Census 2021 covers England and Wales only: a note for Scotland's staff, shown without a community.
const SCOTLAND_CENSUS_NOTE: &str = "Scotland's census (Scotland's Census 2022, National Records of Scotland) is \
     separate from Census 2021 for England and Wales and is not in the reference data: Scotland's staff are shown by \
     group, without a community to compare them with";

/// Each nation's staff by the groups of `dimension` (as published for the nation, in its part of
/// the community) against the census counts of its part of the community; Scotland's staff
/// without a population (see [`SCOTLAND_CENSUS_NOTE`]), never dropped.
fn nation_demography(
    run: &RunContext,
    community: &Community,
    (dimension, table): (Dimension, Option<&DemographyTable>),
    published: &PublishedStaff,
    nations: &[NationPopulation],
) -> NationDemography {
    let facts = &run.areas.facts;
    let mut out = NationDemography { rows: Vec::new(), summaries: Vec::new(), bme_share: None, warnings: Vec::new() };
    let mut pooled = vec![0.0; dimension.compared().len()];
    for nation in nations {
        let with_census = table.filter(|_| nation.nation != Country::Scotland);
        let (population, missing) = nation_population(facts, community, nation.nation, with_census, dimension);
        pooled.iter_mut().zip(&population).for_each(|(p, c)| *p += c);
        let groups = nation.groups(published, dimension.key());
        let staff = |label: &str| match groups.iter().find(|(l, _)| l == label) {
            Some((_, c)) => c.total.value(),
            None => Some(0.0),
        };
        let total = nation.cells(published).and_then(|c| c.total.value());
        let rows = demography_rows(dimension, staff, total, &population);
        let name = nation_name(nation.nation);
        let note = match nation.nation {
            Country::Scotland if table.is_some() => {
                out.warnings.push(format!("{SCOTLAND_CENSUS_NOTE} (gaps_by_{}.csv)", dimension.key()));
                Some(format!("{SCOTLAND_CENSUS_NOTE}."))
            }
            _ => table.and_then(|t| t.note.clone()),
        };
        if nation.nation != Country::Scotland {
            out.warnings.extend(census_warning(dimension, table, missing));
        }
        out.summaries.push(DemographySummary {
            dimension: dimension.key().to_string(),
            population_file: with_census.map(|t| file_name(&t.table.path)),
            population_of: dimension.population_of().to_string(),
            areas: format!("the community's areas in {name} ranked by {} (as in the deprivation tables)", nation.index),
            areas_without_census: missing,
            note,
            groups: demography_groups(&rows),
            nation: Some(name.to_string()),
        });
        out.rows.push((name.to_string(), rows));
    }
    if table.is_some() {
        let rows = demography_rows(dimension, |_| None, None, &pooled);
        out.bme_share = rows.iter().find(|r| r.label == BME).and_then(|r| r.population_share);
    }
    out
}

/// A nation's part of the community by group, from the census table (empty without one), and
/// the nation's community areas the table lacks.
fn nation_population(
    facts: &[AreaFacts],
    community: &Community,
    nation: Country,
    census: Option<&DemographyTable>,
    dimension: Dimension,
) -> (Vec<f64>, usize) {
    let Some(census) = census else {
        return (Vec::new(), 0);
    };
    let in_nation = |a: &AreaFacts| match nation {
        Country::England => a.decile.is_some(),
        n => a.decile.is_none() && a.own.is_some_and(|o| o.nation == n),
    };
    let (mut population, mut missing) = (vec![0.0; dimension.compared().len()], 0);
    for (_, area) in facts.iter().enumerate().filter(|(i, a)| community.contains(*i) && in_nation(a)) {
        match census.table.get(&area.code) {
            Some(counts) => population.iter_mut().zip(counts).for_each(|(p, c)| *p += c),
            None => missing += 1,
        }
    }
    (population, missing)
}

/// The all-staff tables (`staff_all_by_band_group.csv`, `…_by_sex.csv`, `…_by_starter.csv`), by file name.
fn all_staff_tables(published: &PublishedStaff) -> Vec<(String, Table)> {
    let name = |cells: &AllStaffCells| format!("staff_all_by_{}.csv", all_staff_group_column(cells.dimension));
    published.all_staff.iter().map(|cells| (name(cells), all_staff_table(cells))).collect()
}

/// One all-staff table for the summary: each group's staff (all ethnic groups), and all staff.
fn all_staff_summary(cells: &AllStaffCells) -> (String, BTreeMap<String, Option<f64>>) {
    let groups = cells.groups.iter().map(|(label, c)| (label.clone(), c[6].value()));
    (cells.dimension.to_string(), groups.chain([("All staff".to_string(), cells.total[6].value())]).collect())
}

/// The community's census counts by the groups of `dimension` (over its areas with a decile),
/// and how many of its areas the census table lacks (none without a table).
fn census_population(
    run: &RunContext,
    community: &Community,
    dimension: Dimension,
    table: Option<&DemographyTable>,
) -> (Vec<f64>, usize) {
    let groups = dimension.compared().len();
    match table {
        Some(t) => community_population(&run.areas.facts, community, |code| t.table.get(code), groups),
        None => (Vec::new(), 0),
    }
}

/// Staff by the groups of `dimension`, as `published` gives them, against the community's `population`.
fn dimension_rows(
    dimension: Dimension,
    published: &PublishedStaff,
    population: &[f64],
) -> Vec<crate::analysis::demography::DemographyRow> {
    let cells = published.groups.get(dimension.key());
    let staff = |label: &str| match cells.and_then(|list| list.iter().find(|(l, _)| l == label)) {
        Some((_, c)) => c.total.value(),
        None => Some(0.0),
    };
    demography_rows(dimension, staff, published.all.total.value(), population)
}

/// The demography tables (`gaps_by_ethnic_group.csv`, …) with exact counts, by file name.
fn exact_demography_tables(
    (args, census): (&GapsArgs, &[DemographyTable]),
    run: &RunContext,
    community: &Community,
    exact: &PublishedStaff,
) -> Vec<(String, Table)> {
    let dimensions = dedup(&args.by).into_iter().filter_map(Breakdown::dimension);
    let nations = nation_populations(run, community);
    dimensions
        .map(|dimension| {
            let table = census.iter().find(|t| t.dimension == dimension);
            if !nations.is_empty() {
                let rows = nation_demography(run, community, (dimension, table), exact, &nations).rows;
                return (format!("gaps_by_{}.csv", dimension.key()), demography_table_by_nation(dimension, &rows));
            }
            let (population, _) = census_population(run, community, dimension, table);
            let rows = dimension_rows(dimension, exact, &population);
            (format!("gaps_by_{}.csv", dimension.key()), demography_table(dimension, &rows))
        })
        .collect()
}

/// A warning when a breakdown has no census table to compare with, or the table lacks areas.
fn census_warning(dimension: Dimension, table: Option<&DemographyTable>, missing: usize) -> Option<String> {
    let flag = match dimension {
        Dimension::EthnicGroup => "--ethnic-group-population (Census 2021 TS021)",
        Dimension::Sex => "--sex-population (Census 2021 TS008)",
        Dimension::AgeBand => "--age-population (Census 2021 TS007A)",
    };
    match table {
        None => Some(format!(
            "--by {}: staff only, not compared with the community: give {flag} per LSOA 2021 (anchormap fetch gets it)",
            dimension.key().replace('_', "-")
        )),
        Some(t) if missing > 0 => Some(format!(
            "{missing} community areas are not in {}: their population is not counted",
            t.table.path.display()
        )),
        Some(_) => None,
    }
}

/// The class tables (deciles and quintiles) of all staff and of each breakdown, by file name; in
/// a run across nations (`nations` not empty), all staff by nation, each on its own index.
fn class_tables(population: &[f64], nations: &[NationPopulation], published: &PublishedStaff) -> Vec<(String, Table)> {
    let mut tables = Vec::new();
    for classes in [Classes::Decile, Classes::Quintile] {
        let name = format!("gaps_by_{}.csv", class_word(classes));
        let table = match nations {
            [] => class_table(population, &[("All staff".to_string(), &published.all)], classes, None),
            _ => nation_class_table(nations, published, None, classes),
        };
        tables.push((name, table));
        for (dimension, groups) in &published.groups {
            let name = format!("gaps_by_{}_by_{dimension}.csv", class_word(classes));
            let table = match nations {
                [] => {
                    let groups: Vec<(String, &ClassCells)> = groups.iter().map(|(k, v)| (k.clone(), v)).collect();
                    class_table(population, &groups, classes, Some(dimension))
                }
                _ => nation_class_table(nations, published, Some(dimension), classes),
            };
            tables.push((name, table));
        }
    }
    tables
}

/// Why a run across nations compares each nation on its own index: one sentence, in the summary,
/// the terminal and the report.
pub const NATIONS_NOT_POOLED: &str = "Each nation's index ranks its areas only within that nation (a Welsh decile 1 \
     is the most deprived tenth of Wales, not of England or Great Britain), so the indices are not pooled: each \
     nation's staff are compared with that nation's part of the community on that nation's own index.";

/// `--protect-with` reads earlier runs' class tables by England's `imd_decile`: a run across
/// nations, or an earlier one, stops rather than be protected against less than it publishes.
fn check_protect_with_nations(args: &GapsArgs, run: &RunContext, community: &Community) -> anyhow::Result<()> {
    if args.protect_with.is_empty() {
        return Ok(());
    }
    let across = |folder: &Path| {
        let text = std::fs::read_to_string(folder.join("gaps_by_decile.csv")).unwrap_or_default();
        text.starts_with("nation,")
    };
    let this_run = !other_nations(&run.areas.facts, |i| community.contains(i)).is_empty();
    if this_run || args.protect_with.iter().any(|f| across(f)) {
        bail!(crate::Error::usage(
            "--protect-with does not yet take a community across nations (--wimd or --simd with areas outside \
             England): the runs' joint audit reads England's IMD tables only; publish it alone"
        ));
    }
    Ok(())
}

/// The nations' indices, when the run is across nations (the community has areas `--wimd` or `--simd` ranks).
fn across_nations<'a>(run: &'a RunContext, community: &Community) -> Option<&'a Nations> {
    let others = other_nations(&run.areas.facts, |i| community.contains(i));
    run.geocoder.nations.as_ref().filter(|_| !others.is_empty())
}

/// One nation's part of the community in a run across nations: its index, its areas ranked by
/// it, and their population by decile of it.
pub(crate) struct NationPopulation {
    pub nation: Country,
    pub index: String,
    pub areas: usize,
    pub population: Vec<f64>,
}

impl NationPopulation {
    /// The nation's staff as published: England's are the all-staff table's.
    fn cells<'a>(&self, published: &'a PublishedStaff) -> Option<&'a ClassCells> {
        match self.nation {
            Country::England => Some(&published.all),
            nation => published.nations.iter().find(|(n, _)| *n == nation).map(|(_, c)| c),
        }
    }

    /// The nation's groups of a breakdown as published: England's are the breakdown's own.
    fn groups<'a>(&self, published: &'a PublishedStaff, dimension: &str) -> Vec<(String, &'a ClassCells)> {
        let list = match self.nation {
            Country::England => published.groups.get(dimension),
            nation => published
                .nation_groups
                .get(dimension)
                .and_then(|nations| nations.iter().find(|(n, _)| *n == nation))
                .map(|(_, list)| list),
        };
        list.into_iter().flatten().map(|(label, cells)| (label.clone(), cells)).collect()
    }
}

/// In a run across nations (the community has areas ranked by `--wimd` or `--simd`): England (if
/// the community has English areas), then Wales and Scotland, each with its areas by decile of its
/// own index; empty otherwise (an England-only run is as before).
fn nation_populations(run: &RunContext, community: &Community) -> Vec<NationPopulation> {
    let facts = &run.areas.facts;
    let others = other_nations(facts, |i| community.contains(i));
    let Some(indices) = run.geocoder.nations.as_ref().filter(|_| !others.is_empty()) else { return Vec::new() };
    let mut nations = Vec::new();
    for nation in std::iter::once(Country::England).chain(others) {
        let decile_of = |a: &AreaFacts| match nation {
            Country::England => a.decile,
            _ => a.own.filter(|o| a.decile.is_none() && o.nation == nation).map(|o| o.decile),
        };
        let (mut areas, mut population) = (0, vec![0.0; 10]);
        for (_, area) in facts.iter().enumerate().filter(|(i, _)| community.contains(*i)) {
            if let Some(d) = decile_of(area) {
                areas += 1;
                population[d as usize - 1] += area.population.unwrap_or(0.0);
            }
        }
        if areas == 0 {
            continue;
        }
        let index = indices.index_of(nation).unwrap_or("IMD").to_string();
        nations.push(NationPopulation { nation, index, areas, population });
    }
    nations
}

/// `gaps_by_decile.csv` (or quintile; with `dimension`, a breakdown's) in a run across nations:
/// each nation's rows (its classes and total, of each group) on its own index, shares within the
/// nation, a `nation` column to filter on.
fn nation_class_table(
    nations: &[NationPopulation],
    published: &PublishedStaff,
    dimension: Option<&str>,
    classes: Classes,
) -> Table {
    let class = match classes {
        Classes::Decile => "deprivation_decile",
        Classes::Quintile => "deprivation_quintile",
    };
    let mut headers = vec!["nation", "deprivation_index"];
    headers.extend(dimension);
    headers.push(class);
    headers.extend(crate::gaps::demography::COMPARISON_COLUMNS);
    let mut table = Table::new(&headers);
    for nation in nations {
        let groups = match dimension {
            Some(d) => nation.groups(published, d),
            None => nation.cells(published).map(|c| ("All staff".to_string(), c)).into_iter().collect(),
        };
        if groups.is_empty() {
            continue;
        }
        let rows = class_table(&nation.population, &groups, classes, dimension).rows;
        for row in rows {
            let mut cells = vec![nation_name(nation.nation).to_string(), nation.index.clone()];
            cells.extend(row);
            table.push(cells);
        }
    }
    table
}

/// Each nation's headline, from its published deciles 1-2 and total; where its population is from.
fn nation_summaries(run: &RunContext, args: &GapsArgs, tables: &Tables, published: &PublishedStaff) -> Vec<NationGaps> {
    let census = format!(
        "{}, column {}",
        args.population.population.as_deref().map(file_name).unwrap_or_default(),
        run.population_column.as_deref().unwrap_or("population")
    );
    let simd = args.reference.nations.simd.as_deref().map(file_name).unwrap_or_default();
    tables
        .nations
        .iter()
        .map(|n| {
            let cells = n.cells(published);
            let name = nation_name(n.nation);
            let headline = cells.and_then(|c| {
                let core20 = if n.nation == Country::England { ", Core20" } else { "" };
                let words = format!("{name}'s most deprived areas ({} deciles 1-2{core20})", n.index);
                headline_of(&n.population, c, &format!("in {name}"), &words)
            });
            NationGaps {
                nation: name.to_string(),
                index: n.index.clone(),
                areas: n.areas,
                population: n.population.iter().sum(),
                population_of: match n.nation {
                    Country::Scotland => {
                        format!("SIMD 2020v2's working-age population ({simd}, column working_age_population)")
                    }
                    _ => census.clone(),
                },
                staff_in_community: cells.and_then(|c| c.total.value()),
                headline: headline.as_ref().map(|h| format!("{name}: {}", h.text)),
                deciles_1_2_staff_share: headline.as_ref().map(|h| h.staff_share),
                deciles_1_2_population_share: headline.as_ref().map(|h| h.population_share),
            }
        })
        .collect()
}

/// The by-area table (CSV and GeoJSON).
fn area_tables(
    args: &GapsArgs,
    run: &RunContext,
    community: &Community,
    cells: &[Option<Cell>],
    rate: f64,
) -> anyhow::Result<Vec<String>> {
    let areas = &run.areas;
    let local = args.local_deciles.then(|| local_deciles(&areas.facts, community));
    let names = run.names.is_some().then_some(areas.msoas.as_slice());
    let nations = across_nations(run, community);
    let (area_table, area_properties) =
        area_rows(&areas.facts, (names, nations), community, cells, rate, local.as_deref());
    run.write_table("gaps_by_area.csv", &area_table)?;
    run.write_areas(
        "gaps_by_area.geojson",
        &area_table,
        area_properties.into_iter().map(|(i, properties)| (areas.shape(i), properties)),
    )?;
    Ok(vec!["gaps_by_area.csv".to_string(), "gaps_by_area.geojson".to_string()])
}

/// The targets, and with an LSOA → MSOA lookup the targets by MSOA.
fn write_targets(
    args: &GapsArgs,
    run: &RunContext,
    community: &Community,
    estimates: &[f64],
    rows: &TargetRows,
) -> anyhow::Result<Vec<String>> {
    let placed: Vec<PlacedVacancy> = rows
        .vacancies
        .iter()
        .filter_map(|v| {
            let (site, site_name) = (v.site.clone(), v.site_name.clone());
            Some(PlacedVacancy { site, site_name, location: v.location?, entry_level: v.entry_level })
        })
        .collect();
    let radius_m = args.travel_radius_km * 1000.0;
    let found = targets(rows.facts, community, estimates, rows.rate, &placed, &args.target_deciles, radius_m);
    let table = rows.table(&found);
    run.write_table("targets.csv", &table)?;
    write_targets_geojson(run, community, &found, rows, &table)?;
    let mut written = vec!["targets.csv".to_string(), "targets.geojson".to_string()];
    if !rows.msoas.is_empty() {
        run.write_table("targets_by_msoa.csv", &rows.by_msoa(&found))?;
        written.push("targets_by_msoa.csv".to_string());
    }
    Ok(written)
}

/// `targets.geojson`: every community area, the targets with their row of `targets.csv` and the
/// others with only their names, decile and population, so that a map shows the targets in place.
fn write_targets_geojson(
    run: &RunContext,
    community: &Community,
    found: &[crate::analysis::targets::Target],
    rows: &TargetRows,
    table: &Table,
) -> anyhow::Result<()> {
    let mut row_of: Vec<Option<usize>> = vec![None; rows.facts.len()];
    found.iter().enumerate().for_each(|(r, t)| row_of[t.area] = Some(r));
    let features = (0..rows.facts.len()).filter(|i| community.contains(*i)).map(|i| {
        let row = match row_of[i] {
            Some(r) => table.rows[r].clone(),
            None => rows.untargeted(i),
        };
        (run.areas.shape(i), geojson::properties(&table, &row))
    });
    run.write_areas("targets.geojson", table, features)?;
    Ok(())
}

/// Each vacancy's reach: the deprived population around it and the nearest deprived areas.
fn write_reach(args: &GapsArgs, run: &RunContext, vacancies: &[Vacancy]) -> anyhow::Result<Vec<String>> {
    let (areas, facts) = (&run.areas, &run.areas.facts);
    let deprived = CentroidIndex::new(areas.geometry.iter(), |i| {
        facts[i as usize].decile.is_some_and(|d| args.target_deciles.contains(&d))
    });
    let radius_m = args.travel_radius_km * 1000.0;
    run.write_table("vacancies_reach.csv", &vacancy_table(facts, vacancies, &deprived, radius_m, args.nearest))?;
    Ok(vec!["vacancies_reach.csv".to_string()])
}

/// Each area's residents out of work and households without a car, from the census tables given
/// (not used, with a warning, on boundaries of another geography than the census's LSOA 2021).
fn residents(args: &GapsArgs, run: &mut RunContext) -> anyhow::Result<Vec<Residents>> {
    let read = |path: &Option<std::path::PathBuf>, roles: &[crate::columns::ColumnSpec], columns, flag| {
        path.as_deref().map(|p| CensusTable::read(p, roles, columns, flag)).transpose()
    };
    let economic = read(
        &args.economic_activity,
        &ECONOMIC_ACTIVITY,
        &args.economic_activity_columns,
        "--economic-activity-columns",
    )?;
    let cars =
        read(&args.car_availability, &CAR_AVAILABILITY, &args.car_availability_columns, "--car-availability-columns")?;
    let geography = &run.geocoder.boundaries.geography;
    let fits = |table: Option<CensusTable>, warnings: &mut Vec<String>| match table {
        Some(t) if &t.geography != geography => {
            warnings.push(format!(
                "{} not used: it is on {} areas and the boundaries are {geography}",
                file_name(&t.path),
                t.geography
            ));
            None
        }
        other => other,
    };
    let economic = fits(economic, &mut run.warnings);
    let cars = fits(cars, &mut run.warnings);
    let codes = run.areas.facts.iter().map(|a| a.code.as_str());
    Ok(crate::reference::census::residents(codes, economic.as_ref(), cars.as_ref()))
}

/// Staff by where they ended up, under the disclosure rule.
fn staff_counts(published: &PublishedStaff) -> PublishedStaffCounts {
    PublishedStaffCounts {
        rows: published.rows.value(),
        by_match: published.matches.iter().map(|(s, c)| (s.as_str().to_string(), c.value())).collect(),
        placed_in_community: published.all.total.value(),
        placed_outside_community: published.outside_community.value(),
        counts:
            "staff under the disclosure rule: null where suppressed; placed_in_community is the class tables' total"
                .to_string(),
    }
}

/// The vacancies read, located and entry-level.
fn vacancy_counts(vacancies: &[Vacancy]) -> VacancyCounts {
    VacancyCounts {
        rows: vacancies.len(),
        located: vacancies.iter().filter(|v| v.location.is_some()).count(),
        entry_level: vacancies.iter().filter(|v| v.entry_level).count(),
    }
}

/// A run across nations: each nation's headline (the run's), why they are not pooled, and the
/// staff counted in the community as the nations' published totals.
fn nations_headline(
    args: &GapsArgs,
    by_nation: &[NationGaps],
    staff: &mut PublishedStaffCounts,
    decisions: &mut Vec<String>,
) -> Option<String> {
    let each: Vec<&str> = by_nation.iter().filter_map(|n| n.headline.as_deref()).collect();
    decisions.push(NATIONS_NOT_POOLED.to_string());
    if args.by.iter().any(|b| b.dimension().is_some()) {
        let scotland = by_nation.iter().any(|n| n.nation == "Scotland");
        decisions.push(format!(
            "staff by ethnic group, sex and age band (gaps_by_ethnic_group.csv and the like) are compared nation by \
             nation: each nation's staff against its own part of the community's Census 2021 counts (England and \
             Wales){}",
            if scotland { format!("; {SCOTLAND_CENSUS_NOTE}") } else { String::new() }
        ));
    }
    // Everyone living in the community's ranked areas: each nation's published total, when none is hidden.
    staff.placed_in_community = by_nation.iter().map(|n| n.staff_in_community).sum();
    staff.counts = "staff under the disclosure rule: null where suppressed; placed_in_community is the sum of \
                    the nations' class tables' totals"
        .to_string();
    (!each.is_empty()).then(|| each.join(" "))
}

/// Each site and how it was located.
fn sites_located(sites: &[Site]) -> Vec<SiteLocated> {
    sites.iter().map(|s| SiteLocated { site_code: s.label.clone(), located_by: s.located_by.to_string() }).collect()
}

/// The published summary: counts under the rule, the community, the headline, the inputs.
#[allow(clippy::too_many_arguments)]
fn summary(
    args: &GapsArgs,
    run: &RunContext,
    community: &Community,
    published: &PublishedStaff,
    tables: &Tables,
    decisions: &[String],
    vacancies: &[Vacancy],
    sites: &[Site],
) -> GapsSummary {
    let geocoder = &run.geocoder;
    let headline = headline(&tables.population_by_decile, &published.all);
    let by_nation = nation_summaries(run, args, tables, published);
    let mut headline_text = headline.as_ref().map(|h| h.text.clone());
    let mut decisions = decisions.to_vec();
    let mut staff = staff_counts(published);
    if !by_nation.is_empty() {
        headline_text = nations_headline(args, &by_nation, &mut staff, &mut decisions);
    }
    GapsSummary {
        staff_file: file_name(&args.staff),
        staff_as_at: args.as_at.map(|d| d.to_string()),
        postcode_column: None,
        staff,
        staff_published_in_community: tables.staff_published_in_community,
        community: CommunitySummary {
            definition: community.description.clone(),
            areas: community.size(),
            population_column: run.population_column.clone().unwrap_or_default(),
            codes_bridged_by_change: BTreeMap::new(),
            profile: profile(&run.areas.facts, community, geocoder.deprivation.as_ref()),
            name: None,
        },
        headline: headline_text,
        decisions,
        core20_staff_share: headline.as_ref().map(|h| h.staff_share),
        core20_population_share: headline.as_ref().map(|h| h.population_share),
        disclosure: run.disclosure,
        vacancies: args.vacancies.vacancies.as_ref().map(|_| vacancy_counts(vacancies)),
        sites: sites_located(sites),
        travel_radius_km: args.travel_radius_km,
        target_deciles: args.target_deciles.clone(),
        deprivation: geocoder
            .deprivation
            .as_ref()
            .map(|d| Edition { edition: d.edition.clone(), geography: d.geography.clone() }),
        vintages: run.vintages.clone(),
        reference: geocoder.reference_summary(),
        area_names: run.names.clone(),
        data_zone_names: run.zone_names.clone(),
        outputs: tables.written.clone(),
        internal_summary: format!("{INTERNAL_FOLDER}/{INTERNAL_SUMMARY}"),
        demography: Vec::new(),
        wres_indicator_1: None,
        all_staff: BTreeMap::new(),
        nations_not_pooled: (!by_nation.is_empty()).then(|| NATIONS_NOT_POOLED.to_string()),
        by_nation,
    }
}

/// Vacancies whose site matches no site (by code, name or alias) and is no postcode: none
/// located is an error (the targets would be empty); some, a warning naming what was not found.
fn unlocated_vacancies(path: &Path, vacancies: &[Vacancy]) -> anyhow::Result<Option<String>> {
    let mut unknown: BTreeMap<&str, usize> = BTreeMap::new();
    for v in vacancies.iter().filter(|v| v.location.is_none()) {
        *unknown.entry(v.site.as_str()).or_default() += 1;
    }
    if unknown.is_empty() {
        return Ok(None);
    }
    let mut shown: Vec<String> = unknown.iter().take(5).map(|(s, n)| format!("'{s}' ({n})")).collect();
    if unknown.len() > 5 {
        shown.push(format!("and {} more", unknown.len() - 5));
    }
    let missing: usize = unknown.values().sum();
    if missing == vacancies.len() {
        bail!(Error::invalid(
            Location::file(path),
            format!(
                "none of the {missing} vacancies could be located: their sites {} match no site code, name or alias in --sites \
                 and are not postcodes (add the names to the site file's aliases column, or name the column with --vacancy-columns site=HEADER)",
                shown.join(", ")
            ),
        ));
    }
    Ok(Some(format!("{missing} of {} vacancies could not be located: sites {}", vacancies.len(), shown.join(", "))))
}

/// "New starters" (on or after the date), "Existing staff", or "Start date not recorded".
fn starter_group(start: Option<crate::input::staff::Date>, since: Option<crate::input::staff::Date>) -> String {
    match (start, since) {
        (Some(start), Some(since)) if start >= since => "New starters".to_string(),
        (Some(_), Some(_)) => "Existing staff".to_string(),
        _ => "Start date not recorded".to_string(),
    }
}

fn dedup(by: &[Breakdown]) -> Vec<Breakdown> {
    let mut seen = Vec::new();
    for b in by {
        if !seen.contains(b) {
            seen.push(*b);
        }
    }
    seen
}

fn class_word(classes: Classes) -> &'static str {
    match classes {
        Classes::Decile => "decile",
        Classes::Quintile => "quintile",
    }
}

/// A class table (deciles or quintiles) for one or more groups, from their published counts;
/// shares, intervals and ratios from the published numbers only. `population` is by decile.
fn class_table(
    population: &[f64],
    groups: &[(String, &ClassCells)],
    classes: Classes,
    dimension: Option<&str>,
) -> Table {
    let mut headers: Vec<&str> = Vec::new();
    if let Some(d) = dimension {
        headers.push(d);
    }
    headers.push(classes.column());
    headers.extend(crate::gaps::demography::COMPARISON_COLUMNS);
    let population = by_class(population, classes);
    let population_total: f64 = population.iter().sum();
    let mut table = Table::new(&headers);
    for (label, published) in groups {
        let staff_total = published.total.value().unwrap_or(0.0);
        for (class, cell) in published.of(classes).iter().enumerate() {
            let comparison =
                cell.value().and_then(|staff| compare(staff, staff_total, population[class], population_total));
            let mut row = Vec::new();
            if dimension.is_some() {
                row.push(label.clone());
            }
            row.extend([
                (class + 1).to_string(),
                cell.to_string(),
                fixed(comparison.map(|c| c.staff_share), 4),
                fixed(comparison.map(|c| c.staff_share_ci.0), 4),
                fixed(comparison.map(|c| c.staff_share_ci.1), 4),
                fixed(Some(population[class]), 0),
                fixed((population_total > 0.0).then(|| population[class] / population_total), 4),
                fixed(comparison.and_then(|c| c.representation_ratio), 3),
                fixed(comparison.map(|c| c.gap_pp), 2),
            ]);
            table.push(row);
        }
        let mut total = Vec::new();
        if dimension.is_some() {
            total.push(label.clone());
        }
        total.extend([
            "total".to_string(),
            published.total.to_string(),
            fixed(Some(1.0), 4),
            String::new(),
            String::new(),
            fixed(Some(population_total), 0),
            fixed(Some(1.0), 4),
            String::new(),
            String::new(),
        ]);
        table.push(total);
    }
    table
}

/// Decile values summed into the given classes.
fn by_class(deciles: &[f64], classes: Classes) -> Vec<f64> {
    let mut out = vec![0.0; classes.count()];
    for (d, v) in deciles.iter().enumerate() {
        out[classes.of(d as u8 + 1) - 1] += v;
    }
    out
}

/// Staff per area as published, with a suppressed count taken as the middle of its range
/// (e.g. 4 for 1–7), so that nothing computed from it reveals more than the table does.
fn published_estimates(cells: &[Option<Cell>], disclosure: &Disclosure) -> Vec<f64> {
    let middle = disclosure.min_count.saturating_sub(1) as f64 / 2.0 + 0.5;
    cells
        .iter()
        .map(|c| match c {
            Some(Cell::Count(v)) => *v,
            Some(Cell::Suppressed) => middle,
            None => 0.0,
        })
        .collect()
}

/// The columns [`STAFF_COLUMNS`] of a row with `cell` staff (as published) and `population`, at the
/// community rate (staff per 1,000): figures derived from a hidden count are hidden with it.
fn staff_cells(cell: Cell, population: Option<f64>, rate: f64) -> [String; 5] {
    let expected = population.map(|p| p * rate / 1000.0);
    let staff = cell.value();
    let per_1000 = staff.zip(population).filter(|(_, p)| *p > 0.0).map(|(s, p)| s / p * 1000.0);
    let shortfall = staff.zip(expected).map(|(s, e)| e - s);
    let suppressed = |text: String| if cell == Cell::Suppressed { "*".to_string() } else { text };
    [
        cell.to_string(),
        fixed(population, 0),
        suppressed(fixed(per_1000, 2)),
        fixed(expected, 1),
        suppressed(fixed(shortfall, 1)),
    ]
}

/// The staff columns of the area and MSOA tables.
const STAFF_COLUMNS: [&str; 5] = ["staff", "population", "staff_per_1000", "expected_staff", "shortfall"];

/// The by-MSOA table (CSV and GeoJSON, the MSOAs dissolved from their areas), when the run has an
/// LSOA → MSOA lookup: each MSOA's community areas added up, published in the same system of sums.
fn msoa_tables(
    run: &RunContext,
    community: &Community,
    published: &PublishedStaff,
    rate: f64,
) -> anyhow::Result<Vec<String>> {
    let (out, areas) = (run.out(), &run.areas);
    if areas.msoas.is_empty() {
        return Ok(Vec::new());
    }
    let mut sums = vec![(0usize, 0usize, None::<f64>); areas.msoas.len()];
    for (_, area) in areas.facts.iter().enumerate().filter(|(i, _)| community.contains(*i)) {
        let Some(m) = area.msoa else { continue };
        let (lsoas, deprived, population) = &mut sums[m];
        *lsoas += 1;
        *deprived += usize::from(area.decile.is_some_and(|d| d <= 2));
        *population = Some(population.unwrap_or(0.0) + area.population.unwrap_or(0.0));
    }
    let mut order: Vec<usize> =
        (0..areas.msoas.len()).filter(|m| published.msoas.get(*m).is_some_and(Option::is_some)).collect();
    order.sort_by(|a, b| areas.msoas[*a].code.cmp(&areas.msoas[*b].code));
    let mut headers = crate::output::msoa::HEADERS.to_vec();
    headers.extend(["lsoas", "lsoas_in_deciles_1_2"]);
    headers.extend(STAFF_COLUMNS);
    let mut table = Table::new(&headers);
    for &m in &order {
        let (lsoas, deprived, population) = sums[m];
        let mut row = crate::output::msoa::cells(areas, m).to_vec();
        row.extend([lsoas.to_string(), deprived.to_string()]);
        row.extend(published.msoas[m].map(|cell| staff_cells(cell, population, rate)).unwrap_or_default());
        table.push(row);
    }
    run.write_table("gaps_by_msoa.csv", &table)?;
    let rows: Vec<(usize, usize)> = order.iter().copied().zip(0..).collect();
    crate::output::msoa::write_geojson((out, "gaps_by_msoa.geojson"), &run.formats, areas, &table, &rows)?;
    Ok(vec!["gaps_by_msoa.csv".to_string(), "gaps_by_msoa.geojson".to_string()])
}

/// The by-area table and, for the GeoJSON, each row's properties; in a run across nations
/// (`nations`), each area's nation and its decile in its own nation's index beside England's.
fn area_rows(
    facts: &[AreaFacts],
    (names, nations): (Option<&[crate::reference::area_names::Msoa]>, Option<&Nations>),
    community: &Community,
    cells: &[Option<Cell>],
    rate: f64,
    local: Option<&[Option<u8>]>,
) -> (Table, Vec<(usize, ::geojson::JsonObject)>) {
    let name_columns =
        crate::output::names::NameColumns::of(names, facts, |i| community.contains(i), nations.is_some());
    let mut headers = vec!["area_code", "area_name"];
    headers.extend(name_columns.headers());
    headers.push("imd_decile");
    if local.is_some() {
        headers.push("imd_decile_local");
    }
    if nations.is_some() {
        headers.extend(["nation", "deprivation_index", "deprivation_decile"]);
    }
    headers.extend(STAFF_COLUMNS);
    let mut table = Table::new(&headers);
    let mut features = Vec::new();
    for (i, area) in facts.iter().enumerate().filter(|(i, _)| community.contains(*i)) {
        let Some(cell) = cells[i] else { continue };
        let mut row = vec![area.code.clone(), area.name.clone()];
        row.extend(name_columns.cells(area));
        row.push(area.decile.map_or(String::new(), |d| d.to_string()));
        if let Some(local) = local {
            row.push(local[i].map_or(String::new(), |d| d.to_string()));
        }
        if let Some(nations) = nations {
            let own = area.own.filter(|o| o.nation != Country::England || area.decile.is_some());
            row.extend(match own {
                Some(o) => {
                    [nation_name(o.nation), nations.index_of(o.nation).unwrap_or_default(), &o.decile.to_string()]
                        .map(str::to_string)
                }
                None => Default::default(),
            });
        }
        row.extend(staff_cells(cell, area.population, rate));
        let properties = geojson::properties(&table, &row);
        table.push(row);
        features.push((i, properties));
    }
    (table, features)
}

fn vacancy_table(
    facts: &[AreaFacts],
    vacancies: &[Vacancy],
    deprived: &CentroidIndex,
    radius_m: f64,
    k: usize,
) -> Table {
    let mut table = Table::new(&[
        "vacancy_id",
        "site",
        "staff_group",
        "band",
        "entry_level",
        "located_by",
        "deprived_population_within_radius",
        "deprived_areas_within_radius",
        "nearest_deprived_areas",
    ]);
    for v in vacancies {
        let r = v.location.map(|p| reach(facts, deprived, p, radius_m, k));
        let nearest = r.as_ref().map_or(String::new(), |r| {
            r.nearest_deprived
                .iter()
                .map(|(a, d)| format!("{} ({:.1} km)", facts[*a].code, d / 1000.0))
                .collect::<Vec<_>>()
                .join("; ")
        });
        table.push(vec![
            v.id.clone(),
            v.site.clone(),
            v.staff_group.clone(),
            v.band.to_string(),
            v.entry_level.to_string(),
            v.located_by.to_string(),
            fixed(r.as_ref().map(|r| r.deprived_population_within_radius), 0),
            r.as_ref().map_or(String::new(), |r| r.deprived_areas_within_radius.to_string()),
            nearest,
        ]);
    }
    table
}

struct Headline {
    text: String,
    staff_share: f64,
    population_share: f64,
}

/// "x% of staff living in the community live in its Core20 areas, against y% of its population",
/// from the published quintile 1 and total.
fn headline(population: &[f64], published: &ClassCells) -> Option<Headline> {
    headline_of(population, published, "", "its most deprived areas (national IMD deciles 1-2, Core20)")
}

/// A headline of the community's areas `which` (e.g. "in Wales"; empty: all), whose most
/// deprived fifth is `deprived` in words.
fn headline_of(population: &[f64], published: &ClassCells, which: &str, deprived: &str) -> Option<Headline> {
    let total = published.total.value()?;
    let core20 = published.quintiles[0].value()?;
    let population = by_class(population, Classes::Quintile);
    let c = compare(core20, total, population[0], population.iter().sum())?;
    Some(Headline {
        text: format!(
            "{:.1}% of staff living in the community{} live in {deprived}, against {:.1}% of its working-age \
             population{} (representation ratio {})",
            c.staff_share * 100.0,
            if which.is_empty() { String::new() } else { format!("'s areas {which}") },
            c.population_share * 100.0,
            if which.is_empty() { String::new() } else { format!(" {which}") },
            c.representation_ratio.map_or("n/a".to_string(), |r| format!("{r:.2}"))
        ),
        staff_share: c.staff_share,
        population_share: c.population_share,
    })
}

fn print_summary(
    counts: &StaffCounts,
    (profile, across): (&CommunityProfile, bool),
    headlines: &[&str],
    started: Instant,
) {
    let unplaced: Vec<String> = MatchStatus::ALL
        .iter()
        .filter(|s| !s.is_placed() && counts.by_match.get(**s) > 0)
        .map(|s| format!("{} {}", s.as_str(), thousands(counts.by_match.get(*s))))
        .collect();
    eprintln!(
        "staff: {} rows; {} live in the community, {} elsewhere{}{}",
        thousands(counts.rows),
        thousands(counts.placed_in_community),
        thousands(counts.placed_outside_community),
        if unplaced.is_empty() { String::new() } else { "; not placed: ".to_string() },
        unplaced.join(", ")
    );
    eprintln!(
        "community: {} areas, {} people; {:.1}% of its {} in {} deciles 1-2",
        thousands(profile.areas as u64),
        thousands(profile.population.round().max(0.0) as u64),
        profile.share_of_population_in_deciles_1_2 * 100.0,
        if across { "English areas' population" } else { "population" },
        if across { "England's IMD" } else { "national" },
    );
    for h in headlines {
        eprintln!("{h}");
    }
    eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
}
