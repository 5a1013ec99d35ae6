//! `TravelModel`: a patient's return trip to a site as passenger-km, kg CO2e, cost and time, under a stated mode share and emission factors.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{Error, Location, Result};

/// The factors shipped with anchormap: `data/ghg_conversion_factors_2025.csv`.
const DEFAULT_FACTORS: &str = include_str!("../../data/ghg_conversion_factors_2025.csv");
const DEFAULT_FACTORS_SOURCE: &str = "UK Government GHG Conversion Factors for Company Reporting 2025 (DESNZ), \
    Business travel - land, direct emissions (well-to-tank excluded); data/ghg_conversion_factors_2025.csv";

/// Mode share for hospital trips: National Travel Survey as quoted by the Green Nephrology Network
/// (about 88% car, 3% bus, 8% rail, 1% other for journeys of about 24 km).
pub const DEFAULT_MODE_SHARE: &str = "car=0.88,bus=0.03,rail=0.08,walk_cycle=0.01";
/// Road distance over straight-line distance (published values for England 1.25-1.4).
pub const DEFAULT_CIRCUITY: f64 = 1.3;
/// HMRC approved mileage rate, first 10,000 miles (GBP per mile).
pub const DEFAULT_MILEAGE_GBP_PER_MILE: f64 = 0.45;
/// Door-to-door average speed assumed for travel time (km/h); an assumption, override with --speed-kmh.
pub const DEFAULT_SPEED_KMH: f64 = 40.0;
const KM_PER_MILE: f64 = 1.609_344;

/// Emission factors in kg CO2e per passenger-km (per vehicle-km for cars and motorbikes, one
/// patient per vehicle), by mode.
#[derive(Debug, Clone, Serialize)]
pub struct EmissionFactors {
    pub source: String,
    pub kgco2e_per_km: BTreeMap<String, f64>,
}

impl EmissionFactors {
    /// The 2025 UK government factors shipped in `data/`.
    pub fn uk_2025() -> EmissionFactors {
        let factors =
            EmissionFactors::parse(DEFAULT_FACTORS.as_bytes(), Path::new("data/ghg_conversion_factors_2025.csv"))
                .expect("the shipped factor file is valid");
        EmissionFactors { source: DEFAULT_FACTORS_SOURCE.to_string(), ..factors }
    }

    /// A user's factor file: CSV with `mode,kgco2e_per_km` (other columns ignored).
    pub fn read(path: &Path) -> Result<EmissionFactors> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        EmissionFactors::parse(&bytes[..], path)
    }

    fn parse(bytes: &[u8], path: &Path) -> Result<EmissionFactors> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| Error::csv(path, e))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
            .collect();
        let column = |name: &str| {
            headers.iter().position(|h| h == name).ok_or_else(|| {
                Error::invalid(
                    Location::file(path),
                    format!("a factor file needs columns mode,kgco2e_per_km; the header has no '{name}'"),
                )
            })
        };
        let (mode_col, factor_col) = (column("mode")?, column("kgco2e_per_km")?);
        let mut kgco2e_per_km = BTreeMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| Error::csv(path, e))?;
            let line = record.position().map_or(0, |p| p.line());
            let mode = mode_name(record.get(mode_col).unwrap_or_default());
            let text = record.get(factor_col).unwrap_or_default().trim();
            let factor = text.parse::<f64>().ok().filter(|f| (0.0..=100.0).contains(f)).ok_or_else(|| {
                Error::invalid(
                    Location::at(path, line, factor_col + 1),
                    format!("'{text}' is not an emission factor (kg CO2e per km, 0 to 100)"),
                )
            })?;
            if mode.is_empty() {
                return Err(Error::invalid(Location::at(path, line, mode_col + 1), "the mode is blank"));
            }
            if kgco2e_per_km.insert(mode.clone(), factor).is_some() {
                return Err(Error::invalid(
                    Location::at(path, line, mode_col + 1),
                    format!("mode '{mode}' appears twice"),
                ));
            }
        }
        if kgco2e_per_km.is_empty() {
            return Err(Error::invalid(Location::file(path), "the factor file has no rows"));
        }
        Ok(EmissionFactors { source: path.display().to_string(), kgco2e_per_km })
    }
}

/// A mode name as compared: lower case, spaces and hyphens as underscores.
fn mode_name(text: &str) -> String {
    text.trim().to_ascii_lowercase().replace([' ', '-', '/'], "_")
}

/// Shares of trips by mode, adding up to 1: `car=0.75,bus=0.1,...`.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ModeShare(pub BTreeMap<String, f64>);

impl FromStr for ModeShare {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<ModeShare, String> {
        let mut shares = BTreeMap::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let (mode, share) = part.split_once('=').ok_or_else(|| format!("'{part}' is not MODE=SHARE"))?;
            let share: f64 = share
                .trim()
                .parse()
                .ok()
                .filter(|s: &f64| s.is_finite() && (0.0..=1.0).contains(s))
                .ok_or_else(|| format!("'{}' is not a share between 0 and 1", share.trim()))?;
            if shares.insert(mode_name(mode), share).is_some() {
                return Err(format!("mode '{}' is given twice", mode.trim()));
            }
        }
        let total: f64 = shares.values().sum();
        if (total - 1.0).abs() > 1e-6 {
            return Err(format!("the mode shares add up to {total}, not 1"));
        }
        Ok(ModeShare(shares))
    }
}

