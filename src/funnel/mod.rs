//! `anchormap funnel`: job applications from applied to shortlisted to appointed, by deprivation, ethnic group, sex and band; WRES indicator 2.

pub mod published;
pub mod tables;
pub mod tally;

use std::path::Path;
use std::time::Instant;

use anyhow::bail;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::analysis::community::Community;
use crate::analysis::demography::BME;
use crate::analysis::gaps::{class_counts, Classes};
use crate::cli::FunnelArgs;
use crate::funnel::published::PublishedFunnelTable;
use crate::funnel::published::{published_likelihood, FunnelCells, FunnelSystem, PublishedFunnel, PublishedLikelihood};
use crate::funnel::tables::{funnel_table, funnel_table_by_nation, CommunityShares};
use crate::funnel::tally::{
    funnel_tables, funnel_tables_by_nation, nation_dimension, nation_group, nations_of_dimension, relative_likelihood,
    Funnel, FunnelTableSpec, FunnelTally, CORE20, DECILES_1_2, NATION_DECILE, NO_DECILE, NO_OWN_DECILE,
};
use crate::geocoder::nations::nation_name;
use crate::geocoder::{MatchCounts, MatchStatus};
use crate::input::applications::{ApplicationColumns, StatusReading, FAILED_WORDS, PASSED_WORDS, STEP_WORDS};
use crate::input::band::{Band, BandGroup};
use crate::input::demography::{EthnicGroup, Sex};
use crate::input::home_postcode;
use crate::input::sites::Site;
use crate::input::unrecognised::{ColumnInFile, ColumnSpread, UnrecognisedValues};
use crate::input::vacancies::read_vacancies;
use crate::input::value_maps::ValueMaps;
use crate::io::csv_input::Row;
use crate::io::format::thousands;
use crate::io::CsvInput;
use crate::output::disclosure::{Disclosure, RunAudit};
use crate::output::run_summary::{
    DeprivationLikelihood, Edition, FunnelCommunity, FunnelNation, FunnelSummary, PublishedApplicationCounts,
    Wres2Summary,
};
use crate::output::summary::INTERNAL_FOLDER;
use crate::reference::{Country, Population};
use crate::run::{each_batch, PeopleFile, RunContext};

/// The published summary of a funnel run.
pub const SUMMARY: &str = "funnel_summary.json";
/// The exact counts of a funnel run, in [`INTERNAL_FOLDER`].
pub const INTERNAL_SUMMARY: &str = "funnel_summary_exact.json";

/// Applications counted by where they ended up.
#[derive(Debug, Default, Serialize)]
struct ApplicationCounts {
    rows: u64,
    #[serde(rename = "match")]
    by_match: MatchCounts,
    /// Placed in an area without an English IMD decile (e.g. Welsh).
    placed_without_decile: u64,
    /// Applications whose status is unclear: left out of every count below and every figure.
    status_unclear: u64,
    /// Rows repeating an earlier row word for word (same application id): not counted again.
    duplicate_rows: u64,
    /// Rows whose application id is on an earlier row that differs: counted, and said.
    rows_sharing_an_id: u64,
    applied: f64,
    shortlisted: f64,
    appointed: f64,
}

/// What the analyst keeps: exact counts, never published.
#[derive(Serialize)]
struct FunnelExact<'a> {
    not_for_publication: &'static str,
    applications_file: String,
    applications: &'a ApplicationCounts,
    wres_indicator_2: Wres2Summary,
    deprivation_relative_likelihood: DeprivationLikelihood,
    /// The statuses not read, word for word, with their counts.
    status_unclear: Vec<UnclearValue>,
    /// Every funnel table with exact counts, in this folder.
    exact_tables: Vec<String>,
    /// In a run across nations, each nation's applications on its own index, exact.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    by_nation: Vec<FunnelNation>,
    warnings: &'a [String],
}

/// A status value not read, and how many applications have it.
#[derive(Serialize)]
struct UnclearValue {
    value: String,
    rows: u64,
}

pub(crate) fn run(args: FunnelArgs) -> anyhow::Result<()> {
    let PeopleFile { input, columns, maps, postcode_column } = open_applications(&args)?;
    let rule = (args.disclosure.rule(), true);
    let mut run = RunContext::open_with_nations(&args.output, &args.reference, rule, &inputs(&args), || {
        args.population
            .population
            .as_deref()
            .map(|p| Population::load(p, &args.population.population_columns))
            .transpose()
    })?;
    let sites = run.sites(&args.sites)?;
    let bands = vacancy_bands(&args, &sites, (&mut run, &maps))?;
    let community = community(&args, &sites, &mut run)?;
    let mut placed = place_applications(input, &columns, &bands, &maps, &args, &mut run)?;
    let with_band = columns.band.is_some() || !bands.is_empty();
    let specs = placed.specs(with_band, &run, community.as_ref());
    let published = placed.publish(&specs, &run.disclosure);
    let placed = PlacedFile { placed, with_band, postcode_column };
    let (mut summary, exact) = publish_folder(&args, &mut run, (&placed, &specs, &published), community.as_ref())?;
    summary.outputs.push(RunAudit::new(run.disclosure, vec![published.audit.clone()]).write(run.out())?);
    let (quiet, started) = (run.quiet, run.started);
    run.finish((SUMMARY, &summary), (INTERNAL_SUMMARY, &exact))?;
    if !quiet {
        print_summary(&placed.placed.counts, &summary, started);
    }
    Ok(())
}

