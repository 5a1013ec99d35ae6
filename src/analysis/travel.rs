//! `TravelModel`: a patient's return trip to a site as passenger-km, kg CO2e (with a low–high range), cost and time, under a mode share (national, or by area from the census) and emission factors.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{Error, Location, Result};
use crate::reference::census::CensusTravel;

/// The factors shipped with anchormap: `data/ghg_conversion_factors_2025.csv`.
const DEFAULT_FACTORS: &str = include_str!("../../data/ghg_conversion_factors_2025.csv");
const DEFAULT_FACTORS_SOURCE: &str = "UK Government GHG Conversion Factors for Company Reporting 2025 (DESNZ), \
    Business travel- land (direct) and WTT- pass vehs & travel- land (well-to-tank); data/ghg_conversion_factors_2025.csv";

/// Mode share for hospital trips: National Travel Survey as quoted by the Green Nephrology Network
/// (about 88% car, 3% bus, 8% rail, 1% other for journeys of about 24 km).
pub const DEFAULT_MODE_SHARE: &str = "car=0.88,bus=0.03,rail=0.08,walk_cycle=0.01";
/// Road distance over straight-line distance (published values for England 1.25-1.4).
pub const DEFAULT_CIRCUITY: f64 = 1.3;
/// The circuity range of the low and high estimates (the literature's 1.25–1.4, widened to 1.2).
pub const CIRCUITY_RANGE: (f64, f64) = (1.2, 1.4);
/// The car share of the low estimate: a 2025 Transport Focus panel found about half of patients travel by car.
pub const LOW_CAR_SHARE: f64 = 0.5;
/// The car share of the high estimate: every patient driven in a car of their own.
pub const HIGH_CAR_SHARE: f64 = 1.0;
/// HMRC approved mileage rate, first 10,000 miles (GBP per mile).
pub const DEFAULT_MILEAGE_GBP_PER_MILE: f64 = 0.45;
/// One-way car minutes = this fixed time plus [`TIME_MINUTES_PER_KM`] per straight-line km: fitted to a
/// national modelled road travel-time matrix (every LSOA of England and Wales to its nearest acute
/// stroke unit), median error 9% (METHOD.md, "Travel time").
pub const TIME_FIXED_MINUTES: f64 = 9.5;
/// See [`TIME_FIXED_MINUTES`].
pub const TIME_MINUTES_PER_KM: f64 = 1.04;
/// Journeys by bus, rail, tram, on foot or by bicycle take this many times the car time: DfT Journey
/// Time Statistics 2019 give an average minimum time to 8 key services of 10 minutes by car and 18 by
/// public transport or walking.
pub const DEFAULT_WITHOUT_CAR_TIME_FACTOR: f64 = 1.8;
/// Workers of an area's travel-to-work split are shrunk towards the national split by this many
/// (pseudo-)workers, so that a handful of rail commuters do not decide an area's split.
const COMMUTE_SHRINKAGE_WORKERS: f64 = 100.0;
const KM_PER_MILE: f64 = 1.609_344;

/// Emission factors in kg CO2e per passenger-km (per vehicle-km for cars and motorbikes, one
/// patient per vehicle), by mode; with well-to-tank factors where the file has them.
#[derive(Debug, Clone, Serialize)]
pub struct EmissionFactors {
    pub source: String,
    pub kgco2e_per_km: BTreeMap<String, f64>,
    /// Well-to-tank (fuel production and supply) factors, when the file has a `wtt_kgco2e_per_km` column.
    pub wtt_kgco2e_per_km: Option<BTreeMap<String, f64>>,
}

impl EmissionFactors {
    /// The 2025 UK government factors shipped in `data/`.
    pub fn uk_2025() -> EmissionFactors {
        let factors =
            EmissionFactors::parse(DEFAULT_FACTORS.as_bytes(), Path::new("data/ghg_conversion_factors_2025.csv"))
                .expect("the shipped factor file is valid");
        EmissionFactors { source: DEFAULT_FACTORS_SOURCE.to_string(), ..factors }
    }

