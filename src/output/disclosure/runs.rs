//! One run folder's published tables read back as an attacker reads them, each cell beside its exact count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::commute_runs::COMMUTE_SUMMARY;
use super::{Cell, Disclosure, AUDIT_FILE};
use crate::output::summary::INTERNAL_FOLDER;

/// One published count of a run: where it is, what it says, and the exact count behind it.
#[derive(Debug, Clone)]
pub struct TableCell {
    /// The published file (e.g. `gaps_by_decile_by_band.csv`).
    pub file: String,
    /// The row (and column) it is in, e.g. `Band 5, decile 3` or an area code.
    pub label: String,
    /// The count as published (`*` or a number).
    pub published: Cell,
    /// The exact count, from the run's `not-for-publication/` tables.
    pub exact: f64,
    /// For a row of `gaps_by_area.csv`, its area code: the same people in every run that has it
    /// (for a row of `commute_by_area.csv`, `commute ` and its code: staff placed there).
    pub area: Option<String>,
}

/// A run's published counts as one system: its cells and the sums its tables imply (a gaps
/// run's tables with any funnel and commute tables beside them, or a commute run's).
#[derive(Debug, Clone)]
pub struct RunTables {
    /// The run folder.
    pub folder: PathBuf,
    /// The rule the run published under.
    pub rule: Disclosure,
    /// Every published count read, each once.
    pub cells: Vec<TableCell>,
    /// Each sum: the parts, then the whole (indices into `cells`).
    pub sums: Vec<(Vec<usize>, usize)>,
    /// What was left out, and why (no counts).
    pub notes: Vec<String>,
    /// The files that list every row that is not zero: a row absent is no one.
    pub listed_in_full: BTreeSet<String>,
    pub(super) index: BTreeMap<(String, String), usize>,
}

/// What a folder given to `anchormap audit` turned out to be.
pub enum RunFolder {
    /// A gaps run's tables (with any funnel and commute tables beside them).
    Gaps(RunTables),
    /// A commute run's tables (`anchormap commute`).
    Commute(RunTables),
    /// A run of another analysis, named with why it is not audited.
    NotAudited(String),
}

/// A published table beside its exact twin: the headers and rows of each.
pub(super) struct TablePair {
    pub(super) headers: Vec<String>,
    pub(super) published: Vec<Vec<String>>,
    pub(super) exact_headers: Vec<String>,
    pub(super) exact: Vec<Vec<String>>,
}

/// Reads a run folder: a gaps run's tables (with any funnel and commute tables beside them), a
/// commute run's, or the note that another analysis is not audited yet.
pub fn read_run(folder: &Path) -> anyhow::Result<RunFolder> {
    let gaps = folder.join("gaps_summary.json").is_file();
    if !gaps && !folder.join(COMMUTE_SUMMARY).is_file() {
        for analysis in ["funnel", "emissions"] {
            if folder.join(format!("{analysis}_summary.json")).is_file() {
                return Ok(RunFolder::NotAudited(format!("{}: a {analysis} run, not audited yet", folder.display())));
            }
        }
        bail!(crate::Error::usage(format!(
            "{} is not a gaps or commute run folder (no gaps_summary.json or {COMMUTE_SUMMARY})",
            folder.display()
        )));
    }
    let exact = folder.join(INTERNAL_FOLDER);
    let (analysis, needed) = match gaps {
        true => ("gaps", ["gaps_by_area.csv", "gaps_by_decile.csv"]),
        false => ("commute", ["commute_by_area.csv", "commute_by_decile.csv"]),
    };
    if needed.iter().any(|f| !exact.join(f).is_file()) {
        bail!(
            "{} cannot be audited: its {INTERNAL_FOLDER}/ folder lacks the exact {} and {} (the truth the audit \
             needs; run {analysis} again with this version)",
            folder.display(),
            needed[0],
            needed[1]
        );
    }
    let mut run = RunTables {
        folder: folder.to_path_buf(),
        rule: read_rule(folder)?,
        cells: Vec::new(),
        sums: Vec::new(),
        notes: Vec::new(),
        listed_in_full: BTreeSet::new(),
        index: BTreeMap::new(),
    };
    if gaps {
        run.class_table(None)?;
        for breakdown in breakdowns(folder)? {
            run.class_table(Some(&breakdown))?;
        }
        run.area_table()?;
        run.funnel_tables()?;
    }
    run.commute_tables()?;
    run.keep_exact_sums();
    Ok(if gaps { RunFolder::Gaps(run) } else { RunFolder::Commute(run) })
}