/// Why each nation's applications are counted on its own index, in one sentence (the gaps wording).
pub const NATIONS_NOT_POOLED: &str = "Each nation's index ranks its areas only within that nation (a Welsh decile 1 \
     is the most deprived tenth of Wales, not of England or Great Britain), so the indices are not pooled: each \
     nation's applicants are counted on the deciles of that nation's own index, and compared with that nation's part \
     of the community.";

/// The nations of a run across nations and their indices (`("Wales", "WIMD 2025")`), England first,
/// from the tables' specs; empty in an England-only run.
fn nation_indices(run: &RunContext, specs: &[FunnelTableSpec]) -> Vec<(String, String)> {
    let Some(nations) = specs.iter().find_map(|s| nations_of_dimension(s.dimension)) else { return Vec::new() };
    let indices = run.geocoder.nations.as_ref();
    let index = |n: Country| indices.and_then(|i| i.index_of(n)).unwrap_or("IMD").to_string();
    nations.iter().map(|n| (nation_name(*n).to_string(), index(*n))).collect()
}

/// A published funnel table as written: a deprivation table across nations by nation.
fn table_of(
    table: &PublishedFunnelTable,
    all: &crate::funnel::published::FunnelCells,
    shares: Option<&CommunityShares>,
    indices: &[(String, String)],
) -> crate::output::table::Table {
    match nations_of_dimension(table.spec.dimension) {
        Some(_) => funnel_table_by_nation(table, all, shares, indices),
        None => funnel_table(table, all, shares),
    }
}

/// Each nation's applications on its own index, from the tables of `published` (as published, or
/// exact with `exact`): its total, its deciles 1-2, and its least deprived fifth against its deciles
/// 1-2 (a likelihood of appointment from shortlisting as WRES indicator 2's); never pooled.
fn nation_summaries(
    published: &PublishedFunnel,
    indices: &[(String, String)],
    shares: Option<&CommunityShares>,
    exact: bool,
) -> Vec<FunnelNation> {
    let cells = |column: &str, row: String| published.table(column).and_then(|t| t.get(&row));
    indices
        .iter()
        .map(|(name, index)| {
            let low_label = if name == "England" { CORE20 } else { DECILES_1_2 };
            let total = cells("imd_decile", format!("{name}: total"));
            let low = cells("core20", format!("{name}: {low_label}"));
            let high = cells("imd_quintile", format!("{name}: 5"));
            let likelihood = nation_likelihood(high, low, exact, index);
            let value =
                |c: Option<crate::funnel::published::FunnelCells>,
                 f: fn(&crate::funnel::published::FunnelCells) -> crate::output::disclosure::Cell| {
                    c.as_ref().and_then(|c| f(c).value())
                };
            let applied = value(total, |c| c.applied);
            let low_applied = value(low, |c| c.applied);
            let share = low_applied.zip(applied.filter(|a| *a > 0.0)).map(|(l, a)| round4(l / a));
            let members = [format!("{name}: 1"), format!("{name}: 2")];
            let community = shares.and_then(|s| s.nation_share(name, &members)).map(round4);
            let headline = nation_headline(name, index, applied, share, community, &likelihood);
            FunnelNation {
                nation: name.clone(),
                index: index.clone(),
                applied,
                shortlisted: value(total, |c| c.shortlisted),
                appointed: value(total, |c| c.appointed),
                deciles_1_2_applied: low_applied,
                deciles_1_2_shortlisted: value(low, |c| c.shortlisted),
                deciles_1_2_appointed: value(low, |c| c.appointed),
                share_of_applications_from_deciles_1_2: share,
                community_share_in_deciles_1_2: community,
                least_deprived_fifth_relative_likelihood: likelihood,
                headline,
            }
        })
        .collect()
}

/// A nation's least deprived fifth against its own deciles 1-2, the way WRES indicator 2 is
/// computed: from the published cells, or the exact ones.
fn nation_likelihood(
    high: Option<FunnelCells>,
    low: Option<FunnelCells>,
    exact: bool,
    index: &str,
) -> DeprivationLikelihood {
    let likelihood = match exact {
        false => published_likelihood(high, low),
        true => {
            let funnel = |c: Option<FunnelCells>| {
                let v = |cell: crate::output::disclosure::Cell| cell.value().unwrap_or(0.0);
                c.map_or(Funnel::default(), |c| Funnel {
                    applied: v(c.applied),
                    shortlisted: v(c.shortlisted),
                    appointed: v(c.appointed),
                })
            };
            exact_likelihood(funnel(high), funnel(low))
        }
    };
    deprivation_likelihood(likelihood, ("its least deprived fifth", &format!("its deciles 1-2 ({index})")))
}

/// The least deprived fifth against the most deprived, as the summary holds it.
fn deprivation_likelihood(likelihood: PublishedLikelihood, names: (&str, &str)) -> DeprivationLikelihood {
    let ([relative_likelihood, ci_low, ci_high], counts, reason) = summary_parts(likelihood, names);
    let [least_deprived_shortlisted, least_deprived_appointed, core20_shortlisted, core20_appointed] = counts;
    DeprivationLikelihood {
        relative_likelihood,
        ci_low,
        ci_high,
        least_deprived_shortlisted,
        least_deprived_appointed,
        core20_shortlisted,
        core20_appointed,
        reason,
    }
}

fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// One nation's line: its applications, the share from its most deprived fifth (against its
/// community's), and its relative likelihood.
fn nation_headline(
    name: &str,
    index: &str,
    applied: Option<f64>,
    share: Option<f64>,
    community: Option<f64>,
    likelihood: &DeprivationLikelihood,
) -> String {
    let core20 = if name == "England" { ", Core20" } else { "" };
    let applications = applied.map_or("a small number of".to_string(), |a| thousands(a as u64));
    let mut text = format!("{name}: {applications} applications from neighbourhoods on {index}");
    if let Some(share) = share {
        text.push_str(&format!("; {:.1}% from its most deprived fifth ({index} deciles 1-2{core20})", share * 100.0));
        if let Some(c) = community {
            text.push_str(&format!(", where {:.1}% of its part of the community lives", c * 100.0));
        }
    }
    match (likelihood.relative_likelihood, likelihood.ci_low, likelihood.ci_high) {
        (Some(r), Some(low), Some(high)) => text.push_str(&format!(
            "; shortlisted applicants from its least deprived fifth were {r:.2} times as likely as those from its \
             deciles 1-2 to be appointed (95% CI {low:.2}-{high:.2})"
        )),
        _ => text.push_str(&format!(
            "; no relative likelihood for its least deprived fifth against its deciles 1-2 ({})",
            likelihood.reason.as_deref().unwrap_or("not enough applications")
        )),
    }
    text
}

/// Across nations, no deprivation likelihood pooled over the nations' indices: each nation's is in `by_nation`.
fn not_pooled(deprivation: &mut DeprivationLikelihood) {
    *deprivation = DeprivationLikelihood {
        relative_likelihood: None,
        ci_low: None,
        ci_high: None,
        least_deprived_shortlisted: None,
        least_deprived_appointed: None,
        core20_shortlisted: None,
        core20_appointed: None,
        reason: Some(
            "not pooled across nations: each nation's least deprived fifth against its deciles 1-2, on its own index, is \
             in by_nation"
                .to_string(),
        ),
    };
}

/// The applications file of `args`, opened and its columns found.
fn open_applications(args: &FunnelArgs) -> anyhow::Result<PeopleFile<ApplicationColumns>> {
    PeopleFile::open(
        (&args.reference, "funnel needs --deprivation (an IoD file) to report by deprivation decile"),
        &args.values,
        (&args.applications, &args.application_columns, &crate::dictionary::APPLICATIONS[0]),
        ApplicationColumns::resolve,
        |c| c.postcode,
    )
}

/// One applications file placed inside another run (a network's partner): its applications, whether
/// it knows the posts' bands (its own column, or its vacancies'), and which column was the postcode.
pub(crate) struct PlacedFile {
    pub placed: PlacedApplications,
    pub with_band: bool,
    pub postcode_column: (String, usize),
}

/// Opens and places the applications of `args` in `run` (its sites already read).
pub(crate) fn place(args: &FunnelArgs, sites: &[Site], run: &mut RunContext) -> anyhow::Result<PlacedFile> {
    let PeopleFile { input, columns, maps, postcode_column } = open_applications(args)?;
    let bands = vacancy_bands(args, sites, (run, &maps))?;
    let placed = place_applications(input, &columns, &bands, &maps, args, run)?;
    Ok(PlacedFile { placed, with_band: columns.band.is_some() || !bands.is_empty(), postcode_column })
}

/// Writes the funnel tables of `published` (the counts of `placed` as published) into the run's
/// folder, with their exact twins; the published summary (its outputs the tables, no audit file:
/// the caller writes the audit of its system) and the exact one.
pub(crate) fn publish_folder(
    args: &FunnelArgs,
    run: &mut RunContext,
    (placed, specs, published): (&PlacedFile, &[FunnelTableSpec], &PublishedFunnel),
    community: Option<&Community>,
) -> anyhow::Result<(FunnelSummary, serde_json::Value)> {
    let PlacedFile { placed, postcode_column, .. } = placed;
    let indices = nation_indices(run, specs);
    let shares = community.map(|c| community_shares(run, c, !indices.is_empty()));
    let mut written = Vec::new();
    for table in &published.tables {
        let name = format!("funnel_by_{}.csv", table.spec.column);
        run.write_table(&name, &table_of(table, &published.all, shares.as_ref(), &indices))?;
        written.push(name);
    }
    let (mut wres2, mut deprivation) = likelihoods(&placed.tally, Some(published));
    if !indices.is_empty() {
        not_pooled(&mut deprivation);
    }
    let withheld_reason = withheld(&placed.counts);
    if let Some(reason) = &withheld_reason {
        withhold(&mut wres2, &mut deprivation, reason);
    }
    let unclear = run.disclosure.cell(placed.counts.status_unclear as f64).value();
    let mut summary = summary(args, run, published, (wres2, deprivation), placed.decisions.clone(), community, written);
    summary.applications.status_unclear = unclear;
    summary.postcode_column = home_postcode::record(postcode_column.clone(), &mut summary.decisions);
    if !indices.is_empty() {
        summary.by_nation = nation_summaries(published, &indices, shares.as_ref(), false);
        if let Some(reason) = &withheld_reason {
            summary.by_nation.iter_mut().for_each(|n| withhold_nation(n, reason));
        }
        summary.nations_not_pooled = Some(NATIONS_NOT_POOLED.to_string());
    }
    let without_decile = placed.without_decile(specs);
    let exact = exact_summary(args, run, placed, (specs, without_decile), (shares.as_ref(), &indices))?;
    Ok((summary, exact))
}

