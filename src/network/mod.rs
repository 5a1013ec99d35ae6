//! `anchormap network`: one run for an anchor network's partners: each employer's gaps tables and the pool's, protected as one system of sums.
//!
//! The partners (trusts, councils, universities) report on one anchor framework together. A
//! pooled table published beside the partners' own is a differencing attack on every partner
//! (the pool minus the others gives the last), so the run places every partner's staff against
//! one community, adds them up into the pool, and protects all the tables together
//! ([`published::protect`]). A partner with too few staff in the community to protect its own
//! tables is published only within the pool, with a note.

pub mod employers;
pub mod published;
pub mod tables;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::cli::network::NetworkArgs;
use crate::cli::{CommuteArgs, FunnelArgs, GapsArgs};
use crate::commute::partners::{self as travel, Placed, Setup};
use crate::commute::published::CommuteSystem;
use crate::commute::summary::CommuteSummary;
use crate::funnel::published::PublishedFunnel;
use crate::funnel::tally::FunnelTableSpec;
use crate::funnel::{PlacedApplications, PlacedFile};
use crate::gaps::{PlacedStaff, Shared};
use crate::input::vacancies::Vacancy;
use crate::io::format::thousands;
use crate::output::disclosure::RunAudit;
use crate::output::run_summary::{FunnelSummary, NationGaps, Wres2Summary};
use crate::output::summary::file_name;
use crate::output::table::Table;
use crate::run::{PeopleFile, RunContext};
use employers::Employer;

/// What the pooled rows of every table are called.
pub const POOL: &str = "All employers";
/// The pool's run folder, inside the network's.
pub const POOL_FOLDER: &str = "all-employers";
/// The network's published summary.
pub const SUMMARY: &str = crate::output::disclosure::joint::NETWORK_SUMMARY;
/// The network's exact summary, in [`INTERNAL_FOLDER`].
pub const INTERNAL_SUMMARY: &str = "network_summary_exact.json";

/// One partner in the network's summary: its headline beside the pool's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartnerSummary {
    /// The partner's name ("All employers" for the pool).
    pub employer: String,
    /// Its run folder inside the network's (`None`: published only within the pool).
    pub folder: Option<String>,
    /// Its gaps headline, from its published counts.
    pub headline: Option<String>,
    /// The share of its staff living in the community who live in Core20 areas (published counts;
    /// across nations, of those living in the community's areas in England).
    pub core20_staff_share: Option<f64>,
    /// The share of the community's working-age population living in Core20 areas.
    pub core20_population_share: Option<f64>,
    /// Why it is not published on its own, when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Across nations (`--wimd`, `--simd`): each nation's staff against its part of the community
    /// on its own index, as its gaps summary says them (a headline per nation, never pooled).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_nation: Vec<NationGaps>,
    /// Its recruitment funnel, from its published counts: absent without an applications file
    /// (or when it is published only within the pool).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funnel: Option<PartnerFunnel>,
    /// Its staff travel to work, from its published figures: absent without `--commute` (or when it
    /// is published only within the pool).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commute: Option<PartnerCommute>,
}

/// A partner's (or the pool's) staff travel to work in the network's summary, as published.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartnerCommute {
    /// Staff placed (home and work site located), under the rule.
    pub staff_travelling: Option<f64>,
    /// Tonnes CO2e a year of their travel to work.
    pub tco2e: Option<f64>,
    /// The share of that from staff living in deciles 1-2.
    pub share_of_kgco2e_from_deciles_1_2: Option<f64>,
}

/// A partner's (or the pool's) funnel in the network's summary: WRES indicator 2 beside the pool's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartnerFunnel {
    /// The funnel's headline in words (WRES indicator 2, and the deprivation likelihood).
    pub headline: Option<String>,
    /// WRES indicator 2 with the four counts it comes from, as published.
    pub wres_indicator_2: Wres2Summary,
}

/// `network_summary.json`: the pool and each partner, published figures only.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NetworkSummary {
    /// The list of partners (or the one staff file split by employer).
    pub employers_file: String,
    /// The community every partner is compared with.
    pub community: String,
    /// The pool: every partner's staff together.
    pub pool: PartnerSummary,
    /// Each partner, in the list's order.
    pub partners: Vec<PartnerSummary>,
    /// The partners whose Core20 staff shares differ most, in words (across nations, within each
    /// nation on its own index).
    pub widest_difference: Option<String>,
    /// Across nations: why each nation is compared on its own index, in one sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nations_not_pooled: Option<String>,
    /// Every combined table (an `employer` column; the pool's rows "All employers").
    pub outputs: Vec<String>,
    /// The disclosure audit of the network's tables as one system, in words.
    pub disclosure: String,
    /// What the run decided (partners published only within the pool), in words.
    pub notes: Vec<String>,
    /// With applications from some partners: those that gave none, named (absent from every
    /// funnel table and from the pool's funnel, never counted as zero).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub without_applications: Vec<String>,
}