    /// A user's factor file: CSV with `mode,kgco2e_per_km` and optionally `wtt_kgco2e_per_km` (other columns ignored).
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
        let wtt_col = headers.iter().position(|h| h == "wtt_kgco2e_per_km");
        let mut kgco2e_per_km = BTreeMap::new();
        let mut wtt = BTreeMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| Error::csv(path, e))?;
            let line = record.position().map_or(0, |p| p.line());
            let mode = mode_name(record.get(mode_col).unwrap_or_default());
            let factor_at = |col: usize| {
                let text = record.get(col).unwrap_or_default().trim();
                text.parse::<f64>().ok().filter(|f| (0.0..=100.0).contains(f)).ok_or_else(|| {
                    Error::invalid(
                        Location::at(path, line, col + 1),
                        format!("'{text}' is not an emission factor (kg CO2e per km, 0 to 100)"),
                    )
                })
            };
            let factor = factor_at(factor_col)?;
            if mode.is_empty() {
                return Err(Error::invalid(Location::at(path, line, mode_col + 1), "the mode is blank"));
            }
            if let Some(col) = wtt_col {
                wtt.insert(mode.clone(), factor_at(col)?);
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
        Ok(EmissionFactors {
            source: path.display().to_string(),
            kgco2e_per_km,
            wtt_kgco2e_per_km: wtt_col.map(|_| wtt),
        })
    }
}

/// A mode name as compared: lower case, spaces and hyphens as underscores.
fn mode_name(text: &str) -> String {
    text.trim().to_ascii_lowercase().replace([' ', '-', '/'], "_")
}

/// A car mode (`car`, `car_petrol`, …): the mileage rate and car availability apply to it.
fn is_car(mode: &str) -> bool {
    mode == "car" || mode.starts_with("car_")
}

/// A mode that takes the car's time (a car, a taxi, a motorbike); the others take longer.
fn travels_like_a_car(mode: &str) -> bool {
    is_car(mode) || mode == "taxi" || mode == "motorbike"
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

impl ModeShare {
    /// The national default (National Travel Survey hospital trips).
    pub fn default_national() -> ModeShare {
        DEFAULT_MODE_SHARE.parse().expect("the default mode share parses")
    }

    /// The share of trips by car (modes named car or car_*).
    pub fn car(&self) -> f64 {
        self.0.iter().filter(|(m, _)| is_car(m)).map(|(_, s)| s).sum()
    }

    /// The same split with the car modes scaled to `car` in all and the other modes scaled to the
    /// rest, each keeping its proportion; unchanged where there is nothing to move to or from.
    ///
    /// ```
    /// use anchormap::analysis::travel::ModeShare;
    /// let national: ModeShare = "car=0.8,bus=0.15,walk_cycle=0.05".parse().unwrap();
    /// let half = national.with_car_share(0.5);
    /// assert!((half.0["bus"] - 0.375).abs() < 1e-12 && (half.0["car"] - 0.5).abs() < 1e-12);
    /// ```
    pub fn with_car_share(&self, car: f64) -> ModeShare {
        let now = self.car();
        let others = 1.0 - now;
        let car = car.clamp(0.0, 1.0);
        if now <= 0.0 || (others <= 0.0 && car < now) {
            return self.clone();
        }
        let shares = self
            .0
            .iter()
            .map(|(mode, share)| {
                let scaled = if is_car(mode) { share * car / now } else { share * (1.0 - car) / others };
                (mode.clone(), scaled)
            })
            .collect();
        ModeShare(shares)
    }
}

/// How one-way car travel time is estimated where a distance matrix gives none.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum TimeModel {
    /// Minutes = `fixed_minutes` + `minutes_per_straight_line_km` × straight-line km (the default,
    /// fitted to a national road travel-time matrix).
    FixedPlusPerKm { fixed_minutes: f64, minutes_per_straight_line_km: f64 },
    /// Minutes = road km (straight line × circuity) ÷ `kmh` × 60 (`--speed-kmh`).
    Speed { kmh: f64 },
}

