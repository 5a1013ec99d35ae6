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
