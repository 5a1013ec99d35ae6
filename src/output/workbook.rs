//! Excel workbooks beside the CSVs (`gaps.xlsx`, `emissions.xlsx`): one sheet per table with headings in words and units, numbers as numbers, shares as percentages, flags as TRUE/FALSE, suppressed cells as the text `*`; a Columns sheet of each CSV name's meaning and unit, and a notes sheet with the disclosure rule and the sources.

use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::error::{Error, Location, Result};
use crate::io::atomic::write_file;
use crate::output::schema::{Described, Kind};
use crate::output::table::Table;

/// Widest a column is made, in characters.
const MAX_WIDTH: f64 = 60.0;

/// Writes `sheets` (sheet name, table) and a last sheet of `notes`, one line per row, to `path`.
/// The workbook's creation time is fixed, so that the same tables give the same bytes.
pub fn write(path: &Path, sheets: &[(String, &Table)], notes: &[String]) -> Result<()> {
    let bytes = build(sheets, notes)
        .map_err(|e| Error::invalid(Location::file(path), format!("cannot write the workbook: {e}")))?;
    write_file(path, &bytes)
}

fn build(sheets: &[(String, &Table)], notes: &[String]) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    for (name, table) in sheets {
        table_sheet(workbook.add_worksheet(), name, table)?;
    }
    columns_sheet(workbook.add_worksheet(), sheets)?;
    let sheet = workbook.add_worksheet();
    sheet.set_name("Notes")?;
    sheet.set_column_width(0, 120)?;
    for (row, line) in notes.iter().enumerate() {
        sheet.write_string(row as u32, 0, line)?;
    }
    workbook.save_to_buffer()
}

/// A column's heading in words with its unit; the CSV's name where it has none.
fn heading(column: &str) -> String {
    Described::of(column).map_or_else(|| column.to_string(), Described::heading)
}

fn table_sheet(sheet: &mut Worksheet, name: &str, table: &Table) -> std::result::Result<(), XlsxError> {
    sheet.set_name(name)?;
    let bold = Format::new().set_bold().set_text_wrap();
    for (col, header) in table.headers.iter().enumerate() {
        let heading = heading(header);
        sheet.write_string_with_format(0, col as u16, &heading, &bold)?;
        let widest = table.rows.iter().map(|r| r[col].chars().count()).max().unwrap_or(0);
        let header_width = heading.chars().count().min(24);
        sheet.set_column_width(col as u16, (widest.max(header_width) as f64 + 2.0).min(MAX_WIDTH))?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, (text, kind)) in row.iter().zip(&table.kinds).enumerate() {
            write_cell(sheet, r as u32 + 1, c as u16, text, *kind)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// One cell as its column's kind: numbers as numbers, shares as percentages, flags as TRUE/FALSE,
/// a hidden count `*` right-aligned, codes and names as text.
fn write_cell(sheet: &mut Worksheet, r: u32, c: u16, text: &str, kind: Kind) -> std::result::Result<(), XlsxError> {
    let number = text.parse::<f64>().ok().filter(|v| v.is_finite() && !matches!(kind, Kind::Text | Kind::Flag));
    match (number, kind) {
        (Some(v), Kind::Share) => sheet.write_number_with_format(r, c, v, &Format::new().set_num_format("0.0%"))?,
        (Some(v), _) => sheet.write_number(r, c, v)?,
        (None, Kind::Flag) if text == "true" || text == "false" => sheet.write_boolean(r, c, text == "true")?,
        (None, _) if text == "*" => {
            sheet.write_string_with_format(r, c, text, &Format::new().set_align(rust_xlsxwriter::FormatAlign::Right))?
        }
        (None, _) if text.is_empty() => sheet,
        (None, _) => sheet.write_string(r, c, text)?,
    };
    Ok(())
}

/// The "Columns" sheet: each column of the workbook once, with its CSV name, heading, unit and meaning.
fn columns_sheet(sheet: &mut Worksheet, sheets: &[(String, &Table)]) -> std::result::Result<(), XlsxError> {
    sheet.set_name("Columns")?;
    let bold = Format::new().set_bold();
    let titles = [("Column in the CSV", 36.0), ("Heading here", 40.0), ("Unit", 16.0), ("Meaning", 100.0)];
    for (c, (title, width)) in titles.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *title, &bold)?;
        sheet.set_column_width(c as u16, *width)?;
    }
    let mut seen = std::collections::HashSet::new();
    let columns = sheets.iter().flat_map(|(_, t)| &t.headers).filter(|h| seen.insert(h.as_str()));
    for (r, column) in columns.enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, column)?;
        sheet.write_string(r, 1, heading(column))?;
        if let Some(words) = Described::of(column) {
            sheet.write_string(r, 2, words.unit)?;
            sheet.write_string(r, 3, words.meaning)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A sheet name for a CSV file name: "gaps_by_decile.csv" → "by decile" (Excel allows 31 characters).
///
/// ```
/// use anchormap::output::workbook::sheet_name;
/// assert_eq!(sheet_name("gaps_by_decile_by_staff_group.csv", "gaps"), "by decile by staff group");
/// assert_eq!(sheet_name("targets.csv", "gaps"), "targets");
/// ```
pub fn sheet_name(file: &str, prefix: &str) -> String {
    let stem = file.trim_end_matches(".csv");
    let stem = stem.strip_prefix(prefix).map_or(stem, |s| s.trim_start_matches('_'));
    stem.replace('_', " ").chars().take(31).collect()
}

/// The notes sheet's lines every run has: what the file is, and the disclosure rule.
pub fn notes(what: &str, rule: &crate::output::disclosure::Disclosure) -> Vec<String> {
    let mut lines = vec![
        format!("{what}, written by anchormap {}: one sheet per table of the run's CSV files.", env!("CARGO_PKG_VERSION")),
        "Headings are in words with their units; the Columns sheet gives each one's name in the CSV files and its meaning. Numbers are numbers; shares are shown as percentages; * is a count hidden by disclosure control (and every figure derived from it); a blank does not apply.".to_string(),
    ];
    lines.push(if rule.protects() {
        format!(
            "Disclosure control: counts of people from 1 to {} are shown as *, others rounded to the nearest {}, with secondary suppression so that no hidden count can be recovered by subtraction from any total in any table (NHS Digital's rule for Hospital Episode Statistics); shares and rates are computed from the published numbers.",
            rule.min_count.saturating_sub(1),
            rule.round_to
        )
    } else {
        "Disclosure control: none (exact counts) - for internal use only, not for publication.".to_string()
    });
    lines
}