/// One partner placed: its arguments (the gaps run it would be alone), its staff and vacancies,
/// and its applications (the funnel run it would be alone) when it gave a file.
struct Partner {
    employer: Employer,
    args: GapsArgs,
    placed: PlacedStaff,
    vacancies: Vec<Vacancy>,
    postcode_column: (String, usize),
    pooled_only: bool,
    applications: Option<(FunnelArgs, PlacedFile)>,
    /// With `--commute`: the commute run it would be alone, and its staff placed for travel.
    commute: Option<(CommuteArgs, Placed)>,
}

/// The network's applications, when any partner gave them: the tables every funnel follows, and
/// the pool's (its arguments, every partner's applications together).
struct Pooled {
    specs: Vec<FunnelTableSpec>,
    args: FunnelArgs,
    placed: PlacedFile,
}

pub(crate) fn run(args: NetworkArgs) -> anyhow::Result<()> {
    let split = tempfile::tempdir().map_err(|e| crate::Error::io(Path::new("a temporary folder"), e))?;
    let (employers, source) = partners_of(&args, split.path())?;
    refuse_commute_across_nations(&args)?;
    let base = &args.gaps;
    let (mut run, shared) = crate::gaps::open_run(base)?;
    let (mut partners, setup) = place_all(employers, &args, &shared, &mut run)?;
    let rule = run.disclosure;
    let pool_tally = {
        let mut tallies: Vec<_> = partners.iter_mut().map(|p| &mut p.placed.tally).collect();
        published::harmonise(&mut tallies, &rule)
    };
    let mut notes = mark_small(&mut partners, args.min_employer_staff);
    let travel = setup.map(|s| Travel::new(s, &mut partners, &run, args.commute.args(base, &source, None)));
    let pool = pool_of(&partners, pool_tally);
    let pooled_apps = pool_applications(&mut partners, &args, &source, (&run, &shared.community));
    let without_applications = without_applications(&partners, pooled_apps.is_some(), &mut notes);
    let each: Vec<(&PlacedStaff, bool)> = partners.iter().map(|p| (&p.placed, p.pooled_only)).collect();
    let facts = (run.areas.facts.as_slice(), &shared.community);
    let funnel = pooled_apps.as_ref().map(|pooled| network_funnel(pooled, &partners));
    let commute = travel.as_ref().map(Travel::network);
    let network = published::protect(facts, &pool, &each, (funnel.as_ref(), commute.as_ref()), &rule)?;
    let pool_args = pool_args(base, &source, &partners);
    let pool_vacancies = pool_vacancies(&partners);
    let mut gathered = Vec::new();
    let postcode = partners.first().map(|p| p.postcode_column.clone()).unwrap_or_default();
    let pooled = (pool_vacancies.as_slice(), &pool, &network.pool);
    let pool_funnel = pooled_apps.as_ref().zip(network.funnel_pool.as_ref()).map(|(p, published)| FolderFunnel {
        args: &p.args,
        placed: &p.placed,
        specs: &p.specs,
        published,
    });
    let pool_travel = travel.as_ref().zip(network.commute_pool.as_ref()).map(|(t, p)| t.pool_folder(p));
    let (pool_summary, pool_funnel, pool_commute) =
        write_folder(&mut run, &shared, (&pool_args, POOL_FOLDER), pooled, postcode, (pool_funnel, pool_travel))?;
    gathered.push((POOL.to_string(), run.enter(None)?));
    let written = (&network, pooled_apps.as_ref(), args.min_employer_staff);
    let commute = travel.as_ref().map_or((None, None, &[][..]), Travel::parts);
    let summaries = write_partners(&mut run, &shared, &partners, (written, commute), &mut gathered)?;
    let mut outputs = tables::write_combined(&run, &gathered, &without_applications)?;
    outputs.push(tables::write_workbook(&run, &gathered, &shared)?);
    outputs.push(RunAudit::new(rule, vec![network.audit.clone()]).write(run.out())?);
    let pool_row =
        partner_summary(POOL, Some(POOL_FOLDER.into()), &pool_summary, (pool_funnel.as_ref(), pool_commute.as_ref()));
    let summary = NetworkSummary {
        employers_file: file_name(&source),
        community: shared.community_name.clone().unwrap_or_else(|| shared.community.description.clone()),
        pool: pool_row,
        widest_difference: widest_difference(&summaries),
        partners: summaries,
        outputs,
        disclosure: RunAudit::new(rule, vec![network.audit.clone()]).summary,
        nations_not_pooled: pool_summary.nations_not_pooled.clone(),
        notes,
        without_applications,
    };
    finish(run, &summary, &partners, (&pool, pooled_apps.as_ref(), travel.as_ref().map(|t| &t.pool)))
}

