//! The header dictionary: every column role of every file anchormap reads, with the headers real extracts and published files give it (matched ignoring case, spaces and punctuation).
//!
//! One place for all of them, so that the README's table, `anchormap inspect` and every reader
//! agree. A header matches an alias when both are equal after [`normalise`]; an alias with a
//! `*` matches any header that starts with the part before it and ends with the part after it.
//! Aliases are tried in the order of the roles, and a header is given to the first role it
//! matches; for each role the first header that matches wins.

use crate::columns::ColumnSpec;
pub use crate::columns::{alias_matches, normalise};

const fn spec(key: &'static str, description: &'static str, aliases: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec { key, description, aliases }
}

// ---- The user's own files ----

/// Staff in post (ESR staff-in-post and Business Intelligence exports).
pub const STAFF: [ColumnSpec; 12] = [
    spec(
        "postcode",
        "home postcode",
        &[
            "postcode",
            "home postcode",
            "postcode home",
            "pcds",
            "post code",
            "employee postcode",
            "home address postcode",
            "postcode of usual address",
            "address postcode",
        ],
    ),
    spec(
        "staff_group",
        "staff group",
        &["staff group", "occupation group", "group", "staff group name", "staff group (esr)"],
    ),
    spec(
        "band",
        "pay band or grade",
        &["band", "pay band", "afc band", "grade", "pay grade", "grade code", "pay scale", "grade/pay band"],
    ),
    spec(
        "start_date",
        "start date",
        &[
            "start date",
            "date started",
            "hire date",
            "latest start date",
            "assignment start date",
            "date of joining",
            "joined",
            "latest hire date",
        ],
    ),
    spec(
        "employee_number",
        "employee number (not published)",
        &["employee number", "employee no", "person number", "staff number"],
    ),
    spec("assignment_number", "assignment number (not published)", &["assignment number", "assignment no"]),
    spec("age_band", "age band", &["age band", "age group", "age"]),
    spec("sex", "gender or sex", &["gender", "sex"]),
    spec(
        "ethnic_group",
        "ethnic origin",
        &["ethnic origin", "ethnicity", "ethnic group", "ethnic category", "ethnic category code"],
    ),
    spec(
        "wte",
        "contracted whole-time equivalent",
        &["contracted wte", "wte", "fte", "contracted fte", "assignment wte"],
    ),
    spec("date_of_birth", "date of birth (not published)", &["date of birth", "dob", "birth date"]),
    spec(
        "site",
        "work site: a code, name or alias of the sites file (ESR location or organisation)",
        &[
            "site",
            "site code",
            "site name",
            "work site",
            "base site",
            "work base",
            "location",
            "location name",
            "work location",
            "assignment location",
            "base location",
            "organisation",
            "organisation name",
        ],
    ),
];

/// Vacancies (TRAC and NHS Jobs exports).
pub const VACANCIES: [ColumnSpec; 8] = [
    spec(
        "id",
        "vacancy reference",
        &[
            "vacancy id",
            "vacancy reference",
            "vacancy ref",
            "vacancy number",
            "reference",
            "job reference",
            "job ref",
            "id",
        ],
    ),
    spec(
        "site",
        "site code, site name or postcode",
        &[
            "site",
            "site code",
            "site name",
            "location",
            "work location",
            "base",
            "work base",
            "postcode",
            "site postcode",
        ],
    ),
    spec("staff_group", "staff group", &["staff group", "occupation group", "job type"]),
    spec("band", "pay band", &["band", "pay band", "afc band", "grade", "pay grade"]),
    spec("entry_level", "entry-level flag", &["entry level", "entry"]),
    spec("job_title", "job title", &["job title", "title", "post title", "vacancy title", "job"]),
    spec("closing_date", "closing date", &["closing date", "close date", "closes"]),
    spec("wte", "whole-time equivalent", &["wte", "fte"]),
];

