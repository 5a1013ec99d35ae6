//! Commute for an anchor network's partners (`anchormap network --commute`): every partner's staff placed with the one travel model, the partners' tallies made to hold the same rows and the pool's their exact sum, and each folder's tables and summaries written from the counts the network protected together.
//!
//! The network protects the partners' and the pool's commute counts in one system with their other
//! tables (`anchormap network`): [`CommuteSystem`] lays each out, [`summary_line`] adds
//! the summary's counts (rows, placed, each reason not placed), and [`publish_folder`] writes a
//! folder from the jointly protected cells.

use std::collections::BTreeMap;

use anyhow::bail;
use rustc_hash::FxHashMap;

use crate::analysis::travel::TravelModel;
use crate::cli::CommuteArgs;
use crate::commute::distance::DistanceTravelled;
use crate::commute::equity::{self, NoCar};
use crate::commute::modes::Modes;
use crate::commute::place::{place_staff, Placer, SiteAssignment};
pub use crate::commute::place::{Counts, Placed};
use crate::commute::published::{CommuteSystem, PublishedCommute, RARE_GROUPS};
use crate::commute::summary::{CommuteExact, CommuteSummary};
use crate::commute::tally::{CommuteMeasures, CommuteTally, Frequency};
use crate::error::{Error, Location};
use crate::input::sites::{Site, SiteNames};
use crate::output::disclosure::{Cell, Disclosure};
use crate::output::summary::INTERNAL_FOLDER;
use crate::run::RunContext;

/// What every partner's commute shares: the sites, the travel model, the mode splits, the
/// distance matrix, how often staff travel, and the census files read once for all.
pub struct Setup {
    sites: Vec<Site>,
    model: TravelModel,
    modes: Modes,
    matrix: FxHashMap<(usize, usize), (f64, Option<f64>)>,
    frequency: Frequency,
    census: Option<DistanceTravelled>,
    no_car: Option<NoCar>,
}

impl Setup {
    /// Reads what the partners share from `args` (any partner's: they differ only in the staff
    /// file and the site), against the network's run and its sites.
    pub fn load(args: &CommuteArgs, run: &mut RunContext, sites: &[Site]) -> anyhow::Result<Setup> {
        if sites.is_empty() {
            bail!(Error::usage("--commute needs --sites SITES.csv (the partners' work sites)"));
        }
        let model = super::travel_model(&args.travel)?;
        let census = super::distance::census(args)?;
        let site_names = SiteNames::new(sites);
        let modes = Modes::load(args, &model, run, &site_names)?;
        let (matrix, warning) = super::distance_matrix(&args.travel, run, &site_names)?;
        run.warnings.extend(warning);
        let frequency = Frequency {
            working_days: args.commute.working_days,
            leave_days: args.commute.leave_days,
            days_on_site: args.commute.days_on_site.clone(),
        };
        let no_car = NoCar::load(args, run)?;
        Ok(Setup { sites: sites.to_vec(), model, modes, matrix, frequency, census, no_car })
    }