/// Every partner placed (with `--commute`, its staff placed for travel too, with what they share).
fn place_all(
    employers: Vec<Employer>,
    args: &NetworkArgs,
    shared: &Shared,
    run: &mut RunContext,
) -> anyhow::Result<(Vec<Partner>, Option<Setup>)> {
    let setup = match (args.commute.commute, employers.first()) {
        (true, Some(first)) => {
            Some(Setup::load(&args.commute.args(&args.gaps, &first.staff, None), run, &shared.sites)?)
        }
        _ => None,
    };
    let mut partners = Vec::new();
    for employer in employers {
        partners.push(place(employer, args, (shared, setup.as_ref()), run)?);
    }
    Ok((partners, setup))
}

/// The network's applications to protect: the pool's and each partner's.
fn network_funnel<'a>(pooled: &'a Pooled, partners: &'a [Partner]) -> published::NetworkFunnel<'a> {
    published::NetworkFunnel {
        specs: &pooled.specs,
        pool: &pooled.placed.placed,
        partners: partners.iter().map(|p| p.applications.as_ref().map(|(_, a)| &a.placed)).collect(),
    }
}

/// The network's staff travel (`--commute`): what the partners share, the pool's staff travel (the
/// partners' sum), every folder's system laid out alike, the reasons not placed every summary line
/// has, and the commute run the pool would be alone.
struct Travel {
    setup: Setup,
    pool: Placed,
    systems: (TravelSystem, Vec<TravelSystem>),
    reasons: Vec<&'static str>,
    args: CommuteArgs,
}

impl Travel {
    /// The partners' commute tallies made alike and the pool's added up (`args` the pool's run).
    fn new(setup: Setup, partners: &mut [Partner], run: &RunContext, args: CommuteArgs) -> Travel {
        let pool = pool_commute(partners, &run.disclosure);
        let reasons = travel::reasons(partners.iter().filter_map(|p| p.commute.as_ref()).map(|(_, c)| &c.counts));
        let systems = commute_systems(run, &pool, partners, &reasons);
        Travel { setup, pool, systems, reasons, args }
    }

    /// The systems to protect with the network's.
    fn network(&self) -> published::NetworkCommute<'_> {
        let ((pool, line), each) = &self.systems;
        published::NetworkCommute {
            pool: (pool, line.as_slice()),
            partners: each.iter().map(|(s, l)| (s, l.as_slice())).collect(),
        }
    }

    /// The pool's folder's staff travel to publish.
    fn pool_folder<'a>(&'a self, published: &'a published::PublishedTravel) -> FolderCommute<'a> {
        let (setup, args, placed, system) = (&self.setup, &self.args, &self.pool, &self.systems.0 .0);
        FolderCommute { setup, args, placed, system, published, reasons: &self.reasons }
    }

    /// What the partners' folders are written with.
    fn parts(&self) -> TravelParts<'_> {
        (Some(&self.setup), Some(self.systems.1.as_slice()), self.reasons.as_slice())
    }
}

/// The partners' commute tallies made to hold the same rows, and the pool's staff travel: their
/// sum, exactly, with every partner's counts added up.
fn pool_commute(partners: &mut [Partner], rule: &crate::output::disclosure::Disclosure) -> Placed {
    let tally = {
        let mut tallies: Vec<&mut crate::commute::tally::CommuteTally> =
            partners.iter_mut().filter_map(|p| p.commute.as_mut().map(|(_, c)| &mut c.tally)).collect();
        travel::harmonise(&mut tallies, rule)
    };
    let counts: Vec<(&str, &travel::Counts)> = partners
        .iter()
        .filter_map(|p| p.commute.as_ref().map(|(_, c)| (p.employer.name.as_str(), &c.counts)))
        .collect();
    Placed { tally, counts: travel::pool_counts(&counts) }
}

/// A folder's staff travel laid out for protection: its system and its summary line.
type TravelSystem = (CommuteSystem, Vec<f64>);