/// Job applications (NHS Jobs and TRAC exports, with their equality monitoring fields).
pub const APPLICATIONS: [ColumnSpec; 7] = [
    spec(
        "postcode",
        "applicant postcode (not published)",
        &[
            "postcode",
            "applicant postcode",
            "home postcode",
            "post code",
            "candidate postcode",
            "address postcode",
            "postcode of usual address",
        ],
    ),
    spec(
        "stage",
        "application status or stage reached",
        &[
            "application status",
            "status",
            "stage",
            "stage reached",
            "application stage",
            "outcome",
            "application outcome",
            "current status",
            "recruitment stage",
            "candidate status",
        ],
    ),
    spec(
        "id",
        "application id (not published)",
        &[
            "application id",
            "application reference",
            "application ref",
            "application number",
            "applicant id",
            "candidate id",
            "candidate reference",
        ],
    ),
    spec(
        "vacancy",
        "vacancy reference",
        &[
            "vacancy reference",
            "vacancy id",
            "vacancy ref",
            "vacancy number",
            "job reference",
            "job ref",
            "advert reference",
        ],
    ),
    spec(
        "ethnic_group",
        "ethnic group",
        &["ethnicity", "ethnic origin", "ethnic group", "ethnic category", "ethnic background"],
    ),
    spec("sex", "sex or gender", &["sex", "gender", "legal sex"]),
    spec("band", "pay band of the post", &["band", "pay band", "afc band", "agenda for change band", "grade"]),
];

/// Sites: a trust's hospitals and clinics.
pub const SITES: [ColumnSpec; 6] = [
    spec("code", "site code", &["site code", "code", "site", "org site code", "organisation site code"]),
    spec("name", "site name", &["site name", "name", "hospital", "hospital name"]),
    spec("postcode", "site postcode", &["postcode", "site postcode", "pcds"]),
    spec("easting", "easting", &["easting", "eastings", "x", "bng e"]),
    spec("northing", "northing", &["northing", "northings", "y", "bng n"]),
    spec("aliases", "other names of the site, separated by |", &["aliases", "also known as", "other names"]),
];

/// Outpatient appointments (SUS and HES outpatients, or a trust's own activity extract).
pub const APPOINTMENTS: [ColumnSpec; 9] = [
    spec(
        "postcode",
        "patient postcode",
        &[
            "postcode",
            "patient postcode",
            "pcds",
            "post code",
            "home postcode",
            "postcode of usual address",
            "patient postcode of usual address",
            "homeadd",
        ],
    ),
    spec(
        "area",
        "patient area code (LSOA)",
        &[
            "lsoa",
            "lsoa code",
            "patient lsoa",
            "lsoa11cd",
            "lsoa21cd",
            "lsoa11",
            "lsoa21",
            "lsoa11 code",
            "lsoa21 code",
            "area code",
            "lower layer super output area",
        ],
    ),
    spec(
        "site",
        "site code or name",
        &[
            "site code",
            "site",
            "sitecode",
            "provider site code",
            "site code (of treatment)",
            "sitetret",
            "site of treatment",
            "site name",
            "clinic site",
        ],
    ),
    spec(
        "mode",
        "consultation medium (face to face, telephone, video, or codes 01-06)",
        &[
            "mode",
            "attendance mode",
            "consultation medium",
            "consultation medium used",
            "consmed",
            "consmedused",
            "medium",
        ],
    ),
    spec(
        "count",
        "number of appointments the row stands for",
        &["count", "appointments", "attendances", "n", "activity"],
    ),
    spec(
        "specialty",
        "treatment function code",
        &["specialty", "speciality", "treatment function code", "treatment function", "tfc", "tretspef"],
    ),
    spec(
        "first_follow_up",
        "first or follow-up attendance",
        &[
            "first follow up",
            "first or follow up",
            "first/follow-up",
            "attendance type",
            "first attendance",
            "firstatt",
            "new or follow up",
        ],
    ),
    spec(
        "attended",
        "attended or did not attend",
        &["attended or did not attend", "attended", "attendance status", "attendance outcome", "attend", "dna"],
    ),
    spec("date", "appointment date", &["date", "appointment date", "appt date", "attendance date", "apptdate"]),
];

/// A road distance/time matrix between patient areas and sites.
pub const DISTANCE_MATRIX: [ColumnSpec; 4] = [
    spec("area", "patient area code", &["area code", "origin", "from", "lsoa", "lsoa code", "lsoa11cd", "lsoa21cd"]),
    spec("site", "site code", &["site code", "site", "destination", "to"]),
    spec("distance_km", "one-way road km", &["distance km", "km", "road km", "distance"]),
    spec("time_min", "one-way minutes", &["time min", "minutes", "duration min", "time"]),
];