impl Default for TimeModel {
    fn default() -> TimeModel {
        TimeModel::FixedPlusPerKm {
            fixed_minutes: TIME_FIXED_MINUTES,
            minutes_per_straight_line_km: TIME_MINUTES_PER_KM,
        }
    }
}

impl TimeModel {
    /// One-way car minutes for a trip of `straight_km` straight line and `road_km` by road.
    ///
    /// ```
    /// use anchormap::analysis::travel::TimeModel;
    /// // 10 km in a straight line: 9.5 + 10.4 = 19.9 minutes, not 13 km at 40 km/h (19.5).
    /// assert!((TimeModel::default().car_minutes(10.0, 13.0) - 19.9).abs() < 1e-9);
    /// assert!((TimeModel::Speed { kmh: 40.0 }.car_minutes(10.0, 13.0) - 19.5).abs() < 1e-9);
    /// ```
    pub fn car_minutes(&self, straight_km: f64, road_km: f64) -> f64 {
        match *self {
            TimeModel::FixedPlusPerKm { fixed_minutes, minutes_per_straight_line_km } => {
                fixed_minutes + minutes_per_straight_line_km * straight_km
            }
            TimeModel::Speed { kmh } => road_km / kmh * 60.0,
        }
    }
}

/// One appointment's return trip, for one patient.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Trip {
    /// Passenger-km, both ways.
    pub km: f64,
    pub kgco2e: f64,
    /// The low and high estimates of `kgco2e` (circuity, mode share and well-to-tank at the ends of their ranges).
    pub kgco2e_low: f64,
    pub kgco2e_high: f64,
    /// Car mileage at the HMRC rate (other modes' fares are not estimated).
    pub cost_gbp: f64,
    /// Door-to-door travel time, both ways, over the modes of the share.
    pub hours: f64,
}

/// What a mode share comes to per passenger-km and per minute of car time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Blend {
    /// kg CO2e per passenger-km over the share (well-to-tank included when asked for).
    pub kgco2e_per_km: f64,
    /// The low estimate: the car share at [`LOW_CAR_SHARE`] (or lower, where already lower), direct emissions only.
    pub kgco2e_per_km_low: f64,
    /// The high estimate: every patient by car ([`HIGH_CAR_SHARE`]), well-to-tank included where the factors have it.
    pub kgco2e_per_km_high: f64,
    /// Share of trips by car, to which the mileage rate applies.
    pub car_share: f64,
    /// Travel time over car time: 1 for car, taxi and motorbike, the without-car factor for the rest, averaged over the share.
    pub time_factor: f64,
}

/// The assumptions that turn a distance into a trip.
#[derive(Debug, Clone, Serialize)]
pub struct TravelModel {
    pub circuity: f64,
    /// The circuity of the low and high estimates (the central one widened to at least [`CIRCUITY_RANGE`]).
    pub circuity_range: (f64, f64),
    /// The national split (areas may have their own: [`AreaModeShares`]).
    pub mode_share: ModeShare,
    /// The direct factor used for each mode in the share.
    pub factors: BTreeMap<String, f64>,
    /// The well-to-tank factor of each mode in the share, where the factor file has them.
    pub wtt_factors: Option<BTreeMap<String, f64>>,
    /// Whether well-to-tank emissions are in the central figure.
    pub include_wtt: bool,
    pub factors_source: String,
    pub mileage_gbp_per_mile: f64,
    pub time: TimeModel,
    pub without_car_time_factor: f64,
    /// The national split's blend.
    pub national: Blend,
}

