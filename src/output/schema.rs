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
    /// Yes or no, written `true`/`false` (a true/false cell in the workbook).
    Flag,
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
    ("census_workers_share", Kind::Share),
    ("community_bme_share", Kind::Share),
    ("community_population_share", Kind::Share),
    ("core20", Kind::Text),
    ("cost_gbp", Kind::Amount),
    ("cost_gbp_per_trip", Kind::Amount),
    ("cost_share_of_pay", Kind::Share),
    ("council_area", Kind::Text),
    ("deprivation_decile", Kind::Decile),
    ("deprivation_group", Kind::Text),
    ("deprivation_index", Kind::Text),
    ("deprivation_quintile", Kind::Amount),
    ("deprived_areas_within_radius", Kind::Count),
    ("deprived_population_within_radius", Kind::Count),
    ("distance_band", Kind::Text),
    ("distance_km", Kind::Amount),
    ("earliest_closing_date", Kind::Text),
    ("employer", Kind::Text),
    ("entry_level", Kind::Flag),
    ("entry_level_job_titles", Kind::Text),
    ("entry_level_vacancies_within_radius", Kind::Count),
    ("entry_pay_gbp", Kind::Amount),
    ("ethnic_group", Kind::Text),
    ("expected_staff", Kind::Amount),
    ("face_to_face", Kind::Count),
    ("gap_pp", Kind::Signed),
    ("health_board", Kind::Text),
    ("hours", Kind::Amount),
    ("hours_per_staff", Kind::Amount),
    ("hours_saved_site_move", Kind::Amount),
    ("households_without_car_share", Kind::Share),
    ("imd_decile", Kind::Decile),
    ("imd_decile_local", Kind::Decile),
    ("imd_quintile", Kind::Amount),
    ("imd_rank", Kind::Amount),
    ("intermediate_zone_code", Kind::Text),
    ("intermediate_zone_name", Kind::Text),
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
    ("lsoas", Kind::Count),
    ("lsoas_in_deciles_1_2", Kind::Count),
    ("minutes_per_trip", Kind::Amount),
    ("minutes_without_car", Kind::Amount),
    ("mixed", Kind::Count),
    ("msoa_code", Kind::Text),
    ("msoa_name", Kind::Text),
    ("nation", Kind::Text),
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
    ("specialty_name", Kind::Text),
    ("staff", Kind::Count),
    ("staff_group", Kind::Text),
    ("staff_per_1000", Kind::RatePer1000),
    ("staff_share", Kind::Share),
    ("staff_share_ci_high", Kind::Share),
    ("staff_share_ci_low", Kind::Share),
    ("starter", Kind::Text),
    ("summary", Kind::Text),
    ("target_areas", Kind::Count),
    ("time_source", Kind::Text),
    ("trips", Kind::Amount),
    ("vacancy_id", Kind::Text),
    ("virtual", Kind::Count),
    ("ward_name", Kind::Text),
    ("white", Kind::Count),
    ("within_reach", Kind::Flag),
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

/// A published column for people: its header in words, its unit ("" where it has none) and what
/// it means; the workbook's headers and its "Columns" sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Described {
    /// The CSV's column name.
    pub name: &'static str,
    /// The header in words.
    pub header: &'static str,
    /// The unit, as a reader says it ("" for codes, names and counts' own nouns).
    pub unit: &'static str,
    /// What a cell means, in one sentence.
    pub meaning: &'static str,
}

const fn d(name: &'static str, header: &'static str, unit: &'static str, meaning: &'static str) -> Described {
    Described { name, header, unit, meaning }
}

