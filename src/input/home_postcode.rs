//! Which column holds a person's home postcode when a file has more than one postcode column
//! (ESR's "Work Location Postcode" beside "Home Postcode"): chosen by what the headers say,
//! never by which comes first; two that both may be the home postcode stop the run.

use crate::columns::{normalise, ColumnMap, ColumnSpec};
use crate::error::{Error, Location, Result};
use crate::io::CsvInput;

/// Words in a header that make a postcode column a place of work or care, never a home.
const WORK_WORDS: [&str; 16] = [
    "work",
    "site",
    "location",
    "base",
    "office",
    "employer",
    "organisation",
    "trust",
    "hospital",
    "department",
    "ward",
    "costcentre",
    "clinic",
    "treatment",
    "provider",
    "practice",
];

/// Words in a header that make a postcode column a person's home.
const HOME_WORDS: [&str; 9] =
    ["home", "residen", "usualaddress", "employee", "personal", "applicant", "candidate", "patient", "homeadd"];

/// What a header says a postcode column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostcodeMeaning {
    /// The header says home ("Home Postcode", "Postcode of usual address").
    Home,
    /// A postcode with nothing said ("Postcode", "PCDS"): may be the home.
    Plain,
    /// A place of work or care ("Work Location Postcode", "Site Postcode"): never the home.
    Work,
}

/// What the header says the column is, if it is a postcode column at all.
///
/// ```
/// use anchormap::input::home_postcode::{meaning, PostcodeMeaning};
/// use anchormap::dictionary::STAFF;
/// assert_eq!(meaning("Work Location Postcode", &STAFF[0]), Some(PostcodeMeaning::Work));
/// assert_eq!(meaning("Home Postcode", &STAFF[0]), Some(PostcodeMeaning::Home));
/// assert_eq!(meaning("Postcode", &STAFF[0]), Some(PostcodeMeaning::Plain));
/// assert_eq!(meaning("Pay Band", &STAFF[0]), None);
/// ```
pub fn meaning(header: &str, spec: &ColumnSpec) -> Option<PostcodeMeaning> {
    let name = normalise(header);
    let alias = spec.aliases.iter().any(|a| crate::columns::alias_matches(a, &name));
    if !alias && !name.contains("postcode") && !name.contains("postcd") {
        return None;
    }
    if WORK_WORDS.iter().any(|w| name.contains(w)) {
        Some(PostcodeMeaning::Work)
    } else if HOME_WORDS.iter().any(|w| name.contains(w)) {
        Some(PostcodeMeaning::Home)
    } else if alias {
        Some(PostcodeMeaning::Plain)
    } else {
        None // "Previous Postcode", "Correspondence Postcode": not a role of ours.
    }
}

/// The column read as the home postcode and why, or the columns that could each be it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// One column; the other postcode columns, passed over, with what they are.
    One { index: usize, passed_over: Vec<(usize, PostcodeMeaning)> },
    /// Two or more columns that may each be the home postcode.
    Ambiguous(Vec<usize>),
    /// No column that may be the home postcode (work postcodes only, or none).
    None,
}

/// Chooses among the headers by what they say: a header that says home over a plain
/// "Postcode", and a work postcode never; two of the best kind are ambiguous.
pub fn choose(headers: &[String], spec: &ColumnSpec) -> Choice {
    let found: Vec<(usize, PostcodeMeaning)> =
        headers.iter().enumerate().filter_map(|(i, h)| meaning(h, spec).map(|m| (i, m))).collect();
    let of = |m: PostcodeMeaning| found.iter().filter(move |(_, f)| *f == m).map(|(i, _)| *i);
    let best: Vec<usize> = if of(PostcodeMeaning::Home).next().is_some() {
        of(PostcodeMeaning::Home).collect()
    } else {
        of(PostcodeMeaning::Plain).collect()
    };
    match best.as_slice() {
        [] => Choice::None,
        [index] => Choice::One { index: *index, passed_over: found.into_iter().filter(|(i, _)| i != index).collect() },
        _ => Choice::Ambiguous(best),
    }
}