/// The analyst's summary: every count exact, and the exact tables written beside it.
fn exact_summary(
    args: &FunnelArgs,
    run: &RunContext,
    placed: &PlacedApplications,
    (specs, without_decile): (&[FunnelTableSpec], f64),
    (shares, indices): (Option<&CommunityShares>, &[(String, String)]),
) -> anyhow::Result<serde_json::Value> {
    let (wres2_exact, mut deprivation_exact) = likelihoods(&placed.tally, None);
    let exact_published =
        PublishedFunnel::new(&placed.tally, specs, &placed.counts.by_match, without_decile, &Disclosure::NONE);
    let exact_tables = write_exact_tables(run, &exact_published, (shares, indices))?;
    if !indices.is_empty() {
        not_pooled(&mut deprivation_exact);
    }
    let by_nation = nation_summaries(&exact_published, indices, shares, true);
    let exact = FunnelExact {
        not_for_publication: "exact counts of applications: keep with the row-level data, never publish",
        applications_file: args.applications.display().to_string(),
        applications: &placed.counts,
        wres_indicator_2: wres2_exact,
        deprivation_relative_likelihood: deprivation_exact,
        status_unclear: placed
            .unread
            .stage
            .counts()
            .into_iter()
            .map(|(value, rows)| UnclearValue { value, rows })
            .collect(),
        exact_tables,
        by_nation,
        warnings: &run.warnings,
    };
    Ok(serde_json::to_value(&exact)?)
}

/// Every funnel table with exact counts, for the analyst in [`INTERNAL_FOLDER`] (names as the
/// published ones'); the files written.
fn write_exact_tables(
    run: &RunContext,
    exact: &PublishedFunnel,
    (shares, indices): (Option<&CommunityShares>, &[(String, String)]),
) -> anyhow::Result<Vec<String>> {
    let dir = run.out().join(INTERNAL_FOLDER);
    std::fs::create_dir_all(&dir).map_err(|e| crate::error::Error::io(&dir, e))?;
    let mut written = Vec::new();
    for table in &exact.tables {
        let name = format!("funnel_by_{}.csv", table.spec.column);
        table_of(table, &exact.all, shares, indices).write_csv(&dir.join(&name))?;
        written.push(format!("{INTERNAL_FOLDER}/{name}"));
    }
    Ok(written)
}

/// The files no output may replace.
fn inputs(args: &FunnelArgs) -> Vec<&Path> {
    let c = &args.community;
    [
        Some(&args.applications),
        args.vacancies.vacancies.as_ref(),
        args.sites.sites.as_ref(),
        args.population.population.as_ref(),
    ]
    .into_iter()
    .chain([c.community_codes.as_ref(), c.community_lookup.as_ref()])
    .flatten()
    .map(|p| p.as_path())
    .collect()
}

/// The band group of each vacancy reference in `--vacancies` (empty without it).
fn vacancy_bands(
    args: &FunnelArgs,
    sites: &[Site],
    (run, maps): (&mut RunContext, &ValueMaps),
) -> anyhow::Result<FxHashMap<String, BandGroup>> {
    let Some(path) = &args.vacancies.vacancies else { return Ok(FxHashMap::default()) };
    let vacancies = read_vacancies(path, (&args.vacancies.vacancy_columns, maps), sites, &run.geocoder.directory)?;
    run.warnings.extend(crate::input::vacancies::unread_bands_warning(path, &vacancies));
    Ok(vacancies.into_iter().map(|v| (v.id, v.band.group())).collect())
}