/// The partners' staff travel to write: what they share, each one's system, the reasons not placed.
type TravelParts<'a> = (Option<&'a Setup>, Option<&'a [TravelSystem]>, &'a [&'static str]);

/// The pool's staff travel system and every partner's, laid out alike.
fn commute_systems(
    run: &RunContext,
    pool: &Placed,
    partners: &[Partner],
    reasons: &[&'static str],
) -> (TravelSystem, Vec<TravelSystem>) {
    let deciles: Vec<Option<u8>> = run.areas.facts.iter().map(|a| a.decile).collect();
    let msoas: Vec<Option<usize>> = run.areas.facts.iter().map(|a| a.msoa).collect();
    let system = |placed: &Placed| {
        let tally = &placed.tally;
        (
            CommuteSystem::build(tally, &tally.by_staff_group, &deciles, &msoas),
            travel::summary_line(&placed.counts, reasons),
        )
    };
    let each = partners.iter().filter_map(|p| p.commute.as_ref().map(|(_, c)| system(c))).collect();
    (system(pool), each)
}

/// Writes the folder of each partner published on its own, its tables gathered; each partner's
/// summary row (a partner published only within the pool has a note instead).
fn write_partners(
    run: &mut RunContext,
    shared: &Shared,
    partners: &[Partner],
    ((network, pooled_apps, min_staff), commute): ((&published::PublishedNetwork, Option<&Pooled>, u64), TravelParts),
    gathered: &mut Gathered,
) -> anyhow::Result<Vec<PartnerSummary>> {
    let mut summaries = Vec::new();
    let (setup, systems, reasons) = commute;
    for (k, ((partner, published), funnel)) in
        partners.iter().zip(&network.partners).zip(&network.funnel_partners).enumerate()
    {
        let Some(published) = published else {
            summaries.push(pooled_only(&partner.employer.name, min_staff));
            continue;
        };
        let folder = format!("employers/{}", slug(&partner.employer.name));
        let placed = (partner.vacancies.as_slice(), &partner.placed, published);
        let funnel = pooled_apps.zip(partner.applications.as_ref()).zip(funnel.as_ref()).map(
            |((pooled, (args, placed)), published)| FolderFunnel { args, placed, specs: &pooled.specs, published },
        );
        let travel = setup
            .zip(partner.commute.as_ref())
            .zip(systems.and_then(|s| s.get(k)))
            .zip(network.commute_partners.get(k).and_then(Option::as_ref))
            .map(|(((setup, (args, placed)), (system, _)), published)| FolderCommute {
                setup,
                args,
                placed,
                system,
                published,
                reasons,
            });
        let postcode = partner.postcode_column.clone();
        let (s, f, c) = write_folder(run, shared, (&partner.args, &folder), placed, postcode, (funnel, travel))?;
        gathered.push((partner.employer.name.clone(), run.enter(None)?));
        summaries.push(partner_summary(&partner.employer.name, Some(folder), &s, (f.as_ref(), c.as_ref())));
    }
    Ok(summaries)
}

/// A folder's applications to publish: its arguments (the funnel run it would be alone), its
/// applications, the network's tables and its counts as published.
struct FolderFunnel<'a> {
    args: &'a FunnelArgs,
    placed: &'a PlacedFile,
    specs: &'a [FunnelTableSpec],
    published: &'a PublishedFunnel,
}

/// A folder's staff travel to publish: what every partner shares, the commute run it would be
/// alone, its staff placed, its system and its counts as published.
struct FolderCommute<'a> {
    setup: &'a Setup,
    args: &'a CommuteArgs,
    placed: &'a Placed,
    system: &'a CommuteSystem,
    published: &'a published::PublishedTravel,
    reasons: &'a [&'static str],
}

/// `--commute` with `--wimd` or `--simd` stops: the partners' staff travel is not yet counted
/// nation by nation in a network (`commute` alone does), and is never pooled across indices.
fn refuse_commute_across_nations(args: &NetworkArgs) -> anyhow::Result<()> {
    let nations = &args.gaps.reference.nations;
    if args.commute.commute && (nations.wimd.is_some() || nations.simd.is_some()) {
        anyhow::bail!(crate::Error::usage(
            "network --commute does not yet count staff travel nation by nation: leave out --commute with --wimd or \
             --simd (or run commute on each partner's staff file, which does)"
        ));
    }
    Ok(())
}

/// The partners, from `--employers` or split from `--staff` by `--employer-column`, and the file named.
fn partners_of(args: &NetworkArgs, dir: &Path) -> anyhow::Result<(Vec<Employer>, PathBuf)> {
    match (&args.employers, &args.employer_column) {
        (Some(path), _) => Ok((employers::read(path)?, path.clone())),
        (None, Some(column)) if args.gaps.staff != Path::new("-") => {
            let employers = employers::split(&args.gaps.staff, column, dir)?;
            if employers.len() < 2 {
                anyhow::bail!(crate::Error::invalid(
                    crate::error::Location::file(&args.gaps.staff).with_column(column),
                    "names fewer than two employers: a network needs at least two"
                ));
            }
            Ok((employers, args.gaps.staff.clone()))
        }
        _ => anyhow::bail!(crate::Error::usage(
            "network needs --employers EMPLOYERS.csv (employer,file rows), or --staff S.csv with --employer-column HEADER"
        )),
    }
}

