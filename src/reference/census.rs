//! Census 2021 tables per LSOA as Nomis publishes them in bulk (`date, geography, geography code`, then one column per category): read generically by column role; the travel tables (TS045 car availability, TS061 travel to work) turned into [`CensusTravel`] per area, and the community's ethnic group, sex and age tables into the demography tables analyses compare with (read through [`CensusTable`]).

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::columns::{ColumnMap, ColumnSpec};
use crate::dictionary::{CAR_AVAILABILITY, TRAVEL_TO_WORK};
use crate::error::{Error, Result};
use crate::reference::bridge::AreaBridge;
use crate::reference::table::ReferenceTable;
use crate::reference::{parse_published_number, Geography, AREA_CODE_COLUMN};

/// Some columns of a census table, as counts per area code.
///
/// Any Census 2021 table in the Nomis bulk layout reads the same way: name the columns wanted by
/// their roles in the header dictionary (e.g. [`CAR_AVAILABILITY`]), in the order wanted.
pub struct CensusTable {
    pub path: PathBuf,
    /// The headers of the columns read, in the order of the roles.
    pub columns: Vec<String>,
    /// The vintage of the area codes: LSOA 2021 for a Census 2021 bulk file (`geography code`).
    pub geography: Geography,
    counts: FxHashMap<String, Vec<f64>>,
}

impl CensusTable {
    /// Reads the columns of `roles` (each required) per area; `columns` may name any of them
    /// (`key=HEADER`), as given by the option `flag`.
    pub fn read(path: &Path, roles: &[ColumnSpec], columns: &ColumnMap, flag: &'static str) -> Result<CensusTable> {
        Ok(CensusTable::read_layout(path, &[roles], columns, flag)?.0)
    }

    /// Reads the first of several layouts whose columns are all in the file (an age table by broad
    /// bands or by five-year bands), and which one it was; the error of the last when none is.
    pub fn read_layout(
        path: &Path,
        layouts: &[&[ColumnSpec]],
        columns: &ColumnMap,
        flag: &'static str,
    ) -> Result<(CensusTable, usize)> {
        let columns = &columns.named(flag);
        let table = ReferenceTable::read(path)?;
        let at = table.file();
        let code_col = columns.require(&AREA_CODE_COLUMN, &table.headers, &at)?;
        let complete = |roles: &[ColumnSpec]| -> Result<bool> {
            Ok(roles
                .iter()
                .map(|spec| columns.find(spec, &table.headers, &at))
                .collect::<Result<Vec<_>>>()?
                .iter()
                .all(Option::is_some))
        };
        let mut chosen = layouts.len().saturating_sub(1);
        for (i, roles) in layouts.iter().enumerate() {
            if complete(roles)? {
                chosen = i;
                break;
            }
        }
        let wanted: Vec<usize> =
            layouts[chosen].iter().map(|spec| columns.require(spec, &table.headers, &at)).collect::<Result<_>>()?;
        let counts = read_counts(&table, code_col, &wanted)?;
        // Nomis names the code column `geography code`; Census 2021 tables are on LSOA 2021.
        let geography = match Geography::from_code_name(&table.headers[code_col]) {
            Geography::Other(_) => Geography::Lsoa2021,
            known => known,
        };
        let census = CensusTable {
            path: path.to_path_buf(),
            columns: wanted.iter().map(|c| table.headers[*c].clone()).collect(),
            geography,
            counts,
        };
        Ok((census, chosen))
    }

    /// The same table with each area's counts turned into others by `combine` (e.g. five-year age
    /// bands summed into broader ones), named `columns`.
    pub fn combined(self, columns: &[&str], combine: impl Fn(&[f64]) -> Vec<f64>) -> CensusTable {
        let counts = self.counts.into_iter().map(|(code, row)| (code, combine(&row))).collect();
        CensusTable { columns: columns.iter().map(|c| c.to_string()).collect(), counts, ..self }
    }