/// The community applicants are compared with: only with a population, and a community stated
/// (its options, or sites for the default radius); otherwise none, said in the summary.
fn community(args: &FunnelArgs, sites: &[Site], run: &mut RunContext) -> anyhow::Result<Option<Community>> {
    let c = &args.community;
    let stated = c.community_codes.is_some()
        || c.community_lookup.is_some()
        || c.community_radius_km.is_some()
        || !sites.is_empty();
    if args.population.population.is_none() || !stated {
        return Ok(None);
    }
    let geography = &run.geocoder.boundaries.geography;
    let (mut codes_bridged, mut name) = (std::collections::BTreeMap::new(), None);
    let facts = &run.areas.facts;
    let community = crate::run::community::build_community(
        c,
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
    Ok(Some(community))
}

/// The community's population by decile, for the applicants' reach; across nations, by each
/// nation's own index's deciles too (Scotland's zones by SIMD's working-age population).
fn community_shares(run: &RunContext, community: &Community, across_nations: bool) -> CommunityShares {
    let zeros = vec![0.0; run.areas.facts.len()];
    let population = class_counts(&run.areas.facts, community, &zeros, Classes::Decile).population;
    let mut by_group = std::collections::BTreeMap::new();
    if across_nations {
        for (_, area) in run.areas.facts.iter().enumerate().filter(|(i, _)| community.contains(*i)) {
            let group = nation_group(Some(area));
            if group != NO_OWN_DECILE {
                *by_group.entry(group).or_insert(0.0) += area.population.unwrap_or(0.0);
            }
        }
    }
    CommunityShares { population_by_decile: population, population_by_nation_group: by_group }
}

/// A nation's likelihood withheld as the run's are (some statuses not read).
fn withhold_nation(nation: &mut FunnelNation, reason: &str) {
    let l = &mut nation.least_deprived_fifth_relative_likelihood;
    (l.relative_likelihood, l.ci_low, l.ci_high) = (None, None, None);
    l.reason = Some(reason.to_string());
    nation.headline = nation_headline(
        &nation.nation,
        &nation.index,
        nation.applied,
        nation.share_of_applications_from_deciles_1_2,
        nation.community_share_in_deciles_1_2,
        l,
    );
}

/// Applications placed and tallied, with their counts and notes for the summary.
pub(crate) struct PlacedApplications {
    tally: FunnelTally,
    /// Every row.
    counts: ApplicationCounts,
    /// The rows tallied (status read): what the published match counts add up with.
    counted: ApplicationCounts,
    unread: Unread,
    decisions: Vec<String>,
}

impl PlacedApplications {
    /// The tallied applications' counts as one system of sums (the tables of `specs`).
    pub fn system(&self, specs: &[FunnelTableSpec]) -> FunnelSystem {
        let without_decile = self.without_decile(specs);
        FunnelSystem::build(&self.tally, specs, &self.counted.by_match, without_decile)
    }

    /// The tables of `specs` as published alone under `rule`.
    fn publish(&self, specs: &[FunnelTableSpec], rule: &Disclosure) -> PublishedFunnel {
        let without_decile = self.without_decile(specs);
        PublishedFunnel::new(&self.tally, specs, &self.counted.by_match, without_decile, rule)
    }

    /// The tallied applications placed without a decile: of England's IMD, or across nations of
    /// their own nation's index (the decile tables' last row less those not placed).
    fn without_decile(&self, specs: &[FunnelTableSpec]) -> f64 {
        let Some(spec) = specs.iter().find(|s| nations_of_dimension(s.dimension).is_some()) else {
            return self.counted.placed_without_decile as f64;
        };
        let unplaced: u64 =
            MatchStatus::ALL.iter().filter(|s| !s.is_placed()).map(|s| self.counted.by_match.get(*s)).sum();
        self.tally.get(spec.dimension, NO_OWN_DECILE).applied - unplaced as f64
    }

    /// The tables of the run: across nations (applicants or community in Wales or Scotland with
    /// `--wimd`/`--simd`), the deprivation tables by each nation's own index; else England's IMD's,
    /// as always (the groups by nation left out of the tally).
    fn specs(&mut self, with_band: bool, run: &RunContext, community: Option<&Community>) -> Vec<FunnelTableSpec> {
        let facts = &run.areas.facts;
        let order = [Country::England, Country::Wales, Country::Scotland];
        let of_group = |g: &str| order.iter().copied().find(|n| g.starts_with(&format!("{}: ", nation_name(*n))));
        let applicants = self.tally.groups.get(NATION_DECILE).into_iter().flatten();
        let mut present: Vec<Country> =
            applicants.filter(|(_, f)| f.applied > 0.0).filter_map(|(g, _)| of_group(g)).collect();
        if let Some(community) = community {
            let areas = facts.iter().enumerate().filter(|(i, _)| community.contains(*i));
            present.extend(areas.filter_map(|(_, a)| of_group(&nation_group(Some(a)))));
        }
        present.push(Country::England);
        present.sort_by_key(|n| order.iter().position(|o| o == n));
        present.dedup();
        let groups = self.tally.groups.remove(NATION_DECILE);
        match (nation_dimension(&present), groups) {
            (Some(dimension), Some(groups)) => {
                self.tally.groups.insert(dimension, groups);
                funnel_tables_by_nation(with_band, &present)
            }
            (Some(dimension), None) => {
                self.tally.groups.insert(dimension, Default::default());
                funnel_tables_by_nation(with_band, &present)
            }
            _ => funnel_tables(with_band),
        }
    }

    /// The tables of a network run across nations (`--wimd`, `--simd`), one set for the pool and
    /// every partner: the pool's ([`PlacedApplications::specs`], the nations of every partner's
    /// applicants and of the community), each partner's tally laid out by them.
    pub(crate) fn network_specs(
        pool: &mut PlacedApplications,
        partners: &mut [&mut PlacedApplications],
        with_band: bool,
        (run, community): (&RunContext, &Community),
    ) -> Vec<FunnelTableSpec> {
        let specs = pool.specs(with_band, run, Some(community));
        let dimension = specs.iter().map(|s| s.dimension).find(|d| nations_of_dimension(d).is_some());
        for partner in partners.iter_mut() {
            let groups = partner.tally.groups.remove(NATION_DECILE).unwrap_or_default();
            if let Some(dimension) = dimension {
                partner.tally.groups.insert(dimension, groups);
            }
        }
        specs
    }

    /// The applications of every part together (a network's pool): counts added, each part's
    /// decisions named with `name`.
    pub fn pool<'a>(parts: impl IntoIterator<Item = (&'a str, &'a PlacedApplications)>) -> PlacedApplications {
        let mut pool = PlacedApplications {
            tally: FunnelTally::default(),
            counts: ApplicationCounts::default(),
            counted: ApplicationCounts::default(),
            unread: Unread::default(),
            decisions: Vec::new(),
        };
        for (name, part) in parts {
            pool.tally.merge(&part.tally);
            pool.counts.merge(&part.counts);
            pool.counted.merge(&part.counted);
            pool.decisions.extend(part.decisions.iter().map(|d| format!("{name}: {d}")));
        }
        pool
    }

    /// Applications in the file, placed or not, and of them those whose status was read.
    pub fn rows(&self) -> (u64, u64) {
        (self.counts.rows, self.counted.rows)
    }
}

/// Values of the coded columns that were not understood.
#[derive(Default)]
struct Unread {
    stage: UnrecognisedValues,
    ethnic_group: UnrecognisedValues,
    sex: UnrecognisedValues,
    /// How varied the status and band columns are (one value on every row is said).
    stage_spread: ColumnSpread,
    band_spread: ColumnSpread,
}

