//! Several runs as one attacker's system: each run's cells its own counts, an area's the same count in every run that agrees on it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::runs::RunTables;
use super::{Bounds, Cell, Disclosure, DisclosureAudit, Margins};

/// How cells of different runs are taken to be the same count.
pub const IDENTITY_RULE: &str = "a row of gaps_by_area.csv is one count in every run whose exact count for that area \
                                 (from its not-for-publication/gaps_by_area.csv) is the same: the same people, whom an \
                                 attacker can subtract across runs (a row of commute_by_area.csv likewise, with the \
                                 other runs' commute_by_area.csv); every other cell is its own run's";

/// A network run's summary (`anchormap network`): a folder holding it is read as the pool's run and
/// its partners' ([`Joint::network`]).
pub const NETWORK_SUMMARY: &str = "network_summary.json";

/// How the runs of a network are tied together.
pub const NETWORK_RULE: &str =
    "the runs of one network: the partners' staff are different people (no cell is the same \
                                count in two runs), and each count of the pool is the sum of the partners' same count \
                                (same file, same row), with one unpublished count for the partners published only \
                                within the pool or lacking the row (none for a commute table's row: a partner's \
                                commute table lists every row where it has staff); a partner without the file (no \
                                applications, so no funnel tables) adds nothing to it";

/// The cells of all runs as one system: one variable per count, with the sums of every run.
pub struct Joint {
    /// Each variable's exact count.
    pub raw: Vec<f64>,
    /// Hidden in every run that publishes it (published in one, the attacker has it from there).
    pub hidden: Vec<bool>,
    /// Every run's sums over the variables.
    pub margins: Margins,
    /// Each run's cells' variables.
    pub var_of: Vec<Vec<usize>>,
    /// Variables shared by more than one run.
    pub shared: usize,
}

impl Joint {
    /// Joins `runs` by [`IDENTITY_RULE`].
    pub fn of(runs: &[RunTables]) -> Joint {
        let mut joint =
            Joint { raw: Vec::new(), hidden: Vec::new(), margins: Margins::new(), var_of: Vec::new(), shared: 0 };
        let mut areas: BTreeMap<(String, u64), usize> = BTreeMap::new();
        for run in runs {
            let mut vars = Vec::with_capacity(run.cells.len());
            for cell in &run.cells {
                let hidden = cell.published == Cell::Suppressed;
                let existing = cell.area.as_ref().and_then(|code| areas.get(&(code.clone(), cell.exact.to_bits())));
                let var = match existing {
                    Some(&v) => {
                        joint.shared += usize::from(!vars.contains(&v));
                        joint.hidden[v] &= hidden;
                        v
                    }
                    None => {
                        joint.raw.push(cell.exact);
                        joint.hidden.push(hidden);
                        joint.raw.len() - 1
                    }
                };
                if let Some(code) = &cell.area {
                    areas.insert((code.clone(), cell.exact.to_bits()), var);
                }
                vars.push(var);
            }
            for (parts, whole) in &run.sums {
                joint.margins.add(parts.iter().map(|&p| vars[p]), vars[*whole]);
            }
            joint.var_of.push(vars);
        }
        joint
    }
}

