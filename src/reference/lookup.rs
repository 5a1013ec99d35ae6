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

/// The column naming what the filter column codes: `icb24_code` → `icb24_name`, `ICB24CD` → `ICB24NM`.
///
/// ```
/// use anchormap::reference::lookup::name_column;
/// let headers = ["lsoa21_code", "icb24_name", "icb24_code", "ICB24CD", "ICB24NM"].map(String::from);
/// assert_eq!(name_column(&headers, 2), Some(1));
/// assert_eq!(name_column(&headers, 3), Some(4));
/// assert_eq!(name_column(&headers, 0), None);
/// ```
pub fn name_column(headers: &[String], filter: usize) -> Option<usize> {
    let header = headers[filter].as_str();
    let lower = header.to_ascii_lowercase();
    let wanted = if let Some(stem) = lower.strip_suffix("_code") {
        format!("{stem}_name")
    } else if let Some(stem) = lower.strip_suffix("cd") {
        format!("{stem}nm")
    } else {
        return None;
    };
    headers.iter().position(|h| h.to_ascii_lowercase() == wanted)
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