/// One appointment's return trip, for one patient.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Trip {
    /// Passenger-km, both ways.
    pub km: f64,
    pub kgco2e: f64,
    /// Car mileage at the HMRC rate (other modes' fares are not estimated).
    pub cost_gbp: f64,
    pub hours: f64,
}

/// The assumptions that turn a distance into a trip.
#[derive(Debug, Clone, Serialize)]
pub struct TravelModel {
    pub circuity: f64,
    pub mode_share: ModeShare,
    /// The factor used for each mode in the share.
    pub factors: BTreeMap<String, f64>,
    pub factors_source: String,
    pub mileage_gbp_per_mile: f64,
    pub speed_kmh: f64,
    /// kg CO2e per passenger-km averaged over the mode share.
    pub kgco2e_per_km: f64,
    /// Share of trips by car (modes named car or car_*), which the mileage rate applies to.
    pub car_share: f64,
}

impl TravelModel {
    /// Every mode with a share must have a factor.
    pub fn new(
        circuity: f64,
        mode_share: ModeShare,
        factors: &EmissionFactors,
        mileage_gbp_per_mile: f64,
        speed_kmh: f64,
    ) -> std::result::Result<TravelModel, String> {
        let mut used = BTreeMap::new();
        for mode in mode_share.0.keys() {
            let factor = factors.kgco2e_per_km.get(mode).ok_or_else(|| {
                format!(
                    "mode '{mode}' has a share but no factor in {} (modes there: {})",
                    factors.source,
                    factors.kgco2e_per_km.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            })?;
            used.insert(mode.clone(), *factor);
        }
        let kgco2e_per_km = mode_share.0.iter().map(|(mode, share)| share * used[mode]).sum();
        let car_share = mode_share.0.iter().filter(|(m, _)| *m == "car" || m.starts_with("car_")).map(|(_, s)| s).sum();
        Ok(TravelModel {
            circuity,
            mode_share,
            factors: used,
            factors_source: factors.source.clone(),
            mileage_gbp_per_mile,
            speed_kmh,
            kgco2e_per_km,
            car_share,
        })
    }

    /// A return trip over a straight-line distance (metres), lengthened by the circuity factor.
    pub fn straight_line(&self, metres: f64) -> Trip {
        self.trip(metres / 1000.0 * self.circuity, None)
    }

    /// A return trip over a known one-way road distance (km), and time (minutes) if known.
    pub fn road(&self, km_one_way: f64, minutes_one_way: Option<f64>) -> Trip {
        self.trip(km_one_way, minutes_one_way)
    }

    fn trip(&self, km_one_way: f64, minutes_one_way: Option<f64>) -> Trip {
        let km = 2.0 * km_one_way;
        Trip {
            km,
            kgco2e: km * self.kgco2e_per_km,
            cost_gbp: km * self.car_share / KM_PER_MILE * self.mileage_gbp_per_mile,
            hours: minutes_one_way.map_or(km / self.speed_kmh, |m| 2.0 * m / 60.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_factors_are_the_2025_values() {
        let f = EmissionFactors::uk_2025();
        assert_eq!(f.kgco2e_per_km["car"], 0.16725);
        assert_eq!(f.kgco2e_per_km["bus"], 0.10385);
        assert_eq!(f.kgco2e_per_km["rail"], 0.03546);
        assert_eq!(f.kgco2e_per_km["walk_cycle"], 0.0);
    }

    #[test]
    fn a_trip_by_hand() {
        let model = TravelModel::new(1.3, DEFAULT_MODE_SHARE.parse().unwrap(), &EmissionFactors::uk_2025(), 0.45, 40.0)
            .unwrap();
        let per_km = 0.88 * 0.16725 + 0.03 * 0.10385 + 0.08 * 0.03546;
        assert!((model.kgco2e_per_km - per_km).abs() < 1e-12);
        let trip = model.straight_line(10_000.0);
        assert!((trip.km - 26.0).abs() < 1e-9);
        assert!((trip.kgco2e - 26.0 * per_km).abs() < 1e-9);
        assert!((trip.cost_gbp - 26.0 * 0.88 / 1.609344 * 0.45).abs() < 1e-9);
        assert!((trip.hours - 26.0 / 40.0).abs() < 1e-12);
        let road = model.road(12.0, Some(20.0));
        assert_eq!((road.km, road.hours), (24.0, 40.0 / 60.0));
    }

    #[test]
    fn shares_must_add_up_and_have_factors() {
        assert!("car=0.5,bus=0.4".parse::<ModeShare>().unwrap_err().contains("add up to 0.9"));
        assert!("car=1.5".parse::<ModeShare>().is_err());
        assert!("car".parse::<ModeShare>().is_err());
        let share: ModeShare = "Car=0.5, Walk-Cycle=0.5".parse().unwrap();
        assert_eq!(share.0.keys().collect::<Vec<_>>(), ["car", "walk_cycle"]);
        let err = TravelModel::new(1.0, "hovercraft=1".parse().unwrap(), &EmissionFactors::uk_2025(), 0.45, 40.0)
            .unwrap_err();
        assert!(err.contains("mode 'hovercraft' has a share but no factor"), "{err}");
    }
}
