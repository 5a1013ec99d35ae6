//! `AreaBridge`: the ONS LSOA 2011 ↔ LSOA 2021 lookup, so that user files keyed by the other vintage's codes are placed on this run's areas (a split area's count shared among its parts by population).

use std::collections::BTreeMap;
use std::path::Path;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::columns::{ColumnMap, ColumnSpec};
use crate::error::{Error, Location, Result};
use crate::reference::table::ReferenceTable;
use crate::reference::Geography;

const LSOA11: ColumnSpec =
    ColumnSpec { key: "lsoa11", description: "LSOA 2011 code", aliases: &["lsoa11cd", "lsoa11 code"] };
const LSOA21: ColumnSpec =
    ColumnSpec { key: "lsoa21", description: "LSOA 2021 code", aliases: &["lsoa21cd", "lsoa21 code"] };
const CHANGE: ColumnSpec = ColumnSpec {
    key: "change",
    description: "change indicator (U, S, M, X)",
    aliases: &["chgind", "change indicator"],
};

/// How an area changed between the vintages (the ONS change indicator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Unchanged,
    /// One old area is several new ones (or, read backwards, several old are one new).
    Split,
    Merged,
    /// Redrawn: several to several.
    Irregular,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Unchanged => "unchanged",
            Change::Split => "split",
            Change::Merged => "merged",
            Change::Irregular => "irregular",
        }
    }
}

/// Codes of the other vintage → this run's codes.
pub struct AreaBridge {
    /// The vintage the bridge leads to (the run's boundaries).
    pub to: Geography,
    parts: FxHashMap<String, (Change, Vec<String>)>,
}

impl AreaBridge {
    /// Reads the lookup for a run on `to` (LSOA 2011 or 2021): codes of the other vintage lead to it.
    pub fn load(path: &Path, to: &Geography, columns: &ColumnMap) -> Result<AreaBridge> {
        let columns = &columns.named("--area-bridge-columns");
        let table = ReferenceTable::read(path)?;
        let at = table.file();
        let (from_spec, to_spec) = match to {
            Geography::Lsoa2021 => (&LSOA11, &LSOA21),
            Geography::Lsoa2011 => (&LSOA21, &LSOA11),
            Geography::Other(_) => {
                return Err(Error::invalid(at, format!("bridges LSOA 2011 and 2021, but the boundaries are {to}")))
            }
        };
        let from_col = columns.require(from_spec, &table.headers, &at)?;
        let to_col = columns.require(to_spec, &table.headers, &at)?;
        let change_col = columns.find(&CHANGE, &table.headers, &at)?;
        let changes: Vec<Option<&str>> = match change_col {
            Some(c) => table.column(c).collect(),
            None => vec![None; table.height()],
        };
        let mut parts: FxHashMap<String, (Change, Vec<String>)> = FxHashMap::default();
        for ((from, target), change) in table.column(from_col).zip(table.column(to_col)).zip(changes) {
            let (Some(from), Some(target)) = (from, target) else { continue };
            let change = match (change.map(str::trim), to) {
                (Some("U"), _) => Change::Unchanged,
                (Some("S"), Geography::Lsoa2021) | (Some("M"), Geography::Lsoa2011) => Change::Split,
                (Some("M"), _) | (Some("S"), _) => Change::Merged,
                _ => Change::Irregular,
            };
            let entry = parts.entry(from.to_string()).or_insert((change, Vec::new()));
            entry.1.push(target.to_string());
        }
        if parts.is_empty() {
            return Err(Error::invalid(Location::file(path), "the lookup has no rows"));
        }
        Ok(AreaBridge { to: to.clone(), parts })
    }

    /// The areas (of the run's vintage) an old code leads to, with how it changed.
    pub fn parts(&self, code: &str) -> Option<(Change, &[String])> {
        self.parts.get(code).map(|(change, parts)| (*change, parts.as_slice()))
    }

    /// Every code of the other vintage, sorted, with how it changed and the areas it leads to.
    pub fn entries(&self) -> Vec<(&str, Change, &[String])> {
        let mut all: Vec<(&str, Change, &[String])> =
            self.parts.iter().map(|(code, (change, parts))| (code.as_str(), *change, parts.as_slice())).collect();
        all.sort_unstable_by(|a, b| a.0.cmp(b.0));
        all
    }

    /// A user's list of area codes on this run's areas: a code that `known` accepts is kept; a code
    /// of the other vintage leads to every area it became (a split area to all its parts, merged
    /// areas to the one they form); any other code is kept as it is, for the caller to count as
    /// not among the boundaries. Also returns the codes bridged, by change type.
    ///
    /// ```
    /// # use anchormap::reference::bridge::AreaBridge;
    /// # use anchormap::reference::Geography;
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("lu.csv");
    /// std::fs::write(&path, "LSOA11CD,CHGIND,LSOA21CD\nA11,U,A11\nB11,S,B21\nB11,S,C21\nD11,M,D21\nE11,M,D21\n").unwrap();
    /// let bridge = AreaBridge::load(&path, &Geography::Lsoa2021, &Default::default()).unwrap();
    /// let listed = ["A11", "B11", "D11", "E11", "Z99"].map(String::from);
    /// let (codes, bridged) = bridge.bridge_codes(listed, |c| ["A11", "B21", "C21", "D21"].contains(&c));
    /// let mut codes: Vec<String> = codes.into_iter().collect();
    /// codes.sort();
    /// assert_eq!(codes, ["A11", "B21", "C21", "D21", "Z99"]);
    /// assert_eq!((bridged["split"], bridged["merged"]), (1, 2));
    /// assert!(!bridged.contains_key("unchanged"), "A11 is a code of this run already");
    /// ```
    pub fn bridge_codes(
        &self,
        codes: impl IntoIterator<Item = String>,
        known: impl Fn(&str) -> bool,
    ) -> (FxHashSet<String>, BTreeMap<&'static str, u64>) {
        let mut out = FxHashSet::default();
        let mut bridged: BTreeMap<&'static str, u64> = BTreeMap::new();
        for code in codes {
            match self.parts(&code).filter(|_| !known(&code)) {
                Some((change, parts)) => {
                    *bridged.entry(change.as_str()).or_default() += 1;
                    out.extend(parts.iter().cloned());
                }
                None => {
                    out.insert(code);
                }
            }
        }
        (out, bridged)
    }
}

/// Shares of a count among `parts`, in proportion to their populations (equal where any is unknown).
///
/// ```
/// use anchormap::reference::bridge::shares;
/// assert_eq!(shares(&[Some(300.0), Some(100.0)]), vec![0.75, 0.25]);
/// assert_eq!(shares(&[Some(300.0), None]), vec![0.5, 0.5]);
/// ```
pub fn shares(populations: &[Option<f64>]) -> Vec<f64> {
    let total: f64 = populations.iter().flatten().sum();
    if populations.iter().all(|p| p.is_some_and(|p| p > 0.0)) && total > 0.0 {
        populations.iter().map(|p| p.unwrap_or(0.0) / total).collect()
    } else {
        vec![1.0 / populations.len().max(1) as f64; populations.len()]
    }
}
