//! `ReferenceTable`: a published table (CSV or Parquet) read whole with polars as text columns, for mapping to typed rows.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{Error, Location, Result};

/// A small reference table (tens of thousands of rows) held as text, with cleaned headers.
///
/// Every cell is read as text so that published quirks (`"29,199"`, a byte-order mark,
/// trailing spaces in headers) are handled in one place by the typed readers.
pub struct ReferenceTable {
    pub path: PathBuf,
    pub headers: Vec<String>,
    columns: Vec<StringChunked>,
}

impl ReferenceTable {
    /// Reads a `.parquet` file, or any other file as CSV with a header row.
    pub fn read(path: &Path) -> Result<ReferenceTable> {
        std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let at = Location::file(path);
        let polars_error =
            |e: PolarsError| Error::invalid(at.clone(), format!("cannot read the table: {}", first_line(&e)));
        let is_parquet = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
        let frame = if is_parquet {
            let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            ParquetReader::new(file).finish().map_err(polars_error)?
        } else {
            if std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len() == 0 {
                return Err(Error::invalid(at, "the file is empty"));
            }
            CsvReadOptions::default()
                .with_has_header(true)
                .with_infer_schema_length(Some(0))
                .try_into_reader_with_file_path(Some(path.to_path_buf()))
                .and_then(|reader| reader.finish())
                // polars says what went wrong in many lines and without a line number: find the
                // place with the csv crate, which counts lines; else keep polars' first line.
                .map_err(|e| locate_csv_problem(path).unwrap_or_else(|| polars_error(e)))?
        };
        let mut headers = Vec::new();
        let mut columns = Vec::new();
        for column in frame.columns() {
            headers.push(clean_header(column.name()));
            let text = column.cast(&DataType::String).map_err(polars_error)?.rechunk();
            columns.push(text.str().map_err(polars_error)?.clone());
        }
        Ok(ReferenceTable { path: path.to_path_buf(), headers, columns })
    }

    /// Number of data rows.
    pub fn height(&self) -> usize {
        self.columns.first().map_or(0, |c| c.len())
    }

    /// The text cells of one column, trimmed; `None` for a missing or blank cell.
    pub fn column(&self, index: usize) -> impl Iterator<Item = Option<&str>> + '_ {
        self.columns[index].iter().map(|cell| cell.map(str::trim).filter(|s| !s.is_empty()))
    }

    /// Where a data row is in the file (header on line 1; Parquet rows are numbered the same way).
    pub fn location(&self, row: usize, column: usize) -> Location {
        Location::at(&self.path, row as u64 + 2, format!("'{}'", self.headers[column]))
    }

    pub fn file(&self) -> Location {
        Location::file(&self.path)
    }
}

/// The first line of a polars error (the rest is hints for polars users).
fn first_line(err: &PolarsError) -> String {
    let text = err.to_string();
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("unknown error").to_string()
}

/// The first problem the csv crate finds in a file (with its line), if it finds one: a row with
/// more or fewer fields than the header, text that is not UTF-8, an unterminated quote.
fn locate_csv_problem(path: &Path) -> Option<Error> {
    // Unbalanced quotes and absurd lines, as the user-file reader sees them.
    let mut input = match crate::io::CsvInput::open(path) {
        Ok(input) => input,
        Err(err) => return Some(err),
    };
    let mut batch = Vec::new();
    loop {
        match input.read_batch(&mut batch, 4096) {
            Ok(true) => continue,
            Ok(false) => break,
            Err(err) => return Some(err),
        }
    }
    // Rows of another width than the header, text that is not UTF-8.
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_path(path).ok()?;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => continue,
            Ok(false) => return None,
            Err(err) => return Some(Error::csv(path, err)),
        }
    }
}

fn clean_header(name: &str) -> String {
    name.trim_start_matches('\u{feff}').trim().to_string()
}
