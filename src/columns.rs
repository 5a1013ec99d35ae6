//! Column mapping: finds a named column among a file's headers by known aliases, or by a user's `key=Header` override.

use std::collections::BTreeMap;

use crate::error::{Error, Location, Result};

/// A column a reader needs, with the header names it is known by (the header dictionary lists them all).
#[derive(Debug)]
pub struct ColumnSpec {
    /// The key users name it by in overrides (`postcode=Home Postcode`).
    pub key: &'static str,
    /// What the column holds, for error messages.
    pub description: &'static str,
    /// Headers that are this column, matched ignoring case, spaces and punctuation; earlier
    /// aliases win over later ones; `*` stands for any text.
    pub aliases: &'static [&'static str],
}

impl ColumnSpec {
    /// The first header (by the order of the aliases, then of the headers) that is this column.
    pub fn find_in(&self, headers: &[String]) -> Option<usize> {
        let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
        self.aliases.iter().find_map(|alias| normalised.iter().position(|h| alias_matches(alias, h)))
    }
}

/// `"SITE CODE (OF TREATMENT)"` → `"sitecodeoftreatment"`: lower case, letters and digits only.
///
/// ```
/// use anchormap::columns::normalise;
/// assert_eq!(normalise("SITE CODE (OF TREATMENT)"), "sitecodeoftreatment");
/// assert_eq!(normalise(" Home_Post-code "), "homepostcode");
/// ```
pub fn normalise(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric() || *c == '*').flat_map(char::to_lowercase).collect()
}

/// Whether a (normalised) header matches an alias.
pub fn alias_matches(alias: &str, header: &str) -> bool {
    let alias = normalise(alias);
    match alias.split_once('*') {
        Some((start, end)) => {
            header.len() >= start.len() + end.len() && header.starts_with(start) && header.ends_with(end)
        }
        None => alias == header,
    }
}

/// User overrides, parsed from `key=Header,key=Header`, and the flag they came from (for errors).
///
/// ```
/// use anchormap::columns::ColumnMap;
/// let map: ColumnMap = "postcode=Home Postcode, site=Site Code".parse().unwrap();
/// assert_eq!(map.get("postcode"), Some("Home Postcode"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap(BTreeMap<String, String>, Option<&'static str>);

impl ColumnMap {
    /// The overrides as `key=header` pairs, e.g. for a prepared store to record what it was read with.
    pub fn as_text(&self) -> String {
        self.0.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
    }

    /// The same overrides, saying which flag names them (`--staff-columns`) in errors.
    pub fn named(&self, flag: &'static str) -> ColumnMap {
        ColumnMap(self.0.clone(), Some(flag))
    }

    fn flag(&self) -> &'static str {
        self.1.unwrap_or("the file's --…-columns option")
    }

    /// The header named for `key`, if the map names one.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Names `header` for `key`.
    pub fn insert(&mut self, key: &str, header: &str) {
        self.0.insert(key.to_string(), header.to_string());
    }

    /// Keys that no reader asked for: a typo in an override should not pass silently.
    pub fn unknown_keys<'a>(&'a self, known: &'a [ColumnSpec]) -> impl Iterator<Item = &'a str> {
        self.0.keys().map(String::as_str).filter(|k| !known.iter().any(|s| s.key == *k))
    }

    /// Finds a column: the override if given (it must exist), else the first header the spec matches.
    pub fn find(&self, spec: &ColumnSpec, headers: &[String], at: &Location) -> Result<Option<usize>> {
        if let Some(wanted) = self.get(spec.key) {
            let found = headers.iter().position(|h| h.trim().eq_ignore_ascii_case(wanted.trim()));
            return match found {
                Some(i) => Ok(Some(i)),
                None => Err(Error::invalid(
                    at.clone(),
                    format!(
                        "no column '{wanted}' (given by {} {}=…); the header has {}",
                        self.flag(),
                        spec.key,
                        list_headers(headers)
                    ),
                )),
            };
        }
        Ok(spec.find_in(headers))
    }

    /// As [`ColumnMap::find`], but the column must be there.
    pub fn require(&self, spec: &ColumnSpec, headers: &[String], at: &Location) -> Result<usize> {
        self.find(spec, headers, at)?.ok_or_else(|| {
            Error::invalid(
                at.clone(),
                format!(
                    "no {} column (name it with {} {}=HEADER); the header has {}",
                    spec.description,
                    self.flag(),
                    spec.key,
                    list_headers(headers)
                ),
            )
        })
    }
}

impl std::str::FromStr for ColumnMap {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut map = ColumnMap::default();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, header) = pair
                .split_once('=')
                .ok_or_else(|| format!("'{pair}' is not KEY=HEADER (e.g. postcode=Home Postcode)"))?;
            map.insert(key.trim(), header.trim());
        }
        Ok(map)
    }
}

/// Headers for an error message, quoted, at most twelve.
pub fn list_headers(headers: &[String]) -> String {
    if headers.is_empty() {
        return "no columns".to_string();
    }
    let mut shown: Vec<String> = headers.iter().take(12).map(|h| format!("'{}'", h.trim())).collect();
    if headers.len() > 12 {
        shown.push(format!("and {} more", headers.len() - 12));
    }
    shown.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const POSTCODE: ColumnSpec =
        ColumnSpec { key: "postcode", description: "postcode", aliases: &["postcode", "pcds"] };

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn finds_by_alias_then_by_override() {
        let at = Location::file(Path::new("x.csv"));
        let h = headers(&["id", " PCDS ", "Home Postcode"]);
        assert_eq!(ColumnMap::default().find(&POSTCODE, &h, &at).unwrap(), Some(1));
        let map: ColumnMap = "postcode=home postcode".parse().unwrap();
        assert_eq!(map.find(&POSTCODE, &h, &at).unwrap(), Some(2));
    }

    #[test]
    fn a_missing_column_names_the_file_and_the_headers() {
        let at = Location::file(Path::new("staff.csv"));
        let map = ColumnMap::default().named("--staff-columns");
        let err = map.require(&POSTCODE, &headers(&["id", "name"]), &at).unwrap_err();
        assert_eq!(
            err.to_string(),
            "staff.csv: no postcode column (name it with --staff-columns postcode=HEADER); the header has 'id', 'name'"
        );
        let map: ColumnMap = "postcode=pc".parse().unwrap();
        assert!(map.require(&POSTCODE, &headers(&["id"]), &at).unwrap_err().to_string().contains("no column 'pc'"));
    }

    #[test]
    fn malformed_overrides_are_refused() {
        assert!("postcode".parse::<ColumnMap>().is_err());
        let map: ColumnMap = "a=b,c=d".parse().unwrap();
        assert_eq!(map.unknown_keys(&[POSTCODE]).collect::<Vec<_>>(), vec!["a", "c"]);
    }
}
