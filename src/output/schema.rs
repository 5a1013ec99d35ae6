//! Column names of published tables that other commands read back (the report, the demo): one constant for the writer and the reader, so that a renamed column is a compile error, not a silently empty report column.

/// `targets.csv`, written by `gaps`.
pub mod targets {
    pub const RANK: &str = "rank";
    pub const AREA_CODE: &str = "area_code";
    pub const AREA_NAME: &str = "area_name";
    pub const NEIGHBOURHOOD: &str = "neighbourhood";
    pub const MSOA_CODE: &str = "msoa_code";
    pub const MSOA_NAME: &str = "msoa_name";
    pub const WARD_NAME: &str = "ward_name";
    pub const IMD_DECILE: &str = "imd_decile";
    pub const POPULATION: &str = "population";
    pub const STAFF: &str = "staff";
    pub const EXPECTED_STAFF: &str = "expected_staff";
    pub const SHORTFALL: &str = "shortfall";
    pub const NEAREST_SITE: &str = "nearest_site";
    pub const NEAREST_SITE_NAME: &str = "nearest_site_name";
    pub const DISTANCE_KM: &str = "distance_km";
    pub const ENTRY_LEVEL_VACANCIES: &str = "entry_level_vacancies_within_radius";
    pub const JOB_TITLES: &str = "entry_level_job_titles";
    pub const EARLIEST_CLOSING_DATE: &str = "earliest_closing_date";
    pub const RESIDENTS_OUT_OF_WORK: &str = "residents_out_of_work";
    pub const HOUSEHOLDS_WITHOUT_CAR_SHARE: &str = "households_without_car_share";
    pub const ACCESS: &str = "access";
    pub const SCORE: &str = "score";
    pub const REASON: &str = "reason";

    /// The header, in order.
    pub const HEADERS: [&str; 23] = [
        RANK,
        AREA_CODE,
        AREA_NAME,
        NEIGHBOURHOOD,
        MSOA_CODE,
        MSOA_NAME,
        WARD_NAME,
        IMD_DECILE,
        POPULATION,
        STAFF,
        EXPECTED_STAFF,
        SHORTFALL,
        NEAREST_SITE,
        NEAREST_SITE_NAME,
        DISTANCE_KM,
        ENTRY_LEVEL_VACANCIES,
        JOB_TITLES,
        EARLIEST_CLOSING_DATE,
        RESIDENTS_OUT_OF_WORK,
        HOUSEHOLDS_WITHOUT_CAR_SHARE,
        ACCESS,
        SCORE,
        REASON,
    ];
}

/// `targets_by_msoa.csv`, written by `gaps` when the run has an LSOA → MSOA lookup.
pub mod targets_by_msoa {
    pub const MSOA_CODE: &str = "msoa_code";
    pub const MSOA_NAME: &str = "msoa_name";
    pub const TARGET_AREAS: &str = "target_areas";
    pub const SHORTFALL: &str = "shortfall";
    pub const VACANCIES: &str = "entry_level_vacancies_within_radius";
    pub const RESIDENTS_OUT_OF_WORK: &str = "residents_out_of_work";
    pub const BEST_RANK: &str = "best_rank";
    pub const SUMMARY: &str = "summary";

    pub const HEADERS: [&str; 8] =
        [MSOA_CODE, MSOA_NAME, TARGET_AREAS, SHORTFALL, VACANCIES, RESIDENTS_OUT_OF_WORK, BEST_RANK, SUMMARY];
}

/// What a published column holds, declared once for every writer: the workbook (text, numbers,
/// percentages), GeoJSON properties (text or numbers) and maps (how a column is classed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Codes, names, labels, dates and lists: text even where a value looks like a number.
    Text,
    /// A count of people or appointments (published under the disclosure rule: `*` where hidden).
    Count,
    /// A proportion from 0 to 1 (a percentage in the workbook).
    Share,
    /// A ratio around parity, 1 (representation, reach).
    Ratio,
    /// A rate per 1,000 residents, around the community-wide rate.
    RatePer1000,
    /// A signed difference around zero (a shortfall, a gap in percentage points).
    Signed,
    /// A national IMD decile, 1 = most deprived.
    Decile,
    /// Any other amount: km, kg CO2e, £, hours, minutes, scores, ranks, quintiles.
    Amount,
}

