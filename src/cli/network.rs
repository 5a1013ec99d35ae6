//! `anchormap network`'s arguments: the partners, and everything a gaps run takes for the community they share.

use std::path::PathBuf;

use clap::Args;

use super::commute::{CommuteTravelArgs, ReachArgs};
use super::{AreaBridgeArgs, CommuteArgs, GapsArgs, TravelArgs};
use crate::columns::ColumnMap;

/// One run for an anchor network: the partners' staff files (`--employers`, or one staff file
/// with `--employer-column`), and the community and reference options of `gaps`.
#[derive(Debug, Args)]
#[command(mut_arg("staff", |a| a.required(false).default_value("-").help(
    "With --employer-column: one staff file holding every partner's staff (as ESR's organisation column)"
)))]
pub struct NetworkArgs {
    /// The partners: a CSV of `employer,file` rows (each partner's staff extract; a relative path is
    /// from the CSV's folder), with optional `vacancies` and `applications` columns (each partner's
    /// vacancy file and job applications, as `funnel` reads them: the funnel per employer and pooled)
    /// and an optional `site` column (with --commute: the site code, of --sites, where all of a
    /// partner's staff work, its staff file's site column then not read).
    #[arg(long, value_name = "EMPLOYERS.csv")]
    pub employers: Option<PathBuf>,

    /// With one --staff file for every partner: the column naming each row's employer.
    #[arg(long, value_name = "HEADER", conflicts_with = "employers")]
    pub employer_column: Option<String>,

    /// A partner with fewer staff living in the community than this is published only within
    /// the pool (its own tables could not be protected beside the others').
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub min_employer_staff: u64,

    /// Application file columns when not detected (every partner's): postcode=,stage=,id=,vacancy=,ethnic_group=,sex=,band=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub application_columns: ColumnMap,

    /// Beyond this share of a partner's applications (0-1) with a status not read, the run stops (as funnel's).
    #[arg(long, value_name = "SHARE", default_value_t = crate::input::unrecognised::UNRECOGNISED_SHARE_LIMIT, value_parser = super::fraction)]
    pub max_unclear_share: f64,

    #[command(flatten)]
    pub commute: NetworkCommuteArgs,

    #[command(flatten)]
    pub gaps: GapsArgs,
}

/// Staff travel to work per partner and pooled (`--commute`): the options of `commute` but those
/// the network has already (staff, sites, car availability, output), `--site` (the employers file's
/// `site` column instead) and `--site-lookup` and `--targets` (not in a network run).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Commute (with --commute)")]
pub struct NetworkCommuteArgs {
    /// Each partner's staff travel to work, and the pool's, as `commute` writes them (commute_by_*.csv
    /// in each folder and gathered with an employer column), protected with the other tables. Needs
    /// --sites. Each partner's work site: the employers file's `site` column for the partner when
    /// given (everyone there); else its staff file's site column (--staff-columns site=HEADER); else,
    /// when --sites has one site, that one. A partner with none of these stops the run naming its file.
    #[arg(long, requires = "sites")]
    pub commute: bool,

    /// Road distance over straight-line distance (published values for England: 1.25-1.4).
    #[arg(long, value_name = "FACTOR", default_value_t = crate::analysis::travel::DEFAULT_CIRCUITY, value_parser = super::circuity)]
    pub circuity: f64,

    /// One national share of trips by mode, adding up to 1 (default: the national split of journeys
    /// to work, varied by area with --car-availability or --travel-to-work).
    #[arg(long, value_name = "MODE=SHARE,...")]
    pub mode_share: Option<crate::analysis::travel::ModeShare>,

    /// Census 2021 TS061 method of travel to work per LSOA 2021 (Nomis bulk CSV): each home area's split.
    #[arg(long, value_name = "TS061.csv")]
    pub travel_to_work: Option<PathBuf>,

    /// Travel to work columns when not detected: code=,workers=,bus=,train=,underground=,bicycle=,on_foot=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub travel_to_work_columns: ColumnMap,

    /// Add well-to-tank emissions (fuel production and supply, DESNZ 2025 WTT factors) to the figures.
    #[arg(long)]
    pub include_wtt: bool,

    /// Emission factors CSV (mode,kgco2e_per_km) instead of the shipped UK government 2025 factors.
    #[arg(long, value_name = "FILE")]
    pub factors: Option<PathBuf>,

    /// One-way road distances (and times) from home area to site: area_code,site_code,distance_km[,time_min].
    #[arg(long, value_name = "FILE")]
    pub distance_matrix: Option<PathBuf>,

    /// Distance matrix columns when not detected: area=,site=,distance_km=,time_min=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub distance_matrix_columns: ColumnMap,

    /// Cost of car travel, GBP per mile (HMRC approved mileage rate).
    #[arg(long, value_name = "GBP", default_value_t = crate::analysis::travel::DEFAULT_MILEAGE_GBP_PER_MILE, value_parser = super::non_negative)]
    pub mileage_rate: f64,

    /// Travel time as road km at this average speed (km/h), instead of the fitted national model.
    #[arg(long, value_name = "KMH", value_parser = super::positive_speed)]
    pub speed_kmh: Option<f64>,

    /// Journeys by bus, rail, tram, on foot or by bicycle take this many times the car time.
    #[arg(long, value_name = "FACTOR", default_value_t = crate::analysis::travel::DEFAULT_WITHOUT_CAR_TIME_FACTOR, value_parser = super::time_factor)]
    pub public_transport_time_factor: f64,

    #[command(flatten)]
    pub travel: CommuteTravelArgs,
}

impl NetworkCommuteArgs {
    /// The commute run a partner's staff (`staff`, all at `site` when given) would be alone: the
    /// network's community, reference and output options (`gaps`), these travel options.
    pub fn args(&self, gaps: &GapsArgs, staff: &std::path::Path, site: Option<String>) -> CommuteArgs {
        CommuteArgs {
            staff: staff.to_path_buf(),
            sites: gaps.sites.sites.clone().unwrap_or_default(),
            site,
            site_lookup: None,
            as_at: gaps.as_at,
            reference: gaps.reference.clone(),
            staff_columns: gaps.staff_columns.clone(),
            site_columns: gaps.sites.site_columns.clone(),
            bridge: AreaBridgeArgs::default(),
            names: gaps.names.clone(),
            travel: TravelArgs {
                circuity: self.circuity,
                mode_share: self.mode_share.clone(),
                car_availability: gaps.car_availability.clone(),
                car_availability_columns: gaps.car_availability_columns.clone(),
                travel_to_work: self.travel_to_work.clone(),
                travel_to_work_columns: self.travel_to_work_columns.clone(),
                include_wtt: self.include_wtt,
                factors: self.factors.clone(),
                distance_matrix: self.distance_matrix.clone(),
                distance_matrix_columns: self.distance_matrix_columns.clone(),
                mileage_rate: self.mileage_rate,
                speed_kmh: self.speed_kmh,
                public_transport_time_factor: self.public_transport_time_factor,
            },
            commute: self.travel.clone(),
            reach: ReachArgs {
                targets: None,
                targets_columns: ColumnMap::default(),
                time_matrix: None,
                time_matrix_columns: ColumnMap::default(),
                reach_minutes: 45.0,
            },
            values: gaps.values.clone(),
            disclosure: gaps.disclosure.clone(),
            output: gaps.output.clone(),
        }
    }
}
