//! Published tables as typed Parquet, with polars' writer: each column's type from its declared `Kind`, a cell the rule hid as null with `true` in a sibling `COLUMN_suppressed`.
//!
//! Types: text (codes, names, labels, dates) as strings; counts and deciles as 64-bit integers
//! (floats if a column holds a fraction); every other number (shares, ratios, rates, km, kg, £,
//! hours, ranks, scores) as 64-bit floats; flags as booleans. A blank cell is null. Every count
//! column has its `_suppressed` sibling, so that a table's schema does not change with what the
//! rule hid; any other column gets one when the rule hid a cell of it. A column whose cells are
//! not all numbers is written as text, so that nothing is lost.

use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, Location, Result};
use crate::io::atomic::OutputFile;
use crate::output::schema::Kind;
use crate::output::table::Table;

/// The suffix of the flag column beside a column with cells the disclosure rule hid.
pub const SUPPRESSED_SUFFIX: &str = "_suppressed";
/// What a hidden cell holds in the CSV.
const SUPPRESSED: &str = "*";

/// Writes `table` as a Parquet file (atomically).
pub fn write_table(path: &Path, table: &Table) -> Result<()> {
    let rows: Vec<&[String]> = table.rows.iter().map(Vec::as_slice).collect();
    let mut frame = frame(path, table, &rows, Vec::new())?;
    write_frame(path, &mut frame, None)
}

/// A data frame of `table`'s columns over `rows` (each as wide as its header), followed by `more` columns.
pub fn frame(path: &Path, table: &Table, rows: &[&[String]], more: Vec<Column>) -> Result<DataFrame> {
    let mut columns = Vec::with_capacity(table.headers.len() * 2 + more.len());
    for (c, (header, kind)) in table.headers.iter().zip(&table.kinds).enumerate() {
        let cells: Vec<&str> = rows.iter().map(|row| row.get(c).map_or("", String::as_str)).collect();
        columns.push(typed_column(header, *kind, &cells));
        let hidden = cells.iter().any(|cell| *cell == SUPPRESSED);
        if hidden || *kind == Kind::Count {
            let flags: Vec<bool> = cells.iter().map(|cell| *cell == SUPPRESSED).collect();
            columns.push(Column::new(format!("{header}{SUPPRESSED_SUFFIX}").into(), flags));
        }
    }
    columns.extend(more);
    DataFrame::new(rows.len(), columns).map_err(|e| polars_error(path, e))
}

/// One column of cells as the type its kind declares (see the module's words).
fn typed_column(header: &str, kind: Kind, cells: &[&str]) -> Column {
    let name: PlSmallStr = header.into();
    let present = || cells.iter().filter(|c| !c.is_empty() && **c != SUPPRESSED);
    match kind {
        Kind::Text => Column::new(name, cells.iter().map(|c| (!c.is_empty()).then_some(*c)).collect::<Vec<_>>()),
        Kind::Flag if present().all(|c| matches!(*c, "true" | "false")) => {
            Column::new(name, cells.iter().map(|c| shown(c).map(|c| c == "true")).collect::<Vec<_>>())
        }
        Kind::Count | Kind::Decile if present().all(|c| c.parse::<i64>().is_ok()) => {
            Column::new(name, cells.iter().map(|c| shown(c).and_then(|c| c.parse::<i64>().ok())).collect::<Vec<_>>())
        }
        _ if present().all(|c| c.parse::<f64>().is_ok()) => {
            Column::new(name, cells.iter().map(|c| shown(c).and_then(|c| c.parse::<f64>().ok())).collect::<Vec<_>>())
        }
        _ => Column::new(name, cells.iter().map(|c| shown(c)).collect::<Vec<_>>()),
    }
}

/// A cell's text, unless it is blank or hidden.
fn shown<'a>(cell: &&'a str) -> Option<&'a str> {
    (!cell.is_empty() && *cell != SUPPRESSED).then_some(*cell)
}

/// Writes `frame` as Parquet (zstd, one thread so the bytes never depend on scheduling), with
/// file-level `metadata` pairs (GeoParquet's `geo`).
pub fn write_frame(path: &Path, frame: &mut DataFrame, metadata: Option<Vec<(String, String)>>) -> Result<()> {
    let mut out = OutputFile::create(path)?;
    ParquetWriter::new(out.writer())
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::full())
        .set_parallel(false)
        .with_key_value_metadata(metadata.map(KeyValueMetadata::from_static))
        .finish(frame)
        .map_err(|e| polars_error(path, e))?;
    out.commit()
}

/// A polars error as one line naming the file.
pub fn polars_error(path: &Path, e: PolarsError) -> Error {
    let text = e.to_string();
    Error::invalid(Location::file(path), text.lines().next().unwrap_or_default().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_integers_hidden_cells_null_with_their_flag() {
        let mut table = Table::new(&["area_code", "staff", "staff_share"]);
        table.push(vec!["E01".into(), "12".into(), "0.250".into()]);
        table.push(vec!["E02".into(), "*".into(), "*".into()]);
        let rows: Vec<&[String]> = table.rows.iter().map(Vec::as_slice).collect();
        let frame = frame(Path::new("t.parquet"), &table, &rows, Vec::new()).unwrap();
        let names: Vec<&str> = frame.get_column_names().into_iter().map(|n| n.as_str()).collect();
        assert_eq!(names, ["area_code", "staff", "staff_suppressed", "staff_share", "staff_share_suppressed"]);
        assert_eq!(frame.column("staff").unwrap().dtype(), &DataType::Int64);
        assert_eq!(frame.column("staff_share").unwrap().dtype(), &DataType::Float64);
        assert_eq!(frame.column("staff").unwrap().null_count(), 1);
    }
}