/// Every column of `KINDS` in words, sorted by name (a test keeps the two lists the same).
const WORDS: &[Described] = &[
    d("access", "Access score", "", "How easily the neighbourhood's residents can reach the nearest site (higher is nearer), from the travel model."),
    d("age_band", "Age band", "", "An age band of staff or residents."),
    d("all_staff", "All staff", "people", "Staff in the row, of every ethnic group and none recorded."),
    d("applied", "Applied", "people", "Applicants in the row."),
    d("applied_share", "Share of applicants", "%", "The row's applicants as a share of all applicants with the dimension recorded."),
    d("appointed", "Appointed", "people", "Applicants appointed in the row."),
    d("appointment_rate", "Appointed per applicant", "%", "Appointed as a share of applied (WRES indicator 2's rate)."),
    d("appointment_rate_from_shortlisting", "Appointed per shortlisted", "%", "Appointed as a share of shortlisted."),
    d("appointments", "Appointments", "appointments", "Outpatient appointments attended, face to face and virtual."),
    d("area_code", "Area code", "", "The neighbourhood's ONS code (LSOA)."),
    d("area_name", "Area name", "", "The neighbourhood's ONS name."),
    d("asian", "Asian", "people", "Staff recorded as Asian or Asian British."),
    d("band", "Band", "", "Agenda for Change pay band (or band group)."),
    d("band_group", "Band group", "", "Agenda for Change bands grouped as the WRES groups them."),
    d("best_rank", "Best target rank", "rank", "The highest rank among the MSOA's target neighbourhoods (1 is the first target)."),
    d("black", "Black", "people", "Staff recorded as Black, Black British, Caribbean or African."),
    d("bme", "Black and minority ethnic", "people", "Staff recorded in an ethnic group other than White."),
    d("bme_share", "Black and minority ethnic share", "%", "Black and minority ethnic staff as a share of staff with an ethnic group recorded."),
    d("bme_share_ci_high", "BME share, upper 95% limit", "%", "Upper limit of the 95% Wilson interval of the share."),
    d("bme_share_ci_low", "BME share, lower 95% limit", "%", "Lower limit of the 95% Wilson interval of the share."),
    d("census_workers_share", "Census workers share", "%", "Census 2021 TS058: the share of workers travelling this far, among those living where staff live (weighted by the published staff of each area) who travel to a fixed workplace."),
    d("community_bme_share", "Community BME share", "%", "Black and minority ethnic residents as a share of the community (Census 2021)."),
    d("community_population_share", "Community share", "%", "The row's residents as a share of the community's."),
    d("core20", "Core20", "", "Whether the row is the most deprived 20% of neighbourhoods in England (IMD deciles 1 and 2)."),
    d("cost_gbp", "Cost", "£", "Travel cost from the stated cost assumptions."),
    d("cost_gbp_per_trip", "Cost per trip", "£", "Travel cost per one-way trip."),
    d("cost_share_of_pay", "Cost as a share of pay", "%", "Yearly commuting cost as a share of the band's entry pay (Agenda for Change)."),
    d("council_area", "Council area", "", "The Scottish council area a data zone is in (--data-zone-lookup); blank outside Scotland."),
    d("deprivation_decile", "Deprivation decile", "decile", "The decile of the row's nation's own index (IMD in England, WIMD in Wales, SIMD in Scotland), 1 = most deprived 10% of that nation's areas; not comparable across nations."),
    d("deprivation_group", "Deprivation group", "", "A group of deciles of the row's nation's own index: its deciles 1-2 (England's Core20) or the rest; not comparable across nations."),
    d("deprivation_index", "Deprivation index", "", "The row's nation's own index and its edition (IMD 2025, WIMD 2025, SIMD 2020v2)."),
    d("deprivation_quintile", "Deprivation quintile", "quintile", "The quintile of the row's nation's own index, 1 = most deprived 20% of that nation's areas; not comparable across nations."),
    d("deprived_areas_within_radius", "Deprived neighbourhoods within reach", "areas", "Neighbourhoods in IMD deciles 1 and 2 within the stated radius of the vacancy's site."),
    d("deprived_population_within_radius", "Deprived residents within reach", "people", "Working-age residents of those neighbourhoods."),
    d("distance_band", "Distance from home to site", "", "Straight-line distance from home to work site, in Census 2021 TS058's bands (as the census measures home to workplace)."),
    d("distance_km", "Distance", "km", "Straight-line distance to the nearest site."),
    d("earliest_closing_date", "Earliest closing date", "date", "The earliest closing date among the open entry-level vacancies within reach."),
    d("employer", "Employer", "", "The partner of the anchor network the row is of; \"All employers\" for the network's pooled rows."),
    d("entry_level", "Entry level", "yes/no", "Whether the vacancy is entry level (Band 1 to 4 or as the file marks it)."),
    d("entry_level_job_titles", "Entry-level jobs within reach", "", "Titles of the open entry-level vacancies within reach, with counts."),
    d("entry_level_vacancies_within_radius", "Entry-level vacancies within reach", "vacancies", "Open entry-level vacancies at sites within the stated radius."),
    d("entry_pay_gbp", "Entry pay", "£ a year", "The band's entry pay point (Agenda for Change)."),
    d("ethnic_group", "Ethnic group", "", "The ethnic group (Census 2021 high-level groups)."),
    d("expected_staff", "Expected staff", "people", "Staff the neighbourhood would have if the trust employed its residents at the community-wide rate."),
    d("face_to_face", "Face to face", "appointments", "Appointments attended in person."),
    d("gap_pp", "Gap", "percentage points", "Staff share minus community share: negative means under-represented."),
    d("health_board", "Health board", "", "The NHS health board a Scottish data zone is in (--data-zone-lookup); blank outside Scotland."),
    d("hours", "Travel time", "hours", "Travel time in the period, from the travel model."),
    d("hours_per_staff", "Travel time per staff member", "hours a year", "Yearly commuting time per staff member."),
    d("hours_saved_site_move", "Time saved by the moved site", "hours", "Travel time saved in the moved-site scenario (negative: more time)."),
    d("households_without_car_share", "Households without a car", "%", "Households with no car or van (Census 2021 TS045)."),
    d("imd_decile", "IMD decile", "decile", "England's Index of Multiple Deprivation decile, 1 = most deprived 10%."),
    d("imd_decile_local", "Local deprivation decile", "decile", "The decile among the community's own neighbourhoods, 1 = most deprived locally."),
    d("imd_quintile", "IMD quintile", "quintile", "England's IMD quintile, 1 = most deprived 20%."),
    d("imd_rank", "IMD rank", "rank", "England's IMD rank, 1 = most deprived."),
    d("intermediate_zone_code", "Intermediate zone code", "", "The code of the intermediate zone (Scotland's neighbourhood of several data zones) a data zone is in; blank outside Scotland."),
    d("intermediate_zone_name", "Intermediate zone", "", "The name of the intermediate zone a Scottish data zone is in (--data-zone-lookup); blank outside Scotland."),
    d("kgco2e", "Emissions", "kg CO2e", "Greenhouse gas emissions of the travel, DESNZ conversion factors."),
    d("kgco2e_avoided", "Emissions avoided", "kg CO2e", "Emissions avoided by the virtual appointments already held."),
    d("kgco2e_high", "Emissions, high estimate", "kg CO2e", "Emissions with the high end of the assumptions' ranges."),
    d("kgco2e_low", "Emissions, low estimate", "kg CO2e", "Emissions with the low end of the assumptions' ranges."),
    d("kgco2e_per_1000_population", "Emissions per 1,000 residents", "kg CO2e", "Emissions per 1,000 residents of the area."),
    d("kgco2e_per_appointment", "Emissions per appointment", "kg CO2e", "Emissions per appointment, face to face and virtual."),
    d("kgco2e_per_face_to_face", "Emissions per face-to-face appointment", "kg CO2e", "Emissions per appointment attended in person."),
    d("kgco2e_per_patient_km", "Emissions per patient km", "kg CO2e", "Emissions per km travelled by patients."),
    d("kgco2e_per_staff", "Emissions per staff member", "kg CO2e a year", "Yearly commuting emissions per staff member."),
    d("kgco2e_saved_extra_home_day", "Saved by an extra day at home", "kg CO2e", "Emissions saved in the scenario of one more day a week worked from home by eligible staff."),
    d("kgco2e_saved_modal_shift", "Saved by a modal shift", "kg CO2e", "Emissions saved in the modal-shift scenario (short car trips on foot or by bicycle)."),
    d("kgco2e_saved_site_move", "Saved by the moved site", "kg CO2e", "Emissions saved in the moved-site scenario (negative: more emissions)."),
    d("km", "Distance travelled", "km", "Distance travelled in the period."),
    d("km_per_trip", "Distance per trip", "km", "Distance per one-way trip."),
    d("km_saved_site_move", "Distance saved by the moved site", "km", "Distance saved in the moved-site scenario (negative: further)."),
    d("located_by", "Located by", "", "How the vacancy was placed: its site, or its own postcode."),
    d("lsoas", "Neighbourhoods (LSOAs)", "areas", "LSOAs in the MSOA that are in the community."),
    d("lsoas_in_deciles_1_2", "LSOAs in deciles 1-2", "areas", "Of those, LSOAs in national IMD deciles 1 and 2."),
    d("minutes_per_trip", "Time per trip", "minutes", "Travel time per one-way trip, from the travel model."),
    d("minutes_without_car", "Minutes without a car", "minutes", "One-way travel time from the neighbourhood to the site by public transport or on foot: the time matrix's, or modelled (see time source)."),
    d("mixed", "Mixed", "people", "Staff recorded as of Mixed or Multiple ethnic groups."),
    d("msoa_code", "MSOA code", "", "The ONS code of the middle-layer area (MSOA) the neighbourhood is in."),
    d("msoa_name", "MSOA name", "", "The House of Commons Library's name for the MSOA."),
    d("nation", "Nation", "", "The nation of the row's neighbourhoods: each nation's staff are compared with that nation's community on its own index."),
    d("nearest_deprived_areas", "Nearest deprived neighbourhoods", "", "The nearest neighbourhoods in IMD deciles 1 and 2, with distances."),
    d("nearest_site", "Nearest site", "", "The code of the nearest site."),
    d("nearest_site_name", "Nearest site name", "", "The name of the nearest site."),
    d("neighbourhood", "Neighbourhood", "", "The neighbourhood in words: its MSOA name (House of Commons Library) and its own name; a Welsh LSOA by WIMD 2025's descriptive name, a Scottish data zone by its name, in a run across nations."),
    d("not_stated", "Not stated", "people", "Staff with no ethnic group recorded, or not stated."),
    d("other", "Other ethnic group", "people", "Staff recorded in another ethnic group."),
    d("patient_km", "Patient km", "km", "Distance travelled by patients (round trips)."),
    d("population", "Residents", "people", "Working-age residents (Census 2021), as the run states."),
    d("population_share", "Community share", "%", "The row's residents as a share of the community's."),
    d("rank", "Rank", "rank", "The target's rank, 1 = first."),
    d("reach_ratio", "Reach ratio", "ratio", "Share of applicants divided by share of the community: below 1 means under-reached."),
    d("reason", "Reason", "", "Why the neighbourhood is a target, in words."),
    d("representation_ratio", "Representation ratio", "ratio", "Share of staff divided by share of the community: below 1 means under-represented."),
    d("residents_out_of_work", "Residents out of work", "people", "Economically active unemployed residents (Census 2021 TS066)."),
    d("scenario_appointments_eligible", "Scenario: eligible appointments", "appointments", "Face-to-face appointments eligible to move to virtual care in the scenario."),
    d("scenario_appointments_shifted", "Scenario: appointments moved", "appointments", "Appointments moved to virtual care in the scenario."),
    d("scenario_cost_saved_gbp", "Scenario: patients' cost saved", "£", "Travel cost saved by patients in the scenario."),
    d("scenario_hours_saved", "Scenario: patients' time saved", "hours", "Travel time saved by patients in the scenario."),
    d("scenario_kgco2e_saved", "Scenario: emissions saved", "kg CO2e", "Emissions saved in the scenario."),
    d("scenario_patient_km_saved", "Scenario: patient km saved", "km", "Patient travel saved in the scenario."),
    d("score", "Target score", "score", "The targeting score: shortfall weighted by deprivation, jobs within reach and access."),
    d("sex", "Sex", "", "Sex as recorded."),
    d("share_of_kgco2e", "Share of emissions", "%", "The row's emissions as a share of the total."),
    d("share_of_scenario_kgco2e_saved", "Share of scenario saving", "%", "The row's share of the scenario's saving."),
    d("shortfall", "Shortfall", "people", "Expected staff minus staff: positive means fewer staff than the community-wide rate gives."),
    d("shortlisted", "Shortlisted", "people", "Applicants shortlisted in the row."),
    d("shortlisting_rate", "Shortlisted per applicant", "%", "Shortlisted as a share of applied."),
    d("site", "Site", "", "The site's code."),
    d("site_code", "Site code", "", "The site's code."),
    d("site_name", "Site name", "", "The site's name."),
    d("specialty", "Treatment function code", "", "The NHS Data Dictionary treatment function code."),
    d("specialty_name", "Treatment function", "", "The treatment function's name (NHS Data Dictionary)."),
    d("staff", "Staff", "people", "Staff living in the row."),
    d("staff_group", "Staff group", "", "The ESR staff group."),
    d("staff_per_1000", "Staff per 1,000 residents", "per 1,000", "Staff per 1,000 working-age residents."),
    d("staff_share", "Staff share", "%", "The row's staff as a share of staff placed in the community."),
    d("staff_share_ci_high", "Staff share, upper 95% limit", "%", "Upper limit of the 95% Wilson interval of the staff share."),
    d("staff_share_ci_low", "Staff share, lower 95% limit", "%", "Lower limit of the 95% Wilson interval of the staff share."),
    d("starter", "Starter", "", "New starters in the period, or existing staff."),
    d("summary", "Summary", "", "The MSOA's targets in words."),
    d("target_areas", "Target neighbourhoods", "areas", "Target neighbourhoods in the MSOA."),
    d("time_source", "Time source", "", "Where the time comes from: the time matrix given, or the travel model (car time from straight-line distance, times the without-car factor)."),
    d("trips", "Trips", "trips", "One-way trips in the period."),
    d("vacancy_id", "Vacancy", "", "The vacancy's reference."),
    d("virtual", "Virtual", "appointments", "Appointments held by telephone or video."),
    d("ward_name", "Ward", "", "The electoral ward the neighbourhood is in."),
    d("white", "White", "people", "Staff recorded as White."),
    d("within_reach", "Within reach", "yes/no", "Whether the site is within the stated minutes of the neighbourhood without a car."),
    d("wte", "Whole-time equivalent", "WTE", "Contracted whole-time equivalent."),
];