/// Travel times without a car (public transport, walking, cycling) from areas to sites: r5r's
/// `travel_time_matrix` (`from_id, to_id, travel_time_p50`), OpenTripPlanner or the trust's own.
pub const TIME_MATRIX: [ColumnSpec; 3] = [
    spec(
        "area",
        "area code",
        &["from id", "area code", "origin", "origin id", "from", "lsoa", "lsoa code", "lsoa11cd", "lsoa21cd"],
    ),
    spec("site", "site code", &["to id", "site code", "site", "destination", "destination id", "to"]),
    spec(
        "minutes",
        "one-way minutes without a car",
        &["travel time p50", "travel time", "minutes", "time min", "duration min", "journey time", "duration"],
    ),
];

/// Target neighbourhoods: a gaps run's `targets.csv`, or any list of area codes (ranked or not).
pub const TARGETS: [ColumnSpec; 2] = [
    spec("rank", "rank", &["rank"]),
    spec("area", "area code", &["area code", "lsoa code*", "lsoa11cd", "lsoa21cd", "lsoa", "code"]),
];

/// The geocode input: any CSV with a postcode column.
pub const GEOCODE_INPUT: [ColumnSpec; 1] = [spec(
    "postcode",
    "postcode",
    &["postcode", "pcds", "pcd", "post code", "postcode of usual address", "home postcode", "patient postcode"],
)];

// ---- Public reference data ----

/// The area-code column of a published table (`LSOA code (2011)`, `LSOA11CD`, `lsoa21_code`, …).
pub const AREA_CODE: ColumnSpec = spec(
    "code",
    "area code (e.g. 'LSOA code (2011)')",
    &[
        "lsoa code*",
        "lsoa11cd",
        "lsoa21cd",
        "lsoa11 code",
        "lsoa21 code",
        "area code",
        "code",
        "lsoa",
        "geography code",
    ],
);

/// A postcode directory with a header row (ONSPD, NSPL or a two-column table).
pub const POSTCODE_DIRECTORY: [ColumnSpec; 9] = [
    spec("postcode", "postcode", &["pcds", "pcd", "pcd2", "pcd7", "pcd8", "postcode", "post code"]),
    spec("easting", "easting", &["oseast1m", "east1m", "easting", "eastings", "bng e", "x"]),
    spec("northing", "northing", &["osnrth1m", "north1m", "northing", "northings", "bng n", "y"]),
    spec("latitude", "latitude", &["lat", "latitude"]),
    spec("longitude", "longitude", &["long", "lon", "longitude", "lng"]),
    spec("country", "country code", &["ctry", "country", "country code", "ctry*cd"]),
    spec("quality", "positional quality", &["osgrdind", "positional quality indicator", "pqi"]),
    // The LSOA that ONS assigns the postcode (ONSPD and NSPL), used over the spatial join when it
    // is of the boundaries' vintage.
    spec("lsoa11", "LSOA 2011 code assigned by ONS", &["lsoa11", "lsoa11cd", "lsoa11 code"]),
    spec("lsoa21", "LSOA 2021 code assigned by ONS", &["lsoa21", "lsoa21cd", "lsoa21 code"]),
];

/// An IoD file (File 1, 2 or 7 as published; or a table of scores).
pub const DEPRIVATION: [ColumnSpec; 5] = [
    AREA_CODE,
    spec("rank", "IMD rank", &["index of multiple deprivation (imd) rank*", "imd rank"]),
    spec("decile", "IMD decile", &["index of multiple deprivation (imd) decile*", "imd decile"]),
    spec("score", "IMD score", &["index of multiple deprivation (imd) score*", "imd", "imd score"]),
    spec("district", "local authority district code", &["local authority district code*"]),
];

/// One domain of the English Indices of Deprivation, with the columns of its rank and score.
#[derive(Debug)]
pub struct IodDomain {
    /// The domain in column names and summaries (`income`, `housing_and_services`, …).
    pub key: &'static str,
    /// The domain as MHCLG names it.
    pub name: &'static str,
    /// The column of the domain's rank.
    pub rank: ColumnSpec,
    /// The column of the domain's score.
    pub score: ColumnSpec,
}

const fn domain(key: &'static str, name: &'static str, rank: ColumnSpec, score: ColumnSpec) -> IodDomain {
    IodDomain { key, name, rank, score }
}