/// One partner's staff placed against the network's community, its vacancies located, and its
/// applications placed when it gave a file.
fn place(
    employer: Employer,
    network: &NetworkArgs,
    (shared, setup): (&Shared, Option<&Setup>),
    run: &mut RunContext,
) -> anyhow::Result<Partner> {
    let mut args = network.gaps.clone();
    args.staff = employer.staff.clone();
    args.vacancies.vacancies = employer.vacancies.clone();
    let PeopleFile { input, columns, maps, postcode_column } = crate::gaps::open_staff(&args)?;
    crate::run::say(run.quiet, format_args!("{}: {}", employer.name, args.staff.display()));
    let placed = crate::gaps::place_staff(input, (&columns, &maps), &args, &shared.community, run)?;
    let vacancies = crate::gaps::load_vacancies(&args, &shared.sites, run)?;
    let applications = match &employer.applications {
        Some(path) => {
            let funnel = funnel_args(network, &args, path);
            crate::run::say(run.quiet, format_args!("{}: {}", employer.name, path.display()));
            let placed = crate::funnel::place(&funnel, &shared.sites, run)?;
            Some((funnel, placed))
        }
        None => None,
    };
    let commute = match setup {
        Some(setup) => {
            let commute = network.commute.args(&network.gaps, &employer.staff, employer.site.clone());
            let placed = setup.place(&commute, &employer.name, run)?;
            Some((commute, placed))
        }
        None => None,
    };
    Ok(Partner { employer, args, placed, vacancies, postcode_column, pooled_only: false, applications, commute })
}

/// The funnel run a partner's applications would be alone: the community and reference options
/// of its gaps run, the network's application options.
fn funnel_args(network: &NetworkArgs, gaps: &GapsArgs, applications: &Path) -> FunnelArgs {
    FunnelArgs {
        applications: applications.to_path_buf(),
        vacancies: gaps.vacancies.clone(),
        sites: gaps.sites.clone(),
        reference: gaps.reference.clone(),
        population: gaps.population.clone(),
        application_columns: network.application_columns.clone(),
        community: gaps.community.clone(),
        values: gaps.values.clone(),
        max_unclear_share: network.max_unclear_share,
        disclosure: gaps.disclosure.clone(),
        output: gaps.output.clone(),
    }
}

/// The pool's applications, when any partner gave a file: every partner's together (its file the
/// network's list), and the tables every funnel follows (by band group when any partner's posts
/// have bands; across nations, each nation's deprivation rows on its own index, every partner's
/// tally laid out alike).
fn pool_applications(
    partners: &mut [Partner],
    network: &NetworkArgs,
    source: &Path,
    (run, community): (&RunContext, &crate::analysis::community::Community),
) -> Option<Pooled> {
    let given: Vec<(&Partner, &(FunnelArgs, PlacedFile))> =
        partners.iter().filter_map(|p| Some((p, p.applications.as_ref()?))).collect();
    let (_, (_, first_placed)) = given.first()?;
    let args = funnel_args(network, &network.gaps, source);
    let mut pooled = PlacedApplications::pool(given.iter().map(|(p, (_, a))| (p.employer.name.as_str(), &a.placed)));
    let with_band = given.iter().any(|(_, (_, a))| a.with_band);
    let postcode_column = first_placed.postcode_column.clone();
    let mut each: Vec<&mut PlacedApplications> =
        partners.iter_mut().filter_map(|p| p.applications.as_mut().map(|(_, a)| &mut a.placed)).collect();
    let specs = PlacedApplications::network_specs(&mut pooled, &mut each, with_band, (run, community));
    let placed = PlacedFile { placed: pooled, with_band, postcode_column };
    Some(Pooled { specs, args, placed })
}

/// With applications from some partners, the names of those that gave none, each said in a note:
/// absent from the funnel tables, not counted as zero.
fn without_applications(partners: &[Partner], any: bool, notes: &mut Vec<String>) -> Vec<String> {
    if !any {
        return Vec::new();
    }
    let names: Vec<String> =
        partners.iter().filter(|p| p.applications.is_none()).map(|p| p.employer.name.clone()).collect();
    for name in &names {
        notes.push(format!(
            "{name} gave no applications file: it is absent from every funnel table, and the pool's funnel ({POOL}) \
             counts the applications of the partners that gave one (never {name}'s as zero)"
        ));
    }
    names
}