    /// The counts of an area, in the order of the roles read.
    pub fn get(&self, code: &str) -> Option<&[f64]> {
        self.counts.get(code).map(Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The column totals over every area of the table.
    pub fn totals(&self) -> Vec<f64> {
        let mut totals = vec![0.0; self.columns.len()];
        for row in self.counts.values() {
            for (t, v) in totals.iter_mut().zip(row) {
                *t += v;
            }
        }
        totals
    }

    fn codes(&self) -> impl Iterator<Item = &String> {
        self.counts.keys()
    }
}

/// The counts of the `wanted` columns by area code; a cell that is not a count is an error naming it.
fn read_counts(table: &ReferenceTable, code_col: usize, wanted: &[usize]) -> Result<FxHashMap<String, Vec<f64>>> {
    let values: Vec<Vec<Option<&str>>> = wanted.iter().map(|c| table.column(*c).collect()).collect();
    let mut counts = FxHashMap::default();
    for (row, code) in table.column(code_col).enumerate() {
        let Some(code) = code else { continue };
        let mut row_counts = Vec::with_capacity(wanted.len());
        for (i, col) in wanted.iter().enumerate() {
            let text = values[i][row].unwrap_or_default();
            let value = parse_published_number(text)
                .filter(|v| *v >= 0.0)
                .ok_or_else(|| Error::invalid(table.location(row, *col), format!("'{text}' is not a count")))?;
            row_counts.push(value);
        }
        counts.insert(code.to_string(), row_counts);
    }
    if counts.is_empty() {
        return Err(Error::invalid(table.file(), "the census table has no rows"));
    }
    Ok(counts)
}

/// Each area's residents out of work (TS066: unemployed, inactive students and other inactive, not
/// the retired) and share of households without a car (TS045), from the tables given.
pub fn residents<'a>(
    codes: impl Iterator<Item = &'a str>,
    economic_activity: Option<&CensusTable>,
    car_availability: Option<&CensusTable>,
) -> Vec<Residents> {
    codes
        .map(|code| Residents {
            out_of_work: economic_activity.and_then(|t| t.get(code)).map(|c| c.iter().sum()),
            without_car_share: car_availability
                .and_then(|t| t.get(code))
                .and_then(|c| (c[0] > 0.0).then(|| c[1] / c[0])),
        })
        .collect()
}

/// How people of each area travel, from TS045 (and TS061 if given), with the national totals.
pub struct CensusTravelTable {
    pub car_availability: PathBuf,
    pub travel_to_work: Option<PathBuf>,
    pub geography: Geography,
    pub national: CensusTravel,
    by_code: FxHashMap<String, CensusTravel>,
}

impl CensusTravelTable {
    /// Reads TS045 (`--car-availability`) and optionally TS061 (`--travel-to-work`).
    pub fn load(
        car_availability: &Path,
        car_columns: &ColumnMap,
        travel_to_work: Option<&Path>,
        work_columns: &ColumnMap,
    ) -> Result<CensusTravelTable> {
        let cars = CensusTable::read(car_availability, &CAR_AVAILABILITY, car_columns, "--car-availability-columns")?;
        let work = travel_to_work
            .map(|p| CensusTable::read(p, &TRAVEL_TO_WORK, work_columns, "--travel-to-work-columns"))
            .transpose()?;
        if let Some(work) = &work {
            if work.geography != cars.geography {
                return Err(Error::invalid(
                    crate::error::Location::file(&work.path),
                    format!("is on {} areas, but --car-availability is on {}", work.geography, cars.geography),
                ));
            }
        }
        let travel = |code: &str| -> CensusTravel {
            let mut t = CensusTravel::default();
            if let Some(c) = cars.get(code) {
                (t.households, t.households_without_car) = (c[0], c[1]);
            }
            if let Some(w) = work.as_ref().and_then(|w| w.get(code)) {
                t.workers = w[0];
                t.workers_bus = w[1];
                t.workers_rail = w[2] + w[3];
                t.workers_walk_cycle = w[4] + w[5];
            }
            t
        };
        let mut by_code = FxHashMap::default();
        let mut national = CensusTravel::default();
        for code in cars.codes() {
            let t = travel(code);
            national.add(&t);
            by_code.insert(code.clone(), t);
        }
        // Workers of areas TS045 lacks still count nationally.
        if let Some(work) = &work {
            for code in work.codes().filter(|c| !by_code.contains_key(*c)) {
                let t = travel(code);
                national.add(&CensusTravel { households: 0.0, households_without_car: 0.0, ..t });
            }
        }
        Ok(CensusTravelTable {
            car_availability: cars.path.clone(),
            travel_to_work: work.map(|w| w.path),
            geography: cars.geography,
            national,
            by_code,
        })
    }

    /// The census counts of each of the run's areas (`codes`, of the boundaries' vintage `run`):
    /// on an LSOA 2011 run through the LSOA 2011 → 2021 lookup (`--area-bridge`), which it then
    /// needs. `None` when the boundaries are not LSOAs (the caller says so: nothing to join on).
    pub fn for_run<'a>(
        &self,
        codes: impl Iterator<Item = &'a str>,
        run: &Geography,
        bridge: Option<&Path>,
        bridge_columns: &ColumnMap,
    ) -> Result<Option<Vec<Option<CensusTravel>>>> {
        match run {
            Geography::Other(_) => Ok(None),
            run if *run == self.geography => Ok(Some(self.for_areas(codes, None))),
            run => {
                let Some(path) = bridge else {
                    return Err(Error::invalid(
                        crate::error::Location::file(&self.car_availability),
                        format!(
                            "is on {} areas and the boundaries are {run}: give --area-bridge (the ONS LSOA 2011 to \
                             LSOA 2021 lookup) to join them, or leave out --car-availability",
                            self.geography
                        ),
                    ));
                };
                // Leading from the run's codes to the table's.
                let bridge = AreaBridge::load(path, &self.geography, bridge_columns)?;
                Ok(Some(self.for_areas(codes, Some(&bridge))))
            }
        }
    }

