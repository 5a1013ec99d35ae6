//! What a gaps or emissions run says about itself: one serde type per summary, written by the command and read back by `report` and `demo`.
//!
//! Published summaries hold counts of people only under the disclosure rule (`None` = suppressed);
//! exact counts go to the `*Exact` types, written into the run's not-for-publication folder.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::analysis::emissions::ShiftScope;
use crate::analysis::profile::CommunityProfile;
use crate::analysis::travel::{ModeShare, TimeModel};
use crate::geocoder::{ReferenceSummary, Vintages};
use crate::output::disclosure::Disclosure;
use crate::reference::Geography;

/// The published summary of `anchormap gaps` (`gaps_summary.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GapsSummary {
    pub staff_file: String,
    /// The date the staff file was extracted (`--as-at`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_as_at: Option<String>,
    /// The column read as the home postcode, and the other postcode columns not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode_column: Option<String>,
    pub staff: PublishedStaffCounts,
    /// The sum of the published (unsuppressed) area counts.
    pub staff_published_in_community: f64,
    pub community: CommunitySummary,
    pub headline: Option<String>,
    pub decisions: Vec<String>,
    pub core20_staff_share: Option<f64>,
    pub core20_population_share: Option<f64>,
    pub disclosure: Disclosure,
    pub vacancies: Option<VacancyCounts>,
    pub sites: Vec<SiteLocated>,
    pub travel_radius_km: f64,
    pub target_deciles: Vec<u8>,
    pub deprivation: Option<Edition>,
    pub vintages: Vintages,
    pub reference: ReferenceSummary,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_names: Option<AreaNamesSummary>,
    /// Scotland's data zones named from `--data-zone-lookup`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_zone_names: Option<DataZoneNamesSummary>,
    pub outputs: Vec<String>,
    pub internal_summary: String,
    /// With `--by ethnic-group`, `sex` or `age-band`: staff against the community's census counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub demography: Vec<DemographySummary>,
    /// With `--by band` and `--by ethnic-group`: the BME share of staff by band group (WRES indicator 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wres_indicator_1: Option<Wres1Summary>,
    /// With `--by band`, `sex` or `starter`: every staff row, wherever they live
    /// (`staff_all_by_*.csv`), by breakdown → group (and "All staff") → staff as published (null
    /// where hidden).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub all_staff: BTreeMap<String, BTreeMap<String, Option<f64>>>,
    /// In a run across nations (`--wimd`, `--simd` and a community spanning nations): each nation's
    /// staff against that nation's community on its own index, England first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_nation: Vec<NationGaps>,
    /// In a run across nations: why the nations' indices are not pooled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nations_not_pooled: Option<String>,
}

/// One nation's staff against that nation's part of the community, on its own index.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NationGaps {
    /// `England`, `Wales`, `Scotland`.
    pub nation: String,
    /// Its own index (`IMD 2025`, `WIMD 2025`, `SIMD 2020v2`).
    pub index: String,
    /// The community's areas in the nation ranked by its index.
    pub areas: usize,
    /// Their working-age population (Census 2021 in England and Wales, SIMD's in Scotland).
    pub population: f64,
    /// Where that population is from, in words.
    pub population_of: String,
    /// Staff living in them, under the disclosure rule (null where hidden).
    pub staff_in_community: Option<f64>,
    pub headline: Option<String>,
    /// Staff and population shares in the nation's deciles 1-2 (its most deprived fifth).
    pub deciles_1_2_staff_share: Option<f64>,
    pub deciles_1_2_population_share: Option<f64>,
}

/// Staff by one demographic dimension against the community, from published counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemographySummary {
    /// `ethnic_group`, `sex` or `age_band`.
    pub dimension: String,
    /// The census table's file (`None`: staff only, no comparison).
    pub population_file: Option<String>,
    /// What the population counts.
    pub population_of: String,
    /// The areas: the community's areas with an IMD decile, as in the deprivation tables.
    pub areas: String,
    /// Community areas the census table lacks.
    pub areas_without_census: usize,
    pub note: Option<String>,
    pub groups: Vec<DemographyGroup>,
    /// In a run across nations, the nation whose staff and part of the community these are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nation: Option<String>,
}