impl TravelModel {
    /// Every mode with a share must have a factor (and a well-to-tank factor when `include_wtt`).
    pub fn new(
        circuity: f64,
        mode_share: ModeShare,
        factors: &EmissionFactors,
        mileage_gbp_per_mile: f64,
        time: TimeModel,
        without_car_time_factor: f64,
        include_wtt: bool,
    ) -> std::result::Result<TravelModel, String> {
        let mut used = BTreeMap::new();
        for mode in mode_share.0.keys() {
            let factor = factors.kgco2e_per_km.get(mode).ok_or_else(|| {
                format!(
                    "--mode-share: mode '{mode}' has a share but no factor in {} (modes there: {})",
                    factors.source,
                    factors.kgco2e_per_km.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            })?;
            used.insert(mode.clone(), *factor);
        }
        let wtt_factors = factors
            .wtt_kgco2e_per_km
            .as_ref()
            .map(|wtt| used.keys().filter_map(|m| wtt.get(m).map(|f| (m.clone(), *f))).collect::<BTreeMap<_, _>>());
        if include_wtt && wtt_factors.as_ref().is_none_or(|w| w.len() != used.len()) {
            return Err(format!(
                "--include-wtt needs a well-to-tank factor for every mode, and {} has no wtt_kgco2e_per_km column \
                 (add one, or leave out --include-wtt)",
                factors.source
            ));
        }
        let mut model = TravelModel {
            circuity,
            circuity_range: (circuity.min(CIRCUITY_RANGE.0), circuity.max(CIRCUITY_RANGE.1)),
            mode_share: mode_share.clone(),
            factors: used,
            wtt_factors,
            include_wtt,
            factors_source: factors.source.clone(),
            mileage_gbp_per_mile,
            time,
            without_car_time_factor,
            national: Blend::default(),
        };
        model.national = model.blend(&mode_share);
        Ok(model)
    }

    /// What a split (of the modes of the national one) comes to per km and per minute of car time.
    pub fn blend(&self, share: &ModeShare) -> Blend {
        let direct =
            |s: &ModeShare| s.0.iter().map(|(m, x)| x * self.factors.get(m).copied().unwrap_or(0.0)).sum::<f64>();
        let wtt = |s: &ModeShare| {
            self.wtt_factors
                .as_ref()
                .map(|w| s.0.iter().map(|(m, x)| x * w.get(m).copied().unwrap_or(0.0)).sum::<f64>())
        };
        let central = direct(share) + if self.include_wtt { wtt(share).unwrap_or(0.0) } else { 0.0 };
        let car = share.car();
        let low_share = share.with_car_share(car.min(LOW_CAR_SHARE));
        let high_share = share.with_car_share(car.max(HIGH_CAR_SHARE));
        let high = direct(&high_share) + wtt(&high_share).unwrap_or(0.0);
        Blend {
            kgco2e_per_km: central,
            kgco2e_per_km_low: direct(&low_share).min(direct(share)).min(central),
            kgco2e_per_km_high: high.max(central),
            car_share: car,
            time_factor: share
                .0
                .iter()
                .map(|(m, x)| x * if travels_like_a_car(m) { 1.0 } else { self.without_car_time_factor })
                .sum(),
        }
    }

    /// A return trip under `blend` between two points `straight_m` metres apart; `road` is the
    /// one-way road km (and minutes, if known) from a distance matrix, else straight line × circuity.
    pub fn trip(&self, blend: &Blend, straight_m: f64, road: Option<(f64, Option<f64>)>) -> Trip {
        let straight_km = straight_m / 1000.0;
        let (km, km_low, km_high, minutes) = match road {
            Some((km, minutes)) => (km, km, km, minutes),
            None => (
                straight_km * self.circuity,
                straight_km * self.circuity_range.0,
                straight_km * self.circuity_range.1,
                None,
            ),
        };
        let car_minutes = minutes.unwrap_or_else(|| self.time.car_minutes(straight_km, km));
        Trip {
            km: 2.0 * km,
            kgco2e: 2.0 * km * blend.kgco2e_per_km,
            kgco2e_low: 2.0 * km_low * blend.kgco2e_per_km_low,
            kgco2e_high: 2.0 * km_high * blend.kgco2e_per_km_high,
            cost_gbp: 2.0 * km * blend.car_share / KM_PER_MILE * self.mileage_gbp_per_mile,
            hours: 2.0 * car_minutes * blend.time_factor / 60.0,
        }
    }

    /// A return trip under the national split over a straight-line distance (metres).
    pub fn straight_line(&self, metres: f64) -> Trip {
        self.trip(&self.national, metres, None)
    }
}

/// Mode shares by area: the national split's non-car share scaled by the area's share of
/// households without a car relative to the national share, and shared among the other modes
/// in the national proportions tilted by how the area's workers travel (METHOD.md, "Mode share by area").
#[derive(Debug, Clone)]
pub struct AreaModeShares {
    pub national_share: ModeShare,
    /// The census counts of the whole table (England and Wales).
    pub national: CensusTravel,
}

impl AreaModeShares {
    pub fn new(national_share: ModeShare, national: CensusTravel) -> AreaModeShares {
        AreaModeShares { national_share, national }
    }

