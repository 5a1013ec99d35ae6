//! A folder's commute tables read back beside their exact twins: each row's staff a cell, with the sums the commute protection defends (`commute/published.rs`).
//!
//! Every other figure of a commute row (trips, km, kg CO2e, £, hours) is the published staff
//! count times a published-precision average, hidden with it, so the staff counts are the cells
//! to attack. The sums are those of `CommuteSystem`: each table's rows to the total (one cell in
//! every table); the areas of a decile to it (homes outside every area with `none`); each
//! decile's band groups to it and each band group's deciles to it; each MSOA's areas to it, and
//! the MSOAs with the areas outside every MSOA to the total; across nations, each nation's deciles
//! to its own total and the nations' totals with `none` to the total. The summary's line adds up:
//! its rows are the placed and each reason not placed, the placed the tables' total.

use std::collections::{BTreeMap, BTreeSet};

use super::runs::{column_of, in_nation, RunTables, TablePair};
use super::Cell;
use crate::output::summary::INTERNAL_FOLDER;

/// A commute run's published summary (`anchormap commute`, and each folder of `network --commute`).
pub const COMMUTE_SUMMARY: &str = "commute_summary.json";
/// Its exact twin in `not-for-publication/`.
const COMMUTE_SUMMARY_EXACT: &str = "commute_summary_exact.json";

/// The commute tables whose staff counts are published, in the order they are read.
pub const COMMUTE_TABLES: [&str; 8] = [
    "commute_by_decile.csv",
    "commute_by_decile_band.csv",
    "commute_by_band.csv",
    "commute_by_staff_group.csv",
    "commute_by_site.csv",
    "commute_by_distance.csv",
    "commute_by_area.csv",
    "commute_by_msoa.csv",
];

/// The label of the tables' total row: one cell in every commute table.
const TOTAL: &str = "Staff travel, total";
/// The area table's row of homes outside every area.
const OUTSIDE: &str = "Outside the boundaries";

/// Whether `file` is one of a folder's commute files (its tables or its summary).
pub fn is_commute_file(file: &str) -> bool {
    file == COMMUTE_SUMMARY || COMMUTE_TABLES.contains(&file)
}

/// A decile table's row: its nation (as [`in_nation`] writes it, empty without nations) and decile
/// (`1`–`10`, `none`, `total`).
fn decile_of(headers: &[String], row: &[String]) -> Option<(String, String)> {
    match column_of(headers, "imd_decile") {
        Some(d) => Some((String::new(), row.get(d)?.clone())),
        None => {
            let (n, d) = (column_of(headers, "nation")?, column_of(headers, "deprivation_decile")?);
            let nation = row.get(n)?;
            Some((if nation.is_empty() { String::new() } else { in_nation(nation) }, row.get(d)?.clone()))
        }
    }
}

/// A decile's label (`Staff travel [Wales], decile 3`), the total row's [`TOTAL`] (a nation's total its own).
fn decile_label((nation, decile): &(String, String)) -> String {
    match decile.as_str() {
        "total" if nation.is_empty() => TOTAL.to_string(),
        "total" => format!("Staff travel{nation}, total"),
        d => format!("Staff travel{nation}, decile {d}"),
    }
}

impl RunTables {
    /// Every commute table the folder has, and its summary's line, with their sums.
    pub(super) fn commute_tables(&mut self) -> anyhow::Result<()> {
        if !self.folder.join(COMMUTE_TABLES[0]).is_file() {
            return Ok(());
        }
        let deciles = self.commute_deciles()?;
        if let Some(deciles) = &deciles {
            self.commute_decile_bands(deciles)?;
        }
        let rows_of = [
            ("commute_by_band.csv", "band_group", ""),
            ("commute_by_staff_group.csv", "staff_group", "staff group: "),
            ("commute_by_site.csv", "site_code", "site "),
            ("commute_by_distance.csv", "distance_band", "distance "),
        ];
        for (file, column, prefix) in rows_of {
            self.commute_rows(file, column, prefix)?;
        }
        let areas = match &deciles {
            Some(deciles) => self.commute_areas(deciles)?,
            None => None,
        };
        if let Some(areas) = areas {
            self.commute_msoas(&areas)?;
        }
        self.commute_summary()?;
        self.listed_in_full.extend(COMMUTE_TABLES.iter().chain([&COMMUTE_SUMMARY]).map(|f| f.to_string()));
        Ok(())
    }

