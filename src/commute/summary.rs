//! The commute run's summaries: `commute_summary.json` (published: counts under the rule, figures from the published tables) and `not-for-publication/commute_summary_exact.json` (exact figures, the unknown site names, warnings).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::travel::{ModeShare, TimeModel};
use crate::geocoder::{ReferenceSummary, Vintages};
use crate::output::disclosure::Disclosure;
use crate::output::run_summary::{AreaNamesSummary, Range};

/// The published summary's file name.
pub const SUMMARY: &str = "commute_summary.json";
/// The exact summary's file name (inside `not-for-publication/`).
pub const INTERNAL_SUMMARY: &str = "commute_summary_exact.json";

/// What the run assumed, stated in both summaries.
#[derive(Debug, Clone, Serialize)]
pub struct CommuteAssumptions {
    /// Return trips a year for one whole-time equivalent on site 5 days a week.
    pub trips_per_wte_year: f64,
    /// Weekdays in a year.
    pub working_days: f64,
    /// Days of leave (bank holidays included).
    pub leave_days: f64,
    /// Days a week on site: the overall figure (non-clinical groups) and by staff group.
    pub days_on_site: DaysOnSiteSummary,
    /// How the frequency is computed, in words.
    pub trips: String,
    /// How each member of staff's mode split was chosen, in words.
    pub modes: String,
    /// The national split (where nothing else applies).
    pub national_mode_share: ModeShare,
    /// Census files read for the split.
    pub census_files: Vec<String>,
    /// Direct kg CO2e per passenger-km (vehicle-km for cars) by mode.
    pub factors: BTreeMap<String, f64>,
    /// Where the factors come from.
    pub factors_source: String,
    /// Whether well-to-tank emissions are in the central figure.
    pub include_wtt: bool,
    /// Road km over straight-line km.
    pub circuity: f64,
    /// Distance, in words.
    pub distance: String,
    /// The low and high estimates, in words.
    pub range: String,
    /// Cost, in words.
    pub cost: String,
    /// GBP per mile of car travel.
    pub mileage_gbp_per_mile: f64,
    /// How travel time is estimated.
    pub travel_time: TimeModel,
    /// Journeys without a car take this many times the car time.
    pub travel_time_without_car_factor: f64,
    /// How a published figure is made.
    pub published_figures: String,
}

/// Days a week on site as the run applied them.
#[derive(Debug, Clone, Serialize)]
pub struct DaysOnSiteSummary {
    /// For non-clinical staff groups not named.
    pub overall: f64,
    /// Named staff groups.
    pub by_group: BTreeMap<String, f64>,
    /// Which groups count as clinical, in words.
    pub clinical_groups: String,
}

/// The scenarios and what each saves a year.
#[derive(Debug, Clone, Serialize)]
pub struct CommuteScenarios {
    /// The fraction of car drivers' short trips made on foot or by bicycle instead.
    pub shift_short_car_trips: f64,
    /// A short trip: one way, road km.
    pub short_trip_km: f64,
    /// kg CO2e a year the modal shift saves.
    pub modal_shift_kgco2e_saved: Option<f64>,
    /// Of it, the share saved by staff living in deciles 1–2.
    pub modal_shift_share_to_deciles_1_2: Option<f64>,
    /// Whether one more day a week at home was asked for.
    pub extra_home_day: bool,
    /// kg CO2e a year it saves.
    pub extra_home_day_kgco2e_saved: Option<f64>,
    /// Of it, the share saved by staff living in deciles 1–2.
    pub extra_home_day_share_to_deciles_1_2: Option<f64>,
    /// The moved site (`--scenario-site`): its code and new point.
    pub site_move: Option<String>,
    /// kg CO2e a year the move saves (negative: adds).
    pub site_move_kgco2e_saved: Option<f64>,
    /// km a year it saves.
    pub site_move_km_saved: Option<f64>,
    /// Hours a year it saves.
    pub site_move_hours_saved: Option<f64>,
    /// Of the kg saved, the share saved by staff living in deciles 1–2.
    pub site_move_share_to_deciles_1_2: Option<f64>,
    /// The scenarios in words.
    pub method: String,
}

