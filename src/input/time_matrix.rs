//! `TimeMatrix`: a user's one-way travel times without a car (public transport, from r5r, OpenTripPlanner or their own) from area to site.

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::columns::ColumnMap;
use crate::dictionary::TIME_MATRIX;
use crate::error::{Error, Location, Result};
use crate::io::CsvInput;

/// One-way minutes without a car by (area code, site code).
#[derive(Debug, Default)]
pub struct TimeMatrix {
    minutes: FxHashMap<(String, String), f64>,
}

impl TimeMatrix {
    /// Reads `path` (columns found by the dictionary's `TIME_MATRIX` roles or `columns`); a time that is not a
    /// number of minutes (0 to 10,000) or a pair given twice stops with its line and column. A blank time (r5r
    /// writes none for an unreachable pair) is left out, so the pair is modelled.
    ///
    /// ```
    /// # use anchormap::input::time_matrix::TimeMatrix;
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("ttm.csv");
    /// std::fs::write(&path, "from_id,to_id,travel_time_p50\nE01000001,RX1,38\nE01000002,RX1,\n").unwrap();
    /// let matrix = TimeMatrix::read(&path, &Default::default()).unwrap();
    /// assert_eq!(matrix.get("E01000001", "RX1"), Some(38.0));
    /// assert_eq!(matrix.get("E01000002", "RX1"), None);
    /// ```
    pub fn read(path: &Path, columns: &ColumnMap) -> Result<TimeMatrix> {
        let mut input = CsvInput::open(path)?;
        let [area_spec, site_spec, minutes_spec] = &TIME_MATRIX;
        let columns = &columns.named("--time-matrix-columns");
        let (area, site) = (input.require(area_spec, columns)?, input.require(site_spec, columns)?);
        let time = input.require(minutes_spec, columns)?;
        let mut minutes = FxHashMap::default();
        let mut batch = Vec::new();
        while input.read_batch(&mut batch, 4096)? {
            for row in &batch {
                let text = |i: usize| String::from_utf8_lossy(row.record.get(i).unwrap_or_default()).trim().to_string();
                let t = text(time);
                if t.is_empty() || t.eq_ignore_ascii_case("na") {
                    continue;
                }
                let value = t.parse::<f64>().ok().filter(|v| (0.0..=10_000.0).contains(v)).ok_or_else(|| {
                    Error::invalid(
                        Location::at(path, row.line, time + 1),
                        format!("'{t}' is not a time in minutes (0 to 10000)"),
                    )
                })?;
                let key = (text(area), text(site));
                if minutes.insert(key.clone(), value).is_some() {
                    return Err(Error::invalid(
                        Location::at(path, row.line, area + 1),
                        format!("area {} to site {} appears twice", key.0, key.1),
                    ));
                }
            }
        }
        Ok(TimeMatrix { minutes })
    }

    /// The one-way minutes from an area to a site, if the matrix has them.
    pub fn get(&self, area: &str, site: &str) -> Option<f64> {
        self.minutes.get(&(area.to_string(), site.to_string())).copied()
    }

    /// Pairs in the matrix.
    pub fn len(&self) -> usize {
        self.minutes.len()
    }

    /// Whether the matrix has no pair.
    pub fn is_empty(&self) -> bool {
        self.minutes.is_empty()
    }
}