    /// The staff column's position, or a note that `file` is left out.
    fn staff_column(&mut self, file: &str, pair: &TablePair) -> Option<usize> {
        let column = column_of(&pair.headers, "staff");
        if column.is_none() {
            self.notes.push(format!("{file}: no staff column, left out"));
        }
        column
    }

    /// `commute_by_decile.csv`: each decile (each nation's, across nations) and total a cell; the
    /// deciles of a nation adding up to its total, the nations' totals and `none` to the total.
    /// Its cells by (nation, decile).
    fn commute_deciles(&mut self) -> anyhow::Result<Option<BTreeMap<(String, String), usize>>> {
        let file = "commute_by_decile.csv";
        let Some(pair) = self.pair(file)? else { return Ok(None) };
        let Some(staff) = self.staff_column(file, &pair) else { return Ok(None) };
        let headers = pair.headers.clone();
        let key = |r: &[String]| decile_of(&headers, r).unwrap_or_default();
        let Some(cells) = self.read_cells(file, &pair, staff, |r| decile_label(&key(r)), false) else {
            return Ok(None);
        };
        let by_decile: BTreeMap<(String, String), usize> =
            pair.published.iter().map(|r| (key(r), cells[&decile_label(&key(r))])).collect();
        let total = by_decile.get(&(String::new(), "total".to_string())).copied();
        let nations: BTreeSet<&String> = by_decile.keys().map(|(n, _)| n).filter(|n| !n.is_empty()).collect();
        let mut wholes = Vec::new();
        for nation in nations {
            let parts = by_decile.iter().filter(|((n, d), _)| n == nation && d != "total").map(|(_, &i)| i);
            if let Some(&whole) = by_decile.get(&(nation.clone(), "total".to_string())) {
                self.sums.push((parts.collect(), whole));
                wholes.push(whole);
            }
        }
        // Without nations, the deciles and `none`; across nations, each nation's total and `none`.
        let loose = by_decile.iter().filter(|((n, d), _)| n.is_empty() && d != "total").map(|(_, &i)| i);
        if let Some(total) = total {
            self.sums.push((wholes.into_iter().chain(loose).collect(), total));
        }
        Ok(Some(by_decile))
    }

    /// `commute_by_decile_band.csv`: each decile's band groups a cell, adding up to the decile; each
    /// band group's cells (every nation's deciles and `none`) to its row of `commute_by_band.csv`
    /// (declared when that table is read: [`RunTables::commute_rows`]).
    fn commute_decile_bands(&mut self, deciles: &BTreeMap<(String, String), usize>) -> anyhow::Result<()> {
        let file = "commute_by_decile_band.csv";
        let Some(pair) = self.pair(file)? else { return Ok(()) };
        let (Some(staff), Some(b)) = (self.staff_column(file, &pair), column_of(&pair.headers, "band_group")) else {
            return Ok(());
        };
        let headers = pair.headers.clone();
        let key = |r: &[String]| decile_of(&headers, r).unwrap_or_default();
        let label = |r: &[String]| format!("{}, {}", decile_label(&key(r)), field(r, b));
        let Some(cells) = self.read_cells(file, &pair, staff, label, false) else { return Ok(()) };
        for (decile, &whole) in deciles.iter().filter(|((_, d), _)| d != "total") {
            let parts = pair.published.iter().filter(|r| key(r) == *decile).map(|r| cells[&label(r)]);
            self.sums.push((parts.collect(), whole));
        }
        Ok(())
    }

