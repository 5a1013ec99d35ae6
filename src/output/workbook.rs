//! Excel workbooks beside the CSVs (`gaps.xlsx`, `emissions.xlsx`): one sheet per table, numbers as numbers, shares as percentages, suppressed cells as the text `*`, and a notes sheet with the disclosure rule and the sources.

use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::error::{Error, Location, Result};
use crate::io::atomic::write_file;
use crate::output::schema::Kind;
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
    let sheet = workbook.add_worksheet();
    sheet.set_name("Notes")?;
    sheet.set_column_width(0, 120)?;
    for (row, line) in notes.iter().enumerate() {
        sheet.write_string(row as u32, 0, line)?;
    }
    workbook.save_to_buffer()
}

fn table_sheet(sheet: &mut Worksheet, name: &str, table: &Table) -> std::result::Result<(), XlsxError> {
    sheet.set_name(name)?;
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let suppressed = Format::new().set_align(rust_xlsxwriter::FormatAlign::Right);
    for (col, header) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, header, &bold)?;
        let widest = table.rows.iter().map(|r| r[col].chars().count()).max().unwrap_or(0).max(header.chars().count());
        sheet.set_column_width(col as u16, (widest as f64 + 2.0).min(MAX_WIDTH))?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, (text, header)) in row.iter().zip(&table.headers).enumerate() {
            let c = c as u16;
            let kind = Kind::of_published(header);
            let number = text.parse::<f64>().ok().filter(|v| v.is_finite() && kind != Kind::Text);
            match number {
                Some(v) if kind == Kind::Share => sheet.write_number_with_format(r, c, v, &percent)?,
                Some(v) => sheet.write_number(r, c, v)?,
                None if text == "*" => sheet.write_string_with_format(r, c, text, &suppressed)?,
                None if text.is_empty() => sheet,
                None => sheet.write_string(r, c, text)?,
            };
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
        "Numbers are numbers; shares are shown as percentages; * is a count hidden by disclosure control (and every figure derived from it); a blank does not apply.".to_string(),
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