/// The seven domains of the IoD (2019 and 2025), as File 2 and File 5/7 name their ranks and
/// scores, as the tabular copies do (`Income_rank`, `Income_score`), and as NHSX's parquet copy
/// of the 2019 scores does (`Income`, `Barriers (H&S)`).
pub const IOD_DOMAINS: [IodDomain; 7] = [
    domain(
        "income",
        "Income",
        spec("income_rank", "Income domain rank", &["income rank*", "income domain rank*"]),
        spec("income_score", "Income domain score", &["income score*", "income domain score*", "income"]),
    ),
    domain(
        "employment",
        "Employment",
        spec("employment_rank", "Employment domain rank", &["employment rank*", "employment domain rank*"]),
        spec(
            "employment_score",
            "Employment domain score",
            &["employment score*", "employment domain score*", "employment"],
        ),
    ),
    domain(
        "education",
        "Education, Skills and Training",
        spec(
            "education_rank",
            "Education, Skills and Training rank",
            &["education, skills and training rank*", "education rank*"],
        ),
        spec(
            "education_score",
            "Education, Skills and Training score",
            &["education, skills and training score*", "education score*", "education"],
        ),
    ),
    domain(
        "health",
        "Health Deprivation and Disability",
        spec(
            "health_rank",
            "Health Deprivation and Disability rank",
            &["health deprivation and disability rank*", "health rank*"],
        ),
        spec(
            "health_score",
            "Health Deprivation and Disability score",
            &["health deprivation and disability score*", "health score*", "health"],
        ),
    ),
    domain(
        "crime",
        "Crime",
        spec("crime_rank", "Crime domain rank", &["crime rank*", "crime domain rank*"]),
        spec("crime_score", "Crime domain score", &["crime score*", "crime domain score*", "crime"]),
    ),
    domain(
        "housing_and_services",
        "Barriers to Housing and Services",
        spec(
            "housing_and_services_rank",
            "Barriers to Housing and Services rank",
            &["barriers to housing and services rank*", "housing and services rank*", "barriers rank*"],
        ),
        spec(
            "housing_and_services_score",
            "Barriers to Housing and Services score",
            &[
                "barriers to housing and services score*",
                "housing and services score*",
                "barriers score*",
                "barriers (h&s)",
            ],
        ),
    ),
    domain(
        "living_environment",
        "Living Environment",
        spec("living_environment_rank", "Living Environment rank", &["living environment rank*", "environment rank*"]),
        spec(
            "living_environment_score",
            "Living Environment score",
            &["living environment score*", "environment score*", "environment"],
        ),
    ),
];

/// The working-age population: IoD's denominator, the census 16–64 count, or any population column.
pub const WORKING_AGE_POPULATION: ColumnSpec = spec(
    "population",
    "population (e.g. 'Working age population 18-59/64')",
    &["working age population*", "population (working*", "aged 16 to 64", "population", "pop"],
);

/// The IoD's working-age denominator of the Employment domain (File 6: `Working age population
/// 18-59/64: for use with Employment Deprivation Domain`; IoD2025 File 7: `… 18-66 …`; NHSX's parquet: `Population (Working)`).
pub const EMPLOYMENT_POPULATION: ColumnSpec = spec(
    "employment_population",
    "working-age population (the Employment domain's denominator)",
    &["working age population*", "population (working*"],
);

/// The total (all ages) population, for per-capita rates of patients.
pub const TOTAL_POPULATION: ColumnSpec = spec(
    "population",
    "total population (e.g. 'Total population: mid 2015 (excluding prisoners)')",
    &["total population*", "population (total)", "population", "pop", "all ages", "total_sum_of_cells"],
);

/// Census 2021 TS045 car or van availability (Nomis bulk layout: `Number of cars or vans: …`), households per area.
pub const CAR_AVAILABILITY: [ColumnSpec; 2] = [
    spec(
        "households",
        "all households",
        &["number of cars or vans: total*", "*total: all households", "all households"],
    ),
    spec(
        "no_car",
        "households with no car or van",
        &["*no cars or vans in household", "no cars or vans", "no car or van"],
    ),
];

/// Census 2021 TS061 method of travel to workplace (Nomis bulk layout: `Method of travel to workplace: …`), workers per area.
pub const TRAVEL_TO_WORK: [ColumnSpec; 6] = [
    spec(
        "workers",
        "all workers (usual residents in employment)",
        &["method of travel to workplace: total*", "*in employment the week before the census"],
    ),
    spec("bus", "workers travelling by bus, minibus or coach", &["*bus, minibus or coach"]),
    spec("train", "workers travelling by train", &["method of travel to workplace: train", "train"]),
    spec(
        "underground",
        "workers travelling by underground, metro, light rail or tram",
        &["*underground, metro, light rail, tram"],
    ),
    spec("bicycle", "workers travelling by bicycle", &["*: bicycle", "bicycle"]),
    spec("on_foot", "workers travelling on foot", &["*: on foot", "on foot"]),
];