impl Joint {
    /// A network's runs, the pool's first, by [`NETWORK_RULE`]: every cell its own count, each of the
    /// pool's the sum of the partners' same cell and (with `pooled_only` partners, or where a
    /// partner lacks the cell) a count no file publishes, hidden when the rule hides it.
    pub fn network(runs: &[RunTables], pooled_only: bool, rule: &Disclosure) -> Joint {
        let mut joint =
            Joint { raw: Vec::new(), hidden: Vec::new(), margins: Margins::new(), var_of: Vec::new(), shared: 0 };
        for run in runs {
            let vars: Vec<usize> = run
                .cells
                .iter()
                .map(|cell| {
                    joint.raw.push(cell.exact);
                    joint.hidden.push(cell.published == Cell::Suppressed);
                    joint.raw.len() - 1
                })
                .collect();
            for (parts, whole) in &run.sums {
                joint.margins.add(parts.iter().map(|&p| vars[p]), vars[*whole]);
            }
            joint.var_of.push(vars);
        }
        let Some((pool, partners)) = runs.split_first() else { return joint };
        let keys: Vec<BTreeMap<(&str, &str), usize>> = partners
            .iter()
            .map(|r| r.cells.iter().enumerate().map(|(i, c)| ((c.file.as_str(), c.label.as_str()), i)).collect())
            .collect();
        let files: Vec<std::collections::BTreeSet<&str>> =
            partners.iter().map(|r| r.cells.iter().map(|c| c.file.as_str()).collect()).collect();
        for (i, cell) in pool.cells.iter().enumerate() {
            let key = (cell.file.as_str(), cell.label.as_str());
            let parts: Vec<usize> =
                keys.iter().enumerate().filter_map(|(k, map)| Some(joint.var_of[k + 1][*map.get(&key)?])).collect();
            let mut members = parts.clone();
            // A partner with the file but not the row: unknown, unless its file lists every row
            // that is not zero (then it has no one there).
            let unknown = (0..partners.len()).any(|k| {
                !keys[k].contains_key(&key) && files[k].contains(key.0) && !partners[k].listed_in_full.contains(key.0)
            });
            if pooled_only || unknown {
                let rest = cell.exact - parts.iter().map(|&p| joint.raw[p]).sum::<f64>();
                joint.raw.push(rest.max(0.0));
                joint.hidden.push(rule.cell(rest) == Cell::Suppressed);
                joint.margins.unpublished(joint.raw.len() - 1);
                members.push(joint.raw.len() - 1);
            }
            joint.margins.add(members, joint.var_of[0][i]);
        }
        joint
    }
}

/// What an attacker holding every run's files gets of one run's cells.
#[derive(Debug, Clone, Serialize)]
pub struct RunTogether {
    /// This run's cells.
    pub cells: usize,
    /// Of them, published as `*`.
    pub cells_hidden: usize,
    /// Of them, published rounded (not zero).
    pub cells_rounded: usize,
    /// The fewest values the attacker's range holds for any of this run's hidden small counts.
    pub narrowest_hidden_range: Option<u64>,
    /// This run's rounded cells, and cells hidden only to protect a small one, worked back to one value.
    pub rounded_cells_pinned: usize,
    /// No small count below the protection width and no count worked back exactly.
    pub protected: bool,
}

/// A cell of a run that the runs together expose: where it is, never its count.
#[derive(Debug, Clone, Serialize)]
pub struct Exposed {
    /// The run folder.
    pub run: String,
    /// The published file.
    pub file: String,
    /// The row (and column) in it.
    pub row: String,
    /// `hidden` (a `*` narrowed below the protection width) or `rounded` (worked back to one value).
    pub cell: &'static str,
}

