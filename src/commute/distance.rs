//! Staff by straight-line distance from home to site in Census 2021 TS058's bands, beside the census's own distribution for workers living where they live (`--distance-travelled`).
//!
//! TS058 ("Distance travelled to work") measures the straight line between a worker's home
//! postcode and workplace postcode, as anchormap measures a member of staff's home to their site,
//! so the two distributions compare like with like. The census's shares here are of those who
//! travel to a fixed workplace in the UK (the 8 distance bands): "works mainly from home" and
//! "offshore, no fixed place or abroad" are left out, as a member of staff has a site.

use std::path::Path;

use crate::columns::ColumnMap;
use crate::dictionary::DISTANCE_TRAVELLED;
use crate::output::disclosure::Cell;
use crate::reference::census::CensusTable;

/// TS058's distance bands: each band's label and its upper bound in km (the last has none).
pub const DISTANCE_BANDS: [(&str, f64); 8] = [
    ("Less than 2 km", 2.0),
    ("2 km to less than 5 km", 5.0),
    ("5 km to less than 10 km", 10.0),
    ("10 km to less than 20 km", 20.0),
    ("20 km to less than 30 km", 30.0),
    ("30 km to less than 40 km", 40.0),
    ("40 km to less than 60 km", 60.0),
    ("60 km and over", f64::INFINITY),
];

/// The band of a straight-line distance in metres.
pub fn band_of(straight_m: f64) -> usize {
    DISTANCE_BANDS.iter().position(|(_, upper_km)| straight_m / 1000.0 < *upper_km).unwrap_or(DISTANCE_BANDS.len() - 1)
}

/// Census 2021 TS058 when `--distance-travelled` names it.
pub(crate) fn census(args: &crate::cli::CommuteArgs) -> crate::error::Result<Option<DistanceTravelled>> {
    let columns = &args.commute.distance_travelled_columns;
    args.commute.distance_travelled.as_deref().map(|path| DistanceTravelled::load(path, columns)).transpose()
}

/// Census 2021 TS058 by area: workers aged 16 and over in each distance band.
pub struct DistanceTravelled {
    /// The file's name, for the summary.
    pub file: String,
    /// Workers in each band ([`DISTANCE_TRAVELLED`]'s order), by area code.
    table: CensusTable,
}

impl DistanceTravelled {
    /// Reads TS058 in the Nomis bulk layout (`geography code` and the 8 band columns, found by
    /// their words or named in `columns`); a missing column or a count that is not a number stops
    /// the run naming it.
    pub fn load(path: &Path, columns: &ColumnMap) -> crate::error::Result<DistanceTravelled> {
        let table = CensusTable::read(path, &DISTANCE_TRAVELLED, columns, "--distance-travelled-columns")?;
        let file = path.file_name().map_or(String::new(), |f| f.to_string_lossy().into_owned());
        Ok(DistanceTravelled { file, table })
    }

    /// Each band's share of the workers who travel to a fixed workplace, over the areas given with
    /// their published staff counts as weights (an area's shares count as often as staff live
    /// there, as published: a hidden count weighs nothing); with the areas the file lacks.
    pub fn shares_where_staff_live<'a>(
        &self,
        areas: impl Iterator<Item = (&'a str, Cell)>,
    ) -> (Option<[f64; 8]>, usize) {
        let (mut weighted, mut weight, mut missing) = ([0.0; 8], 0.0, 0);
        for (code, staff) in areas {
            let Cell::Count(staff) = staff else { continue };
            if staff <= 0.0 {
                continue;
            }
            let Some(counts) = self.table.get(code) else {
                missing += 1;
                continue;
            };
            let travellers: f64 = counts.iter().sum();
            if travellers > 0.0 {
                weighted.iter_mut().zip(counts).for_each(|(w, c)| *w += staff * c / travellers);
                weight += staff;
            }
        }
        ((weight > 0.0).then(|| weighted.map(|w| w / weight)), missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_closed_below_and_open_above() {
        assert_eq!(band_of(0.0), 0);
        assert_eq!(band_of(1999.9), 0);
        assert_eq!(band_of(2000.0), 1);
        assert_eq!(band_of(59_999.0), 6);
        assert_eq!(band_of(60_000.0), 7);
        assert_eq!(band_of(250_000.0), 7);
    }

    #[test]
    fn census_shares_weigh_each_area_by_its_published_staff() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ts058.csv");
        let mut text = String::from("date,geography,geography code");
        for band in ["Less than 2km", "2km to less than 5km", "5km to less than 10km", "10km to less than 20km"]
            .iter()
            .chain(&["20km to less than 30km", "30km to less than 40km", "40km to less than 60km", "60km and over"])
        {
            text.push_str(&format!(",Distance travelled to work: {band}"));
        }
        text.push_str("\n2021,A 001A,E01000001,10,30,0,0,0,0,0,0\n2021,B 001A,E01000002,0,0,20,20,0,0,0,0\n");
        std::fs::write(&path, text).unwrap();
        let census = DistanceTravelled::load(&path, &ColumnMap::default()).unwrap();
        let (a, b) = ("E01000001", "E01000002");
        let areas =
            [(a, Cell::Count(30.0)), (b, Cell::Count(10.0)), ("E01000003", Cell::Count(5.0)), (b, Cell::Suppressed)];
        let (shares, missing) = census.shares_where_staff_live(areas.into_iter());
        // A: 3/4 of the weight, its shares 0.25 and 0.75; B: 1/4, 0.5 and 0.5.
        assert_eq!(shares, Some([0.1875, 0.5625, 0.125, 0.125, 0.0, 0.0, 0.0, 0.0]));
        assert_eq!(missing, 1, "C is not in the file");
    }
}
