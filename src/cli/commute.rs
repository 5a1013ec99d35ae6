//! `anchormap commute`'s options: the staff file, the sites, how often staff travel, and the travel flags it shares with `emissions`.

use std::path::PathBuf;

use clap::Args;

use super::{AreaBridgeArgs, AreaNameArgs, DisclosureArgs, OutputDirArgs, ReferenceArgs, TravelArgs, ValueArgs};
use crate::columns::ColumnMap;

/// Weekdays in a year (52 weeks of 5 days).
pub const DEFAULT_WORKING_DAYS: f64 = 260.0;
/// Days of leave a full-time member of staff takes in a year: 27 days of annual leave (Agenda for
/// Change on appointment, NHS Terms and Conditions of Service Handbook, section 13) and 8 bank holidays.
pub const DEFAULT_LEAVE_DAYS: f64 = 35.0;

/// Homes further than this from the site (km, straight line) are not daily commutes: over 1.5 hours each
/// way by car under the fitted time model, beyond Census 2021 TS058's top band (60 km and over).
pub const DEFAULT_MAX_COMMUTE_KM: f64 = 100.0;

/// Staff travel to work: trips, km, kg CO2e, cost and hours by home area, deprivation decile, band and site.
#[derive(Debug, Args)]
#[command(mut_arg("area_bridge", |a| a.help(
    "The ONS LSOA 2011 <-> 2021 lookup: the census tables (LSOA 2021) joined to an LSOA 2011 run"
)))]
pub struct CommuteArgs {
    /// Staff CSV (an ESR extract): home postcode; optional work site (code, name or alias), contracted WTE,
    /// staff group and band.
    #[arg(long, value_name = "S.csv")]
    pub staff: PathBuf,

    /// Sites CSV: site_code, site_name, and postcode and/or easting, northing (an aliases column lists other names).
    #[arg(long, value_name = "SITES.csv")]
    pub sites: PathBuf,

    /// Every member of staff works at this site (a code of the sites file), whatever the staff file says.
    #[arg(long, value_name = "CODE")]
    pub site: Option<String>,

    /// Work sites from another staff column (e.g. ESR cost centre or organisation): a CSV whose first
    /// column is headed by that staff column's header and holds its values, with a site column (a code,
    /// name or alias of the sites file). Staff whose value it lacks are counted and listed.
    #[arg(long, value_name = "LOOKUP.csv", conflicts_with = "site")]
    pub site_lookup: Option<PathBuf>,

    /// The date the staff file was extracted (YYYY-MM-DD): the summary records it and the map's
    /// title says "staff file of …" (a board paper dates its figures).
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub as_at: Option<crate::input::staff::Date>,

    #[command(flatten)]
    pub reference: ReferenceArgs,

    /// Staff file columns when not detected: postcode=,site=,wte=,staff_group=,band=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub staff_columns: ColumnMap,

    /// Site file columns when not detected: code=,name=,postcode=,easting=,northing=,aliases=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub site_columns: ColumnMap,

    #[command(flatten)]
    pub bridge: AreaBridgeArgs,

    #[command(flatten)]
    pub names: AreaNameArgs,

    #[command(flatten)]
    pub travel: TravelArgs,

    #[command(flatten)]
    pub commute: CommuteTravelArgs,

    #[command(flatten)]
    pub reach: ReachArgs,

    #[command(flatten)]
    pub values: ValueArgs,

    #[command(flatten)]
    pub disclosure: DisclosureArgs,

    #[command(flatten)]
    pub output: OutputDirArgs,
}

/// How often staff travel, and how their mode split is chosen.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Commute")]
pub struct CommuteTravelArgs {
    /// The trust's own travel survey: CSV of site, band_group and staff_group (each optional), mode, share;
    /// each key's shares add up to 1 (blank: any). Replaces the census split.
    #[arg(long, value_name = "FILE")]
    pub mode_survey: Option<PathBuf>,

    /// Days a week on site (0-5): one number for every non-clinical staff group, and/or GROUP=DAYS per
    /// staff group ("3,Administrative and Clerical=2"). Clinical groups stay at 5 unless named.
    #[arg(long, value_name = "DAYS[,GROUP=DAYS...]", default_value = "5")]
    pub days_on_site: DaysOnSite,

    /// Weekdays in a year for a full-time member of staff.
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_WORKING_DAYS, value_parser = days)]
    pub working_days: f64,

    /// Days of leave in a year, bank holidays included (Agenda for Change: 27 days on appointment + 8 bank holidays).
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_LEAVE_DAYS, value_parser = days)]
    pub leave_days: f64,

    /// Census 2021 TS058 distance travelled to work per LSOA (Nomis bulk layout): commute_by_distance.csv
    /// sets staff's straight-line distances beside the census's for workers living where staff live.
    #[arg(long, value_name = "TS058.csv")]
    pub distance_travelled: Option<PathBuf>,

    /// Distance travelled file columns when not detected: under_2km=,2_to_5km=,...,60km_and_over=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub distance_travelled_columns: ColumnMap,

    /// Keep census workers who "work mainly at or from home" in each area's split (as no trip), instead of
    /// dropping them and sharing the trips among those who travelled (census day fell in a lockdown).
    #[arg(long)]
    pub keep_census_home_working: bool,

    /// Homes further than this from the work site (straight line, one way) are not taken as daily
    /// commutes (an address not updated, a weekly commuter): counted by reason and left out of the figures.
    #[arg(long, value_name = "KM", default_value_t = DEFAULT_MAX_COMMUTE_KM, value_parser = km)]
    pub max_commute_km: f64,

    /// Scenario: this fraction (0-1) of car drivers' trips shorter than --short-trip-km one way made on foot
    /// or by bicycle instead; its saving is a column of every table.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0, value_parser = fraction)]
    pub shift_short_car_trips: f64,

    /// A short trip for --shift-short-car-trips: one way, road km (straight line x circuity, or the matrix's).
    #[arg(long, value_name = "KM", default_value_t = 5.0, value_parser = km)]
    pub short_trip_km: f64,

    /// Scenario: one more day a week at home for staff of non-clinical groups on site at least 2 days a week.
    #[arg(long)]
    pub extra_home_day: bool,

    /// Scenario: a site moved (or a new building for its staff) at this British National Grid point:
    /// CODE=EASTING,NORTHING. Its staff's trips to the new point (straight line x circuity, both before
    /// and after) give the kg CO2e, km and hours saved (negative: more) in every table.
    #[arg(long, value_name = "CODE=EASTING,NORTHING")]
    pub scenario_site: Option<SiteMove>,
}