/// One group's row: staff under the disclosure rule, shares of the stated total.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemographyGroup {
    pub group: String,
    pub staff: Option<f64>,
    pub staff_share: Option<f64>,
    /// 95% Wilson score interval of the staff share.
    pub staff_share_ci: Option<[f64; 2]>,
    pub population: Option<f64>,
    pub population_share: Option<f64>,
    pub representation_ratio: Option<f64>,
}

/// WRES indicator 1: every staff row (wherever they live) by band group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Wres1Summary {
    pub bands: Vec<Wres1Band>,
    /// The community's BME share (census, all ages), for reference.
    pub community_bme_share: Option<f64>,
    pub note: String,
}

/// One band group's staff as White, BME and not stated (under the disclosure rule), and the BME
/// share of those stated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Wres1Band {
    pub band: String,
    pub white: Option<f64>,
    pub bme: Option<f64>,
    pub not_stated: Option<f64>,
    pub all_staff: Option<f64>,
    pub bme_share: Option<f64>,
    pub bme_share_ci: Option<[f64; 2]>,
}

/// The names people know that a run gave its areas, and the attribution their licence asks for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AreaNamesSummary {
    pub files: Vec<String>,
    pub areas_with_msoa: usize,
    pub areas_with_ward: usize,
    pub msoas: usize,
    /// Set when House of Commons Library names were used (Open Parliament Licence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
}

/// The data zone lookup a run read (`--data-zone-lookup`), and how many of its areas it named.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataZoneNamesSummary {
    pub file: String,
    /// Data zones among the run's areas given their intermediate zone, council area and health board.
    pub zones_named: usize,
}

/// Staff by what became of them, under the disclosure rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishedStaffCounts {
    pub rows: Option<f64>,
    #[serde(rename = "match")]
    pub by_match: BTreeMap<String, Option<f64>>,
    pub placed_in_community: Option<f64>,
    pub placed_outside_community: Option<f64>,
    /// What the counts are (a note for the reader of the JSON).
    pub counts: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommunitySummary {
    pub definition: String,
    /// What the community is called (the lookup's name column, or `--community-name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub areas: usize,
    pub population_column: String,
    /// Codes of a `--community-codes` list of the other vintage, bridged, by change type.
    pub codes_bridged_by_change: BTreeMap<String, u64>,
    pub profile: CommunityProfile,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VacancyCounts {
    pub rows: usize,
    pub located: usize,
    pub entry_level: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteLocated {
    pub site_code: String,
    pub located_by: String,
}

/// A deprivation index's edition and the geography it is published on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Edition {
    pub edition: String,
    pub geography: Geography,
}

/// The published summary of `anchormap emissions` (`emissions_summary.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmissionsSummary {
    pub appointments_file: String,
    /// The column read as the patient's postcode, and the other postcode columns not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode_column: Option<String>,
    pub appointments_total: Option<f64>,
    pub appointments_placed: Option<f64>,
    pub unplaced_by_reason: BTreeMap<String, Option<f64>>,
    pub not_attended_by_reason: BTreeMap<String, Option<f64>>,
    pub dates: Option<DateRange>,
    /// Where the appointments' trips start: which of the patient's postcode, an area's centroid and
    /// an area of the other vintage (bridged) occurred, without counts.
    #[serde(default)]
    pub trip_starts: TripStarts,
    pub face_to_face: Option<f64>,
    #[serde(rename = "virtual")]
    pub virtual_: Option<f64>,
    pub patient_km_total: Option<f64>,
    pub kgco2e_total: Option<f64>,
    /// Low and high totals from the documented ranges (circuity, mode share, well-to-tank).
    pub kgco2e_range: Range,
    pub tco2e_total: Option<f64>,
    pub kgco2e_avoided: Option<f64>,
    pub scenario_kgco2e_saved: Option<f64>,
    pub scenario_kgco2e_saved_range: Range,
    pub scenario: ScenarioSummary,
    pub assumptions: TravelAssumptions,
    pub units: Units,
    pub disclosure: Disclosure,
    pub population_column: Option<String>,
    /// Which population the per-1,000 rates divide by (the areas the patients come from).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_basis: Option<String>,
    pub vintages: Vintages,
    pub reference: ReferenceSummary,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_names: Option<AreaNamesSummary>,
    pub outputs: Vec<String>,
    pub internal_summary: String,
    /// When the patients come from more than one nation (with `--wimd`, `--simd`): each nation's
    /// appointments on the deciles of its own index, England first, with a headline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_nation: Vec<EmissionsNation>,
    /// Why the nations' indices are not pooled, in one sentence (a run across nations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nations_not_pooled: Option<String>,
}