    /// A table of rows adding up to the total (band groups, staff groups, sites, distance bands):
    /// each row's staff a cell labelled `prefix` and its `column`; the band groups also the sum of
    /// their cells of `commute_by_decile_band.csv`.
    fn commute_rows(&mut self, file: &str, column: &str, prefix: &str) -> anyhow::Result<()> {
        let Some(pair) = self.pair(file)? else { return Ok(()) };
        let (Some(staff), Some(c)) = (self.staff_column(file, &pair), column_of(&pair.headers, column)) else {
            self.notes.push(format!("{file}: no {column} column, left out"));
            return Ok(());
        };
        let label = |r: &[String]| match field(r, c) {
            "total" => TOTAL.to_string(),
            v => format!("{prefix}{v}"),
        };
        let Some(cells) = self.read_cells(file, &pair, staff, label, false) else { return Ok(()) };
        let Some(&total) = cells.get(TOTAL) else { return Ok(()) };
        let rows: Vec<(&String, usize)> = cells.iter().filter(|(l, _)| *l != TOTAL).map(|(l, &i)| (l, i)).collect();
        self.sums.push((rows.iter().map(|(_, i)| *i).collect(), total));
        if file == "commute_by_band.csv" {
            let cross = "commute_by_decile_band.csv".to_string();
            for (band, whole) in rows {
                let suffix = format!(", {band}");
                let parts = self.index.iter().filter(|((f, l), _)| *f == cross && l.ends_with(&suffix));
                let parts: Vec<usize> = parts.map(|(_, &i)| i).collect();
                if !parts.is_empty() {
                    self.sums.push((parts, whole));
                }
            }
        }
        Ok(())
    }
}

/// The rows of `commute_by_area.csv` as read: each one's cell, and its MSOA's code (from the exact
/// table, the public lookup an attacker holds) where it has one.
struct AreaCells {
    cells: Vec<(usize, Option<String>)>,
}

impl RunTables {
    /// `commute_by_area.csv`: each area a cell (one count with the same area's in another commute
    /// run that agrees on it), homes outside every area a cell; the areas of each decile (of each
    /// nation's own index across nations) adding up to it, those without one and the homes outside
    /// every area to `none`.
    fn commute_areas(&mut self, deciles: &BTreeMap<(String, String), usize>) -> anyhow::Result<Option<AreaCells>> {
        let file = "commute_by_area.csv";
        let Some(pair) = self.pair(file)? else { return Ok(None) };
        let Some(staff) = self.staff_column(file, &pair) else { return Ok(None) };
        let nation = column_of(&pair.headers, "nation");
        let decile = column_of(&pair.headers, if nation.is_some() { "deprivation_decile" } else { "imd_decile" });
        let Some(d) = decile else {
            self.notes.push(format!("{file}: no imd_decile (or nation and deprivation_decile) column, left out"));
            return Ok(None);
        };
        let label = |r: &[String]| if field(r, 0).is_empty() { OUTSIDE.to_string() } else { field(r, 0).to_string() };
        let Some(cells) = self.read_cells(file, &pair, staff, label, false) else { return Ok(None) };
        let class_of = |r: &[String]| match (nation.map(|n| field(r, n)), field(r, d)) {
            (_, "") => (String::new(), "none".to_string()),
            (Some(n), v) if !n.is_empty() => (in_nation(n), v.to_string()),
            (_, v) => (String::new(), v.to_string()),
        };
        let mut parts: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        for r in &pair.published {
            let cell = cells[&label(r)];
            parts.entry(class_of(r)).or_default().push(cell);
            if !field(r, 0).is_empty() {
                self.cells[cell].area = Some(format!("commute {}", field(r, 0)));
            }
        }
        for (class, parts) in parts {
            if let Some(&whole) = deciles.get(&class) {
                self.sums.push((parts, whole));
            }
        }
        let msoa = column_of(&pair.exact_headers, "msoa_code");
        let msoa_of: BTreeMap<&String, &String> =
            pair.exact.iter().filter_map(|r| Some((r.first()?, r.get(msoa?)?))).collect();
        let msoa =
            |r: &[String]| msoa_of.get(&field(r, 0).to_string()).filter(|m| !m.is_empty()).map(|m| m.to_string());
        let cells = pair.published.iter().map(|r| (cells[&label(r)], msoa(r))).collect();
        Ok(Some(AreaCells { cells }))
    }

