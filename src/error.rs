//! The library's error type: every variant that comes from a file names the file and, where known, the line and column.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in an input a problem was found: a file, and the line and column when they are known.
///
/// `column` is free text because it means different things per format: a CSV header name
/// (`column 'postcode'`) or a character position in a JSON file (`column 17`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub path: PathBuf,
    /// The line, counting from 1, when known.
    pub line: Option<u64>,
    /// The column, in words, when known.
    pub column: Option<String>,
}

impl Location {
    /// The whole file.
    pub fn file(path: &Path) -> Self {
        Location { path: path.to_path_buf(), line: None, column: None }
    }

    /// A line of the file (1-based).
    pub fn line(path: &Path, line: u64) -> Self {
        Location { path: path.to_path_buf(), line: Some(line), column: None }
    }

    /// A line and column of the file.
    pub fn at(path: &Path, line: u64, column: impl fmt::Display) -> Self {
        Location { path: path.to_path_buf(), line: Some(line), column: Some(column.to_string()) }
    }

    /// The line and column (1-based, in characters) of a byte offset in a text file.
    pub fn at_offset(path: &Path, text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() as u64 + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Location::at(path, line, column)
    }

    /// The same place with a column added.
    pub fn with_column(mut self, column: impl fmt::Display) -> Self {
        self.column = Some(column.to_string());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {error}", path = .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        error: std::io::Error,
    },

    /// A file was read but its content cannot be used.
    #[error("{at}: {message}")]
    Invalid {
        /// Where in the file.
        at: Location,
        /// What is wrong, on one line.
        message: String,
    },

    /// The command line asks for something it cannot have as written (an option missing that
    /// another needs, a value of the wrong shape): the binary exits with 2, as for clap's errors.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// A usage error: how the command line was written (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(one_line(&message.into()))
    }

    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io { path: path.to_path_buf(), error: source }
    }

    /// A problem with a file's content. The message is made safe to print on one line: each
    /// quoted value is cut to an [`excerpt`], line breaks become spaces, and the whole is capped.
    pub fn invalid(at: Location, message: impl Into<String>) -> Self {
        Error::Invalid { at, message: one_line(&message.into()) }
    }

    /// An error from the `csv` crate, with the line it reports.
    pub fn csv(path: &Path, err: csv::Error) -> Self {
        let line = err.position().map(|p| p.line());
        match err.into_kind() {
            csv::ErrorKind::Io(source) => Error::io(path, source),
            kind => {
                let message = match kind {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("this row has {len} fields but the header has {expected_len}")
                    }
                    csv::ErrorKind::Utf8 { err, .. } => format!("text is not UTF-8 ({err})"),
                    other => format!("{other:?}"),
                };
                let at = match line {
                    Some(line) => Location::line(path, line),
                    None => Location::file(path),
                };
                Error::invalid(at, message)
            }
        }
    }
}

/// The library's result: an [`Error`] naming file, line and column.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The most characters of a value an error message quotes: enough for every official header
/// (the longest IoD header has 97), so that a header list can still be copied into a flag.
pub const EXCERPT_CHARS: usize = 100;

/// The most characters of one error message (a list of headers can be long; a value cannot).
pub const MESSAGE_CHARS: usize = 2000;

/// At most [`EXCERPT_CHARS`] characters of a value, with an ellipsis and the full length when cut.
///
/// ```
/// use anchormap::error::excerpt;
/// assert_eq!(excerpt("WR5 1DD"), "WR5 1DD");
/// let cut = excerpt(&"x".repeat(150)).into_owned();
/// assert_eq!(cut, format!("{}… (150 characters)", "x".repeat(100)));
/// assert_eq!(excerpt(&cut), cut);
/// ```
pub fn excerpt(value: &str) -> std::borrow::Cow<'_, str> {
    let already_cut = value
        .find("… (")
        .is_some_and(|cut| value.ends_with(" characters)") && value[..cut].chars().count() <= EXCERPT_CHARS);
    if already_cut {
        return value.into();
    }
    match value.char_indices().nth(EXCERPT_CHARS) {
        None => value.into(),
        Some((cut, _)) => format!("{}… ({} characters)", &value[..cut], value.chars().count()).into(),
    }
}

/// A message made safe to print as one line: line breaks and other control characters become
/// spaces, every '…'-quoted value longer than [`EXCERPT_CHARS`] is cut to an [`excerpt`], and
/// the whole is capped at [`MESSAGE_CHARS`].
///
/// ```
/// use anchormap::error::one_line;
/// let long = format!("'{}' is not a number", "9".repeat(50_000_000 / 1000));
/// let line = one_line(&long);
/// assert!(line.len() < 200 && line.ends_with("' is not a number"), "{line}");
/// assert_eq!(one_line("a\nb"), "a b");
/// ```
pub fn one_line(message: &str) -> String {
    let flat: String = message.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    // Quoted values: from a ' that does not follow a letter or digit (an apostrophe, as in
    // "Britain's", does) to the next '. A header list is many short ones.
    let mut out = String::with_capacity(flat.len().min(MESSAGE_CHARS * 4));
    let mut rest = flat.as_str();
    let opens_quote = |before: &str| !before.chars().next_back().is_some_and(char::is_alphanumeric);
    loop {
        let Some(open) = rest.char_indices().find(|&(i, c)| c == '\'' && opens_quote(&rest[..i])).map(|(i, _)| i)
        else {
            break;
        };
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        match rest.find('\'') {
            Some(close) => {
                out.push_str(&excerpt(&rest[..close]));
                out.push('\'');
                rest = &rest[close + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    match out.char_indices().nth(MESSAGE_CHARS) {
        None => out,
        Some((cut, _)) => format!("{}… (message cut at {MESSAGE_CHARS} characters)", &out[..cut]),
    }
}

/// One-based line and column of a byte offset in a text.
pub fn line_and_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    (line, (before.len() - line_start) as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_reads_as_file_line_column() {
        let at = Location::at(Path::new("staff.csv"), 12, "'postcode'");
        assert_eq!(at.to_string(), "staff.csv, line 12, column 'postcode'");
        assert_eq!(Location::file(Path::new("b.geojson")).to_string(), "b.geojson");
    }

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "ab\ncde\nf";
        assert_eq!(line_and_column(text, 0), (1, 1));
        assert_eq!(line_and_column(text, 4), (2, 2));
        assert_eq!(line_and_column(text, 7), (3, 1));
    }
}
