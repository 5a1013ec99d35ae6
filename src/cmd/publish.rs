//! `anchormap publish`: a table of counts made elsewhere (a data platform's Parquet) published under the same rule as every run: each count column's total added as a row (a sum an attacker holds), cells hidden and rounded, the run's own attack in `disclosure_audit.json`; written as CSV and Parquet.

use std::path::Path;

use anyhow::bail;

use crate::cli::PublishArgs;
use crate::error::Error;
use crate::output::disclosure::{Cell, Disclosure, Importance, Margins, RunAudit};
use crate::output::formats::{Format, Formats};
use crate::output::run_folder::RunFolder;
use crate::output::schema::Kind;
use crate::output::table::Table;
use crate::reference::table::ReferenceTable;

/// What the added row of totals is called, in the first key column.
const TOTAL: &str = "Total";

/// Reads the table, protects its counts, and writes the published copy and its audit.
pub fn run(args: PublishArgs) -> anyhow::Result<()> {
    let input = ReferenceTable::read(&args.table)?;
    let keys = columns_named(&input, &args.keys)?;
    let counts = columns_named(&input, &args.counts)?;
    let raw = read_counts(&input, &counts)?;
    let rule = args.disclosure.rule();
    let (rows, width) = (input.height(), counts.len());
    let margins = column_totals(rows, width);
    let name = table_name(&args.table);
    let (hidden, audit) = rule.protect_and_audit(&name, &raw, &rule.primary(&raw), &margins);
    let cells: Vec<Cell> =
        raw.iter().zip(&hidden).map(|(c, h)| if *h { Cell::Suppressed } else { rule.cell(*c) }).collect();
    let folder = RunFolder::create(&args.output.out, args.output.force, &[args.table.as_path()])?;
    let table = published_table(&input, (&keys, &counts), &cells);
    let mut formats = args.output.formats.clone();
    formats.push(Format::Parquet);
    Formats::new(&formats).write_table(folder.path(), &format!("{name}.csv"), &table)?;
    let audit = RunAudit::new(rule, vec![audit]);
    audit.write(folder.path())?;
    folder.commit()?;
    if !args.output.terminal.quiet {
        eprintln!("{name}: {rows} rows × {width} counts under {}; {}", rule_in_words(&rule), audit.summary);
        eprintln!("written to {}", args.output.out.display());
    }
    Ok(())
}

/// Where each named column is; an error naming the file and the columns it has when one is not.
fn columns_named(input: &ReferenceTable, names: &[String]) -> anyhow::Result<Vec<usize>> {
    names
        .iter()
        .map(|name| match input.headers.iter().position(|h| h == name) {
            Some(i) => Ok(i),
            None => bail!(Error::invalid(
                input.file(),
                format!("has no column '{name}' (its columns: {})", input.headers.join(", "))
            )),
        })
        .collect()
}

/// The counts, row by row (`row * width + column`), then a total per column; a cell that is not
/// a whole number of at least 0 stops with its row and column.
fn read_counts(input: &ReferenceTable, counts: &[usize]) -> anyhow::Result<Vec<f64>> {
    let (rows, width) = (input.height(), counts.len());
    let mut raw = vec![0.0; (rows + 1) * width];
    for (c, &column) in counts.iter().enumerate() {
        for (r, cell) in input.column(column).enumerate() {
            let value = match cell {
                None => 0.0,
                Some(text) => match text.parse::<f64>() {
                    Ok(v) if v >= 0.0 && v.fract() == 0.0 && v.is_finite() => v,
                    _ => bail!(Error::invalid(
                        input.location(r, column),
                        format!("'{text}' is not a count of people (a whole number, 0 or more)")
                    )),
                },
            };
            raw[r * width + c] = value;
            raw[rows * width + c] += value;
        }
    }
    Ok(raw)
}

/// Each count column's cells add up to its total (the last row), which is a headline.
fn column_totals(rows: usize, width: usize) -> Margins {
    let mut margins = Margins::new();
    for c in 0..width {
        margins.add((0..rows).map(|r| r * width + c), rows * width + c);
        margins.rank(rows * width + c, Importance::Headline);
    }
    margins
}

/// The published table: the key columns as they are, the counts as published, and the totals row.
fn published_table(input: &ReferenceTable, (keys, counts): (&[usize], &[usize]), cells: &[Cell]) -> Table {
    let mut columns: Vec<(String, Kind)> = keys.iter().map(|k| (input.headers[*k].clone(), Kind::Text)).collect();
    columns.extend(counts.iter().map(|c| (input.headers[*c].clone(), Kind::Count)));
    let mut table = Table::with_kinds(&columns);
    let key_cells: Vec<Vec<String>> =
        keys.iter().map(|k| input.column(*k).map(|c| c.unwrap_or_default().to_string()).collect()).collect();
    for (r, row_cells) in cells.chunks(counts.len().max(1)).enumerate() {
        let mut row: Vec<String> = match r < input.height() {
            true => key_cells.iter().map(|column| column[r].clone()).collect(),
            false => (0..keys.len()).map(|k| if k == 0 { TOTAL.to_string() } else { String::new() }).collect(),
        };
        row.extend(row_cells.iter().map(Cell::to_string));
        table.push(row);
    }
    table
}

/// The table's name for its published files: the input's file name without its extension.
fn table_name(path: &Path) -> String {
    path.file_stem().map_or_else(|| "table".to_string(), |s| s.to_string_lossy().into_owned())
}

/// The rule as a reader says it.
fn rule_in_words(rule: &Disclosure) -> String {
    format!("counts under {} hidden, others rounded to {}", rule.min_count, rule.round_to)
}