/// Marks the partners with fewer than `min` staff living in the community as published only
/// within the pool; the notes that say so (no counts).
fn mark_small(partners: &mut [Partner], min: u64) -> Vec<String> {
    let mut notes = Vec::new();
    for partner in partners.iter_mut() {
        partner.pooled_only = partner.placed.counts.placed_in_community < min;
        if partner.pooled_only {
            notes.push(small_note(&partner.employer.name, min));
        }
    }
    notes
}

fn small_note(employer: &str, min: u64) -> String {
    format!(
        "{employer} has fewer than {} staff living in the community: too few to protect its own tables beside the \
         others', so its staff are published only within the pool ({POOL})",
        thousands(min)
    )
}

/// The summary row of a partner published only within the pool.
fn pooled_only(employer: &str, min: u64) -> PartnerSummary {
    PartnerSummary {
        employer: employer.to_string(),
        folder: None,
        headline: None,
        core20_staff_share: None,
        core20_population_share: None,
        note: Some(small_note(employer, min)),
        by_nation: Vec::new(),
        funnel: None,
        commute: None,
    }
}

/// The pool: every partner's staff added up (its tally already the harmonised sum).
fn pool_of(partners: &[Partner], tally: crate::analysis::gaps::StaffTally) -> PlacedStaff {
    let mut counts = crate::gaps::StaffCounts::default();
    let mut decisions = Vec::new();
    for partner in partners {
        counts.merge(&partner.placed.counts);
        for d in &partner.placed.decisions {
            decisions.push(format!("{}: {d}", partner.employer.name));
        }
    }
    PlacedStaff { tally, counts, decisions }
}

/// The pool's arguments: its staff file the network's list, vacancies when any partner has some.
fn pool_args(base: &GapsArgs, source: &Path, partners: &[Partner]) -> GapsArgs {
    let mut args = base.clone();
    args.staff = source.to_path_buf();
    args.vacancies.vacancies = partners.iter().find_map(|p| p.employer.vacancies.clone());
    args
}

/// Every partner's vacancies, each named with its employer: a target lists the open jobs of every
/// partner within reach.
fn pool_vacancies(partners: &[Partner]) -> Vec<Vacancy> {
    let mut all = Vec::new();
    for partner in partners {
        for vacancy in &partner.vacancies {
            let mut v = vacancy.clone();
            v.id = format!("{}: {}", partner.employer.name, v.id);
            v.site_name = format!("{} ({})", v.site_name, partner.employer.name);
            all.push(v);
        }
    }
    all
}

/// Writes one run folder inside the network's (the pool's or a partner's), as a gaps run would
/// be, and with applications its funnel tables as a funnel run would write them beside.
fn write_folder(
    run: &mut RunContext,
    shared: &Shared,
    (args, folder): (&GapsArgs, &str),
    staff: (&[Vacancy], &PlacedStaff, &crate::gaps::published::PublishedStaff),
    postcode_column: (String, usize),
    (funnel, commute): (Option<FolderFunnel>, Option<FolderCommute>),
) -> anyhow::Result<(crate::output::run_summary::GapsSummary, Option<FunnelSummary>, Option<CommuteSummary>)> {
    run.enter(Some(folder))?;
    let (summary, exact) = crate::gaps::publish_run(args, run, shared, staff, postcode_column)?;
    run.write_summaries((crate::gaps::SUMMARY, &summary), (crate::gaps::INTERNAL_SUMMARY, &exact))?;
    let funnel = match funnel {
        Some(f) => {
            let published = (f.placed, f.specs, f.published);
            let (funnel, exact) = crate::funnel::publish_folder(f.args, run, published, Some(&shared.community))?;
            run.write_summaries((crate::funnel::SUMMARY, &funnel), (crate::funnel::INTERNAL_SUMMARY, &exact))?;
            Some(funnel)
        }
        None => None,
    };
    let commute = match commute {
        Some(c) => {
            let folder = travel::Folder {
                args: c.args,
                placed: c.placed,
                system: c.system,
                published: &c.published.tables,
                line: &c.published.line,
                reasons: c.reasons,
            };
            let (commute, exact) = travel::publish_folder(c.setup, run, folder)?;
            let (published, internal) = (crate::commute::summary::SUMMARY, crate::commute::summary::INTERNAL_SUMMARY);
            run.write_summaries((published, &commute), (internal, &exact))?;
            Some(commute)
        }
        None => None,
    };
    Ok((summary, funnel, commute))
}