    /// The split for an area with these census counts (the national split where they say nothing).
    ///
    /// ```
    /// use anchormap::analysis::travel::{AreaModeShares, ModeShare};
    /// use anchormap::reference::census::CensusTravel;
    /// let national = CensusTravel { households: 1000.0, households_without_car: 250.0, ..Default::default() };
    /// let shares = AreaModeShares::new("car=0.9,bus=0.1".parse().unwrap(), national);
    /// // Twice the national share of households without a car: twice the share of trips without one.
    /// let area = CensusTravel { households: 100.0, households_without_car: 50.0, ..Default::default() };
    /// let split = shares.share(&area);
    /// assert!((split.0["bus"] - 0.2).abs() < 1e-12 && (split.0["car"] - 0.8).abs() < 1e-12);
    /// ```
    pub fn share(&self, area: &CensusTravel) -> ModeShare {
        let national = &self.national_share;
        let (Some(here), Some(everywhere)) = (area.without_car(), self.national.without_car()) else {
            return national.clone();
        };
        let others: f64 = 1.0 - national.car();
        if everywhere <= 0.0 || others <= 0.0 || national.car() <= 0.0 {
            return national.clone();
        }
        let without_car = (others * here / everywhere).min(1.0);
        // Each other mode's national weight, tilted by the area's workers (shrunk towards the national rate).
        let tilt = |mode: &str| -> f64 {
            let (Some(local), Some(all)) = (area.workers_by(mode), self.national.workers_by(mode)) else { return 1.0 };
            if self.national.workers <= 0.0 || all <= 0.0 {
                return 1.0;
            }
            let rate = all / self.national.workers;
            let k = COMMUTE_SHRINKAGE_WORKERS;
            ((local + k * rate) / (area.workers + k)) / rate
        };
        let weights: BTreeMap<&str, f64> =
            national.0.iter().filter(|(m, _)| !is_car(m)).map(|(m, s)| (m.as_str(), s * tilt(m))).collect();
        let total: f64 = weights.values().sum();
        let car = national.car();
        let shares = national
            .0
            .iter()
            .map(|(mode, share)| {
                let s = if is_car(mode) {
                    share / car * (1.0 - without_car)
                } else if total > 0.0 {
                    weights[mode.as_str()] / total * without_car
                } else {
                    share / others * without_car
                };
                (mode.clone(), s)
            })
            .collect();
        ModeShare(shares)
    }
}

/// The blend of each of a run's areas: its own split where the census covers it, else the national one.
#[derive(Debug, Clone)]
pub struct AreaTravel {
    national: Blend,
    /// By area row; `None` where the area takes the national split.
    blends: Vec<Option<Blend>>,
}

impl AreaTravel {
    /// The national split everywhere.
    pub fn national(model: &TravelModel) -> AreaTravel {
        AreaTravel { national: model.national, blends: Vec::new() }
    }

    /// Each area's split from its census counts (`census[i]` for area row `i`).
    pub fn by_area(model: &TravelModel, shares: &AreaModeShares, census: &[Option<CensusTravel>]) -> AreaTravel {
        let blends = census.iter().map(|c| c.as_ref().map(|c| model.blend(&shares.share(c)))).collect();
        AreaTravel { national: model.national, blends }
    }

    /// The blend for patients of area row `area` (`None`: outside every area).
    pub fn blend(&self, area: Option<usize>) -> &Blend {
        area.and_then(|a| self.blends.get(a)).and_then(Option::as_ref).unwrap_or(&self.national)
    }