/// Streams the applications: geocodes in parallel, tallies each whose status is read by its
/// stage in every dimension; an unclear status is counted and listed, never guessed.
fn place_applications(
    input: CsvInput,
    columns: &ApplicationColumns,
    bands: &FxHashMap<String, BandGroup>,
    maps: &ValueMaps,
    args: &FunnelArgs,
    run: &mut RunContext,
) -> anyhow::Result<PlacedApplications> {
    let headers = input.headers.clone();
    let facts = &run.areas.facts;
    let mut tally = FunnelTally::default();
    let (mut counts, mut counted) = (ApplicationCounts::default(), ApplicationCounts::default());
    let mut unread = Unread::default();
    let mut ids = SeenIds::default();
    // With Wales's or Scotland's index, each application's group on its own nation's index too.
    let nations = run.geocoder.nations.is_some();
    each_batch(input, "placing applications", |batch| {
        let texts: Vec<&[u8]> = batch.iter().map(|row| columns.postcode(row)).collect();
        let results = run.geocoder.geocode_many(&texts);
        for (row, result) in batch.iter().zip(results) {
            match columns.id.map(|i| ids.see(row, i)) {
                Some(Seen::Repeat) => {
                    counts.duplicate_rows += 1;
                    continue;
                }
                Some(Seen::SharedId) => counts.rows_sharing_an_id += 1,
                _ => {}
            }
            let area = run.areas.of(&result).map(|row| &facts[row]);
            let decile = area.and_then(|a| a.decile);
            counts.add(result.status, decile);
            unread.stage_spread.add(&columns.stage_text(row));
            if columns.band.is_some() {
                unread.band_spread.add(&columns.text(columns.band, row));
            }
            let StatusReading::Known(stage) = columns.status(row, maps) else {
                unread.stage.add(&columns.stage_text(row));
                counts.status_unclear += 1;
                continue;
            };
            counted.add(result.status, decile);
            let mut groups = groups_of(row, columns, bands, maps, decile, &mut unread);
            if nations {
                groups.push((NATION_DECILE, nation_group(area)));
            }
            tally.add(stage, &groups);
        }
        Ok(())
    })?;
    (counts.applied, counts.shortlisted, counts.appointed) =
        (tally.all.applied, tally.all.shortlisted, tally.all.appointed);
    let decisions = report_unread(&unread, columns, &headers, args, counts.rows, run)?;
    run.warnings.extend(ids.warnings(&args.applications, &counts));
    Ok(PlacedApplications { tally, counts, counted, unread, decisions })
}

/// Application ids seen, each with a hash of its row.
#[derive(Default)]
struct SeenIds {
    rows: FxHashMap<Vec<u8>, u64>,
    /// Ids on rows that differ.
    shared: rustc_hash::FxHashSet<Vec<u8>>,
}

/// What an application id says of its row.
enum Seen {
    First,
    /// The same row again, word for word: counted once.
    Repeat,
    /// Another row with the id, differing: counted, and said.
    SharedId,
}

impl SeenIds {
    fn see(&mut self, row: &Row, id_column: usize) -> Seen {
        use std::hash::{Hash, Hasher};
        let id = row.record.get(id_column).unwrap_or_default().trim_ascii();
        if id.is_empty() {
            return Seen::First;
        }
        let mut hasher = rustc_hash::FxHasher::default();
        row.record.iter().for_each(|field| field.trim_ascii().hash(&mut hasher));
        let hash = hasher.finish();
        match self.rows.get(id) {
            None => {
                self.rows.insert(id.to_vec(), hash);
                Seen::First
            }
            Some(seen) if *seen == hash => Seen::Repeat,
            Some(_) => {
                self.shared.insert(id.to_vec());
                Seen::SharedId
            }
        }
    }

    /// The repeated rows and shared ids, by count (never an id).
    fn warnings(&self, path: &Path, counts: &ApplicationCounts) -> Vec<String> {
        let mut warnings = Vec::new();
        if counts.duplicate_rows > 0 {
            warnings.push(format!(
                "{}: {} rows repeat an earlier row word for word (the same application id): each application counted once",
                path.display(),
                thousands(counts.duplicate_rows)
            ));
        }
        if counts.rows_sharing_an_id > 0 {
            warnings.push(format!(
                "{}: {} application ids are on rows that differ ({} rows besides the first of each): every row is counted; \
                 check the extract for one application written twice",
                path.display(),
                thousands(self.shared.len() as u64),
                thousands(counts.rows_sharing_an_id)
            ));
        }
        warnings
    }
}

impl ApplicationCounts {
    /// Adds another file's counts (a network's pool).
    fn merge(&mut self, other: &ApplicationCounts) {
        self.rows += other.rows;
        self.by_match.merge(&other.by_match);
        self.placed_without_decile += other.placed_without_decile;
        self.status_unclear += other.status_unclear;
        self.duplicate_rows += other.duplicate_rows;
        self.rows_sharing_an_id += other.rows_sharing_an_id;
        self.applied += other.applied;
        self.shortlisted += other.shortlisted;
        self.appointed += other.appointed;
    }

    fn add(&mut self, status: MatchStatus, decile: Option<u8>) {
        self.rows += 1;
        self.by_match.add(status);
        self.placed_without_decile += u64::from(status.is_placed() && decile.is_none());
    }
}

/// An application's group in each dimension.
fn groups_of(
    row: &Row,
    columns: &ApplicationColumns,
    bands: &FxHashMap<String, BandGroup>,
    maps: &ValueMaps,
    decile: Option<u8>,
    unread: &mut Unread,
) -> Vec<(&'static str, String)> {
    let ethnic = columns.ethnic_group(row, maps).unwrap_or_else(|| {
        unread.ethnic_group.add(&columns.text(columns.ethnic_group, row));
        EthnicGroup::NotStated
    });
    let sex = columns.sex(row, maps).unwrap_or_else(|| {
        unread.sex.add(&columns.text(columns.sex, row));
        Sex::NotStated
    });
    let band = match columns.band(row, maps) {
        Band::Unknown => bands.get(&columns.vacancy(row)).copied().unwrap_or(BandGroup::Unknown),
        band => band.group(),
    };
    vec![
        ("imd_decile", decile.map_or(NO_DECILE.to_string(), |d| d.to_string())),
        ("ethnic_group", ethnic.label().to_string()),
        ("sex", sex.label().to_string()),
        ("band_group", band.to_string()),
    ]
}