fn partner_summary(
    employer: &str,
    folder: Option<String>,
    summary: &crate::output::run_summary::GapsSummary,
    (funnel, commute): (Option<&FunnelSummary>, Option<&CommuteSummary>),
) -> PartnerSummary {
    PartnerSummary {
        employer: employer.to_string(),
        folder,
        headline: summary.headline.clone(),
        core20_staff_share: summary.core20_staff_share,
        core20_population_share: summary.core20_population_share,
        note: None,
        by_nation: summary.by_nation.clone(),
        funnel: funnel
            .map(|f| PartnerFunnel { headline: f.headline.clone(), wres_indicator_2: f.wres_indicator_2.clone() }),
        commute: commute.map(|c| PartnerCommute {
            staff_travelling: c.staff_placed,
            tco2e: c.tco2e_total,
            share_of_kgco2e_from_deciles_1_2: c.share_of_kgco2e_from_deciles_1_2,
        }),
    }
}

/// The two partners whose shares of staff living in Core20 areas differ most, in words; across
/// nations, within each nation on its own index (deciles 1-2 of IMD, WIMD or SIMD), never pooled.
fn widest_difference(partners: &[PartnerSummary]) -> Option<String> {
    let Some(first) = partners.iter().find(|p| !p.by_nation.is_empty()) else {
        let shares: Vec<(&str, f64)> =
            partners.iter().filter_map(|p| Some((p.employer.as_str(), p.core20_staff_share?))).collect();
        return widest(&shares, "Core20 areas");
    };
    let sentences: Vec<String> = first
        .by_nation
        .iter()
        .filter_map(|n| {
            let share = |p: &PartnerSummary| p.by_nation.iter().find(|m| m.nation == n.nation)?.deciles_1_2_staff_share;
            let shares: Vec<(&str, f64)> =
                partners.iter().filter_map(|p| Some((p.employer.as_str(), share(p)?))).collect();
            let within = format!("{}'s deciles 1-2 on {}", n.nation, n.index);
            widest(&shares, &within).map(|w| format!("{}: {w}", n.nation))
        })
        .collect();
    (!sentences.is_empty()).then(|| sentences.join(" "))
}

/// Of `shares` (employer, share of its staff living in `areas`), the largest and the smallest, in words.
fn widest(shares: &[(&str, f64)], areas: &str) -> Option<String> {
    let high = shares.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1))?;
    let low = shares.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1))?;
    (shares.len() >= 2).then(|| {
        format!(
            "{} has the largest share of its staff living in {areas} ({:.1}%), {} the smallest ({:.1}%): {:.1} \
             percentage points apart",
            high.0,
            high.1 * 100.0,
            low.0,
            low.1 * 100.0,
            (high.1 - low.1) * 100.0
        )
    })
}

/// A folder name for an employer: lower case letters and digits, words joined by `-`.
///
/// ```
/// assert_eq!(anchormap::network::slug("Leeds Teaching Hospitals NHS Trust"), "leeds-teaching-hospitals-nhs-trust");
/// ```
pub fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect();
    if words.is_empty() {
        "employer".to_string()
    } else {
        words.join("-")
    }
}

/// Each warning once, and one said alike of several partners (`Partner 1 (commute): ...`) said
/// once for them all, naming them: thirteen partners without a site column are one line, not thirteen.
fn said_once(warnings: &[String], partners: &[&str]) -> Vec<String> {
    let mut said: Vec<(String, Vec<&str>)> = Vec::new();
    for warning in warnings {
        let of = partners.iter().find_map(|&name| {
            let rest = warning.strip_prefix(name)?.strip_prefix(' ')?;
            rest.starts_with('(').then_some((name, rest))
        });
        let (name, rest) = of.map_or((None, warning.as_str()), |(n, r)| (Some(n), r));
        match said.iter_mut().find(|(r, names)| r == rest && names.is_empty() == name.is_none()) {
            Some((_, names)) => names.extend(name.filter(|n| !names.contains(n))),
            None => said.push((rest.to_string(), name.into_iter().collect())),
        }
    }
    let named = |names: &[&str]| match names {
        [] => String::new(),
        _ if names.len() == partners.len() && names.len() > 1 => "Every partner ".to_string(),
        [one] => format!("{one} "),
        [first @ .., last] if names.len() <= 3 => format!("{} and {last} ", first.join(", ")),
        [first, second, rest @ ..] => format!("{first}, {second} and {} more partners ", rest.len()),
    };
    said.into_iter().map(|(rest, names)| format!("{}{rest}", named(&names))).collect()
}