/// The home postcode column: the user's override if given, else [`choose`]; two plausible
/// columns are an error naming both and the setting that picks one.
pub fn resolve(
    headers: &[String],
    spec: &ColumnSpec,
    map: &ColumnMap,
    flag: &str,
    at: &Location,
) -> Result<Option<usize>> {
    if map.get(spec.key).is_some() {
        return map.find(spec, headers, at);
    }
    match choose(headers, spec) {
        Choice::One { index, .. } => Ok(Some(index)),
        Choice::None => Ok(None),
        Choice::Ambiguous(columns) => Err(ambiguous(headers, &columns, spec, flag, at)),
    }
}

/// As [`resolve`], for a file being read; without a column that may be the home postcode,
/// the error of a missing column (naming the flag and the headers).
pub fn require(input: &CsvInput, spec: &ColumnSpec, map: &ColumnMap, flag: &str) -> Result<usize> {
    match resolve(&input.headers, spec, map, flag, &Location::file(&input.path))? {
        Some(index) => Ok(index),
        None => input.require(spec, map),
    }
}

/// The sentence for a run summary: which column was read as the home postcode, and the other
/// postcode columns not read (with what they are); and how many those are.
pub fn decision(headers: &[String], spec: &ColumnSpec, index: usize, map: &ColumnMap) -> (String, usize) {
    let column = headers[index].trim();
    let how = if map.get(spec.key).is_some() { "as the column map names it" } else { "by its header" };
    let others: Vec<String> = headers
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .filter_map(|(_, h)| meaning(h, spec).map(|m| (h, m)))
        .map(|(h, m)| match m {
            PostcodeMeaning::Work => format!("'{}' (a place of work or care)", h.trim()),
            _ => format!("'{}'", h.trim()),
        })
        .collect();
    let mut text = format!("{} read from column '{column}' ({how})", spec.description);
    if !others.is_empty() {
        text.push_str(&format!("; not read: {}", others.join(", ")));
    }
    (text, others.len())
}

/// A run summary's `postcode_column` from a [`decision`]; the sentence also goes first among
/// the decisions when other postcode columns were passed over.
pub fn record((text, others): (String, usize), decisions: &mut Vec<String>) -> Option<String> {
    if others > 0 {
        decisions.insert(0, text.clone());
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::STAFF;
    use std::path::Path;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_header_says_which_is_the_home() {
        let spec = &STAFF[0];
        let esr = headers(&["Employee Number", "Work Location Postcode", "Postcode", "Band"]);
        assert_eq!(choose(&esr, spec), Choice::One { index: 2, passed_over: vec![(1, PostcodeMeaning::Work)] });
        let both = headers(&["Postcode", "Home Postcode"]);
        assert!(matches!(choose(&both, spec), Choice::One { index: 1, .. }));
        assert_eq!(choose(&headers(&["Postcode", "Post Code"]), spec), Choice::Ambiguous(vec![0, 1]));
        assert_eq!(choose(&headers(&["Site Postcode"]), spec), Choice::None);
    }

    #[test]
    fn two_plausible_columns_stop_naming_both_and_the_flag() {
        let at = Location::file(Path::new("staff.csv"));
        let h = headers(&["Home Postcode", "Employee Postcode"]);
        let err = resolve(&h, &STAFF[0], &ColumnMap::default(), "--staff-columns", &at).unwrap_err().to_string();
        assert!(
            err.contains("'Home Postcode' and 'Employee Postcode'") && err.contains("--staff-columns postcode="),
            "{err}"
        );
        let map: ColumnMap = "postcode=Employee Postcode".parse().unwrap();
        assert_eq!(resolve(&h, &STAFF[0], &map, "--staff-columns", &at).unwrap(), Some(1));
    }
}

/// The stop for two or more columns that could each be `spec`'s: names them and how to pick one
/// (the flag and the anchormap.toml setting).
pub(crate) fn ambiguous(headers: &[String], columns: &[usize], spec: &ColumnSpec, flag: &str, at: &Location) -> Error {
    let named: Vec<String> = columns.iter().map(|&i| format!("'{}'", headers[i].trim())).collect();
    Error::invalid(
        at.clone(),
        format!(
            "{} columns could each be the {}: {}; say which with {flag} {key}=HEADER (or {setting} = {{ {key} = \"HEADER\" }} in anchormap.toml)",
            named.len(),
            spec.description,
            named.join(" and "),
            key = spec.key,
            setting = flag.trim_start_matches("--").replace('-', "_"),
        ),
    )
}