/// Which target neighbourhoods can reach each site without a car.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Target reach")]
pub struct ReachArgs {
    /// Target neighbourhoods: a gaps run's targets.csv (or any CSV of area codes, ranked or not). Each
    /// target's one-way time to each site without a car, and whether it is within --reach-minutes, is
    /// written to commute_target_reach.csv.
    #[arg(long, value_name = "targets.csv")]
    pub targets: Option<PathBuf>,

    /// Targets file columns when not detected: rank=,area=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub targets_columns: ColumnMap,

    /// One-way times without a car (public transport) from areas to sites: r5r's travel_time_matrix
    /// (from_id,to_id,travel_time_p50), OpenTripPlanner's or the trust's own (area,site,minutes).
    /// Pairs it lacks are modelled, and labelled so.
    #[arg(long, value_name = "FILE", requires = "targets")]
    pub time_matrix: Option<PathBuf>,

    /// Time matrix columns when not detected: area=,site=,minutes=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub time_matrix_columns: ColumnMap,

    /// Within reach: at most this many minutes one way without a car (DfT Journey Time Statistics
    /// count access to employment centres within 15, 30 and 45 minutes).
    #[arg(long, value_name = "MINUTES", default_value_t = 45.0, value_parser = minutes)]
    pub reach_minutes: f64,
}

/// `--scenario-site`: a site's code and the point it moves to.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteMove {
    /// A code (or name) of the sites file.
    pub site: String,
    /// The new point, British National Grid metres.
    pub easting: f64,
    /// See `easting`.
    pub northing: f64,
}

impl std::str::FromStr for SiteMove {
    type Err = String;

    /// `RX1=385000,255000`.
    fn from_str(text: &str) -> Result<SiteMove, String> {
        let bad = || format!("'{text}' is not CODE=EASTING,NORTHING (British National Grid metres)");
        let (site, point) = text.rsplit_once('=').ok_or_else(bad)?;
        let (e, n) = point.split_once(',').ok_or_else(bad)?;
        let (easting, northing) =
            (e.trim().parse::<f64>().map_err(|_| bad())?, n.trim().parse::<f64>().map_err(|_| bad())?);
        if site.trim().is_empty() || !(0.0..=700_000.0).contains(&easting) || !(0.0..=1_300_000.0).contains(&northing) {
            return Err(bad());
        }
        Ok(SiteMove { site: site.trim().to_string(), easting, northing })
    }
}

fn fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err(format!("'{text}' is not a fraction between 0 and 1")),
    }
}

fn km(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 1000.0 => Ok(v),
        _ => Err(format!("'{text}' is not a distance in km (more than 0, at most 1000)")),
    }
}

fn minutes(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 600.0 => Ok(v),
        _ => Err(format!("'{text}' is not a number of minutes (more than 0, at most 600)")),
    }
}

fn days(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (0.0..=366.0).contains(&v) => Ok(v),
        _ => Err(format!("'{text}' is not a number of days (0 to 366)")),
    }
}

/// Days a week on site: one figure for the non-clinical staff groups, and figures by staff group.
#[derive(Debug, Clone, PartialEq)]
pub struct DaysOnSite {
    /// For every staff group not named and not clinical (5 when not given).
    pub overall: Option<f64>,
    /// Staff group (as written, compared ignoring case) and its days a week.
    pub by_group: Vec<(String, f64)>,
}

impl std::str::FromStr for DaysOnSite {
    type Err = String;

    /// `5`, `3`, `3,Administrative and Clerical=2` or `Administrative and Clerical=2`.
    fn from_str(text: &str) -> Result<DaysOnSite, String> {
        let mut days = DaysOnSite { overall: None, by_group: Vec::new() };
        let number = |t: &str| -> Result<f64, String> {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|d| (0.0..=5.0).contains(d))
                .ok_or_else(|| format!("'{}' is not a number of days a week (0 to 5)", t.trim()))
        };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.rsplit_once('=') {
                Some((group, d)) if !group.trim().is_empty() => {
                    days.by_group.push((group.trim().to_string(), number(d)?))
                }
                Some(_) => return Err(format!("'{part}' is not GROUP=DAYS")),
                None if days.overall.is_some() => return Err("one overall number of days a week, not two".into()),
                None => days.overall = Some(number(part)?),
            }
        }
        Ok(days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_on_site_read_overall_and_by_group() {
        let days: DaysOnSite = "3, Administrative and Clerical=2".parse().unwrap();
        assert_eq!(days.overall, Some(3.0));
        assert_eq!(days.by_group, vec![("Administrative and Clerical".to_string(), 2.0)]);
        assert!("6".parse::<DaysOnSite>().is_err());
        assert!("3,4".parse::<DaysOnSite>().is_err());
        assert!("=3".parse::<DaysOnSite>().is_err());
    }
}
