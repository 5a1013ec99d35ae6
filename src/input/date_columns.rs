//! Which column holds a date role when more than one header fits it (a staff file with
//! "Hire Date" and "Date Started"): chosen by what the headers say where the dictionary can tell
//! them apart (an assignment's start changes with each new post, so it is never taken over the
//! date a person joined), never by which comes first; two alike stop the run naming both.

use crate::columns::{alias_matches, normalise, ColumnMap, ColumnSpec};
use crate::error::{Location, Result};
use crate::io::CsvInput;

/// Words that make a start date the start of a post rather than of employment.
const POST_WORDS: [&str; 3] = ["assignment", "post", "position"];

/// The date roles read this way: two columns fitting one of them is decided by [`choose`].
pub const DATE_ROLES: [&str; 1] = ["start_date"];

/// The columns fitting `spec`, and of them the ones the dictionary ranks best: a start of
/// employment over a start of a post. One best column is the choice; more are ambiguous.
///
/// ```
/// use anchormap::input::date_columns::choose;
/// use anchormap::dictionary::STAFF;
/// let spec = anchormap::dictionary::role(&STAFF, "start_date");
/// let headers = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
/// assert_eq!(choose(&headers(&["Assignment Start Date", "Latest Start Date"]), spec), vec![1]);
/// assert_eq!(choose(&headers(&["Hire Date", "Date Started"]), spec), vec![0, 1]);
/// assert_eq!(choose(&headers(&["Band"]), spec), Vec::<usize>::new());
/// ```
pub fn choose(headers: &[String], spec: &ColumnSpec) -> Vec<usize> {
    let fits: Vec<(usize, bool)> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (i, normalise(h)))
        .filter(|(_, name)| spec.aliases.iter().any(|a| alias_matches(a, name)))
        .map(|(i, name)| (i, POST_WORDS.iter().any(|w| name.contains(w))))
        .collect();
    let employment: Vec<usize> = fits.iter().filter(|(_, post)| !post).map(|(i, _)| *i).collect();
    if employment.is_empty() {
        fits.into_iter().map(|(i, _)| i).collect()
    } else {
        employment
    }
}

/// The column of a date role: the user's override if given, else the one [`choose`] finds; two
/// alike are an error naming both and the setting that picks one.
pub fn resolve(
    headers: &[String],
    spec: &ColumnSpec,
    map: &ColumnMap,
    flag: &str,
    at: &Location,
) -> Result<Option<usize>> {
    if map.get(spec.key).is_some() || !DATE_ROLES.contains(&spec.key) {
        return map.find(spec, headers, at);
    }
    let best = choose(headers, spec);
    if best.len() < 2 {
        return Ok(best.first().copied());
    }
    Err(crate::input::home_postcode::ambiguous(headers, &best, spec, flag, at))
}

/// As [`resolve`], for a file being read.
pub fn find(input: &CsvInput, spec: &ColumnSpec, map: &ColumnMap, flag: &str) -> Result<Option<usize>> {
    resolve(&input.headers, spec, map, flag, &Location::file(&input.path))
}