/// The published summary of `anchormap commute`.
#[derive(Debug, Clone, Serialize)]
pub struct CommuteSummary {
    /// The staff file's name.
    pub staff_file: String,
    /// The date the staff file was extracted (`--as-at`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_as_at: Option<String>,
    /// Rows of the staff file, under the rule.
    pub staff_total: Option<f64>,
    /// Staff placed (home point and located site), under the rule.
    pub staff_placed: Option<f64>,
    /// Staff not placed, by reason, under the rule.
    pub unplaced_by_reason: BTreeMap<String, Option<f64>>,
    /// The total row of the tables: WTE, trips, km, kg CO2e (and its range), tonnes, cost, hours.
    pub wte_total: Option<f64>,
    /// Return trips a year.
    pub trips_total: Option<f64>,
    /// Passenger-km a year.
    pub km_total: Option<f64>,
    /// kg CO2e a year.
    pub kgco2e_total: Option<f64>,
    /// Its low and high estimates.
    pub kgco2e_range: Range,
    /// Tonnes CO2e a year.
    pub tco2e_total: Option<f64>,
    /// Car mileage cost a year.
    pub cost_gbp_total: Option<f64>,
    /// Door-to-door hours a year.
    pub hours_total: Option<f64>,
    /// kg CO2e of staff living in deciles 1–2 over all.
    pub share_of_kgco2e_from_deciles_1_2: Option<f64>,
    /// Bands 1–4 staff living in deciles 1–2: car availability (modelled), cost and time against pay.
    pub equity_lens: crate::commute::equity::EquityLens,
    /// Notes the reader must see (e.g. many unknown sites).
    pub decisions: Vec<String>,
    /// Which target neighbourhoods reach each site without a car (`--targets`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_reach: Option<crate::commute::reach::TargetReach>,
    /// The scenarios, from the published figures.
    pub scenarios: CommuteScenarios,
    /// The assumptions.
    pub assumptions: CommuteAssumptions,
    /// The disclosure rule.
    pub disclosure: Disclosure,
    /// Each reference input's vintage.
    pub vintages: Vintages,
    /// The reference data read.
    pub reference: ReferenceSummary,
    /// The names attached to areas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area_names: Option<AreaNamesSummary>,
    /// Files written.
    pub outputs: Vec<String>,
    /// Where the exact summary is.
    pub internal_summary: String,
    /// When the staff live in more than one nation (with `--wimd`, `--simd`): each nation's staff
    /// on the deciles of its own index, England first, with a headline.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_nation: Vec<crate::commute::nations::CommuteNation>,
    /// Why the nations' indices are not pooled, in one sentence (a run across nations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nations_not_pooled: Option<String>,
}

/// The exact summary of `anchormap commute`: not for publication.
#[derive(Debug, Clone, Serialize)]
pub struct CommuteExact {
    /// Rows of the staff file.
    pub staff_total: u64,
    /// Staff placed.
    pub staff_placed: u64,
    /// Staff not placed, by reason.
    pub unplaced_by_reason: BTreeMap<&'static str, u64>,
    /// Site names of the staff file not in the sites file, with how many staff each.
    pub unknown_sites: Vec<(String, u64)>,
    /// The equity lens from exact figures.
    pub equity_lens: crate::commute::equity::EquityLens,
    /// Values of the `--site-lookup` column the lookup does not have, with how many staff each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_in_site_lookup: Vec<(String, u64)>,
    /// WTE values not read (taken as 1).
    pub wte_not_read: u64,
    /// WTE values outside 0–1.5, capped.
    pub wte_capped: u64,
    /// Staff by where their split came from.
    pub staff_by_split: BTreeMap<&'static str, u64>,
    /// Staff whose trips came from the distance matrix, and from the straight line.
    pub trips_from_distance_matrix: u64,
    /// See `trips_from_distance_matrix`.
    pub trips_from_straight_line: u64,
    /// Exact totals.
    pub wte_total: f64,
    /// Return trips a year.
    pub trips_total: f64,
    /// Passenger-km a year.
    pub km_total: f64,
    /// kg CO2e a year.
    pub kgco2e_total: f64,
    /// Its low and high estimates.
    pub kgco2e_range: Range,
    /// Car mileage cost a year.
    pub cost_gbp_total: f64,
    /// Door-to-door hours a year.
    pub hours_total: f64,
    /// Return trips a year by mode.
    pub trips_by_mode: BTreeMap<String, f64>,
    /// Staff by straight-line distance from home to site, in Census 2021 TS058's bands.
    pub staff_by_distance_band: Vec<(&'static str, f64)>,
    /// The scenarios, exact.
    pub scenarios: CommuteScenarios,
    /// Which target neighbourhoods reach each site without a car (`--targets`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_reach: Option<crate::commute::reach::TargetReach>,
    /// The assumptions.
    pub assumptions: CommuteAssumptions,
    /// Every warning of the run, word for word.
    pub warnings: Vec<String>,
    /// Each nation's figures, exact (a run across nations).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_nation: Vec<crate::commute::nations::CommuteNation>,
    /// Why the nations' indices are not pooled (a run across nations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nations_not_pooled: Option<String>,
}