/// Units that are the counted thing's own noun: a heading does not repeat them.
const NOUNS: &[&str] = &[
    "",
    "people",
    "appointments",
    "trips",
    "areas",
    "vacancies",
    "rank",
    "score",
    "ratio",
    "decile",
    "quintile",
    "date",
    "yes/no",
];

impl Described {
    /// The words for a published column; `None` for a column no table of anchormap's has.
    ///
    /// ```
    /// use anchormap::output::schema::Described;
    /// assert_eq!(Described::of("kgco2e").unwrap().heading(), "Emissions (kg CO2e)");
    /// assert_eq!(Described::of("staff").unwrap().heading(), "Staff");
    /// assert_eq!(Described::of("staff_share_ci_low").unwrap().heading(), "Staff share, lower 95% limit (%)");
    /// ```
    pub fn of(column: &str) -> Option<&'static Described> {
        WORDS.binary_search_by(|w| w.name.cmp(column)).ok().map(|i| &WORDS[i])
    }

    /// The header in words with its unit, as a spreadsheet's column heading.
    pub fn heading(&self) -> String {
        if NOUNS.contains(&self.unit) {
            self.header.to_string()
        } else {
            format!("{} ({})", self.header, self.unit)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn kinds_are_sorted_and_declared_once() {
        assert!(super::KINDS.windows(2).all(|w| w[0].0 < w[1].0), "KINDS must be sorted by name, each once");
    }

    #[test]
    fn every_column_is_in_words() {
        let kinds: Vec<&str> = super::KINDS.iter().map(|k| k.0).collect();
        let words: Vec<&str> = super::WORDS.iter().map(|w| w.name).collect();
        assert_eq!(kinds, words, "WORDS must name the columns of KINDS, in the same (sorted) order");
    }
}