/// The rule the run published under, from its `disclosure_audit.json`.
fn read_rule(folder: &Path) -> anyhow::Result<Disclosure> {
    let path = folder.join(AUDIT_FILE);
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let audit: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_value(audit["rule"].clone()).with_context(|| format!("{}: no rule", path.display()))
}

/// The breakdowns a run published (`gaps_by_decile_by_X.csv`), by name, sorted.
fn breakdowns(folder: &Path) -> anyhow::Result<Vec<String>> {
    let entries = std::fs::read_dir(folder).with_context(|| format!("reading {}", folder.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| Some(n.strip_prefix("gaps_by_decile_by_")?.strip_suffix(".csv")?.to_string()))
        .collect();
    names.sort();
    Ok(names)
}

/// The funnel tables a folder publishes beside its gaps tables (`funnel_by_X.csv`, a network's),
/// by name, sorted.
fn funnel_files(folder: &Path) -> anyhow::Result<Vec<String>> {
    let entries = std::fs::read_dir(folder).with_context(|| format!("reading {}", folder.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("funnel_by_") && n.ends_with(".csv"))
        .collect();
    names.sort();
    Ok(names)
}

/// The stages of a funnel table's row, its columns.
const STAGES: [&str; 3] = ["applied", "shortlisted", "appointed"];
/// The row of all applications in every funnel table.
const ALL_APPLICATIONS: &str = "All applications";

/// A CSV's headers and rows.
fn read_csv(path: &Path) -> anyhow::Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let headers = reader.headers()?.iter().map(str::to_string).collect();
    let rows: Result<Vec<Vec<String>>, csv::Error> =
        reader.records().map(|r| r.map(|r| r.iter().map(str::to_string).collect())).collect();
    Ok((headers, rows.with_context(|| format!("reading {}", path.display()))?))
}

/// A count as published: `*`, or a number.
fn published_cell(text: &str) -> Option<Cell> {
    match text.trim() {
        "*" => Some(Cell::Suppressed),
        t => t.parse().ok().map(Cell::Count),
    }
}

impl RunTables {
    /// The folder's name, for a reader.
    pub fn name(&self) -> String {
        self.folder.display().to_string()
    }

    /// Tables made of the cells and sums given, as a unit test builds them.
    #[cfg(test)]
    pub(super) fn of_cells(rule: Disclosure, cells: Vec<TableCell>, sums: Vec<(Vec<usize>, usize)>) -> RunTables {
        let (folder, notes, index) = (PathBuf::new(), Vec::new(), BTreeMap::new());
        RunTables { folder, rule, cells, sums, notes, listed_in_full: BTreeSet::new(), index }
    }

    /// A published table and its exact twin in `not-for-publication/`, or `None` with a note.
    pub(super) fn pair(&mut self, file: &str) -> anyhow::Result<Option<TablePair>> {
        let exact_path = self.folder.join(INTERNAL_FOLDER).join(file);
        if !exact_path.is_file() {
            self.notes.push(format!("{file}: no exact table in {INTERNAL_FOLDER}/, left out"));
            return Ok(None);
        }
        let (headers, published) = read_csv(&self.folder.join(file))?;
        let (exact_headers, exact) = read_csv(&exact_path)?;
        Ok(Some(TablePair { headers, published, exact_headers, exact }))
    }

    /// Adds the cell `(file, label)` once (a later table naming it again gets the same cell).
    pub(super) fn cell(
        &mut self,
        file: &str,
        label: String,
        published: Cell,
        exact: f64,
        area: Option<String>,
    ) -> usize {
        let key = if label.ends_with("total") {
            ("total".to_string(), label.clone())
        } else {
            (file.to_string(), label.clone())
        };
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        self.cells.push(TableCell { file: file.to_string(), label, published, exact, area });
        self.index.insert(key, self.cells.len() - 1);
        self.cells.len() - 1
    }

    /// Reads one column of a table pair (`staff`, its position in the published table; the exact
    /// table's of the same name) into cells keyed by `label_of(row)`; false (with a note) when the
    /// published and exact tables do not hold the same rows.
    pub(super) fn read_cells(
        &mut self,
        file: &str,
        pair: &TablePair,
        staff: usize,
        label_of: impl Fn(&[String]) -> String,
        area: bool,
    ) -> Option<BTreeMap<String, usize>> {
        let exact_staff = pair.headers.get(staff).and_then(|h| column_of(&pair.exact_headers, h)).unwrap_or(staff);
        let exact: BTreeMap<String, f64> =
            pair.exact.iter().filter_map(|r| Some((label_of(r), r.get(exact_staff)?.parse().ok()?))).collect();
        let mut cells = BTreeMap::new();
        for row in &pair.published {
            let label = label_of(row);
            let (Some(published), Some(&count)) = (row.get(staff).and_then(|t| published_cell(t)), exact.get(&label))
            else {
                self.notes.push(format!("{file}: its rows differ from the exact table's (groups merged), left out"));
                return None;
            };
            let code = area.then(|| row[0].clone());
            cells.insert(label.clone(), self.cell(file, label, published, count, code));
        }
        Some(cells)
    }

    /// One class table pair (all staff, or one breakdown's groups): its cells and sums.
    fn class_table(&mut self, breakdown: Option<&str>) -> anyhow::Result<()> {
        let suffix = breakdown.map_or(String::new(), |b| format!("_by_{b}"));
        let mut by_class = Vec::new();
        for classes in ["decile", "quintile"] {
            let file = format!("gaps_by_{classes}{suffix}.csv");
            let Some(pair) = self.pair(&file)? else { return Ok(()) };
            let (Some((nation, c)), Some(s)) =
                (class_column(&pair.headers, classes), column_of(&pair.headers, "staff"))
            else {
                self.notes.push(format!(
                    "{file}: no imd_{classes} (or nation and deprivation_{classes}) and staff columns, left out"
                ));
                return Ok(());
            };
            // Across nations each nation's rows are a table of their own (its index, its total).
            let group_column = if nation.is_some() { 2 } else { 0 };
            let group = |r: &[String]| {
                let group = if breakdown.is_some() { r[group_column].clone() } else { "All staff".to_string() };
                match nation {
                    Some(n) => format!("{group}{}", in_nation(&r[n])),
                    None => group,
                }
            };
            let label = |r: &[String]| match r[c].as_str() {
                "total" => format!("{}, total", group(r)),
                v => format!("{}, {classes} {v}", group(r)),
            };
            let Some(cells) = self.read_cells(&file, &pair, s, label, false) else { return Ok(()) };
            by_class.push(cells);
        }
        self.class_sums(&by_class[0], &by_class[1], breakdown.is_some());
        Ok(())
    }

    /// Deciles and quintiles add up to each group's total, two deciles to their quintile; a
    /// breakdown's groups add up to all staff, class by class.
    fn class_sums(&mut self, deciles: &BTreeMap<String, usize>, quintiles: &BTreeMap<String, usize>, breakdown: bool) {
        let groups: std::collections::BTreeSet<String> =
            deciles.keys().filter_map(|l| l.strip_suffix(", total")).map(str::to_string).collect();
        for g in &groups {
            let (Some(&total), d, q) = (
                deciles.get(&format!("{g}, total")),
                (1..=10).filter_map(|d| deciles.get(&format!("{g}, decile {d}")).copied()).collect::<Vec<_>>(),
                (1..=5).filter_map(|q| quintiles.get(&format!("{g}, quintile {q}")).copied()).collect::<Vec<_>>(),
            ) else {
                continue;
            };
            if d.len() == 10 && q.len() == 5 {
                self.sums.push((d.clone(), total));
                self.sums.push((q.clone(), total));
                (0..5).for_each(|k| self.sums.push((vec![d[2 * k], d[2 * k + 1]], q[k])));
            }
        }
        if !breakdown {
            return;
        }
        // Each nation's groups add up to that nation's all-staff table.
        let nation_of = |g: &String| match g.rfind(" [") {
            Some(at) if g.ends_with(']') => g[at..].to_string(),
            _ => String::new(),
        };
        let nations: std::collections::BTreeSet<String> = groups.iter().map(nation_of).collect();
        for nation in nations {
            let classes = (1..=10).map(|d| format!("decile {d}")).chain((1..=5).map(|q| format!("quintile {q}")));
            for class in classes.chain(["total".to_string()]) {
                let whole = format!("All staff{nation}, {class}");
                let all = self.index.iter().find(|((_, l), _)| *l == whole).map(|(_, &i)| i);
                let of = |g: &String| deciles.get(&format!("{g}, {class}")).or(quintiles.get(&format!("{g}, {class}")));
                let parts: Option<Vec<usize>> =
                    groups.iter().filter(|g| nation_of(g) == nation).map(|g| of(g).copied()).collect();
                if let (Some(all), Some(parts)) = (all, parts) {
                    self.sums.push((parts, all));
                }
            }
        }
    }

    /// `gaps_by_area.csv`: each area a cell (the same people in every run), the areas of a decile
    /// adding up to it.
    fn area_table(&mut self) -> anyhow::Result<()> {
        let file = "gaps_by_area.csv";
        let Some(pair) = self.pair(file)? else { return Ok(()) };
        // Across nations, each area is in its own nation's decile of its own index.
        let nation = column_of(&pair.headers, "nation");
        let decile = match nation {
            Some(_) => column_of(&pair.headers, "deprivation_decile"),
            None => column_of(&pair.headers, "imd_decile"),
        };
        let (Some(d), Some(s)) = (decile, column_of(&pair.headers, "staff")) else {
            self.notes
                .push(format!("{file}: no imd_decile (or nation and deprivation_decile) and staff columns, left out"));
            return Ok(());
        };
        let Some(cells) = self.read_cells(file, &pair, s, |r| r[0].clone(), true) else { return Ok(()) };
        let class_of = |r: &[String]| match nation {
            Some(n) if !r[n].is_empty() => (in_nation(&r[n]), r[d].clone()),
            _ => (String::new(), r[d].clone()),
        };
        let class: BTreeMap<String, (String, String)> =
            pair.published.iter().map(|r| (r[0].clone(), class_of(r))).collect();
        let wholes: std::collections::BTreeSet<(String, String)> = class.values().cloned().collect();
        for (nation, decile) in wholes {
            let label = format!("All staff{nation}, decile {decile}");
            let Some(&whole) = self.index.get(&("gaps_by_decile.csv".to_string(), label)) else { continue };
            let parts =
                cells.iter().filter(|(code, _)| class[*code] == (nation.clone(), decile.clone())).map(|(_, &i)| i);
            self.sums.push((parts.collect(), whole));
        }
        Ok(())
    }

    /// The funnel tables (`funnel_by_X.csv`): each row's applied, shortlisted and appointed a cell;
    /// between two stages, the applications an attacker cannot read off the row (applied but not
    /// shortlisted, shortlisted but not appointed: a cell no file publishes, hidden) where one of
    /// the stages is hidden or the difference is a small count; each table's groups adding up to
    /// all applications, BME to its groups, quintiles and Core20 to their deciles.
    fn funnel_tables(&mut self) -> anyhow::Result<()> {
        let mut tables: BTreeMap<String, Vec<(String, [usize; 3])>> = BTreeMap::new();
        for file in funnel_files(&self.folder)? {
            let Some(pair) = self.pair(&file)? else { continue };
            let columns: Option<Vec<usize>> = STAGES.iter().map(|h| column_of(&pair.headers, h)).collect();
            let Some(columns) = columns else {
                self.notes.push(format!("{file}: no applied, shortlisted and appointed columns, left out"));
                continue;
            };
            let mut stages = Vec::new();
            for (stage, column) in STAGES.iter().zip(columns) {
                let label = |r: &[String]| format!("{}, {stage}", r[0]);
                let Some(cells) = self.read_cells(&file, &pair, column, label, false) else { break };
                stages.push(cells);
            }
            if stages.len() < 3 {
                continue;
            }
            let rows: Vec<(String, [usize; 3])> = pair
                .published
                .iter()
                .map(|r| (r[0].clone(), [0, 1, 2].map(|k| stages[k][&format!("{}, {}", r[0], STAGES[k])])))
                .collect();
            for (row, cells) in &rows {
                self.funnel_row(&file, row, cells);
            }
            let name = file.trim_start_matches("funnel_by_").trim_end_matches(".csv").to_string();
            tables.insert(name, rows);
        }
        self.funnel_sums(&tables);
        Ok(())
    }

    /// A row's stages tied: applied = shortlisted + not shortlisted, shortlisted = appointed + not
    /// appointed, the difference a hidden cell where the attacker cannot read it off the row.
    fn funnel_row(&mut self, file: &str, row: &str, [applied, shortlisted, appointed]: &[usize; 3]) {
        for (whole, part, what) in
            [(applied, shortlisted, "not shortlisted"), (shortlisted, appointed, "not appointed")]
        {
            let (w, p) = (&self.cells[*whole], &self.cells[*part]);
            let difference = w.exact - p.exact;
            let hidden = w.published == Cell::Suppressed || p.published == Cell::Suppressed;
            if difference > 0.0 && (hidden || self.rule.is_small(difference)) {
                let label = format!("{row}, {what} (in no file)");
                let cell = self.cell(file, label, Cell::Suppressed, difference, None);
                self.sums.push((vec![*part, cell], *whole));
            }
        }
    }

    /// The sums among the funnel tables, stage by stage.
    fn funnel_sums(&mut self, tables: &BTreeMap<String, Vec<(String, [usize; 3])>>) {
        use crate::input::demography::EthnicGroup;
        let row = |table: &str, label: &str| {
            tables.get(table).and_then(|rows| rows.iter().find(|(l, _)| l == label)).map(|(_, c)| *c)
        };
        let Some(all) = tables.keys().find_map(|t| row(t, ALL_APPLICATIONS)) else { return };
        let mut sums: Vec<(Vec<[usize; 3]>, [usize; 3])> = Vec::new();
        for (table, rows) in tables {
            let groups: Vec<&(String, [usize; 3])> = rows.iter().filter(|(l, _)| l != ALL_APPLICATIONS).collect();
            let Some(whole) = row(table, ALL_APPLICATIONS) else { continue };
            if whole != all {
                sums.push((vec![all], whole));
            }
            if table == "ethnic_group" {
                let bme = groups.iter().find(|(l, _)| l.starts_with("BME"));
                let base: Vec<[usize; 3]> =
                    groups.iter().filter(|(l, _)| !l.starts_with("BME")).map(|(_, c)| *c).collect();
                sums.push((base, whole));
                let not_bme = [EthnicGroup::White.label(), EthnicGroup::NotStated.label()];
                let members = groups.iter().filter(|(l, _)| !l.starts_with("BME") && !not_bme.contains(&l.as_str()));
                if let Some((_, bme)) = bme {
                    sums.push((members.map(|(_, c)| *c).collect(), *bme));
                }
                continue;
            }
            sums.push((groups.iter().map(|(_, c)| *c).collect(), whole));
            if table == "imd_decile" {
                continue;
            }
            // A quintile or Core20's row: the deciles it is made of (the same row of the decile table otherwise).
            for (label, cells) in &groups {
                let deciles: Vec<u8> = match (table.as_str(), label.parse::<u8>()) {
                    ("imd_quintile", Ok(q)) => vec![2 * q - 1, 2 * q],
                    _ => match label.split("deciles ").nth(1).and_then(|r| r.trim_end_matches(')').split_once('-')) {
                        Some((a, b)) => (a.parse().unwrap_or(1)..=b.parse().unwrap_or(0)).collect(),
                        None => Vec::new(),
                    },
                };
                let parts: Option<Vec<[usize; 3]>> = match deciles.as_slice() {
                    [] => row("imd_decile", label).map(|c| vec![c]),
                    d => d.iter().map(|d| row("imd_decile", &d.to_string())).collect(),
                };
                sums.extend(parts.map(|p| (p, *cells)));
            }
        }
        for (parts, whole) in sums {
            for k in 0..3 {
                self.sums.push((parts.iter().map(|p| p[k]).collect(), whole[k]));
            }
        }
    }

    /// Keeps only the sums the exact counts satisfy (a table that leaves some people out of a sum
    /// does not give the attacker that sum), with a note of how many were dropped.
    fn keep_exact_sums(&mut self) {
        let cells = &self.cells;
        let before = self.sums.len();
        self.sums.retain(|(parts, whole)| {
            let total: f64 = parts.iter().map(|&p| cells[p].exact).sum();
            (total - cells[*whole].exact).abs() < 1e-6
        });
        if self.sums.len() < before {
            self.notes.push(format!("{} sums the exact counts do not satisfy were left out", before - self.sums.len()));
        }
    }
}

/// How a nation is written into a group's label (`All staff [Wales]`): each nation's rows of a
/// run across nations are a table of their own.
pub(super) fn in_nation(nation: &str) -> String {
    format!(" [{nation}]")
}

/// The class column of a `gaps_by_decile.csv` or `_quintile.csv`: `imd_decile`, or across nations
/// `deprivation_decile` with the position of the `nation` column.
fn class_column(headers: &[String], classes: &str) -> Option<(Option<usize>, usize)> {
    match column_of(headers, &format!("imd_{classes}")) {
        Some(c) => Some((None, c)),
        None => Some((Some(column_of(headers, "nation")?), column_of(headers, &format!("deprivation_{classes}"))?)),
    }
}

/// The position of a column by its header.
pub(super) fn column_of(headers: &[String], name: &str) -> Option<usize> {
    headers.iter().position(|h| h == name)
}
