//! `Population`: people per area, from IoD2019 File 6 / IoD2025 File 7 (working-age or total column) or any code,population table.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::columns::{ColumnMap, ColumnSpec};
use crate::error::{Error, Location, Result};
use crate::reference::table::ReferenceTable;
use crate::reference::{Geography, AREA_CODE_COLUMN};

/// Population by area code.
pub struct Population {
    pub path: PathBuf,
    /// The header of the column used, e.g. "Working age population 18-59/64: …".
    pub column: String,
    /// The vintage its area codes are of, from the code column's header (`LSOA code (2011)`, `lsoa21_code`).
    pub geography: Geography,
    counts: FxHashMap<String, f64>,
    /// Where a value is a number but not a population an area can have (negative, not finite,
    /// more than [`MAX_AREA_POPULATION`] for an LSOA, [`MAX_ANY_AREA_POPULATION`] for another
    /// area): those areas are left without one.
    pub implausible: Vec<Location>,
}

/// More people than any LSOA holds (the largest hold about 10,000): a value above it is a
/// mistake in the file, not a population.
pub const MAX_AREA_POPULATION: f64 = 100_000.0;

/// More people than the United Kingdom holds: the bound for an area of another geography.
pub const MAX_ANY_AREA_POPULATION: f64 = 100_000_000.0;

/// A population value: `Ok(None)` when it is a number no area's population can be, `Err` when
/// it is not a number at all.
fn population_value(text: &str, max: f64) -> std::result::Result<Option<f64>, ()> {
    let cleaned: String = text.chars().filter(|c| *c != ',' && !c.is_whitespace()).collect();
    let value = cleaned.parse::<f64>().map_err(|_| ())?;
    Ok(Some(value).filter(|v| v.is_finite() && *v >= 0.0 && *v <= max))
}

pub use crate::dictionary::{TOTAL_POPULATION as TOTAL_POPULATION_COLUMN, WORKING_AGE_POPULATION as POPULATION_COLUMN};

impl Population {
    /// Reads a population table. `columns` may name `code=` and `population=` (for example the
    /// total population column of File 6 instead of the working-age one).
    pub fn load(path: &Path, columns: &ColumnMap) -> Result<Population> {
        Population::load_column(path, columns, &POPULATION_COLUMN)
    }

    /// As [`Population::load`], choosing the population column by `spec` unless overridden.
    pub fn load_column(path: &Path, columns: &ColumnMap, spec: &ColumnSpec) -> Result<Population> {
        let columns = &columns.named("--population-columns");
        let table = ReferenceTable::read(path)?;
        let at = table.file();
        let code_col = columns.require(&AREA_CODE_COLUMN, &table.headers, &at)?;
        let pop_col = match columns.find(spec, &table.headers, &at)? {
            Some(c) => c,
            // A two-column table: code, then the count.
            None if table.headers.len() == 2 => 1 - code_col,
            None => columns.require(spec, &table.headers, &at)?,
        };
        Population::from_table(&table, code_col, pop_col)
    }

    /// The population column `spec` of a table read for something else (e.g. the total
    /// population beside the scores in IoD File 7, or in NHSX's parquet); `None` when it has none.
    pub fn find_in(path: &Path, spec: &ColumnSpec) -> Result<Option<Population>> {
        let table = ReferenceTable::read(path)?;
        let (Some(code_col), Some(pop_col)) = (AREA_CODE_COLUMN.find_in(&table.headers), spec.find_in(&table.headers))
        else {
            return Ok(None);
        };
        Population::from_table(&table, code_col, pop_col).map(Some)
    }

    fn from_table(table: &ReferenceTable, code_col: usize, pop_col: usize) -> Result<Population> {
        let (at, path) = (table.file(), table.path.as_path());
        let values: Vec<Option<&str>> = table.column(pop_col).collect();
        let geography = Geography::from_code_name(&table.headers[code_col]);
        let max = if matches!(geography, Geography::Other(_)) { MAX_ANY_AREA_POPULATION } else { MAX_AREA_POPULATION };
        let (mut counts, mut implausible) = (FxHashMap::default(), Vec::new());
        for (row, code) in table.column(code_col).enumerate() {
            let Some(code) = code else { continue };
            let Some(text) = values[row] else { continue };
            match population_value(text, max) {
                Ok(Some(value)) => {
                    counts.insert(code.to_string(), value);
                }
                Ok(None) => implausible.push(table.location(row, pop_col)),
                Err(()) => {
                    let at = table.location(row, pop_col);
                    return Err(Error::invalid(at, format!("'{text}' is not a population count")));
                }
            }
        }
        if counts.is_empty() {
            return Err(Error::invalid(at, "the population file has no rows"));
        }
        let column = table.headers[pop_col].clone();
        Ok(Population { path: path.to_path_buf(), column, geography, counts, implausible })
    }

    /// A warning naming the values that are not a population an area can have (the first few
    /// places, and how many): their areas are left without a population.
    pub fn warning(&self) -> Option<String> {
        let first = self.implausible.first()?;
        let more = self.implausible.len() - 1;
        let others = if more > 0 { format!(" and {more} more") } else { String::new() };
        Some(format!(
            "{} population value{} not a population an area can have (negative, not a number, or over {} for an LSOA): at {first}{others}; \
             {} left without a population, out of every rate and expected count",
            self.implausible.len(),
            if self.implausible.len() == 1 { " is" } else { "s are" },
            crate::io::format::thousands(MAX_AREA_POPULATION as u64),
            if self.implausible.len() == 1 { "its area is" } else { "their areas are" }
        ))
    }

    /// Refuses a population of the other LSOA vintage than the boundaries (2011 populations on
    /// 2021 areas would leave split and merged areas without people, and count the rest on an old base).
    pub fn check_vintage(&self, boundaries: &Geography) -> Result<()> {
        let known = |g: &Geography| matches!(g, Geography::Lsoa2011 | Geography::Lsoa2021);
        if known(&self.geography) && known(boundaries) && &self.geography != boundaries {
            let fix = match boundaries {
                Geography::Lsoa2021 => "the Census 2021 working-age table (aged_16_to_64) or IoD2025 File 7",
                _ => "IoD2019 File 6",
            };
            return Err(Error::invalid(
                Location::file(&self.path),
                format!(
                    "is a population on {} areas, but the boundaries are {boundaries}: give --population of the boundaries' \
                     vintage ({fix}), or boundaries of {}",
                    self.geography, self.geography
                ),
            ));
        }
        Ok(())
    }

    pub fn get(&self, code: &str) -> Option<f64> {
        self.counts.get(code).copied()
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}