/// Unclear statuses beyond `--max-unclear-share` stop the run, naming the flag that maps them
/// (else a warning with the values: they are left out of the figures); ethnic group and sex not
/// read are counted as not stated, in the headline (by count only) when they are many.
fn report_unread(
    unread: &Unread,
    columns: &ApplicationColumns,
    headers: &[String],
    args: &FunnelArgs,
    rows: u64,
    run: &mut RunContext,
) -> anyhow::Result<Vec<String>> {
    let (flag, path) = ("--application-columns", args.applications.as_path());
    let stage = ColumnInFile::new(path, &headers[columns.stage], "application status", flag, "stage");
    let remedy = format!(
        "map them with --values status=FILE (a CSV of value,meaning: applied, shortlisted or appointed) or [values.status] in \
         anchormap.toml, or allow more with --max-unclear-share (now {})",
        args.max_unclear_share
    );
    run.warnings.extend(unread.stage_spread.single_value_warning(&stage));
    if let Some(i) = columns.band {
        let band = ColumnInFile::new(path, &headers[i], "band", flag, "band");
        run.warnings.extend(unread.band_spread.single_value_warning(&band));
    }
    let mut decisions = Vec::new();
    if let Some(warning) = unread.stage.check_share(&stage, rows, args.max_unclear_share, "unclear", &remedy)? {
        run.warnings.push(format!(
            "{warning}; left out of every count and figure, and WRES indicator 2 is not published: {remedy}"
        ));
        decisions.push(format!(
            "{} of the file's {} rows have an application status that is not read ({} distinct value{}, listed in {INTERNAL_FOLDER}/{INTERNAL_SUMMARY}): \
             they are left out of every count and rate, and WRES indicator 2 and the deprivation relative likelihood are not \
             published; map them with --values status=FILE or [values.status] in anchormap.toml",
            count_words(unread.stage.total(), run),
            count_words(rows, run),
            unread.stage.distinct(),
            if unread.stage.distinct() == 1 { "" } else { "s" }
        ));
    }
    let others = [
        (columns.ethnic_group, &unread.ethnic_group, "ethnic group", "ethnic_group", "'Not stated'"),
        (columns.sex, &unread.sex, "sex", "sex", "'Other or not stated'"),
    ];
    for (index, values, role, key, counted_as) in others {
        let Some(i) = index else { continue };
        let column = ColumnInFile::new(path, &headers[i], role, flag, key);
        if let Some(note) = values.note(&column, rows, counted_as) {
            // Word for word only where nothing is published: the terminal and the exact summary.
            if note.headline {
                decisions.push(note.published);
            }
            run.warnings.push(note.exact);
        }
    }
    Ok(decisions)
}

/// A count of applications as it may be published: under the disclosure rule.
fn count_words(count: u64, run: &RunContext) -> String {
    match run.disclosure.cell(count as f64).value() {
        Some(v) => thousands(v as u64),
        None => format!("fewer than {}", run.disclosure.min_count),
    }
}

/// Why the relative likelihoods are not published: some statuses were not read.
fn withheld(counts: &ApplicationCounts) -> Option<String> {
    (counts.status_unclear > 0).then(|| {
        "not published: some application statuses are not read (see the decisions; map them with --values status=FILE)".to_string()
    })
}

/// No ratio or interval published, with the reason; the counts stay (they are in the tables).
fn withhold(wres2: &mut Wres2Summary, deprivation: &mut DeprivationLikelihood, reason: &str) {
    (wres2.relative_likelihood, wres2.ci_low, wres2.ci_high) = (None, None, None);
    wres2.reason = Some(reason.to_string());
    (deprivation.relative_likelihood, deprivation.ci_low, deprivation.ci_high) = (None, None, None);
    deprivation.reason = Some(reason.to_string());
}

/// WRES indicator 2 and the least deprived fifth against Core20. With `published`, the counts as
/// published and the ratios computed from them ([`published_likelihood`]); without, everything exact.
fn likelihoods(tally: &FunnelTally, published: Option<&PublishedFunnel>) -> (Wres2Summary, DeprivationLikelihood) {
    let (w, d) = match published {
        Some(p) => {
            let cells = |column: &str, row: &str| p.table(column).and_then(|t| t.get(row));
            (
                published_likelihood(cells("ethnic_group", "White"), cells("ethnic_group", BME)),
                published_likelihood(cells("imd_quintile", "5"), cells("core20", CORE20)),
            )
        }
        None => {
            let sum = |dimension: &str, groups: &[&str]| {
                groups.iter().fold(Funnel::default(), |f, g| f.plus(tally.get(dimension, g)))
            };
            (
                exact_likelihood(
                    tally.get("ethnic_group", "White"),
                    sum("ethnic_group", &["Asian", "Black", "Mixed", "Other"]),
                ),
                exact_likelihood(sum("imd_decile", &["9", "10"]), sum("imd_decile", &["1", "2"])),
            )
        }
    };
    let ([relative_likelihood, ci_low, ci_high], counts, reason) = summary_parts(w, ("White", "BME"));
    let [white_shortlisted, white_appointed, bme_shortlisted, bme_appointed] = counts;
    let wres2 = Wres2Summary {
        relative_likelihood,
        ci_low,
        ci_high,
        white_shortlisted,
        white_appointed,
        bme_shortlisted,
        bme_appointed,
        reason,
    };
    (wres2, deprivation_likelihood(d, ("least deprived fifth", "Core20")))
}