/// Every column of every published table, with its kind.
const KINDS: &[(&str, Kind)] = &[
    ("access", Kind::Amount),
    ("age_band", Kind::Text),
    ("all_staff", Kind::Count),
    ("applied", Kind::Count),
    ("applied_share", Kind::Share),
    ("appointed", Kind::Count),
    ("appointment_rate", Kind::Share),
    ("appointment_rate_from_shortlisting", Kind::Share),
    ("appointments", Kind::Count),
    ("area_code", Kind::Text),
    ("area_name", Kind::Text),
    ("asian", Kind::Count),
    ("band", Kind::Text),
    ("band_group", Kind::Text),
    ("best_rank", Kind::Amount),
    ("black", Kind::Count),
    ("bme", Kind::Count),
    ("bme_share", Kind::Share),
    ("bme_share_ci_high", Kind::Share),
    ("bme_share_ci_low", Kind::Share),
    ("community_bme_share", Kind::Share),
    ("community_population_share", Kind::Share),
    ("core20", Kind::Text),
    ("cost_gbp", Kind::Amount),
    ("cost_gbp_per_trip", Kind::Amount),
    ("cost_share_of_pay", Kind::Share),
    ("deprived_areas_within_radius", Kind::Count),
    ("deprived_population_within_radius", Kind::Count),
    ("distance_km", Kind::Amount),
    ("earliest_closing_date", Kind::Text),
    ("entry_level", Kind::Text),
    ("entry_level_job_titles", Kind::Text),
    ("entry_level_vacancies_within_radius", Kind::Count),
    ("entry_pay_gbp", Kind::Amount),
    ("ethnic_group", Kind::Text),
    ("expected_staff", Kind::Amount),
    ("face_to_face", Kind::Count),
    ("gap_pp", Kind::Signed),
    ("hours", Kind::Amount),
    ("hours_per_staff", Kind::Amount),
    ("hours_saved_site_move", Kind::Amount),
    ("households_without_car_share", Kind::Share),
    ("imd_decile", Kind::Decile),
    ("imd_decile_local", Kind::Decile),
    ("imd_quintile", Kind::Amount),
    ("imd_rank", Kind::Amount),
    ("kgco2e", Kind::Amount),
    ("kgco2e_avoided", Kind::Amount),
    ("kgco2e_high", Kind::Amount),
    ("kgco2e_low", Kind::Amount),
    ("kgco2e_per_1000_population", Kind::Amount),
    ("kgco2e_per_appointment", Kind::Amount),
    ("kgco2e_per_face_to_face", Kind::Amount),
    ("kgco2e_per_patient_km", Kind::Amount),
    ("kgco2e_per_staff", Kind::Amount),
    ("kgco2e_saved_extra_home_day", Kind::Amount),
    ("kgco2e_saved_modal_shift", Kind::Amount),
    ("kgco2e_saved_site_move", Kind::Amount),
    ("km", Kind::Amount),
    ("km_per_trip", Kind::Amount),
    ("km_saved_site_move", Kind::Amount),
    ("located_by", Kind::Text),
    ("minutes_per_trip", Kind::Amount),
    ("mixed", Kind::Count),
    ("msoa_code", Kind::Text),
    ("msoa_name", Kind::Text),
    ("nearest_deprived_areas", Kind::Text),
    ("nearest_site", Kind::Text),
    ("nearest_site_name", Kind::Text),
    ("neighbourhood", Kind::Text),
    ("not_stated", Kind::Count),
    ("other", Kind::Count),
    ("patient_km", Kind::Amount),
    ("population", Kind::Count),
    ("population_share", Kind::Share),
    ("rank", Kind::Amount),
    ("reach_ratio", Kind::Ratio),
    ("reason", Kind::Text),
    ("representation_ratio", Kind::Ratio),
    ("residents_out_of_work", Kind::Count),
    ("scenario_appointments_eligible", Kind::Count),
    ("scenario_appointments_shifted", Kind::Amount),
    ("scenario_cost_saved_gbp", Kind::Amount),
    ("scenario_hours_saved", Kind::Amount),
    ("scenario_kgco2e_saved", Kind::Amount),
    ("scenario_patient_km_saved", Kind::Amount),
    ("score", Kind::Amount),
    ("sex", Kind::Text),
    ("share_of_kgco2e", Kind::Share),
    ("share_of_scenario_kgco2e_saved", Kind::Share),
    ("shortfall", Kind::Signed),
    ("shortlisted", Kind::Count),
    ("shortlisting_rate", Kind::Share),
    ("site", Kind::Text),
    ("site_code", Kind::Text),
    ("site_name", Kind::Text),
    ("specialty", Kind::Text),
    ("staff", Kind::Count),
    ("staff_group", Kind::Text),
    ("staff_per_1000", Kind::RatePer1000),
    ("staff_share", Kind::Share),
    ("staff_share_ci_high", Kind::Share),
    ("staff_share_ci_low", Kind::Share),
    ("starter", Kind::Text),
    ("summary", Kind::Text),
    ("target_areas", Kind::Count),
    ("trips", Kind::Amount),
    ("vacancy_id", Kind::Text),
    ("virtual", Kind::Count),
    ("ward_name", Kind::Text),
    ("white", Kind::Count),
    ("wte", Kind::Amount),
];

impl Kind {
    /// The declared kind of a published column; `None` for a column no table of anchormap's has
    /// (a map of a user's own GeoJSON property, say).
    ///
    /// ```
    /// use anchormap::output::schema::Kind;
    /// assert_eq!(Kind::of("representation_ratio"), Some(Kind::Ratio));
    /// assert_eq!(Kind::of("area_code"), Some(Kind::Text));
    /// assert_eq!(Kind::of("my_own_column"), None);
    /// ```
    pub fn of(column: &str) -> Option<Kind> {
        KINDS.binary_search_by(|(name, _)| name.cmp(&column)).ok().map(|i| KINDS[i].1)
    }

    /// A published column's kind; a column not declared is an amount (and a test keeps every
    /// column of every table of the demo's run declared).
    pub fn of_published(column: &str) -> Kind {
        Kind::of(column).unwrap_or(Kind::Amount)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn kinds_are_sorted_and_declared_once() {
        assert!(super::KINDS.windows(2).all(|w| w[0].0 < w[1].0), "KINDS must be sorted by name, each once");
    }
}
