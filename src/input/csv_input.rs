//! `CsvInput`: a user's CSV (or `-` for stdin) streamed in batches, with its header and column mapping.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use crate::columns::{ColumnMap, ColumnSpec};
use crate::error::{Error, Location, Result};

/// A CSV with a header row, read record by record so memory does not grow with the file.
pub struct CsvInput {
    pub path: PathBuf,
    pub headers: Vec<String>,
    reader: csv::Reader<Box<dyn Read + Send>>,
    /// Rows that had fewer fields than the header (padded with blanks, counted for the summary).
    pub short_rows: u64,
    /// Rows already handled, whose buffers are reused for the next ones.
    spare: Vec<Row>,
}

/// One data row and the line it started on.
pub struct Row {
    pub line: u64,
    pub record: csv::ByteRecord,
}

impl CsvInput {
    /// Opens a file (or `-` for standard input) and reads its header.
    pub fn open(path: &Path) -> Result<CsvInput> {
        let source: Box<dyn Read + Send> = if path == Path::new("-") {
            Box::new(std::io::stdin())
        } else {
            let file = File::open(path).map_err(|e| Error::io(path, e))?;
            if file.metadata().map_err(|e| Error::io(path, e))?.is_dir() {
                return Err(Error::invalid(Location::file(path), "is a folder, not a CSV file"));
            }
            Box::new(BufReader::with_capacity(1 << 17, file))
        };
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(source);
        let headers: Vec<String> = reader
            .byte_headers()
            .map_err(|e| Error::csv(path, e))?
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = String::from_utf8_lossy(h);
                if i == 0 {
                    h.trim_start_matches('\u{feff}').to_string()
                } else {
                    h.into_owned()
                }
            })
            .collect();
        if headers.is_empty() || headers.iter().all(|h| h.trim().is_empty()) {
            return Err(Error::invalid(Location::file(path), "the file is empty; expected a CSV with a header row"));
        }
        Ok(CsvInput { path: path.to_path_buf(), headers, reader, short_rows: 0, spare: Vec::new() })
    }

    /// Where a column is, by override or alias; it must be there.
    pub fn require(&self, spec: &ColumnSpec, map: &ColumnMap) -> Result<usize> {
        map.require(spec, &self.headers, &Location::file(&self.path))
    }

    /// Where a column is, if it is there.
    pub fn find(&self, spec: &ColumnSpec, map: &ColumnMap) -> Result<Option<usize>> {
        map.find(spec, &self.headers, &Location::file(&self.path))
    }

    /// Refills `batch` with up to `max` rows; returns false at the end of the input.
    ///
    /// A row with fewer fields than the header is padded with blanks; one with more is an
    /// error (most often an unquoted comma), since its fields can no longer be trusted.
    pub fn read_batch(&mut self, batch: &mut Vec<Row>, max: usize) -> Result<bool> {
        self.spare.append(batch);
        let width = self.headers.len();
        while batch.len() < max {
            let mut row = self.spare.pop().unwrap_or_else(|| Row { line: 0, record: csv::ByteRecord::new() });
            let record = &mut row.record;
            if !self.reader.read_byte_record(record).map_err(|e| Error::csv(&self.path, e))? {
                return Ok(!batch.is_empty());
            }
            let line = record.position().map_or(0, |p| p.line());
            if record.len() > width {
                return Err(Error::invalid(
                    Location::at(&self.path, line, width + 1),
                    format!("this row has {} fields but the header has {width} (an unquoted comma?)", record.len()),
                ));
            }
            if record.len() < width {
                self.short_rows += 1;
                while record.len() < width {
                    record.push_field(b"");
                }
            }
            row.line = line;
            batch.push(row);
        }
        Ok(true)
    }
}

impl CsvInput {
    /// Streams the rest of the file in batches: a reader thread parses the next batch while
    /// `each` handles the current one on this thread (handled batches go back to the reader,
    /// whose row buffers are reused). Returns the input (for its counts).
    ///
    /// If `each` fails, reading stops and its error is returned.
    pub fn for_each_batch<E: From<Error> + Send>(
        mut self,
        batch_rows: usize,
        mut each: impl FnMut(&mut Vec<Row>) -> Result<(), E>,
    ) -> Result<CsvInput, E> {
        let (batches, received) = std::sync::mpsc::sync_channel::<Result<Vec<Row>>>(2);
        let (handled, returned) = std::sync::mpsc::channel::<Vec<Row>>();
        std::thread::scope(|scope| {
            // Owned by this closure, so that an early return drops it and unblocks the reader.
            let received = received;
            let reader = scope.spawn(move || loop {
                let mut batch = returned.try_recv().unwrap_or_else(|_| Vec::with_capacity(batch_rows));
                let more = self.read_batch(&mut batch, batch_rows);
                let stop = !matches!(more, Ok(true));
                if batches.send(more.map(|_| batch)).is_err() || stop {
                    return self;
                }
            });
            for batch in received.iter() {
                let mut batch = batch?;
                each(&mut batch)?;
                let _ = handled.send(batch); // the reader may have finished
            }
            match reader.join() {
                Ok(input) => Ok(input),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }
}