/// Census 2021 TS058 distance travelled to work (Nomis bulk layout), workers per area in each
/// band of straight-line distance from home to workplace: what `commute` sets staff beside.
pub const DISTANCE_TRAVELLED: [ColumnSpec; 8] = [
    spec("under_2km", "workers less than 2 km from work", &["*: less than 2km", "less than 2km"]),
    spec("2_to_5km", "workers 2 km to less than 5 km from work", &["*2km to less than 5km"]),
    spec("5_to_10km", "workers 5 km to less than 10 km from work", &["*5km to less than 10km"]),
    spec("10_to_20km", "workers 10 km to less than 20 km from work", &["*10km to less than 20km"]),
    spec("20_to_30km", "workers 20 km to less than 30 km from work", &["*20km to less than 30km"]),
    spec("30_to_40km", "workers 30 km to less than 40 km from work", &["*30km to less than 40km"]),
    spec("40_to_60km", "workers 40 km to less than 60 km from work", &["*40km to less than 60km"]),
    spec("60km_and_over", "workers 60 km or more from work", &["*60km and over", "60km and over"]),
];

/// Census 2021 TS061 method of travel to workplace, every method (Nomis bulk layout), workers per
/// area: what `commute` takes each home area's mode split from.
pub const TRAVEL_TO_WORK_METHODS: [ColumnSpec; 12] = [
    spec(
        "workers",
        "all workers (usual residents in employment)",
        &["method of travel to workplace: total*", "*in employment the week before the census"],
    ),
    spec(
        "home",
        "workers working mainly at or from home",
        &["*work mainly at or from home", "work mainly at or from home"],
    ),
    spec(
        "underground",
        "workers travelling by underground, metro, light rail or tram",
        &["*underground, metro, light rail, tram"],
    ),
    spec("train", "workers travelling by train", &["method of travel to workplace: train", "train"]),
    spec("bus", "workers travelling by bus, minibus or coach", &["*bus, minibus or coach"]),
    spec("taxi", "workers travelling by taxi", &["*: taxi", "taxi"]),
    spec(
        "motorcycle",
        "workers travelling by motorcycle, scooter or moped",
        &["*motorcycle, scooter or moped", "motorcycle"],
    ),
    spec("car_driver", "workers driving a car or van", &["*driving a car or van", "driving a car or van"]),
    spec(
        "car_passenger",
        "workers travelling as a passenger in a car or van",
        &["*passenger in a car or van", "passenger in a car or van"],
    ),
    spec("bicycle", "workers travelling by bicycle", &["*: bicycle", "bicycle"]),
    spec("on_foot", "workers travelling on foot", &["*: on foot", "on foot"]),
    spec(
        "other",
        "workers travelling by another method",
        &["*other method of travel to work", "other method of travel to work"],
    ),
];

/// Census 2021 TS021 ethnic group (Nomis bulk layout: `Ethnic group: …`), usual residents per area: the five high-level groups.
pub const ETHNIC_GROUP_POPULATION: [ColumnSpec; 5] = [
    spec(
        "asian",
        "Asian, Asian British or Asian Welsh",
        &["ethnic group: asian, asian british or asian welsh", "asian, asian british or asian welsh", "asian"],
    ),
    spec(
        "black",
        "Black, Black British, Black Welsh, Caribbean or African",
        &[
            "ethnic group: black, black british, black welsh, caribbean or african",
            "black, black british, black welsh, caribbean or african",
            "black",
        ],
    ),
    spec(
        "mixed",
        "Mixed or Multiple ethnic groups",
        &["ethnic group: mixed or multiple ethnic groups", "mixed or multiple ethnic groups", "mixed"],
    ),
    spec("white", "White", &["ethnic group: white", "white"]),
    spec("other", "Other ethnic group", &["ethnic group: other ethnic group", "other ethnic group", "other"]),
];

