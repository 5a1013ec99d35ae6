//! `anchormap audit RUN...`: several runs' published tables attacked together, as one attacker holding all of them would.
//!
//! A second run over the same people with other options (another community, another breakdown,
//! next month's pack) is the classic differencing attack: each run alone is protected, but an
//! area published in one and hidden in the other, or two communities that differ by one small
//! area, give a hidden count back. The runs' cells become one system of sums ([`system::Joint`]),
//! the areas holding the same people one count across runs, and the disclosure audit's own
//! linear programs ([`Disclosure::audit_with_ranges`]) narrow every count over all of them.

use std::path::PathBuf;

use anyhow::bail;
use serde::Serialize;

use crate::cli::AuditArgs;
use crate::output::disclosure::commute_runs::is_commute_file;
use crate::output::disclosure::joint::{self as system, Exposed, Joint, RunTogether, IDENTITY_RULE};
use crate::output::disclosure::joint::{NETWORK_RULE, NETWORK_SUMMARY};
use crate::output::disclosure::runs::{read_run, RunFolder, RunTables};
use crate::output::disclosure::{Disclosure, DisclosureAudit};

/// One run in the joint audit: alone and together with the others.
#[derive(Debug, Clone, Serialize)]
pub struct RunEntry {
    pub folder: PathBuf,
    /// `gaps` (with any funnel and commute tables beside) or `commute`.
    pub analysis: &'static str,
    /// Of its cells, the staff counts of its commute tables and summary.
    pub commute_cells: usize,
    pub alone: DisclosureAudit,
    pub together: RunTogether,
    /// Tables or sums left out of this run's system, and why.
    pub notes: Vec<String>,
}

/// What `anchormap audit --out FILE` writes: publishable, no counts.
#[derive(Debug, Clone, Serialize)]
pub struct RunsAudit {
    pub rule: Disclosure,
    /// How cells of different runs are taken to be the same count.
    pub identity: String,
    pub runs: Vec<RunEntry>,
    /// Folders given that are not audited yet (funnel, emissions), and why.
    pub not_audited: Vec<String>,
    /// Area cells that are one count in more than one run.
    pub shared_cells: usize,
    /// Of all runs' cells, the staff counts of their commute tables and summaries.
    pub commute_cells: usize,
    /// Of the exposed cells, those of a commute table or summary.
    pub commute_cells_exposed: usize,
    pub combined: DisclosureAudit,
    /// The cells the runs together expose, by run, file and row.
    pub exposed: Vec<Exposed>,
    pub protected: bool,
    /// One sentence for a reader.
    pub summary: String,
}

/// Audits the runs in `folders` together; the report (whether it says they are protected or not).
pub fn audit_runs(folders: &[PathBuf]) -> anyhow::Result<RunsAudit> {
    let network = match folders {
        [one] => network_folders(one)?,
        _ => None,
    };
    let folders = network.as_ref().map_or(folders, |(runs, _)| runs.as_slice());
    let (mut runs, mut analyses, mut not_audited) = (Vec::new(), Vec::new(), Vec::new());
    for folder in folders {
        let (run, analysis) = match read_run(folder)? {
            RunFolder::Gaps(run) => (run, "gaps"),
            RunFolder::Commute(run) => (run, "commute"),
            RunFolder::NotAudited(note) => {
                not_audited.push(note);
                continue;
            }
        };
        runs.push(run);
        analyses.push(analysis);
    }
    let Some(rule) = runs.first().map(|r| r.rule) else {
        bail!(crate::Error::usage("no gaps or commute run among the folders given: only those are audited yet"));
    };
    if runs.iter().any(|r| r.rule != rule) {
        bail!(crate::Error::usage("the runs were published under different rules: audit them separately"));
    }
    let joint = match network {
        Some((_, pooled_only)) => Joint::network(&runs, pooled_only, &rule),
        None => Joint::of(&runs),
    };
    let cells_of = format!("staff: every table of {} runs together", runs.len());
    let (combined, ranges) = rule.audit_with_ranges(&cells_of, &joint.raw, &joint.hidden, &joint.margins);
    let (together, exposed) = system::per_run(&rule, &runs, &joint, &ranges);
    let protected = exposed.is_empty() && combined.cells_unsolved == 0;
    let commute_cells: usize = runs.iter().map(commute_cells_of).sum();
    let commute_cells_exposed = exposed.iter().filter(|e| is_commute_file(&e.file)).count();
    let mut summary = sentence(&rule, &runs, &together, &exposed);
    if commute_cells > 0 {
        summary.push_str(&format!(" ({commute_cells} staff counts of commute tables among the cells)"));
    }
    let entries =
        runs.into_iter().zip(analyses).zip(together).map(|((run, a), together)| entry(&rule, run, a, together));
    Ok(RunsAudit {
        rule,
        identity: if network.is_some() { NETWORK_RULE } else { IDENTITY_RULE }.to_string(),
        runs: entries.collect(),
        not_audited,
        shared_cells: joint.shared,
        commute_cells,
        commute_cells_exposed,
        combined,
        exposed,
        protected,
        summary,
    })
}

