//! `AreaLookup`: a table mapping area codes to larger geographies (e.g. LSOA → ICB), for defining a community.

use std::path::Path;

use rustc_hash::FxHashSet;

use crate::columns::ColumnMap;
use crate::error::{Error, Result};
use crate::reference::table::ReferenceTable;
use crate::reference::{Geography, AREA_CODE_COLUMN};

/// The area codes selected from a lookup table by `column=value` filters.
pub struct AreaLookup {
    pub codes: FxHashSet<String>,
    /// e.g. "icb_code=E54000019 in lsoa11_to_sicbl_icb.csv".
    pub description: String,
    /// The vintage of its area codes, from the code column's header.
    pub geography: Geography,
    pub path: std::path::PathBuf,
    /// What the selected rows are called, from the name column beside the filter's
    /// (`icb24_name` beside `icb24_code`, `ICB24NM` beside `ICB24CD`); several joined with "and".
    pub name: Option<String>,
}

impl AreaLookup {
    /// Selects the rows whose `column` equals one of `values` (case-insensitive on the header,
    /// exact on the value; several values are alternatives). The area code column is detected
    /// (`LSOA11CD`, …) or named with `code=` in `columns`.
    pub fn select(path: &Path, column: &str, values: &[String], columns: &ColumnMap) -> Result<AreaLookup> {
        let table = ReferenceTable::read(path)?;
        let at = table.file();
        let code_col = columns.require(&AREA_CODE_COLUMN, &table.headers, &at)?;
        let filter_col = table.headers.iter().position(|h| h.eq_ignore_ascii_case(column.trim())).ok_or_else(|| {
            Error::invalid(
                at.clone(),
                format!(
                    "no column '{column}' to filter on; the header has {}",
                    crate::columns::list_headers(&table.headers)
                ),
            )
        })?;
        let keys: Vec<Option<&str>> = table.column(filter_col).collect();
        let selected: Vec<bool> = keys.iter().map(|k| k.is_some_and(|k| values.iter().any(|v| v == k))).collect();
        let codes: FxHashSet<String> = table
            .column(code_col)
            .zip(&selected)
            .filter_map(|(code, s)| code.filter(|_| *s).map(str::to_string))
            .collect();
        let name = name_column(&table.headers, filter_col).and_then(|c| {
            let names: std::collections::BTreeSet<&str> =
                table.column(c).zip(&selected).filter_map(|(n, s)| n.filter(|_| *s)).collect();
            (!names.is_empty()).then(|| names.into_iter().collect::<Vec<_>>().join(" and "))
        });
        if codes.is_empty() {
            return Err(Error::invalid(at, format!("no row has {column} = {}", values.join(" or "))));
        }
        let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let geography = Geography::from_code_name(&table.headers[code_col]);
        Ok(AreaLookup {
            codes,
            description: format!("{column}={} in {file}", values.join("|")),
            geography,
            path: path.to_path_buf(),
            name,
        })
    }
}

/// Every area of a lookup table with the group it belongs to (LSOA → local authority, ICB, MSOA):
/// the groups of `anchormap profile`.
pub struct GroupLookup {
    pub path: std::path::PathBuf,
    /// The header of the group column, and of its name column if it has one.
    pub column: String,
    pub name_column: Option<String>,
    /// The vintage of its area codes, from the code column's header.
    pub geography: Geography,
    /// Each group's code and name (blank without a name column), sorted by code.
    pub groups: Vec<(String, String)>,
    /// Each distinct (area, group) pair, as an index into `groups`, in the file's order.
    pub members: Vec<(String, usize)>,
    /// Rows without an area code or a group, left out.
    pub rows_without_group: usize,
    /// Areas listed in more than one group (each is counted in every group it is in).
    pub areas_in_several_groups: usize,
}

impl GroupLookup {
    /// Reads the lookup: the area code column is detected (`LSOA11CD`, `lsoa21_code`, …) or named
    /// with `code=` in `columns`; `column` is the group column's header (case-insensitive).
    pub fn load(path: &Path, column: &str, columns: &ColumnMap) -> Result<GroupLookup> {
        let table = ReferenceTable::read(path)?;
        let at = table.file();
        let code_col = columns.require(&AREA_CODE_COLUMN, &table.headers, &at)?;
        let group_col = table.headers.iter().position(|h| h.eq_ignore_ascii_case(column.trim())).ok_or_else(|| {
            let headers = crate::columns::list_headers(&table.headers);
            Error::invalid(at.clone(), format!("no column '{column}' to group the areas by; the header has {headers}"))
        })?;
        let name_col = name_column(&table.headers, group_col);
        let names: Vec<Option<&str>> = match name_col {
            Some(c) => table.column(c).collect(),
            None => vec![None; table.height()],
        };
        let mut groups: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        let mut rows_without_group = 0;
        for ((area, group), name) in table.column(code_col).zip(table.column(group_col)).zip(&names) {
            let (Some(area), Some(group)) = (area, group) else {
                rows_without_group += 1;
                continue;
            };
            groups.entry(group).or_insert(name.unwrap_or_default());
            pairs.push((area, group));
        }
        if groups.is_empty() {
            return Err(Error::invalid(at, format!("no row has both an area code and a '{column}'")));
        }
        let index: rustc_hash::FxHashMap<&str, usize> = groups.keys().enumerate().map(|(i, g)| (*g, i)).collect();
        let mut seen: FxHashSet<(&str, &str)> = FxHashSet::default();
        pairs.retain(|pair| seen.insert(*pair));
        let mut group_count: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
        for (area, _) in &pairs {
            *group_count.entry(area).or_default() += 1;
        }
        Ok(GroupLookup {
            path: path.to_path_buf(),
            column: table.headers[group_col].clone(),
            name_column: name_col.map(|c| table.headers[c].clone()),
            geography: Geography::from_code_name(&table.headers[code_col]),
            groups: groups.iter().map(|(g, n)| (g.to_string(), n.to_string())).collect(),
            members: pairs.iter().map(|(area, group)| (area.to_string(), index[group])).collect(),
            rows_without_group,
            areas_in_several_groups: group_count.values().filter(|n| **n > 1).count(),
        })
    }
}

