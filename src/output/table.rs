//! `Table`: a header and rows of text, written as CSV; numbers are formatted once, here, to fixed decimals.

use std::path::Path;

use crate::error::{Error, Result};
use crate::output::atomic::OutputFile;

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

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// Writes the table as CSV (atomically).
    pub fn write_csv(&self, path: &Path) -> Result<()> {
        let mut out = OutputFile::create(path)?;
        {
            let mut writer = csv::Writer::from_writer(out.writer());
            writer.write_record(&self.headers).map_err(|e| Error::csv(path, e))?;
            for row in &self.rows {
                writer.write_record(row).map_err(|e| Error::csv(path, e))?;
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