    /// The census counts of each of the run's areas (codes of `run` geography): directly when the
    /// table is of that vintage, else summed over the area's parts through `bridge` (which must
    /// lead from the run's codes to the table's). `None` for an area the table does not cover.
    pub fn for_areas<'a>(
        &self,
        codes: impl Iterator<Item = &'a str>,
        bridge: Option<&AreaBridge>,
    ) -> Vec<Option<CensusTravel>> {
        codes
            .map(|code| {
                if let Some(t) = self.by_code.get(code) {
                    return Some(*t);
                }
                let (_, parts) = bridge?.parts(code)?;
                let mut sum = CensusTravel::default();
                let mut any = false;
                for part in parts {
                    if let Some(t) = self.by_code.get(part) {
                        sum.add(t);
                        any = true;
                    }
                }
                any.then_some(sum)
            })
            .collect()
    }
}

/// What people living in an area are doing, from the census: the pool a recruitment drive can
/// reach, and how many households have no car (so how much the distance to a site matters).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Residents {
    /// Residents aged 16 and over who are unemployed, or economically inactive but not retired (Census 2021 TS066).
    pub out_of_work: Option<f64>,
    /// Households without a car or van over all households (Census 2021 TS045).
    pub without_car_share: Option<f64>,
}

/// Census 2021 counts for one area that shape how its patients travel: households by car
/// availability (TS045) and workers by method of travel to work (TS061; zero when not read).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CensusTravel {
    pub households: f64,
    pub households_without_car: f64,
    pub workers: f64,
    pub workers_bus: f64,
    /// Train, underground, metro, light rail and tram.
    pub workers_rail: f64,
    /// On foot and by bicycle.
    pub workers_walk_cycle: f64,
}

impl CensusTravel {
    pub fn add(&mut self, o: &CensusTravel) {
        self.households += o.households;
        self.households_without_car += o.households_without_car;
        self.workers += o.workers;
        self.workers_bus += o.workers_bus;
        self.workers_rail += o.workers_rail;
        self.workers_walk_cycle += o.workers_walk_cycle;
    }

    /// Share of households without a car or van; `None` without households.
    pub fn without_car(&self) -> Option<f64> {
        (self.households > 0.0).then(|| self.households_without_car / self.households)
    }

    /// Workers travelling by the census method that stands for `mode`, if there is one.
    pub fn workers_by(&self, mode: &str) -> Option<f64> {
        match mode {
            "bus" => Some(self.workers_bus),
            "rail" | "tram" => Some(self.workers_rail),
            "walk_cycle" => Some(self.workers_walk_cycle),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn nomis_bulk_tables_are_read_by_role() {
        let dir = tempfile::tempdir().unwrap();
        let ts045 = write(
            dir.path(),
            "ts045.csv",
            "date,geography,geography code,Number of cars or vans: Total: All households,Number of cars or vans: No cars or vans in household,\
             Number of cars or vans: 1 car or van in household\n2021,A 001A,E01000001,800,400,300\n2021,B 001A,E01000002,\"1,200\",60,900\n",
        );
        let ts061 = write(
            dir.path(),
            "ts061.csv",
            "date,geography,geography code,Method of travel to workplace: Total: All usual residents aged 16 years and over in employment the week before the census,\
             Method of travel to workplace: Work mainly at or from home,\"Method of travel to workplace: Underground, metro, light rail, tram\",\
             Method of travel to workplace: Train,\"Method of travel to workplace: Bus, minibus or coach\",Method of travel to workplace: Bicycle,\
             Method of travel to workplace: On foot\n2021,A 001A,E01000001,500,100,10,20,30,5,40\n",
        );
        let none = ColumnMap::default();
        let table = CensusTravelTable::load(&ts045, &none, Some(&ts061), &none).unwrap();
        assert_eq!(table.geography, Geography::Lsoa2021);
        assert_eq!((table.national.households, table.national.households_without_car), (2000.0, 460.0));
        let areas = table.for_areas(["E01000001", "E01000002", "E01999999"].into_iter(), None);
        let a = areas[0].unwrap();
        assert_eq!((a.workers, a.workers_bus, a.workers_rail, a.workers_walk_cycle), (500.0, 30.0, 30.0, 45.0));
        assert_eq!(areas[1].unwrap().workers, 0.0, "no TS061 row: no workers");
        assert!(areas[2].is_none());

        let broken = write(
            dir.path(),
            "broken.csv",
            "date,geography,geography code,Number of cars or vans: Total: All households\n2021,A,E01000001,9\n",
        );
        let err = CensusTravelTable::load(&broken, &none, None, &none).err().unwrap().to_string();
        assert!(
            err.contains(
                "no households with no car or van column (name it with --car-availability-columns no_car=HEADER)"
            ),
            "{err}"
        );
    }
}