/// Each run's cells as the joint attack leaves them, and the cells it exposes.
pub fn per_run(
    rule: &Disclosure,
    runs: &[RunTables],
    joint: &Joint,
    ranges: &[Bounds],
) -> (Vec<RunTogether>, Vec<Exposed>) {
    let width = rule.protection_width();
    let (mut together, mut exposed) = (Vec::new(), Vec::new());
    for (run, vars) in runs.iter().zip(&joint.var_of) {
        let (mut hidden, mut rounded, mut pinned, mut narrowest) = (0, 0, 0, None::<f64>);
        for (cell, &v) in run.cells.iter().zip(vars) {
            let values = ranges[v].values();
            let kind = match cell.published {
                Cell::Suppressed if rule.is_small(cell.exact) => {
                    hidden += 1;
                    narrowest = Some(narrowest.map_or(values, |n| n.min(values)));
                    (values < width).then_some("hidden")
                }
                // Hidden only to protect a small count: like a rounded one, it must not be worked
                // back exactly.
                Cell::Suppressed => {
                    hidden += 1;
                    let pinned_here = values <= 1.0;
                    pinned += usize::from(pinned_here);
                    pinned_here.then_some("hidden")
                }
                Cell::Count(c) if c > 0.0 && rule.round_to > 1 => {
                    rounded += 1;
                    pinned += usize::from(values <= 1.0);
                    (values <= 1.0).then_some("rounded")
                }
                Cell::Count(_) => None,
            };
            if let Some(kind) = kind {
                let (run, file, row) = (run.name(), cell.file.clone(), cell.label.clone());
                exposed.push(Exposed { run, file, row, cell: kind });
            }
        }
        let narrowest_hidden_range = narrowest.map(|n| if n.is_finite() { n as u64 } else { u64::MAX });
        let protected = narrowest.is_none_or(|n| n >= width) && pinned == 0;
        together.push(RunTogether {
            cells: run.cells.len(),
            cells_hidden: hidden,
            cells_rounded: rounded,
            narrowest_hidden_range,
            rounded_cells_pinned: pinned,
            protected,
        });
    }
    (together, exposed)
}

/// One run's own audit, as if it were published alone.
pub fn alone(rule: &Disclosure, run: &RunTables) -> DisclosureAudit {
    let raw: Vec<f64> = run.cells.iter().map(|c| c.exact).collect();
    let hidden: Vec<bool> = run.cells.iter().map(|c| c.published == Cell::Suppressed).collect();
    let mut margins = Margins::new();
    for (parts, whole) in &run.sums {
        margins.add(parts.iter().copied(), *whole);
    }
    rule.audit(&format!("staff: the tables of {} alone", run.name()), &raw, &hidden, &margins)
}

/// A run being published joined with runs published before it from the same people: their cells
/// settled as they were published, each area row one count with the same area of the new run
/// ([`IDENTITY_RULE`]), so that protecting the whole hides only cells of the new run.
pub struct Linked {
    /// The new run's counts, then the earlier runs' cells that are not the new run's.
    pub raw: Vec<f64>,
    /// The earlier runs' hidden cells (hidden in every earlier run that has them).
    pub hidden: Vec<bool>,
    /// The new run's sums and every earlier run's, over the linked cells.
    pub margins: Margins,
}

/// Links a new run's system (`raw`, `margins`, and the area code of each area row's cell in
/// `area_of`) with the `earlier` runs.
pub fn link(raw: &[f64], margins: &Margins, area_of: &BTreeMap<usize, String>, earlier: &[RunTables]) -> Linked {
    let mut linked = Linked { raw: raw.to_vec(), hidden: vec![false; raw.len()], margins: margins.clone() };
    let mut areas: BTreeMap<(String, u64), usize> =
        area_of.iter().map(|(&i, code)| ((code.clone(), raw[i].to_bits()), i)).collect();
    for run in earlier {
        let mut vars = Vec::with_capacity(run.cells.len());
        for cell in &run.cells {
            let hidden = cell.published == Cell::Suppressed;
            let key = cell.area.as_ref().map(|code| (code.clone(), cell.exact.to_bits()));
            let var = match key.as_ref().and_then(|k| areas.get(k)) {
                // An area the new run publishes too: published before, the attacker already has it.
                Some(&v) if v < raw.len() => {
                    if !hidden {
                        linked.margins.settle(v);
                    }
                    v
                }
                Some(&v) => {
                    linked.hidden[v] &= hidden;
                    v
                }
                None => {
                    linked.raw.push(cell.exact);
                    linked.hidden.push(hidden);
                    linked.margins.settle(linked.raw.len() - 1);
                    linked.raw.len() - 1
                }
            };
            if let Some(key) = key {
                areas.insert(key, var);
            }
            vars.push(var);
        }
        for (parts, whole) in &run.sums {
            linked.margins.add(parts.iter().map(|&p| vars[p]), vars[*whole]);
        }
    }
    linked
}

