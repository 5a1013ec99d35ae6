//! `CsvInput`: a user's CSV (or `-` for stdin, or a Parquet file read as CSV) streamed in batches, with its header and column mapping.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::columns::{ColumnMap, ColumnSpec};
use crate::error::{Error, Location, Result};
use crate::io::bounded::Bounded;

/// Bytes read from a file at a time.
const READ_BYTES: usize = 1 << 17;

/// A CSV with a header row, read record by record so memory does not grow with the file.
pub struct CsvInput {
    /// The file (`-` for standard input).
    pub path: PathBuf,
    /// The header row's names, as written.
    pub headers: Vec<String>,
    reader: csv::Reader<QuoteWatch<Box<dyn Read + Send>>>,
    /// What the quote watcher has seen of the raw bytes (unbalanced quotes).
    quotes: Arc<Mutex<QuoteState>>,
    /// The file's lines end with CR LF.
    crlf: bool,
    /// Rows that had fewer fields than the header (padded with blanks, counted for the summary).
    pub short_rows: u64,
    /// Rows already handled, whose buffers are reused for the next ones.
    spare: Vec<Row>,
}

/// One data row and the line it started on.
pub struct Row {
    /// The line of the file the row starts on.
    pub line: u64,
    /// Its fields, as bytes.
    pub record: csv::ByteRecord,
}

impl CsvInput {
    /// Opens a file (or `-` for standard input) and reads its header.
    pub fn open(path: &Path) -> Result<CsvInput> {
        let source: Box<dyn Read + Send> = if path == Path::new("-") {
            Box::new(Bounded::lines(std::io::stdin()))
        } else {
            let file = File::open(path).map_err(|e| Error::io(path, e))?;
            if file.metadata().map_err(|e| Error::io(path, e))?.is_dir() {
                return Err(Error::invalid(Location::file(path), "is a folder, not a CSV file"));
            }
            if crate::io::parquet_input::is_parquet(path) {
                Box::new(crate::io::parquet_input::ParquetAsCsv::open(path)?)
            } else {
                Box::new(Bounded::lines(file))
            }
        };
        let quotes = Arc::new(Mutex::new(QuoteState::default()));
        let source = QuoteWatch { inner: source, state: Arc::clone(&quotes) };
        // The parser's own buffer is the only one: each read goes through the watchers to the file.
        let mut reader = csv::ReaderBuilder::new().flexible(true).buffer_capacity(READ_BYTES).from_reader(source);
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
        let crlf = quotes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).first_line_crlf == Some(true);
        let input =
            CsvInput { path: path.to_path_buf(), headers, reader, quotes, crlf, short_rows: 0, spare: Vec::new() };
        input.check_quotes()?;
        Ok(input)
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
                self.check_quotes()?;
                return Ok(!batch.is_empty());
            }
            // With CR LF line ends the csv crate takes a record's position before the LF that
            // ends the line above, one line early.
            let line = record.position().map_or(0, |p| p.line()) + u64::from(self.crlf);
            // A record over several lines has a quoted field with a line break: legitimate CSV,
            // but also what an unbalanced quote does, swallowing the rows that follow.
            if record.as_slice().iter().any(|&b| b == b'\n' || b == b'\r') {
                let next_line = self.reader.position().line();
                self.check_quotes()?;
                if record.len() != width {
                    return Err(Error::invalid(
                        Location::line(&self.path, line),
                        format!(
                            "a quoted field opened on this line runs on to line {} and leaves the row with {} fields \
                             where the header has {width} (an unbalanced '\"'?)",
                            next_line - 1,
                            record.len()
                        ),
                    ));
                }
            }
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
    /// Fails on an unbalanced quote the watcher has seen: text after the closing quote of a
    /// field with line breaks, or (once the watcher has reached the end) a quote never closed.
    fn check_quotes(&self) -> Result<()> {
        let state = self.quotes.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(line) = state.text_after_closing_quote {
            return Err(Error::invalid(
                Location::line(&self.path, line),
                "text follows the closing quote of a field that spans lines (an unbalanced '\"'?)",
            ));
        }
        if state.at_end && state.mode == QuoteMode::Quoted {
            return Err(Error::invalid(
                Location::line(&self.path, state.opened_on),
                "a quoted field opens on this line and is never closed (an unbalanced '\"'); \
                 the rest of the file would be read as one field",
            ));
        }
        Ok(())
    }

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
        let (batches, received) = std::sync::mpsc::sync_channel::<Result<Vec<Row>>>(1);
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