    /// How many areas have a split of their own.
    pub fn areas_by_census(&self) -> usize {
        self.blends.iter().flatten().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(circuity: f64, share: &str) -> TravelModel {
        TravelModel::new(
            circuity,
            share.parse().unwrap(),
            &EmissionFactors::uk_2025(),
            0.45,
            TimeModel::Speed { kmh: 40.0 },
            DEFAULT_WITHOUT_CAR_TIME_FACTOR,
            false,
        )
        .unwrap()
    }

    #[test]
    fn shipped_factors_are_the_2025_values() {
        let f = EmissionFactors::uk_2025();
        assert_eq!(f.kgco2e_per_km["car"], 0.16725);
        assert_eq!(f.kgco2e_per_km["bus"], 0.10385);
        assert_eq!(f.kgco2e_per_km["rail"], 0.03546);
        assert_eq!(f.kgco2e_per_km["walk_cycle"], 0.0);
        let wtt = f.wtt_kgco2e_per_km.unwrap();
        assert_eq!((wtt["car"], wtt["bus"], wtt["rail"], wtt["walk_cycle"]), (0.04399, 0.02649, 0.00897, 0.0));
    }

    #[test]
    fn a_trip_by_hand() {
        let model = model(1.3, DEFAULT_MODE_SHARE);
        let per_km = 0.88 * 0.16725 + 0.03 * 0.10385 + 0.08 * 0.03546;
        assert!((model.national.kgco2e_per_km - per_km).abs() < 1e-12);
        let trip = model.straight_line(10_000.0);
        assert!((trip.km - 26.0).abs() < 1e-9);
        assert!((trip.kgco2e - 26.0 * per_km).abs() < 1e-9);
        assert!((trip.cost_gbp - 26.0 * 0.88 / 1.609344 * 0.45).abs() < 1e-9);
        // 13 km at 40 km/h each way by car; the 12% without a car take 1.8 times as long.
        let time_factor = 0.88 + 0.12 * 1.8;
        assert!((trip.hours - 26.0 / 40.0 * time_factor).abs() < 1e-12);
        let road = model.trip(&model.national, 10_000.0, Some((12.0, Some(20.0))));
        assert_eq!(road.km, 24.0);
        assert!((road.hours - 40.0 / 60.0 * time_factor).abs() < 1e-12);
    }

    #[test]
    fn the_range_brackets_the_central_figure() {
        for share in [DEFAULT_MODE_SHARE, "car=1", "bus=1", "car=0.3,rail=0.7"] {
            let model = model(1.3, share);
            let trip = model.straight_line(7_000.0);
            assert!(trip.kgco2e_low <= trip.kgco2e && trip.kgco2e <= trip.kgco2e_high, "{share}: {trip:?}");
        }
        let m = model(1.3, DEFAULT_MODE_SHARE);
        let trip = m.straight_line(10_000.0);
        // Low: 1.2 circuity, half by car (the rest split as nationally), no WTT. High: 1.4, all by car, with WTT.
        let low_share = m.mode_share.with_car_share(0.5);
        let low_per_km = m.blend(&low_share).kgco2e_per_km;
        assert!((trip.kgco2e_low - 24.0 * low_per_km).abs() < 1e-9);
        assert!((trip.kgco2e_high - 28.0 * (0.16725 + 0.04399)).abs() < 1e-9);
        let wide = model(1.5, DEFAULT_MODE_SHARE);
        assert_eq!(wide.circuity_range, (1.2, 1.5), "a central circuity outside the range widens it");
    }

    #[test]
    fn well_to_tank_is_added_when_asked_for() {
        let factors = EmissionFactors::uk_2025();
        let with =
            TravelModel::new(1.3, "car=1".parse().unwrap(), &factors, 0.45, TimeModel::default(), 1.8, true).unwrap();
        assert!((with.national.kgco2e_per_km - (0.16725 + 0.04399)).abs() < 1e-12);
        let own = EmissionFactors {
            source: "own.csv".into(),
            kgco2e_per_km: [("car".to_string(), 0.2)].into(),
            wtt_kgco2e_per_km: None,
        };
        let err =
            TravelModel::new(1.3, "car=1".parse().unwrap(), &own, 0.45, TimeModel::default(), 1.8, true).unwrap_err();
        assert!(err.contains("--include-wtt needs a well-to-tank factor") && err.contains("own.csv"), "{err}");
    }

    #[test]
    fn shares_must_add_up_and_have_factors() {
        assert!("car=0.5,bus=0.4".parse::<ModeShare>().unwrap_err().contains("add up to 0.9"));
        assert!("car=1.5".parse::<ModeShare>().is_err());
        assert!("car".parse::<ModeShare>().is_err());
        let share: ModeShare = "Car=0.5, Walk-Cycle=0.5".parse().unwrap();
        assert_eq!(share.0.keys().collect::<Vec<_>>(), ["car", "walk_cycle"]);
        let err = TravelModel::new(
            1.0,
            "hovercraft=1".parse().unwrap(),
            &EmissionFactors::uk_2025(),
            0.45,
            TimeModel::default(),
            1.8,
            false,
        )
        .unwrap_err();
        assert!(err.contains("mode 'hovercraft' has a share but no factor"), "{err}");
    }

    #[test]
    fn areas_with_fewer_cars_travel_less_by_car_and_emit_less_per_km() {
        let national = CensusTravel {
            households: 1000.0,
            households_without_car: 233.0,
            workers: 1000.0,
            workers_bus: 50.0,
            workers_rail: 50.0,
            workers_walk_cycle: 100.0,
        };
        let shares = AreaModeShares::new(ModeShare::default_national(), national);
        let m = model(1.3, DEFAULT_MODE_SHARE);
        let car_free = CensusTravel {
            households: 600.0,
            households_without_car: 300.0,
            workers: 500.0,
            workers_bus: 100.0,
            ..Default::default()
        };
        let leafy = CensusTravel {
            households: 600.0,
            households_without_car: 30.0,
            workers: 500.0,
            workers_rail: 25.0,
            ..Default::default()
        };
        let (a, b) = (shares.share(&car_free), shares.share(&leafy));
        for split in [&a, &b] {
            assert!((split.0.values().sum::<f64>() - 1.0).abs() < 1e-12);
        }
        assert!(a.car() < 0.88 && b.car() > 0.88, "{a:?} {b:?}");
        // Half the households without a car: 0.12 x 0.5/0.233 of trips without one.
        assert!((1.0 - a.car() - 0.12 * 0.5 / 0.233).abs() < 1e-12);
        assert!(a.0["bus"] / a.0["rail"] > b.0["bus"] / b.0["rail"], "bus commuters tilt the split to bus");
        assert!(m.blend(&a).kgco2e_per_km < m.blend(&b).kgco2e_per_km);
        assert!(m.blend(&a).time_factor > m.blend(&b).time_factor, "trips without a car take longer");
        // An area the census says nothing of keeps the national split.
        assert_eq!(shares.share(&CensusTravel::default()), ModeShare::default_national());
    }

    /// Issue 17: one trip from each of 24 LSOAs (England and Wales, 0.8–43 km) to its nearest acute
    /// stroke unit, with the minutes of a national modelled road travel-time matrix
    /// (`tests/fixtures/travel_times_lsoa_nearest_unit.csv`; METHOD.md, "Travel time").
    #[test]
    fn the_time_model_is_within_a_median_15_percent_of_road_times() {
        let text = include_str!("../../tests/fixtures/travel_times_lsoa_nearest_unit.csv");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut fitted = Vec::new();
        let mut speed = Vec::new();
        for row in reader.records() {
            let row = row.unwrap();
            let km: f64 = row[2].parse().unwrap();
            let minutes: f64 = row[3].parse().unwrap();
            fitted.push((TimeModel::default().car_minutes(km, km * 1.3) - minutes).abs() / minutes);
            speed.push((TimeModel::Speed { kmh: 40.0 }.car_minutes(km, km * 1.3) - minutes).abs() / minutes);
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
        };
        assert_eq!(fitted.len(), 24);
        let (fitted, speed) = (median(&mut fitted), median(&mut speed));
        assert!(fitted < 0.15, "median error {fitted}");
        assert!(speed > fitted, "the old 40 km/h model: {speed}");
    }
}