    /// `commute_by_msoa.csv`: each MSOA a cell, its areas adding up to it; the MSOAs, the areas
    /// outside every MSOA and the homes outside every area to the total.
    fn commute_msoas(&mut self, areas: &AreaCells) -> anyhow::Result<()> {
        let file = "commute_by_msoa.csv";
        if !self.folder.join(file).is_file() {
            return Ok(());
        }
        let Some(pair) = self.pair(file)? else { return Ok(()) };
        let Some(staff) = self.staff_column(file, &pair) else { return Ok(()) };
        let Some(cells) = self.read_cells(file, &pair, staff, |r| format!("MSOA {}", field(r, 0)), false) else {
            return Ok(());
        };
        let mut loose = Vec::new();
        let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (cell, msoa) in &areas.cells {
            match msoa {
                Some(m) => members.entry(format!("MSOA {m}")).or_default().push(*cell),
                None => loose.push(*cell),
            }
        }
        for (msoa, parts) in members {
            if let Some(&whole) = cells.get(&msoa) {
                self.sums.push((parts, whole));
            }
        }
        if let Some(&total) = self.index.get(&("total".to_string(), TOTAL.to_string())) {
            self.sums.push((cells.values().copied().chain(loose).collect(), total));
        }
        Ok(())
    }

    /// The summary's line (`commute_summary.json` beside its exact twin): its rows, the placed and
    /// each reason not placed a cell (`null` published is hidden), the rows adding up to the
    /// others, the placed the tables' total.
    fn commute_summary(&mut self) -> anyhow::Result<()> {
        let exact_path = self.folder.join(INTERNAL_FOLDER).join(COMMUTE_SUMMARY_EXACT);
        if !exact_path.is_file() {
            self.notes.push(format!("{COMMUTE_SUMMARY}: no exact summary in {INTERNAL_FOLDER}/, left out"));
            return Ok(());
        }
        let (published, exact) = (read_json(&self.folder.join(COMMUTE_SUMMARY))?, read_json(&exact_path)?);
        let mut fields = vec![("rows", "staff_total".to_string()), ("placed", "staff_placed".to_string())];
        let reasons = published["unplaced_by_reason"].as_object().into_iter().flatten();
        fields.extend(reasons.map(|(reason, _)| ("reason", reason.clone())));
        let mut line = Vec::new();
        for (what, field) in fields {
            let (shown, truth) = match what {
                "reason" => (&published["unplaced_by_reason"][&field], &exact["unplaced_by_reason"][&field]),
                _ => (&published[&field], &exact[&field]),
            };
            let cell = shown.as_f64().map_or(Cell::Suppressed, Cell::Count);
            let label = if what == "reason" { format!("not placed: {field}") } else { what.to_string() };
            line.push(self.cell(COMMUTE_SUMMARY, label, cell, truth.as_f64().unwrap_or(0.0), None));
        }
        let Some((&rows, rest)) = line.split_first() else { return Ok(()) };
        self.sums.push((rest.to_vec(), rows));
        if let Some(&total) = self.index.get(&("total".to_string(), TOTAL.to_string())) {
            self.sums.push((vec![total], rest[0]));
        }
        Ok(())
    }
}

/// A row's field at `column`, empty where the row has none (an exact twin shorter than its table).
fn field(row: &[String], column: usize) -> &str {
    row.get(column).map_or("", String::as_str)
}

/// A JSON file, read.
fn read_json(path: &std::path::Path) -> anyhow::Result<serde_json::Value> {
    use anyhow::Context;
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))
}