/// A network run's folder (`anchormap network`): the pool's run folder and each partner's published
/// on its own, and whether any partner is published only within the pool; `None` for another folder.
fn network_folders(folder: &std::path::Path) -> anyhow::Result<Option<(Vec<PathBuf>, bool)>> {
    let path = folder.join(NETWORK_SUMMARY);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| crate::Error::io(&path, e))?;
    let summary: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        crate::Error::invalid(crate::error::Location::file(&path), format!("not a network summary: {e}"))
    })?;
    let partners = summary["partners"].as_array().cloned().unwrap_or_default();
    let pooled_only = partners.iter().any(|p| p["folder"].is_null());
    let runs = std::iter::once(&summary["pool"])
        .chain(&partners)
        .filter_map(|p| p["folder"].as_str())
        .map(|f| folder.join(f))
        .collect();
    Ok(Some((runs, pooled_only)))
}

fn entry(rule: &Disclosure, run: RunTables, analysis: &'static str, together: RunTogether) -> RunEntry {
    let alone = system::alone(rule, &run);
    let commute_cells = commute_cells_of(&run);
    RunEntry { folder: run.folder, analysis, commute_cells, alone, together, notes: run.notes }
}

/// A run's cells read from its commute tables and summary.
fn commute_cells_of(run: &RunTables) -> usize {
    run.cells.iter().filter(|c| is_commute_file(&c.file)).count()
}

/// The one sentence: what an attacker with every run gets, naming exposed cells by run, file and row.
fn sentence(rule: &Disclosure, runs: &[RunTables], together: &[RunTogether], exposed: &[Exposed]) -> String {
    let n = runs.len();
    let head = if n == 1 { "1 run audited".to_string() } else { format!("{n} runs audited together") };
    let all = match n {
        1 => "its files",
        2 => "both",
        _ => "all of them",
    };
    let width = rule.protection_width() as u64;
    if exposed.is_empty() {
        let narrowest = together.iter().filter_map(|t| t.narrowest_hidden_range).min();
        let hidden = match narrowest {
            Some(v) if v == u64::MAX => "narrows no hidden small count to a finite range".to_string(),
            Some(v) => format!("narrows no hidden small count below {v} values"),
            None => "finds no hidden count".to_string(),
        };
        return format!("{head}: an attacker with {all} {hidden} and works no count back exactly");
    }
    let hidden = exposed.iter().filter(|e| e.cell == "hidden").count();
    let pinned = exposed.len() - hidden;
    let places: Vec<String> = exposed.iter().take(5).map(|e| format!("{} in {}/{}", e.row, e.run, e.file)).collect();
    let more = if exposed.len() > 5 { format!(" and {} more", exposed.len() - 5) } else { String::new() };
    format!(
        "{head}: EXPOSED: an attacker with {all} narrows {hidden} hidden count(s) too far (a small one below {width} \
         values, or another to one value) and pins {pinned} rounded count(s): {}{more}",
        places.join("; ")
    )
}

/// `anchormap audit`: prints the sentence, writes the JSON with `--out`; an error (exit 1) when exposed.
pub fn run(args: AuditArgs) -> anyhow::Result<()> {
    let report = audit_runs(&args.runs)?;
    if let Some(out) = &args.out {
        crate::output::summary::write_json(out, &report)?;
    }
    println!("{}", report.summary);
    for note in &report.not_audited {
        println!("{note}");
    }
    if !report.protected {
        bail!(
            "the runs together expose {} published cell(s): do not publish them side by side as they are",
            report.exposed.len()
        );
    }
    Ok(())
}