/// One nation's patients in an emissions run across nations, from the published figures.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmissionsNation {
    pub nation: String,
    /// Its own index (`WIMD 2025`).
    pub index: String,
    pub appointments: Option<f64>,
    pub face_to_face: Option<f64>,
    pub kgco2e: Option<f64>,
    /// Of its face-to-face appointments, the share from deciles 1-2 of its own index.
    pub share_of_face_to_face_from_deciles_1_2: Option<f64>,
    /// Of the scenario's saving in the nation, the share reaching deciles 1-2 of its own index.
    pub share_of_saving_to_deciles_1_2: Option<f64>,
    pub headline: String,
}

/// Which starting points the run's trips used (the method a reader needs, not a count).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct TripStarts {
    /// Some trips start at the patient's postcode.
    pub postcode: bool,
    /// Some start at the centroid of the patient's area (the file gave an area code, not a postcode).
    pub area_centroid: bool,
    /// Some of those area codes were of the other LSOA vintage, shared across their parts.
    pub bridged: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DateRange {
    pub first: String,
    pub last: Option<String>,
}

/// The virtual-care scenario and what it saves, from published figures.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScenarioSummary {
    pub shift_to_virtual: f64,
    pub applies_to: ShiftScope,
    pub appointments_eligible: Option<f64>,
    pub appointments_shifted: Option<f64>,
    pub patient_km_saved: Option<f64>,
    pub patient_miles_saved: Option<f64>,
    pub kgco2e_saved: Option<f64>,
    pub kgco2e_saved_range: Range,
    pub cost_saved_gbp: Option<f64>,
    pub hours_saved: Option<f64>,
    pub share_of_saving_to_deciles_1_2: Option<f64>,
    pub share_of_face_to_face_from_deciles_1_2: Option<f64>,
}

/// The travel model's assumptions, as the summary states them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TravelAssumptions {
    pub distance: String,
    pub patient_point: String,
    pub circuity: f64,
    pub return_trip: bool,
    pub mode_share: ModeShare,
    pub mode_share_by_area: ModeShareByArea,
    pub kgco2e_per_km_by_mode: BTreeMap<String, f64>,
    pub kgco2e_per_passenger_km_blended: f64,
    pub factors_source: String,
    pub well_to_tank: WellToTank,
    pub range: RangeAssumptions,
    pub car_occupancy: String,
    pub mileage_rate_gbp_per_mile: f64,
    pub cost: String,
    pub travel_time: TimeModel,
    pub travel_time_note: String,
    pub travel_time_without_car_factor: f64,
    pub unrecorded_mode: String,
    #[serde(rename = "virtual")]
    pub virtual_: String,
    pub published_figures: String,
}

/// A low and a high figure around a central one (`None` where the central one is hidden).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Range {
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// Whether each area's mode share came from the census, and how.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ModeShareByArea {
    pub applied: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub car_availability: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel_to_work: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub areas_with_census: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub areas: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households_without_car_national: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Whether well-to-tank emissions (fuel production and supply) are included, with their factors.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WellToTank {
    pub included: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kgco2e_per_km_by_mode: Option<BTreeMap<String, f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What the low and high figures assume.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RangeAssumptions {
    pub low: String,
    pub high: String,
    pub distance_matrix_trips: String,
}

/// The units of the emissions summary's figures.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Units {
    pub kgco2e: String,
    pub patient_km: String,
    pub cost_saved_gbp: String,
    pub hours_saved: String,
    pub counts: String,
}

impl Default for Units {
    fn default() -> Units {
        Units {
            kgco2e: "kilograms of CO2 equivalent, 3 decimal places (tco2e: tonnes)".into(),
            patient_km: "passenger-kilometres, both ways, 1 decimal place".into(),
            cost_saved_gbp: "pounds sterling, 2 decimal places".into(),
            hours_saved: "patient hours, 1 decimal place".into(),
            counts: "appointments under the disclosure rule: null where suppressed".into(),
        }
    }
}