    /// Places one partner's staff (its file `args.staff`, everyone at `args.site` when its row of
    /// EMPLOYERS.csv names one): its tally and counts. Its warnings are the network's, named with
    /// the partner. A staff file without a site column, no site named for it and more than one
    /// site stops the run naming the file and the partner.
    pub fn place(&self, args: &CommuteArgs, employer: &str, run: &mut RunContext) -> anyhow::Result<Placed> {
        let input = crate::io::CsvInput::open(&args.staff)?;
        let site_names = SiteNames::new(&self.sites);
        let columns = args.staff_columns.named("--staff-columns");
        let column = input.find(crate::dictionary::role(&crate::dictionary::STAFF, "site"), &columns)?;
        if args.site.is_none() && column.is_none() && self.sites.len() > 1 {
            bail!(Error::invalid(
                Location::file(&args.staff),
                format!(
                    "{employer}'s staff file has no work site column, and the sites file has {} sites: give its site \
                     in the site column of the employers file (one site for all its staff), or name the column with \
                     --staff-columns site=HEADER; the header has {}",
                    self.sites.len(),
                    crate::columns::list_headers(&input.headers)
                )
            ));
        }
        if let Some(code) = args.site.as_ref().filter(|c| site_names.find(c).is_none()) {
            bail!(Error::invalid(
                Location::file(&args.sites),
                format!("has no site '{code}', the site the employers file gives {employer}'s staff")
            ));
        }
        let before = run.warnings.len();
        let mut warnings = Vec::new();
        let assignment = SiteAssignment::new(args, &input, &self.sites, &site_names, &mut warnings)?;
        run.warnings.extend(warnings);
        let (model, modes, matrix, frequency) = (&self.model, &self.modes, &self.matrix, &self.frequency);
        let placer = Placer::new(args, &input, assignment, &self.sites, model, modes, matrix, frequency)?;
        let placed = place_staff(input, &placer, run)?;
        for warning in &mut run.warnings[before..] {
            *warning = format!("{employer} (commute): {warning}");
        }
        Ok(placed)
    }

    /// The sites every partner's tables are by.
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }
}

/// The partners' tallies made to hold the same staff groups, and the pool's their sum: staff groups
/// fewer than the rule's minimum across the network merged (by the pool, once, so that every
/// partner's table has the same rows), every group of any partner in every partner's table (no
/// one in it where the partner has no one). Areas, sites, band groups, deciles and distance
/// bands are the network's for every partner already.
pub fn harmonise(tallies: &mut [&mut CommuteTally], rule: &Disclosure) -> CommuteTally {
    let mut totals: BTreeMap<String, f64> = BTreeMap::new();
    for tally in tallies.iter() {
        for (group, m) in &tally.by_staff_group {
            *totals.entry(group.clone()).or_default() += m.staff;
        }
    }
    let rare: Vec<&String> = totals
        .iter()
        .filter(|(_, n)| rule.protects() && **n < f64::from(rule.min_count.max(1)))
        .map(|(g, _)| g)
        .collect();
    for tally in tallies.iter_mut() {
        for group in &rare {
            if let Some(m) = tally.by_staff_group.remove(*group) {
                tally.by_staff_group.entry(RARE_GROUPS.to_string()).or_default().add(&m);
            }
        }
    }
    let Some((first, rest)) = tallies.split_first() else {
        return CommuteTally::new(0, 0, 0);
    };
    let mut pool = (**first).clone();
    rest.iter().for_each(|t| pool.merge(t));
    for tally in tallies.iter_mut() {
        for group in pool.by_staff_group.keys() {
            tally.by_staff_group.entry(group.clone()).or_insert_with(CommuteMeasures::default);
        }
    }
    pool
}

/// The pool's counts of what became of its rows: every partner's added up (the notes for the
/// reader each named with its partner).
pub fn pool_counts(partners: &[(&str, &Counts)]) -> Counts {
    let mut pool = Counts::default();
    for (employer, c) in partners {
        pool.rows += c.rows;
        pool.placed += c.placed;
        for (reason, n) in &c.unplaced_by_reason {
            *pool.unplaced_by_reason.entry(*reason).or_default() += n;
        }
        for (value, n) in c.unknown_sites.counts() {
            (0..n).for_each(|_| pool.unknown_sites.add(&value));
        }
        for (value, n) in c.not_in_lookup.counts() {
            (0..n).for_each(|_| pool.not_in_lookup.add(&value));
        }
        pool.wte_not_read += c.wte_not_read;
        pool.wte_capped += c.wte_capped;
        for (from, n) in &c.by_split {
            *pool.by_split.entry(*from).or_default() += n;
        }
        pool.from_matrix += c.from_matrix;
        pool.decisions.extend(c.decisions.iter().map(|d| format!("{employer}: {d}")));
    }
    pool
}