/// The column naming what the filter column codes: `icb24_code` → `icb24_name`, `ICB24CD` →
/// `ICB24NM`, `Local Authority District code (2019)` → `Local Authority District name (2019)`.
///
/// ```
/// use anchormap::reference::lookup::name_column;
/// let headers = ["lsoa21_code", "icb24_name", "icb24_code", "ICB24CD", "ICB24NM"].map(String::from);
/// assert_eq!(name_column(&headers, 2), Some(1));
/// assert_eq!(name_column(&headers, 3), Some(4));
/// assert_eq!(name_column(&headers, 0), None);
/// let nhs = ["LSOA11CD", "icb_code", "icb"].map(String::from);
/// assert_eq!(name_column(&nhs, 1), Some(2));
/// let published = ["Local Authority District code (2019)", "Local Authority District name (2019)"].map(String::from);
/// assert_eq!(name_column(&published, 0), Some(1));
/// ```
pub fn name_column(headers: &[String], filter: usize) -> Option<usize> {
    let header = headers[filter].as_str();
    let lower = header.to_ascii_lowercase();
    let wanted = if let Some(stem) = lower.strip_suffix("_code") {
        format!("{stem}_name")
    } else if let Some(stem) = lower.strip_suffix("cd") {
        format!("{stem}nm")
    } else if let Some(at) = lower.rfind(" code") {
        format!("{} name{}", &lower[..at], &lower[at + " code".len()..])
    } else {
        return None;
    };
    // A name column named by the stem alone (`icb_code` beside `icb`, as NHS England's lookups have it).
    let stem = lower.strip_suffix("_code").unwrap_or("");
    headers
        .iter()
        .position(|h| h.to_ascii_lowercase() == wanted)
        .or_else(|| headers.iter().position(|h| !stem.is_empty() && h.to_ascii_lowercase() == stem))
}

impl AreaLookup {
    /// Refuses a lookup keyed by the other LSOA vintage than the boundaries.
    pub fn check_vintage(&self, boundaries: &Geography) -> Result<()> {
        let known = |g: &Geography| matches!(g, Geography::Lsoa2011 | Geography::Lsoa2021);
        if known(&self.geography) && known(boundaries) && &self.geography != boundaries {
            return Err(Error::invalid(
                crate::error::Location::file(&self.path),
                format!(
                    "is a lookup of {} areas, but the boundaries are {boundaries}: use a lookup of the boundaries' vintage \
                     (for LSOA 2021 and the ICBs of 2024, lsoa21_to_sicbl24_icb24.csv with icb24_code=…)",
                    self.geography
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_sorted_with_their_names_and_each_area_counts_once_per_group() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lookup.csv");
        let rows = "LSOA21CD,LAD22CD,LAD22NM\nE01000003,E09000002,Barking\nE01000001,E09000001,City\n\
                    E01000001,E09000001,City\nE01000002,E09000001,City\nE01000002,E09000002,Barking\nE01000004,,\n";
        std::fs::write(&path, rows).unwrap();
        let lookup = GroupLookup::load(&path, "lad22cd", &ColumnMap::default()).unwrap();
        assert_eq!(lookup.groups, [("E09000001".into(), "City".into()), ("E09000002".into(), "Barking".into())]);
        assert_eq!(lookup.name_column.as_deref(), Some("LAD22NM"));
        assert_eq!(lookup.members.len(), 4, "the repeated row counts once: {:?}", lookup.members);
        assert_eq!((lookup.areas_in_several_groups, lookup.rows_without_group), (1, 1));
        assert_eq!(lookup.geography, Geography::Lsoa2021);
        let err = GroupLookup::load(&path, "ICB24CD", &ColumnMap::default()).err().unwrap().to_string();
        assert!(err.contains("lookup.csv: no column 'ICB24CD' to group the areas by"), "{err}");
    }
}