/// Census 2021 TS008 sex (Nomis bulk layout: `Sex: Female; measures: Value`), usual residents per area.
pub const SEX_POPULATION: [ColumnSpec; 2] = [
    spec("female", "females", &["sex: female*", "female", "females"]),
    spec("male", "males", &["sex: male*", "male", "males"]),
];

/// Census 2021 usual residents per area in the working-age bands (an ONS custom table: `Aged 16 to 24 years`, …).
pub const AGE_POPULATION: [ColumnSpec; 4] = [
    spec("aged_16_24", "aged 16 to 24", &["aged 16 to 24 years", "age: aged 16 to 24 years", "aged 16 to 24", "16-24"]),
    spec("aged_25_34", "aged 25 to 34", &["aged 25 to 34 years", "age: aged 25 to 34 years", "aged 25 to 34", "25-34"]),
    spec("aged_35_49", "aged 35 to 49", &["aged 35 to 49 years", "age: aged 35 to 49 years", "aged 35 to 49", "35-49"]),
    spec("aged_50_64", "aged 50 to 64", &["aged 50 to 64 years", "age: aged 50 to 64 years", "aged 50 to 64", "50-64"]),
];

/// Census 2021 TS007A age by five-year bands (Nomis bulk layout: `Age: Aged 15 to 19 years`, …), 15 to 64.
pub const AGE_FIVE_YEAR_POPULATION: [ColumnSpec; 10] = [
    spec("aged_15_19", "aged 15 to 19", &["*aged 15 to 19 years"]),
    spec("aged_20_24", "aged 20 to 24", &["*aged 20 to 24 years"]),
    spec("aged_25_29", "aged 25 to 29", &["*aged 25 to 29 years"]),
    spec("aged_30_34", "aged 30 to 34", &["*aged 30 to 34 years"]),
    spec("aged_35_39", "aged 35 to 39", &["*aged 35 to 39 years"]),
    spec("aged_40_44", "aged 40 to 44", &["*aged 40 to 44 years"]),
    spec("aged_45_49", "aged 45 to 49", &["*aged 45 to 49 years"]),
    spec("aged_50_54", "aged 50 to 54", &["*aged 50 to 54 years"]),
    spec("aged_55_59", "aged 55 to 59", &["*aged 55 to 59 years"]),
    spec("aged_60_64", "aged 60 to 64", &["*aged 60 to 64 years"]),
];

/// An LSOA → MSOA lookup (`LSOA21CD, LSOA21NM, MSOA21CD, MSOA21NM`): the MSOA code and the ONS MSOA name.
pub const MSOA_LOOKUP: [ColumnSpec; 2] = [
    spec("msoa", "MSOA code", &["msoa21cd", "msoa11cd", "msoa code*", "msoa21 code", "msoa11 code"]),
    spec("msoa_name", "MSOA name", &["msoa21nm", "msoa11nm", "msoa name*"]),
];

/// The House of Commons Library MSOA names (`msoa21cd, msoa21nm, …, msoa21hclnm, …`).
pub const MSOA_NAMES: [ColumnSpec; 2] = [
    spec("msoa", "MSOA code", &["msoa21cd", "msoa11cd", "msoa code*"]),
    spec("name", "House of Commons Library MSOA name", &["msoa21hclnm", "msoa11hclnm", "msoa*hclnm", "hcl name"]),
];

/// An LSOA → electoral ward lookup (`LSOA21CD, WD24NM, WD24CD, …`): the ward name.
pub const WARD_LOOKUP: [ColumnSpec; 1] = [spec("ward", "electoral ward name", &["wd*nm", "ward name", "ward"])];

/// Scotland's Data Zone 2011 → Intermediate Zone 2011 → council area → NHS health board lookup
/// (`dz11_code, dz11_name, iz11_code, iz11_name, ca_code, ca_name, hb_code, hb_name`): the names
/// people know a data zone by, and the places it is in.
pub const DATA_ZONE_LOOKUP: [ColumnSpec; 6] = [
    spec("zone", "data zone code", &["dz11_code", "dz11cd", "datazone2011", "datazone", "data zone code", "dz*cd"]),
    spec("zone_name", "data zone name", &["dz11_name", "dz11nm", "datazone2011name", "data zone name", "dz*nm"]),
    spec("iz", "intermediate zone code", &["iz11_code", "iz11cd", "intzone2011", "intermediate zone code", "iz*cd"]),
    spec(
        "iz_name",
        "intermediate zone name",
        &["iz11_name", "iz11nm", "intzone2011name", "intermediate zone name", "iz*nm"],
    ),
    spec("council_area", "council area name", &["ca_name", "ca*nm", "council area name", "council area", "laname"]),
    spec("health_board", "NHS health board name", &["hb_name", "hb*nm", "health board name", "health board", "hbname"]),
];

