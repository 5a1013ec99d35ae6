//! `DistanceMatrix`: a user's own one-way road distances (and times) from patient area to site, which replace straight line × circuity.

use std::path::Path;

use rustc_hash::FxHashMap;

use crate::columns::ColumnMap;
use crate::error::{Error, Location, Result};
use crate::input::CsvInput;

pub use crate::dictionary::DISTANCE_MATRIX as MATRIX_COLUMNS;

/// One-way distance (km) and time (minutes, if given) by (area code, site code).
#[derive(Debug, Default)]
pub struct DistanceMatrix {
    entries: FxHashMap<(String, String), (f64, Option<f64>)>,
}

impl DistanceMatrix {
    pub fn read(path: &Path, columns: &ColumnMap) -> Result<DistanceMatrix> {
        let mut input = CsvInput::open(path)?;
        let [area_spec, site_spec, km_spec, time_spec] = &MATRIX_COLUMNS;
        let columns = &columns.named("--distance-matrix-columns");
        let area = input.require(area_spec, columns)?;
        let site = input.require(site_spec, columns)?;
        let km = input.require(km_spec, columns)?;
        let time = input.find(time_spec, columns)?;
        let mut entries = FxHashMap::default();
        let mut batch = Vec::new();
        while input.read_batch(&mut batch, 4096)? {
            for row in &batch {
                let text = |i: usize| String::from_utf8_lossy(row.record.get(i).unwrap_or_default()).trim().to_string();
                let number = |i: usize, what: &str| -> Result<f64> {
                    let t = text(i);
                    t.parse::<f64>().ok().filter(|v| (0.0..=100_000.0).contains(v)).ok_or_else(|| {
                        Error::invalid(
                            Location::at(path, row.line, i + 1),
                            format!("'{t}' is not a {what} (0 to 100000)"),
                        )
                    })
                };
                let minutes = match time {
                    Some(i) if !text(i).is_empty() => Some(number(i, "time in minutes")?),
                    _ => None,
                };
                let key = (text(area), text(site));
                if entries.insert(key.clone(), (number(km, "distance in km")?, minutes)).is_some() {
                    return Err(Error::invalid(
                        Location::at(path, row.line, area + 1),
                        format!("area {} to site {} appears twice", key.0, key.1),
                    ));
                }
            }
        }
        Ok(DistanceMatrix { entries })
    }

    /// Every entry: (area code, site code), (km, minutes).
    pub fn iter(&self) -> impl Iterator<Item = (&(String, String), &(f64, Option<f64>))> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