/// Writes the network's summaries and moves its folder into place.
fn finish(
    mut run: RunContext,
    summary: &NetworkSummary,
    partners: &[Partner],
    (pool, applications, commute): (&PlacedStaff, Option<&Pooled>, Option<&Placed>),
) -> anyhow::Result<()> {
    let names: Vec<&str> = partners.iter().map(|p| p.employer.name.as_str()).collect();
    run.warnings = said_once(&run.warnings, &names);
    let rows = |a: &PlacedApplications| {
        let (rows, read) = a.rows();
        json!({"rows": rows, "status_read": read})
    };
    let exact = json!({
        "not_for_publication": "exact counts of people: keep with the row-level data, never publish",
        "pool": pool.counts,
        "pool_applications": applications.map(|a| rows(&a.placed.placed)),
        "pool_commute": commute.map(|c| json!({"rows": c.counts.rows, "placed": c.counts.placed,
            "unplaced_by_reason": c.counts.unplaced_by_reason})),
        "partners": partners.iter().map(|p| json!({
            "employer": p.employer.name,
            "staff_file": p.employer.staff.display().to_string(),
            "published_on_its_own": !p.pooled_only,
            "staff": p.placed.counts,
            "applications_file": p.employer.applications.as_ref().map(|a| a.display().to_string()),
            "applications": p.applications.as_ref().map(|(_, a)| rows(&a.placed)),
            "site": p.employer.site,
            "commute": p.commute.as_ref().map(|(_, c)| json!({"rows": c.counts.rows, "placed": c.counts.placed,
                "unplaced_by_reason": c.counts.unplaced_by_reason})),
        })).collect::<Vec<_>>(),
        "warnings": run.warnings,
    });
    let (quiet, started) = (run.quiet, run.started);
    run.finish((SUMMARY, summary), (INTERNAL_SUMMARY, &exact))?;
    if !quiet {
        for p in std::iter::once(&summary.pool).chain(&summary.partners) {
            // Across nations, each nation's headline on its own line.
            let nations: Vec<&str> = p.by_nation.iter().filter_map(|n| n.headline.as_deref()).collect();
            match nations.as_slice() {
                [] => eprintln!(
                    "{}: {}",
                    p.employer,
                    p.headline.as_deref().or(p.note.as_deref()).unwrap_or("no headline")
                ),
                lines => lines.iter().for_each(|h| eprintln!("{}: {h}", p.employer)),
            }
            if let Some(h) = p.funnel.as_ref().and_then(|f| f.headline.as_deref()) {
                eprintln!("{}: {h}", p.employer);
            }
        }
        summary.nations_not_pooled.iter().for_each(|s| eprintln!("{s}"));
        eprintln!("disclosure: {}", summary.disclosure);
        eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// The network summary of a network run folder, if it is one.
pub fn read_summary(folder: &Path) -> Option<NetworkSummary> {
    let text = std::fs::read_to_string(folder.join(SUMMARY)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Where a network's tables are inside its folder: the pool's folder and each partner's.
pub fn folders(folder: &Path, summary: &NetworkSummary) -> Vec<PathBuf> {
    std::iter::once(&summary.pool)
        .chain(&summary.partners)
        .filter_map(|p| Some(folder.join(p.folder.as_ref()?)))
        .collect()
}

/// The tables gathered from one folder, by file name.
pub type Gathered = Vec<(String, Vec<(String, Table)>)>;

#[cfg(test)]
mod tests {
    use super::said_once;

    #[test]
    fn a_warning_said_alike_of_several_partners_is_said_once_naming_them() {
        let site = "(commute): the staff file has no site column: everyone works at WR";
        let partners = ["Acute", "Acute Community", "Council", "University"];
        let mut warnings: Vec<String> = partners.iter().map(|p| format!("{p} {site}")).collect();
        warnings.push("Council (commute): 3 homes further than 100 km".into());
        warnings.push("a postcode column was guessed".into());
        warnings.push("a postcode column was guessed".into());
        assert_eq!(
            said_once(&warnings, &partners),
            [
                format!("Every partner {site}"),
                "Council (commute): 3 homes further than 100 km".into(),
                "a postcode column was guessed".into(),
            ]
        );
        let three: Vec<String> = warnings[..3].to_vec();
        assert_eq!(said_once(&three, &partners), [format!("Acute, Acute Community and Council {site}")]);
        let five = ["A", "B", "C", "D", "E"];
        let four: Vec<String> = five[..4].iter().map(|p| format!("{p} {site}")).collect();
        assert_eq!(said_once(&four, &five), [format!("A, B and 2 more partners {site}")]);
    }
}
