//! Column names of published tables that other commands read back (the report, the demo): one constant for the writer and the reader, so that a renamed column is a compile error, not a silently empty report column.

/// `targets.csv`, written by `gaps`.
pub mod targets {
    pub const RANK: &str = "rank";
    pub const AREA_CODE: &str = "area_code";
    pub const AREA_NAME: &str = "area_name";
    pub const IMD_DECILE: &str = "imd_decile";
    pub const POPULATION: &str = "population";
    pub const STAFF: &str = "staff";
    pub const EXPECTED_STAFF: &str = "expected_staff";
    pub const SHORTFALL: &str = "shortfall";
    pub const NEAREST_SITE: &str = "nearest_site";
    pub const DISTANCE_KM: &str = "distance_km";
    pub const ENTRY_LEVEL_VACANCIES: &str = "entry_level_vacancies_within_radius";
    pub const ACCESS: &str = "access";
    pub const SCORE: &str = "score";

    /// The header, in order.
    pub const HEADERS: [&str; 13] = [
        RANK,
        AREA_CODE,
        AREA_NAME,
        IMD_DECILE,
        POPULATION,
        STAFF,
        EXPECTED_STAFF,
        SHORTFALL,
        NEAREST_SITE,
        DISTANCE_KM,
        ENTRY_LEVEL_VACANCIES,
        ACCESS,
        SCORE,
    ];
}