/// Every reason any of `counts` has for a row not placed, in order: each folder's summary line
/// has them all (a partner without one has none of it).
pub fn reasons<'a>(counts: impl IntoIterator<Item = &'a Counts>) -> Vec<&'static str> {
    let mut all: Vec<&'static str> = counts.into_iter().flat_map(|c| c.unplaced_by_reason.keys().copied()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// The summary's counts of one folder as one line: the rows, those placed, then each of `reasons`
/// (rows = placed + the reasons; placed is the tables' total row).
pub fn summary_line(counts: &Counts, reasons: &[&'static str]) -> Vec<f64> {
    let mut line = vec![counts.rows as f64, counts.placed as f64];
    line.extend(reasons.iter().map(|r| counts.unplaced_by_reason.get(r).copied().unwrap_or(0) as f64));
    line
}

/// One folder's staff travel to publish: the commute run it would be alone, its staff placed, its
/// counts as the network published them and its summary line's cells ([`summary_line`]).
pub struct Folder<'a> {
    /// The commute run the folder would be alone.
    pub args: &'a CommuteArgs,
    /// Its staff placed and tallied (the pool's: the partners' sum).
    pub placed: &'a Placed,
    /// Its counts laid out (for their exact twins).
    pub system: &'a CommuteSystem,
    /// Its tables as the network published them.
    pub published: &'a PublishedCommute,
    /// Its summary line's cells as published ([`summary_line`]).
    pub line: &'a [Cell],
    /// The reasons not placed the line has, in its order.
    pub reasons: &'a [&'static str],
}

/// Writes one folder's commute tables (as `anchormap commute` names them, with their exact twins
/// in `not-for-publication/` and `commute.xlsx`); its published and exact summaries, for the
/// caller to write.
pub fn publish_folder(
    setup: &Setup,
    run: &mut RunContext,
    folder: Folder,
) -> anyhow::Result<(CommuteSummary, CommuteExact)> {
    let Folder { args, placed, system, published, line, reasons } = folder;
    let deciles: Vec<Option<u8>> = run.areas.facts.iter().map(|a| a.decile).collect();
    let (mut written, warning) =
        super::tables::write(run, &setup.sites, (&placed.tally, published), setup.census.as_ref())?;
    run.warnings.extend(warning);
    let exact = system.published(&vec![false; system.raw().len()], Vec::new(), &Disclosure::NONE);
    let dir = run.out().join(INTERNAL_FOLDER);
    let exact_tables = super::tables::write_exact(&dir, (&run.areas, &setup.sites), (&placed.tally, &exact))?;
    written.push(run.write_workbook("commute.xlsx", "Staff travel to work", &written, &[])?);
    written.extend(exact_tables.iter().map(|f| format!("{INTERNAL_FOLDER}/{f}")));
    let from_matrix = !setup.matrix.is_empty();
    let assumptions = super::assumptions(&setup.model, &setup.modes, &setup.frequency, from_matrix);
    let mut summary = super::published_summary(args, run, &placed.counts, published, assumptions.clone(), written);
    summary.staff_total = line.first().and_then(|c| c.value());
    summary.staff_placed = line.get(1).and_then(|c| c.value());
    summary.unplaced_by_reason = reasons.iter().zip(&line[2..]).map(|(r, c)| (r.to_string(), c.value())).collect();
    let paid_hours = equity::paid_hours(setup.frequency.working_days, setup.frequency.leave_days);
    summary.equity_lens = equity::EquityLens::published(published, setup.no_car.as_ref(), &deciles, paid_hours);
    let mut exact = super::exact_summary(&placed.counts, &placed.tally, assumptions, &run.warnings);
    exact.equity_lens = equity::EquityLens::exact(&placed.tally, setup.no_car.as_ref(), &deciles, paid_hours);
    exact.scenarios = super::exact_scenarios(args, &placed.tally, &deciles);
    Ok((summary, exact))
}
