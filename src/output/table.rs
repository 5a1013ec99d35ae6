//! `Table`: a header and rows of text, written as CSV; numbers are formatted once, here, to fixed decimals.

use std::path::Path;

use crate::error::{Error, Result};
use crate::io::atomic::OutputFile;

/// A table ready to write.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Table {
        Table { headers: headers.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
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
pub fn fixed(value: Option<f64>, decimals: usize) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => String::new(),
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