/// The published summary of `anchormap funnel` (`funnel_summary.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FunnelSummary {
    pub applications_file: String,
    /// The column read as the applicant's postcode, and the other postcode columns not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode_column: Option<String>,
    pub applications: PublishedApplicationCounts,
    /// WRES indicator 2: the relative likelihood of White applicants being appointed from
    /// shortlisting compared with BME applicants.
    pub wres_indicator_2: Wres2Summary,
    /// The same relative likelihood for applicants from the least deprived fifth of areas
    /// (national IMD deciles 9-10) compared with Core20 applicants (deciles 1-2).
    pub deprivation_relative_likelihood: DeprivationLikelihood,
    pub headline: Option<String>,
    pub decisions: Vec<String>,
    /// How status words were read as stages.
    pub stages: String,
    pub community: Option<FunnelCommunity>,
    pub disclosure: Disclosure,
    pub deprivation: Option<Edition>,
    pub reference: ReferenceSummary,
    pub outputs: Vec<String>,
    pub internal_summary: String,
    /// When the applicants or the community span nations (with `--wimd`, `--simd`): each nation's
    /// applications on the deciles of its own index, England first, with a headline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_nation: Vec<FunnelNation>,
    /// Why the nations' indices are not pooled, in one sentence (a run across nations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nations_not_pooled: Option<String>,
}

/// One nation's applications in a funnel run across nations, on its own index, from the
/// published tables (never pooled with another nation's).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FunnelNation {
    pub nation: String,
    /// Its own index (`WIMD 2025`).
    pub index: String,
    pub applied: Option<f64>,
    pub shortlisted: Option<f64>,
    pub appointed: Option<f64>,
    /// Applications from deciles 1-2 of its own index (England's: Core20).
    pub deciles_1_2_applied: Option<f64>,
    pub deciles_1_2_shortlisted: Option<f64>,
    pub deciles_1_2_appointed: Option<f64>,
    /// Of its applications with a decile of its own index, the share from deciles 1-2.
    pub share_of_applications_from_deciles_1_2: Option<f64>,
    /// Of its part of the community, the share living in its deciles 1-2 (with a community).
    pub community_share_in_deciles_1_2: Option<f64>,
    /// Its least deprived fifth (deciles 9-10) against its deciles 1-2, as WRES indicator 2 is
    /// computed: the relative likelihood of appointment from shortlisting (`core20_*` its deciles 1-2).
    pub least_deprived_fifth_relative_likelihood: DeprivationLikelihood,
    pub headline: String,
}

/// Applications by what became of them and by stage, under the disclosure rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishedApplicationCounts {
    pub rows: Option<f64>,
    #[serde(rename = "match")]
    pub by_match: BTreeMap<String, Option<f64>>,
    pub applied: Option<f64>,
    pub shortlisted: Option<f64>,
    pub appointed: Option<f64>,
    /// Applications whose status was not read (left out of every count above and every figure),
    /// under the disclosure rule; the values themselves only in the exact summary.
    #[serde(default)]
    pub status_unclear: Option<f64>,
    pub counts: String,
}

/// WRES indicator 2, with the four counts it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wres2Summary {
    pub relative_likelihood: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub white_shortlisted: Option<f64>,
    pub white_appointed: Option<f64>,
    pub bme_shortlisted: Option<f64>,
    pub bme_appointed: Option<f64>,
    /// Why the relative likelihood is null, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Least deprived fifth against Core20, with the four counts it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeprivationLikelihood {
    pub relative_likelihood: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub least_deprived_shortlisted: Option<f64>,
    pub least_deprived_appointed: Option<f64>,
    pub core20_shortlisted: Option<f64>,
    pub core20_appointed: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The community applicants' deprivation is compared with, when one was given.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FunnelCommunity {
    pub definition: String,
    pub areas: usize,
    pub population_column: String,
}

/// Reads a summary a run wrote, naming the file if it is missing or of another shape.
pub fn read<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    use anyhow::Context as _;
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!("{} is not a summary this version of anchormap reads (written by another version?)", path.display())
    })
}
