//! A user's Parquet file read as the CSV it stands for: polars reads it, every column as text, and its rows go on as CSV bytes to the one reader (`CsvInput`), so the header dictionary and value readings are the CSV's; row N of the file is reported as line N + 1, as if the header were line 1.

use std::io::Read;
use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, Location, Result};

/// Rows turned into CSV at a time.
const ROWS_PER_REFILL: usize = 4096;

/// Whether the file starts as Parquet does (`PAR1`), whatever its name.
pub fn is_parquet(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok() && &magic == b"PAR1"
}

/// A Parquet file's columns as text, read out as CSV (header first) a few thousand rows at a time.
pub struct ParquetAsCsv {
    columns: Vec<StringChunked>,
    rows: usize,
    next_row: usize,
    buffer: Vec<u8>,
    read_to: usize,
}

impl ParquetAsCsv {
    /// Reads the file (every column cast to text; nulls become blanks) and writes its header.
    pub fn open(path: &Path) -> Result<ParquetAsCsv> {
        let at = || Location::file(path);
        let failed = |e: PolarsError| {
            let text = e.to_string();
            Error::invalid(at(), format!("cannot read it as Parquet: {}", text.lines().next().unwrap_or_default()))
        };
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let frame = ParquetReader::new(file).finish().map_err(failed)?;
        let mut columns = Vec::with_capacity(frame.width());
        let mut headers = Vec::with_capacity(frame.width());
        for column in frame.columns() {
            let text = column.cast(&DataType::String).map_err(|e| {
                Error::invalid(
                    at(),
                    format!("column '{}' ({}) cannot be read as text: {e}", column.name(), column.dtype()),
                )
            })?;
            columns.push(text.rechunk().str().map_err(failed)?.clone());
            headers.push(column.name().to_string());
        }
        let mut buffer = Vec::new();
        write_record(&mut buffer, headers.iter().map(String::as_str))?;
        Ok(ParquetAsCsv { rows: frame.height(), columns, next_row: 0, buffer, read_to: 0 })
    }

    /// Replaces the buffer with the next rows as CSV; false when none are left.
    fn refill(&mut self) -> Result<bool> {
        self.buffer.clear();
        self.read_to = 0;
        let end = (self.next_row + ROWS_PER_REFILL).min(self.rows);
        for row in self.next_row..end {
            let cells = self.columns.iter().map(|column| column.get(row).unwrap_or(""));
            write_record(&mut self.buffer, cells)?;
        }
        self.next_row = end;
        Ok(!self.buffer.is_empty())
    }
}

/// Appends one CSV record (quoted where the csv crate must) and a line end.
fn write_record<'a>(buffer: &mut Vec<u8>, cells: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut writer = csv::Writer::from_writer(buffer);
    writer.write_record(cells).map_err(|e| Error::invalid(Location::file(Path::new("-")), e.to_string()))?;
    writer.flush().map_err(|e| Error::invalid(Location::file(Path::new("-")), e.to_string()))
}

impl Read for ParquetAsCsv {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.read_to == self.buffer.len() && !self.refill().map_err(std::io::Error::other)? {
            return Ok(0);
        }
        let n = out.len().min(self.buffer.len() - self.read_to);
        out[..n].copy_from_slice(&self.buffer[self.read_to..self.read_to + n]);
        self.read_to += n;
        Ok(n)
    }
}