/// A likelihood as its summary holds it: the ratio and its interval, the four counts (A
/// shortlisted and appointed, then B), and why there is no ratio, with A and B named.
fn summary_parts(l: PublishedLikelihood, (a, b): (&str, &str)) -> ([Option<f64>; 3], [Option<f64>; 4], Option<String>) {
    let ratio = [l.ratio.map(|r| r.ratio), l.ratio.map(|r| r.ci_low), l.ratio.map(|r| r.ci_high)];
    (ratio, l.counts, l.reason.map(|r| r.replace("{A}", a).replace("{B}", b)))
}

/// A relative likelihood of A against B from exact counts, for the analyst's summary only.
fn exact_likelihood(a: Funnel, b: Funnel) -> PublishedLikelihood {
    let ratio = relative_likelihood(a.appointed, a.shortlisted, b.appointed, b.shortlisted);
    PublishedLikelihood {
        ratio,
        counts: [Some(a.shortlisted), Some(a.appointed), Some(b.shortlisted), Some(b.appointed)],
        reason: ratio
            .is_none()
            .then(|| "no ratio: {A} or {B} applicants have none shortlisted or none appointed".to_string()),
    }
}

/// The published summary.
fn summary(
    args: &FunnelArgs,
    run: &RunContext,
    published: &PublishedFunnel,
    (wres2, deprivation): (Wres2Summary, DeprivationLikelihood),
    decisions: Vec<String>,
    community: Option<&Community>,
    outputs: Vec<String>,
) -> FunnelSummary {
    let geocoder = &run.geocoder;
    FunnelSummary {
        applications_file: file_name(&args.applications),
        postcode_column: None,
        applications: PublishedApplicationCounts {
            rows: published.all.applied.value(),
            by_match: published.matches.iter().map(|(s, c)| (s.as_str().to_string(), c.value())).collect(),
            applied: published.all.applied.value(),
            shortlisted: published.all.shortlisted.value(),
            appointed: published.all.appointed.value(),
            status_unclear: None,
            counts: "applications under the disclosure rule: null where suppressed".to_string(),
        },
        headline: headline(&wres2, &deprivation),
        wres_indicator_2: wres2,
        deprivation_relative_likelihood: deprivation,
        decisions,
        stages: stage_words(),
        community: community.map(|c| FunnelCommunity {
            definition: c.description.clone(),
            areas: c.size(),
            population_column: run.population_column.clone().unwrap_or_default(),
        }),
        disclosure: run.disclosure,
        deprivation: geocoder
            .deprivation
            .as_ref()
            .map(|d| Edition { edition: d.edition.clone(), geography: d.geography.clone() }),
        reference: geocoder.reference_summary(),
        outputs,
        internal_summary: format!("{INTERNAL_FOLDER}/{INTERNAL_SUMMARY}"),
        by_nation: Vec::new(),
        nations_not_pooled: None,
    }
}

/// How statuses are read, in one line: the steps and outcome words (METHOD.md, "Values").
fn stage_words() -> String {
    let steps: Vec<String> = STEP_WORDS.iter().map(|(step, words)| format!("{step}: {words}")).collect();
    format!(
        "the furthest stage reached, read from the steps a status names ({}) and the outcome words beside them (failed: {}; \
         passed: {}); a status naming nothing, or pointing two ways, is unclear and left out; your maps (--values status=FILE, \
         [values.status]) come first",
        steps.join("; "),
        FAILED_WORDS.join(", "),
        PASSED_WORDS.join(", ")
    )
}

/// The relative likelihoods in words.
fn headline(wres2: &Wres2Summary, deprivation: &DeprivationLikelihood) -> Option<String> {
    let likely = |r: f64| format!("{r:.2} times as likely");
    let mut parts = Vec::new();
    if let (Some(r), Some(low), Some(high)) = (wres2.relative_likelihood, wres2.ci_low, wres2.ci_high) {
        parts.push(format!(
            "White applicants were {} as BME applicants to be appointed from shortlisting (WRES indicator 2; 95% CI {low:.2}-{high:.2})",
            likely(r)
        ));
    }
    if let (Some(r), Some(low), Some(high)) = (deprivation.relative_likelihood, deprivation.ci_low, deprivation.ci_high)
    {
        parts.push(format!(
            "applicants from the least deprived fifth of areas were {} as Core20 applicants to be appointed from shortlisting \
             (95% CI {low:.2}-{high:.2})",
            likely(r)
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn print_summary(counts: &ApplicationCounts, summary: &FunnelSummary, started: Instant) {
    let unplaced: u64 = MatchStatus::ALL.iter().filter(|s| !s.is_placed()).map(|s| counts.by_match.get(*s)).sum();
    eprintln!(
        "applications: {} rows; {} shortlisted, {} appointed; {} not placed",
        thousands(counts.rows),
        thousands(counts.shortlisted as u64),
        thousands(counts.appointed as u64),
        thousands(unplaced)
    );
    if let Some(h) = &summary.headline {
        eprintln!("{h}");
    }
    for nation in &summary.by_nation {
        eprintln!("{}", nation.headline);
    }
    if let Some(sentence) = &summary.nations_not_pooled {
        eprintln!("{sentence}");
    }
    for d in &summary.decisions {
        eprintln!("note: {d}");
    }
    eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
}
