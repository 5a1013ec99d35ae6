//! Values a reader could not interpret, counted by value, and the rule that makes them loud: a column where more than a stated share is unrecognised stops the run, naming the column and the flag.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Location, Result};

/// Beyond this share of rows unrecognised, a coded column is taken as misread and the run stops.
pub const UNRECOGNISED_SHARE_LIMIT: f64 = 0.05;

/// At most this many distinct values are remembered (the rest are counted together).
const DISTINCT_LIMIT: usize = 1_000;

/// Unrecognised values of one column, with how many rows had each.
#[derive(Debug, Clone, Default)]
pub struct UnrecognisedValues {
    values: BTreeMap<String, u64>,
    others: u64,
    total: u64,
}

impl UnrecognisedValues {
    pub fn add(&mut self, value: &str) {
        self.total += 1;
        let shown = if value.trim().is_empty() { "(blank)" } else { value.trim() };
        let shown: String = shown.chars().take(40).collect();
        if let Some(n) = self.values.get_mut(&shown) {
            *n += 1;
        } else if self.values.len() < DISTINCT_LIMIT {
            self.values.insert(shown, 1);
        } else {
            self.others += 1;
        }
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// The most frequent values with their counts: `'Phone call' (12), 'F2F' (3)`.
    pub fn listing(&self, top: usize) -> String {
        let mut sorted: Vec<(&String, &u64)> = self.values.iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut shown: Vec<String> = sorted.iter().take(top).map(|(v, n)| format!("'{v}' ({n})")).collect();
        let rest = sorted.len().saturating_sub(top) as u64 + u64::from(self.others > 0);
        if rest > 0 {
            shown.push(format!("and {rest} more"));
        }
        shown.join(", ")
    }

    /// `Ok(None)` when every value was recognised; a warning when a few were not; an error naming
    /// the file, column and flag when more than [`UNRECOGNISED_SHARE_LIMIT`] of `rows` were not.
    pub fn check(&self, column: &ColumnInFile, rows: u64, expected: &str) -> Result<Option<String>> {
        let remedy = format!("expected {expected} (or name another column with {} {}=HEADER)", column.flag, column.key);
        self.check_share(column, rows, UNRECOGNISED_SHARE_LIMIT, "not recognised", &remedy)
    }

    /// As [`UnrecognisedValues::check`] with another share `limit`, the values described as
    /// `what` ("not recognised", "unclear") and the error ending in `remedy`.
    pub fn check_share(
        &self,
        column: &ColumnInFile,
        rows: u64,
        limit: f64,
        what: &str,
        remedy: &str,
    ) -> Result<Option<String>> {
        if self.total == 0 {
            return Ok(None);
        }
        let share = self.total as f64 / rows.max(1) as f64;
        let article = if column.role.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        let said = format!(
            "{} of {} rows ({:.1}%) have {article} {} that is {what}: {}",
            crate::io::format::thousands(self.total),
            crate::io::format::thousands(rows),
            share * 100.0,
            column.role,
            self.listing(8)
        );
        if share > limit {
            return Err(Error::invalid(
                Location::file(&column.path).with_column(format!("'{}'", column.header)),
                format!("{said}; {remedy}"),
            ));
        }
        Ok(Some(format!("{}, column '{}': {said}", column.path.display(), column.header)))
    }

    /// Every value remembered with its count, most frequent first (values beyond the distinct
    /// limit are not named; [`UnrecognisedValues::total`] counts them).
    pub fn counts(&self) -> Vec<(String, u64)> {
        let mut sorted: Vec<(String, u64)> = self.values.iter().map(|(v, n)| (v.clone(), *n)).collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        sorted
    }

    /// How many distinct values were seen (at most the distinct limit, and one for the rest).
    pub fn distinct(&self) -> usize {
        self.values.len() + usize::from(self.others > 0)
    }
}

/// A note on a column's unrecognised values, in two versions: for publication (the values
/// described by how many and their shape, never quoted) and for the analyst (each value word for
/// word with its count, for `not-for-publication/` and the terminal only).
#[derive(Debug, Clone, PartialEq)]
pub struct UnrecognisedNote {
    pub published: String,
    pub exact: String,
    /// More than [`UNRECOGNISED_SHARE_LIMIT`] of the rows: it belongs in the headline.
    pub headline: bool,
}

impl UnrecognisedValues {
    /// For a column where continuing is right (the rows fall into a "not recorded" group): the
    /// note in its two versions, and whether it is more than [`UNRECOGNISED_SHARE_LIMIT`] of `rows`.
    pub fn note(&self, column: &ColumnInFile, rows: u64, counted_as: &str) -> Option<UnrecognisedNote> {
        if self.total == 0 {
            return None;
        }
        let share = self.total as f64 / rows.max(1) as f64;
        let remedy = match crate::input::value_maps::ValueRole::parse(column.key) {
            Some(role) => format!("map them with --values {}=FILE (METHOD.md, \"Values\")", role.name()),
            None => "name them in the file as the README and METHOD.md show".to_string(),
        };
        let text = |values: String| {
            format!(
                "{} values in column '{}' were not recognised ({values}) and are counted as {counted_as}; {remedy}, or name \
                 another column with {} {}=HEADER",
                column.role, column.header, column.flag, column.key
            )
        };
        let described = format!("{}; listed in the not-for-publication summary", self.shapes());
        Some(UnrecognisedNote {
            published: text(described),
            exact: text(self.listing(8)),
            headline: share > UNRECOGNISED_SHARE_LIMIT,
        })
    }