/// Where the quote watcher is in the CSV grammar (the `csv` crate's defaults: `,` between
/// fields, `"` quotes with `""` inside, any of CR, LF, CRLF ends a record).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum QuoteMode {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    /// A `"` inside a quoted field: either the closing quote or the first of `""`.
    QuoteInQuoted,
}

/// What the quote watcher has seen so far.
#[derive(Debug, Clone, Copy)]
struct QuoteState {
    mode: QuoteMode,
    /// The line being read (1-based).
    line: u64,
    /// The line where the current quoted field opened.
    opened_on: u64,
    /// The current quoted field has a line break.
    spans_lines: bool,
    /// The first line where a quoted field with a line break was followed by text after its
    /// closing quote (a stray quote closed by another stray quote).
    text_after_closing_quote: Option<u64>,
    /// The watcher has passed the last byte of the input.
    at_end: bool,
    /// The first line ends with CR LF (a Windows file), seen once the first LF is.
    first_line_crlf: Option<bool>,
    previous: u8,
}

impl Default for QuoteState {
    fn default() -> Self {
        QuoteState {
            mode: QuoteMode::FieldStart,
            line: 1,
            opened_on: 1,
            spans_lines: false,
            text_after_closing_quote: None,
            at_end: false,
            first_line_crlf: None,
            previous: 0,
        }
    }
}

impl QuoteState {
    fn see(&mut self, bytes: &[u8]) {
        // Outside quotes, a stretch without a quote only counts its lines and ends where its
        // last byte leaves it (most files have no quotes at all).
        let outside = matches!(self.mode, QuoteMode::FieldStart | QuoteMode::Unquoted);
        if let (true, Some(_), None, Some(&last)) =
            (outside, self.first_line_crlf, memchr::memchr(b'"', bytes), bytes.last())
        {
            self.line += memchr::memchr_iter(b'\n', bytes).count() as u64;
            let ends_field = matches!(last, b',' | b'\r' | b'\n');
            self.mode = if ends_field { QuoteMode::FieldStart } else { QuoteMode::Unquoted };
            self.previous = last;
            return;
        }
        self.see_each(bytes);
    }

    /// [`QuoteState::see`], byte by byte.
    fn see_each(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.mode = match (self.mode, b) {
                (QuoteMode::FieldStart, b'"') => {
                    self.opened_on = self.line;
                    self.spans_lines = false;
                    QuoteMode::Quoted
                }
                (QuoteMode::FieldStart | QuoteMode::Unquoted, b',' | b'\r' | b'\n') => QuoteMode::FieldStart,
                (QuoteMode::FieldStart | QuoteMode::Unquoted, _) => QuoteMode::Unquoted,
                (QuoteMode::Quoted, b'"') => QuoteMode::QuoteInQuoted,
                (QuoteMode::Quoted, b'\n') => {
                    self.spans_lines = true;
                    QuoteMode::Quoted
                }
                (QuoteMode::Quoted, _) => QuoteMode::Quoted,
                (QuoteMode::QuoteInQuoted, b'"') => QuoteMode::Quoted,
                (QuoteMode::QuoteInQuoted, b',' | b'\r' | b'\n') => QuoteMode::FieldStart,
                (QuoteMode::QuoteInQuoted, _) => {
                    if self.spans_lines && self.text_after_closing_quote.is_none() {
                        self.text_after_closing_quote = Some(self.opened_on);
                    }
                    QuoteMode::Unquoted
                }
            };
            if b == b'\n' {
                self.line += 1;
                if self.first_line_crlf.is_none() {
                    self.first_line_crlf = Some(self.previous == b'\r');
                }
            }
            self.previous = b;
        }
    }
}

/// Passes bytes through to the CSV parser, following the quotes on the way.
struct QuoteWatch<R> {
    inner: R,
    state: Arc<Mutex<QuoteState>>,
}

