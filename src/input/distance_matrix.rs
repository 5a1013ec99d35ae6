//! `DistanceMatrix`: a user's own one-way road distances (and times) from patient area to site, which replace straight line × circuity.

use std::collections::BTreeMap;
use std::path::Path;

use rustc_hash::FxHashMap;

use crate::columns::ColumnMap;
use crate::error::{Error, Location, Result};
use crate::io::CsvInput;
use crate::reference::bridge::AreaBridge;

pub use crate::dictionary::DISTANCE_MATRIX as MATRIX_COLUMNS;

/// The rows of the other vintage bridged to one (area, site): sums for their mean.
#[derive(Default)]
struct Sums {
    km: f64,
    minutes: f64,
    rows: u32,
    rows_with_minutes: u32,
}

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

    /// Rows keyed by area codes of the other vintage, moved onto this run's areas through the ONS
    /// lookup: each part of a split area takes the row's distance and time; the rows of old areas
    /// merged into one new area give it their mean; a row already keyed by this run's code (`known`)
    /// wins over bridged ones. Rows neither known nor in the lookup are kept as they are (the caller
    /// counts them as naming an area not in the inputs). Also returns the rows bridged, by change type.
    ///
    /// ```
    /// # use anchormap::input::distance_matrix::DistanceMatrix;
    /// # use anchormap::reference::{bridge::AreaBridge, Geography};
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let (lu, m) = (dir.path().join("lu.csv"), dir.path().join("m.csv"));
    /// std::fs::write(&lu, "LSOA11CD,CHGIND,LSOA21CD\nB11,S,B21\nB11,S,C21\nD11,M,D21\nE11,M,D21\n").unwrap();
    /// std::fs::write(&m, "lsoa11cd,site,km,minutes\nB11,S1,10,20\nD11,S1,4,\nE11,S1,6,12\n").unwrap();
    /// let bridge = AreaBridge::load(&lu, &Geography::Lsoa2021, &Default::default()).unwrap();
    /// let (matrix, bridged) = DistanceMatrix::read(&m, &Default::default()).unwrap().bridged(&bridge, |_| false);
    /// let get = |a: &str| matrix.get(a, "S1");
    /// assert_eq!((get("B21"), get("C21")), (Some((10.0, Some(20.0))), Some((10.0, Some(20.0)))));
    /// assert_eq!(get("D21"), Some((5.0, Some(12.0))), "the mean of the merged areas' rows");
    /// assert_eq!((bridged["split"], bridged["merged"]), (1, 2));
    /// ```
    pub fn bridged(
        self,
        bridge: &AreaBridge,
        known: impl Fn(&str) -> bool,
    ) -> (DistanceMatrix, BTreeMap<&'static str, u64>) {
        let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut entries = FxHashMap::default();
        // (part, site) and the rows bridged to it, in the file's order.
        let mut moved: Vec<((String, String), Sums)> = Vec::new();
        let mut slot: FxHashMap<(String, String), usize> = FxHashMap::default();
        let mut rows: Vec<_> = self.entries.into_iter().collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        for ((area, site), (km, minutes)) in rows {
            let Some((change, parts)) = bridge.parts(&area).filter(|_| !known(&area)) else {
                entries.insert((area, site), (km, minutes));
                continue;
            };
            *counts.entry(change.as_str()).or_default() += 1;
            for part in parts {
                let key = (part.clone(), site.clone());
                let i = *slot.entry(key.clone()).or_insert_with(|| {
                    moved.push((key, Sums::default()));
                    moved.len() - 1
                });
                let sums = &mut moved[i].1;
                sums.km += km;
                sums.rows += 1;
                if let Some(m) = minutes {
                    sums.minutes += m;
                    sums.rows_with_minutes += 1;
                }
            }
        }
        for (key, Sums { km, minutes, rows, rows_with_minutes }) in moved {
            let mean = (km / f64::from(rows), (rows_with_minutes > 0).then(|| minutes / f64::from(rows_with_minutes)));
            entries.entry(key).or_insert(mean);
        }
        (DistanceMatrix { entries }, counts)
    }

    /// The one-way km and minutes from an area to a site, if the matrix has them.
    pub fn get(&self, area: &str, site: &str) -> Option<(f64, Option<f64>)> {
        self.entries.get(&(area.to_string(), site.to_string())).copied()
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