    /// The distinct values by shape, without quoting any: `6 values that look like free text, 1 blank`.
    ///
    /// ```
    /// use anchormap::input::unrecognised::UnrecognisedValues;
    /// let mut values = UnrecognisedValues::default();
    /// for v in ["John Smith SW1A 1AA", "John Smith SW1A 1AA", "B7", "", "Agency"] {
    ///     values.add(v);
    /// }
    /// assert_eq!(values.shapes(), "1 value that looks like free text, 1 short code, 1 word, 1 blank");
    /// ```
    pub fn shapes(&self) -> String {
        let mut counts: BTreeMap<Shape, u64> = BTreeMap::new();
        for value in self.values.keys() {
            *counts.entry(Shape::of(value)).or_default() += 1;
        }
        let mut parts: Vec<String> = counts.iter().map(|(shape, n)| shape.describe(*n)).collect();
        if self.others > 0 {
            parts.push("more values not kept".to_string());
        }
        parts.join(", ")
    }
}

/// What an unrecognised value looks like, for a published note that must not quote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    FreeText,
    Number,
    ShortCode,
    Word,
    Blank,
}

impl Shape {
    fn of(value: &str) -> Shape {
        let has_digit = value.chars().any(|c| c.is_ascii_digit());
        let words = value.split_whitespace().count();
        match value {
            "(blank)" => Shape::Blank,
            _ if value.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-') => Shape::Number,
            _ if words > 1 || value.chars().count() > 24 => Shape::FreeText,
            _ if value.chars().count() <= 4 || has_digit => Shape::ShortCode,
            _ => Shape::Word,
        }
    }

    fn describe(self, n: u64) -> String {
        let one = n == 1;
        match self {
            Shape::FreeText if one => "1 value that looks like free text".to_string(),
            Shape::FreeText => format!("{n} values that look like free text"),
            Shape::Number => format!("{n} number{}", if one { "" } else { "s" }),
            Shape::ShortCode => format!("{n} short code{}", if one { "" } else { "s" }),
            Shape::Word => format!("{n} word{}", if one { "" } else { "s" }),
            Shape::Blank => format!("{n} blank"),
        }
    }
}

/// How varied a coded column is: blank on every row, or one value on every row, is degenerate.
#[derive(Debug, Clone, Default)]
pub struct ColumnSpread {
    rows: u64,
    blank: u64,
    /// The first value written, and whether another was seen.
    first: Option<String>,
    varied: bool,
}

impl ColumnSpread {
    pub fn add(&mut self, value: &str) {
        self.rows += 1;
        let value = value.trim();
        if value.is_empty() {
            self.blank += 1;
            return;
        }
        match &self.first {
            None => self.first = Some(value.chars().take(40).collect()),
            Some(first) => self.varied |= !first.eq_ignore_ascii_case(&value.chars().take(40).collect::<String>()),
        }
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Rows were read and every one was blank.
    pub fn all_blank(&self) -> bool {
        self.rows > 0 && self.blank == self.rows
    }

    /// A warning when more than one row was read and every one holds the same value.
    ///
    /// ```
    /// use anchormap::input::unrecognised::{ColumnInFile, ColumnSpread};
    /// let column = ColumnInFile::new(std::path::Path::new("a.csv"), "Status", "application status", "--application-columns", "stage");
    /// let mut spread = ColumnSpread::default();
    /// (0..3).for_each(|_| spread.add("Applied"));
    /// assert!(spread.single_value_warning(&column).unwrap().contains("'Applied' on all 3 rows"));
    /// spread.add("Shortlisted");
    /// assert!(spread.single_value_warning(&column).is_none());
    /// ```
    pub fn single_value_warning(&self, column: &ColumnInFile) -> Option<String> {
        let first = self.first.as_ref().filter(|_| self.rows > 1 && self.blank == 0 && !self.varied)?;
        Some(format!(
            "{}, column '{}': the {} is '{first}' on all {} rows; if that is not so, name another column with {} {}=HEADER",
            column.path.display(),
            column.header,
            column.role,
            crate::io::format::thousands(self.rows),
            column.flag,
            column.key
        ))
    }
}

/// Which column of which file, for messages.
#[derive(Debug, Clone)]
pub struct ColumnInFile {
    pub path: std::path::PathBuf,
    pub header: String,
    /// What the column holds, e.g. "consultation medium".
    pub role: &'static str,
    pub flag: &'static str,
    pub key: &'static str,
}

impl ColumnInFile {
    pub fn new(path: &Path, header: &str, role: &'static str, flag: &'static str, key: &'static str) -> Self {
        ColumnInFile { path: path.to_path_buf(), header: header.to_string(), role, flag, key }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_unrecognised_values_warn_many_stop_the_run() {
        let column =
            ColumnInFile::new(Path::new("sus.csv"), "MEDIUM", "consultation medium", "--appointment-columns", "mode");
        let mut values = UnrecognisedValues::default();
        values.add("Phone call");
        values.add("Phone call");
        values.add("");
        let warning = values.check(&column, 100, "face to face, telephone, video or 01-06").unwrap().unwrap();
        assert!(warning.contains("'Phone call' (2), '(blank)' (1)"), "{warning}");
        let err = values.check(&column, 20, "face to face, telephone, video or 01-06").unwrap_err().to_string();
        assert!(err.starts_with("sus.csv, column 'MEDIUM': 3 of 20 rows (15.0%)"), "{err}");
        assert!(err.contains("--appointment-columns mode=HEADER"), "{err}");
    }
}