/// What a run protects its tables against: its rule, and the runs published before it from the
/// same people (`--protect-with`), whose tables an attacker holds beside the new ones.
#[derive(Clone, Copy)]
pub struct Protection<'a> {
    /// The rule every run is published under.
    pub rule: &'a Disclosure,
    /// The earlier runs' published tables and their exact twins.
    pub earlier: &'a [RunTables],
}

impl<'a> Protection<'a> {
    /// The rule alone: no earlier run.
    pub fn alone(rule: &'a Disclosure) -> Protection<'a> {
        Protection { rule, earlier: &[] }
    }

    /// The hidden cells of a new run's system (`raw`, `margins`, each area row's cell and code in
    /// `area_of`) and its audit. With earlier runs, the system is audited linked with them
    /// ([`link`]) and, where the run's own protection is not enough there, protected linked:
    /// only the new run's cells are hidden to make it safe.
    pub fn protect(
        &self,
        cells_of: &str,
        raw: &[f64],
        margins: &Margins,
        area_of: &BTreeMap<usize, String>,
    ) -> (Vec<bool>, DisclosureAudit) {
        let rule = self.rule;
        if self.earlier.is_empty() {
            return rule.protect_and_audit(cells_of, raw, &rule.primary(raw), margins);
        }
        let alone = rule.protect(raw, &rule.primary(raw), margins);
        // The run protected on its own, linked with the earlier runs: hidden more only if the
        // linked system needs it, starting from what the run hides alone.
        let linked = link(raw, margins, area_of, self.earlier);
        let mut hidden = alone;
        hidden.extend_from_slice(&linked.hidden[raw.len()..]);
        let n = self.earlier.len();
        let runs = if n == 1 { "the run".to_string() } else { format!("the {n} runs") };
        let cells_of = format!("{cells_of}, linked with {runs} published before it (--protect-with)");
        let mut audit = rule.audit(&cells_of, &linked.raw, &hidden, &linked.margins);
        if !audit.protected {
            hidden = rule.protect(&linked.raw, &hidden, &linked.margins);
            audit = rule.audit(&cells_of, &linked.raw, &hidden, &linked.margins);
        }
        (hidden[..raw.len()].to_vec(), audit)
    }
}

#[cfg(test)]
mod tests {
    use super::super::runs::TableCell;
    use super::*;

    fn cell(file: &str, label: &str, published: Cell, exact: f64) -> TableCell {
        TableCell { file: file.into(), label: label.into(), published, exact, area: None }
    }

    /// A pool of two partners, the second without applications (no funnel table): the pool's 10
    /// applied are all the first partner's, so its hidden 10 is the pool's published 10, exactly.
    /// An attacker knows the second partner adds nothing; so must the audit.
    #[test]
    fn a_partner_without_the_file_adds_nothing_to_the_pool() {
        let rule = Disclosure { min_count: 8, round_to: 1 };
        let funnel = "funnel_by_sex.csv";
        let staff = |n: f64| cell("gaps_by_decile.csv", "All staff", Cell::Count(n), n);
        let pool =
            RunTables::of_cells(rule, vec![staff(30.0), cell(funnel, "Female", Cell::Count(10.0), 10.0)], vec![]);
        let first =
            RunTables::of_cells(rule, vec![staff(12.0), cell(funnel, "Female", Cell::Suppressed, 10.0)], vec![]);
        let second = RunTables::of_cells(rule, vec![staff(18.0)], vec![]);
        let joint = Joint::network(&[pool, first, second], false, &rule);
        let (_, ranges) = rule.audit_with_ranges("network", &joint.raw, &joint.hidden, &joint.margins);
        let hidden = joint.var_of[1][1];
        let range = &ranges[hidden];
        assert_eq!((range.low, range.high), (10.0, 10.0), "worked back to one value: {range:?}");
    }
}