/// Census 2021 TS066 economic activity status, usual residents aged 16 and over, per area, as
/// grouped into five columns (`Employed, Unemployed, Students (inactive), Retired, Other inactive`).
pub const ECONOMIC_ACTIVITY: [ColumnSpec; 3] = [
    spec("unemployed", "unemployed residents (including full-time students)", &["unemployed", "*: unemployed"]),
    spec("students", "economically inactive students", &["students (inactive)", "*inactive: student"]),
    spec("other_inactive", "other economically inactive residents (not retired, not students)", &["other inactive"]),
];

/// Every file a user brings, with the flag that names its columns: for the README and `inspect`.
pub const USER_FILES: [(&str, &str, &[ColumnSpec]); 9] = [
    ("staff", "--staff-columns", &STAFF),
    ("vacancies", "--vacancy-columns", &VACANCIES),
    ("applications", "--application-columns", &APPLICATIONS),
    ("sites", "--site-columns", &SITES),
    ("appointments", "--appointment-columns", &APPOINTMENTS),
    ("distance matrix", "--distance-matrix-columns", &DISTANCE_MATRIX),
    ("time matrix", "--time-matrix-columns", &TIME_MATRIX),
    ("targets", "--targets-columns", &TARGETS),
    ("geocode input", "--input-columns", &GEOCODE_INPUT),
];