impl<R: Read> Read for QuoteWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        state.see(&buf[..n]);
        state.at_end |= n == 0 && !buf.is_empty();
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watch(text: &str) -> QuoteState {
        let mut state = QuoteState::default();
        state.see(text.as_bytes());
        state
    }

    #[test]
    fn balanced_quotes_end_outside_a_field() {
        let state = watch("a,b\n1,\"x, \"\"y\"\"\"\n2,\"two\nlines\"\n3,5'10\"\n");
        assert_ne!(state.mode, QuoteMode::Quoted);
        assert_eq!(state.text_after_closing_quote, None);
        assert_eq!(state.line, 6);
    }

    /// Seen in pieces, with stretches outside quotes taken whole, a text leaves the state it
    /// leaves seen byte by byte.
    #[test]
    fn stretches_without_quotes_leave_the_state_bytes_do() {
        let texts = [
            "a,b\n1,x\n2,y\n",
            "a,b\r\n1,x\r\n2,\"y\r\nz\"\r\n3,w",
            "a,b\n1,\"x\n2,y\"z\n3,4\n",
            "a\n\"\"\n,\n\"q\"\"\"\n",
            "no line end at all",
        ];
        for text in texts {
            let mut whole = QuoteState::default();
            whole.see_each(text.as_bytes());
            for size in 1..8 {
                let mut pieces = QuoteState::default();
                text.as_bytes().chunks(size).for_each(|piece| pieces.see(piece));
                assert_eq!(format!("{pieces:?}"), format!("{whole:?}"), "{text:?} in pieces of {size}");
            }
        }
    }

    #[test]
    fn an_unclosed_quote_is_seen_with_its_line() {
        let state = watch("a,b\n1,x\n2,\"y\n3,z\n");
        assert_eq!(state.mode, QuoteMode::Quoted);
        assert_eq!(state.opened_on, 3);
    }

    #[test]
    fn a_stray_quote_closed_by_another_is_seen() {
        let state = watch("a,b\n1,\"x\n2,y\"z\n");
        assert_eq!(state.text_after_closing_quote, Some(2));
        // On one line, text after a closing quote is only sloppy, not a lost row.
        assert_eq!(watch("a,b\n1,\"x\"y\n").text_after_closing_quote, None);
    }
}

#[cfg(test)]
mod reading_tests {
    use super::*;

    fn read_all(text: &str) -> Result<Vec<(u64, usize)>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        std::fs::write(&path, text).unwrap();
        let mut input = CsvInput::open(&path)?;
        let mut batch = Vec::new();
        let mut rows = Vec::new();
        while input.read_batch(&mut batch, 2)? {
            rows.extend(batch.iter().map(|r| (r.line, r.record.len())));
        }
        Ok(rows)
    }

    #[test]
    fn blank_lines_and_crlf_and_multiline_fields_are_read() {
        assert_eq!(read_all("a,b\n1,x\n\n\n2\n").unwrap(), vec![(2, 2), (3, 2)]);
        assert_eq!(read_all("a,b\r\n1,x\r\n2,\"y\r\nz\"\r\n3,z\r\n").unwrap(), vec![(2, 2), (3, 2), (5, 2)]);
        assert_eq!(read_all("a,b\n1,\"two\nlines\"\n2,y").unwrap(), vec![(2, 2), (4, 2)]);
    }

    #[test]
    fn unbalanced_quotes_are_errors_naming_the_line() {
        let err = read_all("a,b\n1,x\n2,\"y\n3,z\n4,w\n").unwrap_err().to_string();
        assert!(err.contains("in.csv, line 3: a quoted field opens on this line and is never closed"), "{err}");
        let err = read_all("a,b,c,d\n1,\"x,q\n2,y\n3,z\",w\n").unwrap_err().to_string();
        assert!(err.contains("line 2: a quoted field opened on this line runs on to line 4"), "{err}");
        let err = read_all("a,b\n1,\"x\n2,y\"z\n3,w\n").unwrap_err().to_string();
        assert!(err.contains("line 2: text follows the closing quote"), "{err}");
    }
}
