//! `Table`: typed columns and rows of cells formatted once, here (numbers to fixed decimals); every writer (CSV, GeoJSON, workbook) reads a column's kind from the table, never from its name.

use std::path::Path;

use crate::error::{Error, Result};
use crate::io::atomic::OutputFile;
use crate::output::schema::Kind;

/// A table ready to write: each column's name and kind, and rows of formatted cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column names, as the CSV's header.
    pub headers: Vec<String>,
    /// Each column's kind, in the headers' order.
    pub kinds: Vec<Kind>,
    /// Rows, each as wide as the header.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table of published columns, each of the kind `output/schema.rs` declares for it.
    ///
    /// # Panics
    /// When a column is not declared there: a programming error, caught by the tests that write
    /// every table of the demo.
    pub fn new(headers: &[&str]) -> Table {
        let kinds = headers
            .iter()
            .map(|h| Kind::of(h).unwrap_or_else(|| panic!("column {h:?} has no kind declared in output/schema.rs")))
            .collect();
        Table { headers: headers.iter().map(|h| h.to_string()).collect(), kinds, rows: Vec::new() }
    }

    /// A table whose columns are named at run time (a deprivation index's domains), with their kinds.
    pub fn with_kinds(columns: &[(String, Kind)]) -> Table {
        let (headers, kinds) = columns.iter().cloned().unzip();
        Table { headers, kinds, rows: Vec::new() }
    }

    /// Adds a row.
    ///
    /// # Panics
    /// When the row's width differs from the header's: a programming error, which a misaligned
    /// table would otherwise publish silently under the wrong headers.
    pub fn push(&mut self, row: Vec<String>) {
        assert_eq!(
            row.len(),
            self.headers.len(),
            "a row of {} cells for the {} columns {:?}",
            row.len(),
            self.headers.len(),
            self.headers
        );
        self.rows.push(row);
    }

    /// Writes the table as CSV (atomically).
    pub fn write_csv(&self, path: &Path) -> Result<()> {
        let mut out = OutputFile::create(path)?;
        {
            let mut writer = csv::Writer::from_writer(out.writer());
            let cells = |row: &'_ [String]| {
                row.iter().map(|c| neutralise_formula(c.as_bytes()).into_owned()).collect::<Vec<_>>()
            };
            writer.write_record(cells(&self.headers)).map_err(|e| Error::csv(path, e))?;
            for row in &self.rows {
                writer.write_record(cells(row)).map_err(|e| Error::csv(path, e))?;
            }
            writer.flush().map_err(|e| Error::io(path, e))?;
        }
        out.commit()
    }
}

/// A number to `decimals` places; blank for `None`.
///
/// ```
/// use anchormap::output::table::fixed;
/// assert_eq!(fixed(Some(-0.04), 1), "0.0");
/// assert_eq!(fixed(Some(-0.06), 1), "-0.1");
/// assert_eq!(fixed(None, 1), "");
/// ```
pub fn fixed(value: Option<f64>, decimals: usize) -> String {
    let Some(v) = value.filter(|v| v.is_finite()) else { return String::new() };
    let text = format!("{v:.decimals$}");
    match text.strip_prefix('-') {
        // A small negative rounded to zero is zero, not "-0.0".
        Some(zero) if zero.bytes().all(|b| b == b'0' || b == b'.') => zero.to_string(),
        _ => text,
    }
}

/// A text cell that a spreadsheet would run as a formula (one starting `=`, `+`, `-`, `@`, tab or
/// carriage return), neutralised the OWASP way with a leading `'`; numbers such as `-1.5` and
/// every other cell are left as they are.
///
/// ```
/// use anchormap::output::table::neutralise_formula;
/// assert_eq!(&*neutralise_formula(b"=HYPERLINK(\"http://x\")"), b"'=HYPERLINK(\"http://x\")");
/// assert_eq!(&*neutralise_formula(b"@SUM(A1)"), b"'@SUM(A1)");
/// assert_eq!(&*neutralise_formula(b"-1.5"), b"-1.5");
/// assert_eq!(&*neutralise_formula(b"+44"), b"+44");
/// assert_eq!(&*neutralise_formula(b"Band 5"), b"Band 5");
/// assert_eq!(&*neutralise_formula(b"-inf"), b"'-inf");
/// ```
pub fn neutralise_formula(cell: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let risky = matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    if !risky || is_plain_number(cell) {
        return cell.into();
    }
    let mut out = Vec::with_capacity(cell.len() + 1);
    out.push(b'\'');
    out.extend_from_slice(cell);
    out.into()
}

/// A number as a spreadsheet reads one: digits with an optional sign, point and exponent.
fn is_plain_number(cell: &[u8]) -> bool {
    cell.iter().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && std::str::from_utf8(cell).ok().and_then(|t| t.parse::<f64>().ok()).is_some_and(f64::is_finite)
}