/// The role `key` of a file's dictionary.
///
/// # Panics
/// When the dictionary has no such role: a programming error, caught by the tests.
pub fn role(specs: &'static [ColumnSpec], key: &str) -> &'static ColumnSpec {
    specs.iter().find(|s| s.key == key).unwrap_or_else(|| panic!("no role '{key}' in the dictionary"))
}

/// The README's table of recognised headers, one row per role.
pub fn markdown_table() -> String {
    let mut out = String::from("| file | role (`--X-columns KEY=HEADER`) | headers recognised |\n|---|---|---|\n");
    for (file, flag, specs) in USER_FILES {
        for s in specs {
            let aliases: Vec<String> = s.aliases.iter().map(|a| format!("`{a}`")).collect();
            out.push_str(&format!("| {file} | `{flag} {}=…`: {} | {} |\n", s.key, s.description, aliases.join(", ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dictionary_and_hes_headers_are_recognised() {
        let find = |specs: &[ColumnSpec], header: &str| {
            specs.iter().find(|s| s.aliases.iter().any(|a| alias_matches(a, &normalise(header)))).map(|s| s.key)
        };
        assert_eq!(find(&APPOINTMENTS, "SITE CODE (OF TREATMENT)"), Some("site"));
        assert_eq!(find(&APPOINTMENTS, "SITETRET"), Some("site"));
        assert_eq!(find(&APPOINTMENTS, "FIRST ATTENDANCE"), Some("first_follow_up"));
        assert_eq!(find(&APPOINTMENTS, "ATTENDED OR DID NOT ATTEND"), Some("attended"));
        assert_eq!(find(&APPOINTMENTS, "Treatment Function Code"), Some("specialty"));
        assert_eq!(find(&APPOINTMENTS, "CONSULTATION MEDIUM USED"), Some("mode"));
        assert_eq!(find(&APPOINTMENTS, "Appointment Date"), Some("date"));
        assert_eq!(find(&APPOINTMENTS, "POSTCODE OF USUAL ADDRESS"), Some("postcode"));
        assert_eq!(find(&STAFF, "Latest Start Date"), Some("start_date"));
        assert_eq!(find(&STAFF, "Ethnic Origin"), Some("ethnic_group"));
        assert_eq!(find(&VACANCIES, "Vacancy Reference"), Some("id"));
        assert_eq!(find(&VACANCIES, "Closing Date"), Some("closing_date"));
        assert_eq!(find(&APPLICATIONS, "Application Status"), Some("stage"));
        assert_eq!(find(&APPLICATIONS, "Ethnicity"), Some("ethnic_group"));
        assert_eq!(
            find(&DEPRIVATION, "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOA"),
            Some("decile")
        );
        assert_eq!(find(&POSTCODE_DIRECTORY, "ctry25cd"), Some("country"));
        assert_eq!(find(&POSTCODE_DIRECTORY, "lsoa11"), Some("lsoa11"));
        assert_eq!(find(&POSTCODE_DIRECTORY, "LSOA21CD"), Some("lsoa21"));
        assert_eq!(find(&[AREA_CODE], "LSOA code (2011)"), Some("code"));
        assert_eq!(find(&[AREA_CODE], "lsoa21_code"), Some("code"));
        assert_eq!(find(&[WORKING_AGE_POPULATION], "aged_16_to_64"), Some("population"));
        assert_eq!(find(&CAR_AVAILABILITY, "Number of cars or vans: No cars or vans in household"), Some("no_car"));
        assert_eq!(find(&CAR_AVAILABILITY, "Number of cars or vans: Total: All households"), Some("households"));
        assert_eq!(find(&CAR_AVAILABILITY, "Number of cars or vans: 1 car or van in household"), None);
        for (header, key) in [
            ("Method of travel to workplace: Total: All usual residents aged 16 years and over in employment the week before the census", "workers"),
            ("Method of travel to workplace: Bus, minibus or coach", "bus"),
            ("Method of travel to workplace: Train", "train"),
            ("Method of travel to workplace: Underground, metro, light rail, tram", "underground"),
            ("Method of travel to workplace: Bicycle", "bicycle"),
            ("Method of travel to workplace: On foot", "on_foot"),
        ] {
            assert_eq!(find(&TRAVEL_TO_WORK, header), Some(key), "{header}");
        }
        assert_eq!(find(&TRAVEL_TO_WORK, "Method of travel to workplace: Taxi"), None);
        assert_eq!(find(&ETHNIC_GROUP_POPULATION, "Ethnic group: Asian, Asian British or Asian Welsh"), Some("asian"));
        assert_eq!(find(&ETHNIC_GROUP_POPULATION, "Ethnic group: Asian, Asian British or Asian Welsh: Chinese"), None);
        assert_eq!(find(&ETHNIC_GROUP_POPULATION, "Ethnic group: White: Other White"), None);
        assert_eq!(find(&ETHNIC_GROUP_POPULATION, "Ethnic group: Other ethnic group"), Some("other"));
        assert_eq!(find(&SEX_POPULATION, "Sex: Female; measures: Value"), Some("female"));
        assert_eq!(find(&SEX_POPULATION, "Sex: Male; measures: Value"), Some("male"));
        assert_eq!(find(&AGE_FIVE_YEAR_POPULATION, "Age: Aged 15 to 19 years"), Some("aged_15_19"));
        assert_eq!(find(&AGE_POPULATION, "Aged 16 to 24 years"), Some("aged_16_24"));
        for (header, key) in [
            ("Income Rank (where 1 is most deprived)", "income_rank"),
            ("Income_rank", "income_rank"),
            ("Barriers to Housing and Services Rank (where 1 is most deprived)", "housing_and_services_rank"),
            ("Housing_and_Services_rank", "housing_and_services_rank"),
            ("Living Environment Rank (where 1 is most deprived)", "living_environment_rank"),
            ("Environment_rank", "living_environment_rank"),
        ] {
            let role = IOD_DOMAINS.iter().find(|d| find(std::slice::from_ref(&d.rank), header).is_some());
            assert_eq!(role.map(|d| d.rank.key), Some(key), "{header}");
        }
        for (header, key) in [
            ("Income Score (rate)", "income_score"),
            ("Income_score", "income_score"),
            ("Income", "income_score"),
            ("Education, Skills and Training Score", "education_score"),
            ("Barriers (H&S)", "housing_and_services_score"),
            ("Environment", "living_environment_score"),
            ("Living Environment Score", "living_environment_score"),
        ] {
            let role = IOD_DOMAINS.iter().find(|d| find(std::slice::from_ref(&d.score), header).is_some());
            assert_eq!(role.map(|d| d.score.key), Some(key), "{header}");
        }
        let sub_domain = "Income Deprivation Affecting Children Index (IDACI) Score (rate)";
        assert!(IOD_DOMAINS.iter().all(|d| find(std::slice::from_ref(&d.score), sub_domain).is_none()));
        assert_eq!(find(&[TOTAL_POPULATION], "Population (Total)"), Some("population"));
    }
}
