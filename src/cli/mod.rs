//! Command-line interface: the subcommands and the argument groups they share (reference data, output,
//! sites, vacancies, values, disclosure, `--quiet`), each declared once and flattened where used; a command
//! that words a shared flag its own way says so with `mut_arg`.

pub mod commute;
pub mod config;
pub mod export;
pub mod nations;
pub mod network;
pub mod publish;

use std::path::{Path, PathBuf};

use clap::builder::{EnumValueParser, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};

use crate::analysis::emissions::ShiftScope;
use crate::columns::ColumnMap;
use crate::geocoder::ReferencePaths;
use crate::input::inspect::FileKind;
use crate::output::classes::Scheme;
use crate::reference::boundaries::BoundaryProperties;

pub use commute::CommuteArgs;
pub use export::ExportArgs;
pub use publish::PublishArgs;

/// Workforce-versus-community deprivation gaps and outpatient travel emissions, by small area.
#[derive(Debug, Parser)]
#[command(
    name = "anchormap",
    version,
    about,
    max_term_width = 100,
    after_help = "Options can also come from a settings file, ./anchormap.toml or --config FILE (one table per \
                  command, plus [reference], [inputs], [community], [disclosure], [travel], and [values.ROLE] for what \
                  coded values mean), and the reference \
                  data paths from the last `anchormap fetch`. Flags override both. Start with `anchormap demo --out demo`."
)]
pub struct Cli {
    /// Settings file [default: ./anchormap.toml when present]. Its options apply unless given as flags.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub enum Command {
    /// Add each row's postcode point, area and deprivation decile to a CSV (every row kept, in order).
    Geocode(GeocodeArgs),
    /// Compare where staff live with the community's working-age population by deprivation; list target neighbourhoods.
    Gaps(GapsArgs),
    /// One run for an anchor network's partners: each employer's gaps tables and the pool's, protected as one system.
    Network(network::NetworkArgs),
    /// Patient travel to outpatient appointments: km, kg CO2e and cost by area, decile, site and specialty; virtual-care scenarios.
    Emissions(EmissionsArgs),
    /// Staff travel to work: trips, km, kg CO2e, cost and hours by home area, deprivation decile, band and site.
    Commute(CommuteArgs),
    /// Applied -> shortlisted -> appointed by deprivation, ethnic group, sex and band; WRES indicator 2.
    Funnel(FunnelArgs),
    /// Draw a choropleth map (SVG or PNG) of an area-level GeoJSON output, or of boundaries with their IMD deciles.
    Map(MapArgs),
    /// Write the board report: one self-contained HTML file from the outputs of gaps and/or emissions.
    Report(ReportArgs),
    /// Run everything (geocode, gaps, emissions, maps, report) offline on the built-in fictional region.
    Demo(DemoArgs),
    /// Download the official reference data (postcodes, boundaries, deprivation, population) with pinned checksums; later commands find it.
    Fetch(FetchArgs),
    /// Place every postcode of a directory in the boundaries once and keep the result, memory-mapped, for later runs (fetch does this itself).
    Prepare(PrepareArgs),
    /// Say what each file is taken to be, the role of each column, value profiles (never a postcode), and the anchormap.toml lines that name them.
    Inspect(InspectArgs),
    /// Attack several gaps runs' published tables together (monthly packs, two communities over one staff file): exit 0 when protected, 1 when exposed.
    Audit(AuditArgs),
    /// The IoD's summary of every group of areas at once (every local authority, ICB or MSOA): average score, proportion in the most deprived 10%, extent.
    Profile(ProfileArgs),
    /// Apply the disclosure rule and its audit to a table of counts made elsewhere (a data platform's Parquet).
    Publish(PublishArgs),
    /// Export what a data platform needs to run the analyses on row data: `lookups` (Parquet, with a manifest and the method).
    Export(ExportArgs),
}

/// The reference data: what places postcodes in areas, and deprivation.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Reference data")]
pub struct ReferenceArgs {
    #[command(flatten)]
    pub placement: PlacementArgs,

    #[command(flatten)]
    pub iod: DeprivationArgs,

    #[command(flatten)]
    pub nations: nations::NationsArgs,
}

/// The deprivation file and its columns: shared by the commands that place people (through
/// [`ReferenceArgs`]) and `profile`, which needs no postcodes.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Reference data")]
pub struct DeprivationArgs {
    /// English Indices of Deprivation file (IoD2019 File 1, 2 or 7; IoD2025 File 1 or 7; CSV or Parquet).
    #[arg(long, value_name = "D")]
    pub deprivation: Option<PathBuf>,

    /// Deprivation file columns when not detected: code=,rank=,decile=,score= (and a domain's, e.g. income_rank=,income_score=)
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub deprivation_columns: ColumnMap,
}

/// `reference.deprivation` reads as before the deprivation flags had a struct of their own.
impl std::ops::Deref for ReferenceArgs {
    type Target = DeprivationArgs;

    fn deref(&self) -> &DeprivationArgs {
        &self.iod
    }
}

/// The files and options that place postcodes in areas: what a prepared store keeps.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Reference data")]
pub struct PlacementArgs {
    /// Postcode directory: OS Code-Point Open as published (zip or extracted folder), or an ONSPD/NSPL-style CSV.
    #[arg(long, value_name = "P")]
    pub postcodes: PathBuf,

    /// Area boundaries: GeoJSON FeatureCollection in WGS84 or British National Grid (e.g. LSOA 2011 or 2021).
    #[arg(long, value_name = "B")]
    pub boundaries: PathBuf,

    /// Boundary property holding the area code [default: detected, e.g. LSOA11CD or LSOA21CD].
    #[arg(long, value_name = "NAME")]
    pub code_property: Option<String>,

    /// Boundary property holding the area name [default: detected, e.g. LSOA11NM].
    #[arg(long, value_name = "NAME")]
    pub name_property: Option<String>,

    /// Postcode directory columns when not detected: postcode=,easting=,northing=,latitude=,longitude=,country=,quality=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub postcode_columns: ColumnMap,

    /// Furthest (metres) a postcode outside every area may be from the area it is given ("nearest").
    #[arg(long, value_name = "METRES", default_value_t = crate::geocoder::DEFAULT_MAX_DISTANCE_M, value_parser = non_negative_metres)]
    pub max_distance: f64,

    /// Folder of prepared stores (`anchormap prepare`), used when it holds a fresh one of these files [default: $ANCHORMAP_STORE, else the anchormap data folder's prepared/].
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,

    /// Read the reference files even when a prepared store of them exists.
    #[arg(long)]
    pub no_store: bool,

    #[command(flatten)]
    pub scotland: nations::ScotlandArgs,
}

/// Arguments of `anchormap prepare`.
#[derive(Debug, Args)]
#[command(mut_arg("quiet", |quiet| quiet.help(NO_PROGRESS)))]
pub struct PrepareArgs {
    #[command(flatten)]
    pub placement: PlacementArgs,

    #[command(flatten)]
    pub terminal: TerminalArgs,
}

fn non_negative_metres(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(m) if (0.0..=100_000.0).contains(&m) => Ok(m),
        _ => Err(format!("'{text}' is not a distance in metres (0 to 100000)")),
    }
}

impl ReferenceArgs {
    /// The reference files named, which no output may replace.
    pub fn files(&self) -> Vec<&Path> {
        let p = &self.placement;
        let n = &self.nations;
        [Some(&p.postcodes), Some(&p.boundaries), self.deprivation.as_ref()]
            .into_iter()
            .chain([n.wimd.as_ref(), n.simd.as_ref(), p.scotland.scotland_boundaries.as_ref()])
            .flatten()
            .map(|p| p.as_path())
            .collect()
    }

    pub fn paths(&self) -> ReferencePaths {
        ReferencePaths {
            deprivation: self.deprivation.clone(),
            deprivation_columns: self.deprivation_columns.clone(),
            nations: self.nations.paths(&self.placement.scotland),
            ..self.placement.paths()
        }
    }
}

impl PlacementArgs {
    /// The folder of prepared stores the user named (`--store`, else `ANCHORMAP_STORE`).
    fn named_store(&self) -> Option<PathBuf> {
        let from_env = std::env::var_os("ANCHORMAP_STORE").filter(|v| !v.is_empty()).map(PathBuf::from);
        self.store.clone().or(from_env)
    }

    /// The folder of prepared stores to look in (the named one, else the data folder's
    /// `prepared/`); `None` with `--no-store`.
    pub fn store_dir(&self) -> Option<PathBuf> {
        (!self.no_store)
            .then(|| self.named_store().or_else(|| crate::cli::config::home().map(|h| h.join("prepared"))))
            .flatten()
    }

    /// The paths and options, without deprivation.
    pub fn paths(&self) -> ReferencePaths {
        ReferencePaths {
            postcode_columns: self.postcode_columns.clone(),
            boundary_properties: BoundaryProperties {
                code: self.code_property.clone(),
                name: self.name_property.clone(),
            },
            max_distance_m: self.max_distance,
            store: self.store_dir(),
            store_named: !self.no_store && self.named_store().is_some(),
            nations: nations::NationsArgs::default().paths(&self.scotland),
            ..ReferencePaths::of_files(self.postcodes.clone(), self.boundaries.clone())
        }
    }
}

#[derive(Debug, Args)]
pub struct GeocodeArgs {
    /// CSV with a header row and a postcode column (`-` for standard input).
    #[arg(value_name = "INPUT.csv")]
    pub input: PathBuf,

    #[command(flatten)]
    pub reference: ReferenceArgs,

    /// Input column holding the postcode [default: postcode, or a recognised alias such as pcds].
    /// The same as `--input-columns postcode=NAME`.
    #[arg(long, value_name = "NAME")]
    pub postcode_column: Option<String>,

    /// Input columns when not detected: postcode=HEADER (the grammar of every --X-columns flag).
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub input_columns: ColumnMap,

    /// Output CSV (`-` for standard output).
    #[arg(short, long, value_name = "OUT.csv")]
    pub output: PathBuf,

    /// Also write the run summary (counts by match status, inputs, settings) as JSON.
    #[arg(long, value_name = "FILE")]
    pub summary_json: Option<PathBuf>,

    #[command(flatten)]
    pub terminal: TerminalArgs,
}

/// A breakdown of the gap tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Breakdown {
    /// Pay band groups: 1-4, 5-7, 8a-9, medical and dental.
    Band,
    /// Staff group as written in the staff file.
    StaffGroup,
    /// New starters (start date on or after --new-starters-since) against existing staff.
    Starter,
    /// Ethnic group (the five Census 2021 groups, BME and White) against the community (--ethnic-group-population).
    EthnicGroup,
    /// Sex against the community (--sex-population).
    Sex,
    /// Age band (16-24, 25-34, 35-49, 50-64) against the community's working-age population (--age-population).
    AgeBand,
}

impl Breakdown {
    /// The demographic dimension compared with the census, if it is one.
    pub fn dimension(self) -> Option<crate::analysis::demography::Dimension> {
        use crate::analysis::demography::Dimension;
        match self {
            Breakdown::EthnicGroup => Some(Dimension::EthnicGroup),
            Breakdown::Sex => Some(Dimension::Sex),
            Breakdown::AgeBand => Some(Dimension::AgeBand),
            Breakdown::Band | Breakdown::StaffGroup | Breakdown::Starter => None,
        }
    }
}

#[derive(Debug, Clone, Args)]
#[command(mut_arg("population", |a| a.required(true).help(
    "Population by area: IoD2019 File 6 / IoD2025 File 7 (working-age column by default) or a code,population CSV"
)))]
pub struct GapsArgs {
    /// Staff CSV (e.g. an ESR extract) with a home postcode column; optional staff group and band.
    #[arg(long, value_name = "S.csv")]
    pub staff: PathBuf,

    #[command(flatten)]
    pub vacancies: VacancyArgs,

    #[command(flatten)]
    pub sites: SiteArgs,

    #[command(flatten)]
    pub reference: ReferenceArgs,

    #[command(flatten)]
    pub population: PopulationArgs,

    /// Staff file columns when not detected: postcode=,staff_group=,band=,start_date=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub staff_columns: ColumnMap,

    /// A gaps run already published from the same staff (another community or breakdown, an
    /// earlier pack); repeatable. This run hides what it must so that an attacker holding it and
    /// these together gets no hidden count back (see `anchormap audit`).
    #[arg(long, value_name = "RUN")]
    pub protect_with: Vec<PathBuf>,

    #[command(flatten)]
    pub community: CommunityArgs,

    #[command(flatten)]
    pub names: AreaNameArgs,

    /// Census 2021 TS066 economic activity per LSOA 2021 (Employed, Unemployed, Students (inactive), Retired,
    /// Other inactive): each target's residents out of work (unemployed and inactive, not retired).
    #[arg(long, value_name = "TS066.csv")]
    pub economic_activity: Option<PathBuf>,

    /// Economic activity columns when not detected: code=,unemployed=,students=,other_inactive=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub economic_activity_columns: ColumnMap,

    /// Census 2021 TS045 car or van availability per LSOA 2021 (Nomis bulk CSV): each target's share of
    /// households without a car.
    #[arg(long, value_name = "TS045.csv")]
    pub car_availability: Option<PathBuf>,

    /// Car availability columns when not detected: code=,households=,no_car=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub car_availability_columns: ColumnMap,

    /// Also break the gap tables down by band group, staff group, new starters, ethnic group, sex or age band
    /// (repeatable); ethnic group, sex and age band are also compared with the community's census counts.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub by: Vec<Breakdown>,

    #[command(flatten)]
    pub demography: DemographyArgs,

    /// With --by starter: staff whose start date is on or after this date (YYYY-MM-DD) are new starters.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub new_starters_since: Option<crate::input::staff::Date>,

    /// The date the staff file was extracted (YYYY-MM-DD): the summary records it and the report
    /// says "staff as at …" (a board paper dates its figures).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_at: Option<crate::input::staff::Date>,

    /// National IMD deciles that count as deprived for targeting (Core20 = 1,2).
    #[arg(long, value_name = "DECILES", value_delimiter = ',', default_value = "1,2", value_parser = clap::value_parser!(u8).range(1..=10))]
    pub target_deciles: Vec<u8>,

    /// Travel radius (km, straight line) for reaching sites with open vacancies.
    #[arg(long, value_name = "KM", default_value_t = 10.0, value_parser = positive_km)]
    pub travel_radius_km: f64,

    /// How many nearest deprived neighbourhoods to list per vacancy.
    #[arg(long, value_name = "K", default_value_t = 5)]
    pub nearest: usize,

    /// Also rank the community's areas among themselves (local deciles, labelled as such).
    #[arg(long)]
    pub local_deciles: bool,

    #[command(flatten)]
    pub values: ValueArgs,

    #[command(flatten)]
    pub disclosure: DisclosureArgs,

    #[command(flatten)]
    pub output: OutputDirArgs,
}

/// The community by ethnic group, sex and age: Census 2021 tables per LSOA 2021 (for `--by ethnic-group`, `sex`, `age-band`).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Community by ethnic group, sex and age (Census 2021)")]
pub struct DemographyArgs {
    /// Census 2021 TS021 ethnic group per LSOA 2021 (Nomis bulk CSV): usual residents of all ages by the five groups.
    #[arg(long, value_name = "TS021.csv")]
    pub ethnic_group_population: Option<PathBuf>,

    /// Ethnic group table columns when not detected: code=,asian=,black=,mixed=,white=,other=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub ethnic_group_population_columns: ColumnMap,

    /// Census 2021 TS008 sex per LSOA 2021 (Nomis bulk CSV): usual residents of all ages.
    #[arg(long, value_name = "TS008.csv")]
    pub sex_population: Option<PathBuf>,

    /// Sex table columns when not detected: code=,female=,male=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub sex_population_columns: ColumnMap,

    /// Census 2021 age per LSOA 2021: TS007A five-year bands (Nomis bulk CSV), or a table with columns for
    /// 16-24, 25-34, 35-49 and 50-64.
    #[arg(long, value_name = "AGE.csv")]
    pub age_population: Option<PathBuf>,

    /// Age table columns when not detected: code=,aged_16_24=,aged_25_34=,aged_35_49=,aged_50_64= (or aged_15_19=… for TS007A)
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub age_population_columns: ColumnMap,

    /// Where staff have a date of birth and no age band: their age on this date (YYYY-MM-DD, e.g. the extract's date).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub age_on: Option<crate::input::staff::Date>,
}

impl DemographyArgs {
    /// The census table given for a dimension, with its column names.
    /// The option that names a dimension's census table (`ethnic-group-population`).
    pub fn option(dimension: crate::analysis::demography::Dimension) -> &'static str {
        use crate::analysis::demography::Dimension;
        match dimension {
            Dimension::EthnicGroup => "ethnic-group-population",
            Dimension::Sex => "sex-population",
            Dimension::AgeBand => "age-population",
        }
    }

    pub fn table(&self, dimension: crate::analysis::demography::Dimension) -> (Option<&Path>, &ColumnMap) {
        use crate::analysis::demography::Dimension;
        match dimension {
            Dimension::EthnicGroup => (self.ethnic_group_population.as_deref(), &self.ethnic_group_population_columns),
            Dimension::Sex => (self.sex_population.as_deref(), &self.sex_population_columns),
            Dimension::AgeBand => (self.age_population.as_deref(), &self.age_population_columns),
        }
    }
}

#[derive(Debug, Args)]
// The shared vacancy and site flags, worded for what funnel reads them for.
#[command(
    mut_arg("vacancies", |v| v.help("Vacancies CSV (TRAC / NHS Jobs): the band of each vacancy reference, for applications without a band column")),
    mut_arg("sites", |s| s.help("Sites CSV: site_code, site_name, and postcode and/or easting, northing (the default community: 10 km around them)")),
    mut_arg("population", |p| p.help("Population by area (as for gaps): with a community, applicants' deprivation is compared with the community's")),
)]
pub struct FunnelArgs {
    /// Applications CSV (an NHS Jobs or TRAC export): applicant postcode and application status or stage reached;
    /// optional application id, vacancy reference, ethnic group, sex, band.
    #[arg(long, value_name = "APPS.csv")]
    pub applications: PathBuf,

    #[command(flatten)]
    pub vacancies: VacancyArgs,

    #[command(flatten)]
    pub sites: SiteArgs,

    #[command(flatten)]
    pub reference: ReferenceArgs,

    #[command(flatten)]
    pub population: PopulationArgs,

    /// Application file columns when not detected: postcode=,stage=,id=,vacancy=,ethnic_group=,sex=,band=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub application_columns: ColumnMap,

    #[command(flatten)]
    pub community: CommunityArgs,

    #[command(flatten)]
    pub values: ValueArgs,

    /// Beyond this share of applications (0-1) with a status not read, the run stops (below it, they are
    /// left out of the figures and listed).
    #[arg(long, value_name = "SHARE", default_value_t = crate::input::unrecognised::UNRECOGNISED_SHARE_LIMIT, value_parser = fraction)]
    pub max_unclear_share: f64,

    #[command(flatten)]
    pub disclosure: DisclosureArgs,

    #[command(flatten)]
    pub output: OutputDirArgs,
}

/// Arguments of `anchormap profile`.
#[derive(Debug, Args)]
#[command(mut_arg("population", |a| a.help(
    "Population by area (the IoD weighs by the total population: IoD2019 File 6's total column is the \
     default) [default: the scores file's total population column, if it has one]"
)))]
pub struct ProfileArgs {
    /// A lookup of areas to groups (e.g. LSOA -> local authority, ICB or MSOA): one row per area and group.
    #[arg(long, value_name = "FILE")]
    pub lookup: PathBuf,

    /// The lookup's column of group codes (e.g. icb24_code, LAD22CD, MSOA21CD); its name column is found beside it.
    #[arg(long, value_name = "COL")]
    pub group_column: String,

    /// Lookup columns when not detected: code=HEADER (the area code, e.g. LSOA21CD).
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub lookup_columns: ColumnMap,

    #[command(flatten)]
    pub iod: DeprivationArgs,

    /// LSOA scores when --deprivation has none: IoD2019 File 5 or 7, IoD2025 File 7, or a tabular copy
    /// (e.g. IoD2025_scores_ranks_deciles_lsoa21.csv; CSV or Parquet). Gives the average scores.
    #[arg(long, value_name = "FILE")]
    pub scores: Option<PathBuf>,

    /// Scores file columns when not detected: code=,score= and a domain's, e.g. income_score=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub scores_columns: ColumnMap,

    #[command(flatten)]
    pub population: PopulationArgs,

    /// Area boundaries (GeoJSON), only to check that the lookup and the deprivation file are of their vintage.
    #[arg(long, value_name = "B")]
    pub boundaries: Option<PathBuf>,

    #[command(flatten)]
    pub output: OutputDirArgs,
}

/// Where an analysis writes its tables, and how much it says.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputDirArgs {
    /// Folder for the outputs (created if missing; written whole when the run is complete).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Replace an earlier run in --out (it is replaced whole, never mixed with the new one).
    #[arg(long)]
    pub force: bool,

    /// Formats beside the CSV tables and GeoJSON layers (always written): parquet (every table,
    /// typed), geoparquet and topojson (area layers; TopoJSON for Power BI's shape map).
    #[arg(long = "format", value_name = "FORMAT,...", value_delimiter = ',')]
    pub formats: Vec<crate::output::formats::Format>,

    #[command(flatten)]
    pub terminal: TerminalArgs,
}

/// `--quiet`, as every command that reports on stderr spells it.
#[derive(Debug, Clone, Default, Args)]
pub struct TerminalArgs {
    /// Suppress the summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `--quiet`'s help for the commands that show progress bars.
const NO_PROGRESS: &str = "No progress bars or summary on stderr";

/// The sites an analysis reads (`gaps`, `funnel`, `emissions`), and their columns.
#[derive(Debug, Clone, Default, Args)]
pub struct SiteArgs {
    /// Sites CSV: site_code, site_name, and postcode and/or easting, northing.
    #[arg(long, value_name = "SITES.csv")]
    pub sites: Option<PathBuf>,

    /// Site file columns when not detected: code=,name=,postcode=,easting=,northing=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub site_columns: ColumnMap,
}

/// The open vacancies an analysis reads (`gaps`, `funnel`), and their columns.
#[derive(Debug, Clone, Default, Args)]
pub struct VacancyArgs {
    /// Open vacancies CSV (TRAC / NHS Jobs): site (code or postcode), staff group, band, entry-level flag.
    #[arg(long, value_name = "V.csv")]
    pub vacancies: Option<PathBuf>,

    /// Vacancy file columns when not detected: id=,site=,staff_group=,band=,entry_level=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub vacancy_columns: ColumnMap,
}

/// Hospital sites marked on maps.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Site markers")]
pub struct SiteMarkerArgs {
    /// Sites to mark: site_code, site_name, and easting, northing (or postcode, with --postcodes).
    #[arg(long, value_name = "SITES.csv")]
    pub sites: Option<PathBuf>,

    /// Postcode directory, to place sites given only by postcode.
    #[arg(long, value_name = "P")]
    pub postcodes: Option<PathBuf>,

    /// Site file columns when not detected: code=,name=,postcode=,easting=,northing=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub site_columns: ColumnMap,
}

/// What the values of coded columns mean where the built-in reading is not the user's (METHOD.md, "Values").
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Values of coded columns")]
pub struct ValueArgs {
    /// Map the values of a coded column: ROLE=FILE, FILE a CSV of value,meaning (repeatable). Roles (meanings):
    /// status (applied, shortlisted, appointed), medium (face-to-face, telephone, video, email, text, virtual,
    /// not-recorded), attendance (attended, did-not-attend, cancelled-by-patient, cancelled-by-provider,
    /// not-yet-held), band (1-7, 8a-8d, 9, medical, not-known), ethnic-group (white, asian, black, mixed, other,
    /// not-stated), sex (female, male, not-stated). `[values.ROLE]` tables in anchormap.toml say the same.
    #[arg(long = "values", value_name = "ROLE=FILE")]
    pub values: Vec<String>,

    /// One value's meaning, ROLE:VALUE=MEANING: what a `[values.ROLE]` table of anchormap.toml becomes.
    #[arg(long = "value-meaning", value_name = "ROLE:VALUE=MEANING", hide = true)]
    pub value_meaning: Vec<String>,
}

impl ValueArgs {
    pub fn maps(&self) -> crate::error::Result<crate::input::value_maps::ValueMaps> {
        crate::input::value_maps::ValueMaps::from_options(&self.values, &self.value_meaning)
    }
}

/// Statistical disclosure control for published counts.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Disclosure control")]
pub struct DisclosureArgs {
    /// Smallest count published; 1 to MIN-1 are shown as * (NHS Digital's HES rule: 8).
    #[arg(long, value_name = "MIN", default_value_t = 8)]
    pub min_count: u32,

    /// Published counts are rounded to a multiple of this (HES rule: 5; 1 = no rounding).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub round_to: u32,
}

impl DisclosureArgs {
    pub fn rule(&self) -> crate::output::disclosure::Disclosure {
        crate::output::disclosure::Disclosure { min_count: self.min_count, round_to: self.round_to }
    }
}

#[derive(Debug, Args)]
// Emissions measures travel to the sites: the shared --sites is required here.
#[command(mut_arg("sites", |sites| sites.required(true)))]
#[command(mut_arg("population", |a| a.help(
    "Population by area for per-capita rates: IoD2019 File 6 / IoD2025 File 7 (total population column by default) \
     or a code,population CSV"
)))]
#[command(mut_arg("area_bridge", |a| a.help(
    "The ONS LSOA 2011 <-> 2021 lookup (LSOA11CD, LSOA21CD, CHGIND): patient area codes of the other vintage are \
     placed on this run's areas (a split area shared among its parts by population)"
)))]
pub struct EmissionsArgs {
    /// Outpatient appointments CSV: patient postcode (or area code), site code, attendance mode; optional count, specialty, first/follow-up, date.
    #[arg(long, value_name = "A.csv")]
    pub appointments: PathBuf,

    #[command(flatten)]
    pub sites: SiteArgs,

    #[command(flatten)]
    pub reference: ReferenceArgs,

    #[command(flatten)]
    pub population: PopulationArgs,

    /// Appointment file columns when not detected: postcode=,area=,site=,mode=,count=,specialty=,first_follow_up=,attended=,date=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub appointment_columns: ColumnMap,

    #[command(flatten)]
    pub bridge: AreaBridgeArgs,

    #[command(flatten)]
    pub names: AreaNameArgs,

    #[command(flatten)]
    pub travel: TravelArgs,

    /// Move this fraction (0-1) of eligible face-to-face appointments to video or telephone.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0, value_parser = fraction)]
    pub shift_to_virtual: f64,

    /// Which face-to-face appointments the scenario may move [default: follow-ups when the file says first/follow-up, else all].
    #[arg(long, value_name = "WHICH", value_parser = EnumValueParser::<ShiftScopeArg>::new().map(ShiftScope::from))]
    pub shift_applies_to: Option<ShiftScope>,

    #[command(flatten)]
    pub values: ValueArgs,

    #[command(flatten)]
    pub disclosure: DisclosureArgs,

    #[command(flatten)]
    pub output: OutputDirArgs,
}

/// How distance becomes emissions, cost and time.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Travel and factors")]
pub struct TravelArgs {
    /// Road distance over straight-line distance (published values for England: 1.25-1.4).
    #[arg(long, value_name = "FACTOR", default_value_t = crate::analysis::travel::DEFAULT_CIRCUITY, value_parser = circuity)]
    pub circuity: f64,

    /// One national share of trips by mode, adding up to 1 [default: car=0.88,bus=0.03,rail=0.08,walk_cycle=0.01
    /// (National Travel Survey hospital trips), varied by area with --car-availability].
    #[arg(long, value_name = "MODE=SHARE,...")]
    pub mode_share: Option<crate::analysis::travel::ModeShare>,

    /// Census 2021 TS045 car or van availability per LSOA 2021 (Nomis bulk CSV): the car share of each area
    /// follows its share of households without a car (LSOA 2011 runs go through --area-bridge).
    #[arg(long, value_name = "TS045.csv")]
    pub car_availability: Option<PathBuf>,

    /// Car availability columns when not detected: code=,households=,no_car=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub car_availability_columns: ColumnMap,

    /// Census 2021 TS061 method of travel to work per LSOA 2021 (Nomis bulk CSV): tilts each area's trips
    /// without a car towards the bus, rail or walking and cycling as its workers travel.
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

    /// One-way road distances (and times) from patient area to site: area_code,site_code,distance_km[,time_min].
    #[arg(long, value_name = "FILE")]
    pub distance_matrix: Option<PathBuf>,

    /// Distance matrix columns when not detected: area=,site=,distance_km=,time_min=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub distance_matrix_columns: ColumnMap,

    /// Patient cost of car travel, GBP per mile (HMRC approved mileage rate).
    #[arg(long, value_name = "GBP", default_value_t = crate::analysis::travel::DEFAULT_MILEAGE_GBP_PER_MILE, value_parser = non_negative)]
    pub mileage_rate: f64,

    /// Travel time as road km (straight line x circuity) at this average speed (km/h), instead of the default
    /// one-way minutes = 9.5 + 1.04 x straight-line km (fitted to national road travel times); a distance
    /// matrix's minutes are used where it has them.
    #[arg(long, value_name = "KMH", value_parser = positive_speed)]
    pub speed_kmh: Option<f64>,

    /// Journeys by bus, rail, tram, on foot or by bicycle take this many times the car time (DfT Journey Time Statistics).
    #[arg(long, value_name = "FACTOR", default_value_t = crate::analysis::travel::DEFAULT_WITHOUT_CAR_TIME_FACTOR, value_parser = time_factor)]
    pub public_transport_time_factor: f64,
}

fn fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err(format!("'{text}' is not a fraction between 0 and 1")),
    }
}

fn circuity(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if (1.0..=10.0).contains(&f) => Ok(f),
        _ => Err(format!("'{text}' is not a circuity factor (1 to 10: road distance over straight line)")),
    }
}

fn positive_speed(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 1000.0 => Ok(v),
        _ => Err(format!("'{text}' is not a speed in km/h (more than 0, at most 1000)")),
    }
}

fn time_factor(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (1.0..=10.0).contains(&v) => Ok(v),
        _ => Err(format!("'{text}' is not a time factor (1 to 10: journey time without a car over car time)")),
    }
}

fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (0.0..=1e6).contains(&v) => Ok(v),
        _ => Err(format!("'{text}' is not a number from 0 to 1000000")),
    }
}

/// How the community is stated. Options combine by intersection (e.g. an ICB, within 15 km of the sites).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Community (default: within 10 km of the sites)")]
#[command(mut_arg("area_bridge", |a| a.help(
    "The ONS LSOA 2011 <-> 2021 lookup (LSOA11CD, LSOA21CD, CHGIND): --community-codes of the other vintage are \
     bridged to this run's areas (a split area to all its parts)"
)))]
pub struct CommunityArgs {
    /// Area codes: one per line, or a CSV with an area-code column.
    #[arg(long, value_name = "FILE")]
    pub community_codes: Option<PathBuf>,

    /// Areas whose centroid is within this distance (km) of any site.
    #[arg(long, value_name = "KM", value_parser = positive_km)]
    pub community_radius_km: Option<f64>,

    /// A lookup table of area codes to larger areas (e.g. LSOA -> ICB), used with --community-filter.
    #[arg(long, value_name = "FILE", requires = "community_filter")]
    pub community_lookup: Option<PathBuf>,

    /// The lookup rows to keep: COLUMN=VALUE, several values separated by | (e.g. icb_code=E54000019).
    #[arg(long, value_name = "COLUMN=VALUE", requires = "community_lookup")]
    pub community_filter: Option<String>,

    /// What the community is called in the report and summary (e.g. "NHS Herefordshire and Worcestershire
    /// Integrated Care Board") [default: the lookup's name column beside the filter's, e.g. icb24_name].
    #[arg(long, value_name = "NAME")]
    pub community_name: Option<String>,

    /// Community lookup columns when not detected: code=HEADER (the area code, e.g. lsoa21_code).
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub community_lookup_columns: ColumnMap,

    #[command(flatten)]
    pub bridge: AreaBridgeArgs,
}

/// Population by area and its columns; each command says which population it reads and whether
/// it needs one (`mut_arg("population", ...)` on its arguments).
#[derive(Debug, Clone, Args, Default)]
pub struct PopulationArgs {
    /// Population by area: IoD2019 File 6 / IoD2025 File 7 or a code,population CSV.
    #[arg(long, value_name = "POP")]
    pub population: Option<PathBuf>,

    /// Population file columns when not detected: code=,population= (e.g. population=Total population: mid 2015 (excluding prisoners))
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub population_columns: ColumnMap,
}

impl PopulationArgs {
    /// The population file of a command that requires one (clap has made sure it is given).
    pub fn required(&self) -> crate::error::Result<&Path> {
        self.population.as_deref().ok_or_else(|| crate::error::Error::Usage("--population is required".into()))
    }
}

/// The ONS LSOA 2011 <-> 2021 lookup, for a run that meets area codes of the other vintage; each
/// command says what it bridges (`mut_arg("area_bridge", ...)` on its arguments).
#[derive(Debug, Clone, Args, Default)]
pub struct AreaBridgeArgs {
    /// The ONS LSOA 2011 <-> 2021 lookup (LSOA11CD, LSOA21CD, CHGIND): codes of the other vintage
    /// bridged to this run's areas.
    #[arg(long, value_name = "LOOKUP.csv")]
    pub area_bridge: Option<PathBuf>,

    /// Area bridge columns when not detected: lsoa11=,lsoa21=,change=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub area_bridge_columns: ColumnMap,
}

/// Names people know for areas, and the MSOA level: optional reference lookups.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Names people know")]
pub struct AreaNameArgs {
    /// LSOA -> MSOA lookup (LSOA21CD, MSOA21CD, MSOA21NM): tables by MSOA, and the way to the MSOA names.
    #[arg(long, value_name = "LOOKUP.csv")]
    pub msoa_lookup: Option<PathBuf>,

    /// House of Commons Library MSOA names (MSOA-Names-2.2.csv: msoa21cd, msoa21hclnm; Open Parliament
    /// Licence): each area shown as "Warndon West (Worcester 002A)". Needs --msoa-lookup.
    #[arg(long, value_name = "NAMES.csv")]
    pub msoa_names: Option<PathBuf>,

    /// LSOA -> electoral ward lookup (LSOA21CD, WD24NM): each area's ward beside its name.
    #[arg(long, value_name = "LOOKUP.csv")]
    pub ward_lookup: Option<PathBuf>,

    /// Scotland's Data Zone -> Intermediate Zone -> council area -> health board lookup
    /// (dz11_iz11_ca_hb_lookup.csv: dz11_code, iz11_name, ca_name, hb_name): in a run across nations,
    /// each data zone with its intermediate zone, council area and health board.
    #[arg(long, value_name = "LOOKUP.csv")]
    pub data_zone_lookup: Option<PathBuf>,
}

impl AreaNameArgs {
    pub fn files(&self) -> crate::reference::area_names::NameFiles<'_> {
        crate::reference::area_names::NameFiles {
            msoa_lookup: self.msoa_lookup.as_deref(),
            msoa_names: self.msoa_names.as_deref(),
            ward_lookup: self.ward_lookup.as_deref(),
        }
    }

    /// The files given, which no output may replace.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        [&self.msoa_lookup, &self.msoa_names, &self.ward_lookup, &self.data_zone_lookup]
            .into_iter()
            .flatten()
            .map(PathBuf::as_path)
    }

    /// The files the user named (on the command line or in the project file): those that came
    /// from the fetched reference set left out.
    pub fn named_by_user(&self) -> AreaNameArgs {
        let keep = |path: &Option<PathBuf>, long: &str| path.clone().filter(|_| !config::from_reference_set(long));
        AreaNameArgs {
            msoa_lookup: keep(&self.msoa_lookup, "msoa-lookup"),
            msoa_names: keep(&self.msoa_names, "msoa-names"),
            ward_lookup: keep(&self.ward_lookup, "ward-lookup"),
            data_zone_lookup: keep(&self.data_zone_lookup, "data-zone-lookup"),
        }
    }
}

fn parse_date(text: &str) -> Result<crate::input::staff::Date, String> {
    crate::input::staff::Date::parse(text).ok_or_else(|| format!("'{text}' is not a date (YYYY-MM-DD)"))
}

fn finite(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= 1e12 => Ok(v),
        _ => Err(format!("'{text}' is not a number")),
    }
}

fn positive_km(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(km) if km > 0.0 && km <= 1000.0 => Ok(km),
        _ => Err(format!("'{text}' is not a distance in km (more than 0, at most 1000)")),
    }
}

#[derive(Debug, Args)]
pub struct MapArgs {
    /// Area GeoJSON: an anchormap output (gaps_by_area.geojson, emissions_by_area.geojson) or boundaries (with --deprivation).
    #[arg(value_name = "INPUT.geojson")]
    pub input: PathBuf,

    /// The property to map [default: imd_decile]. E.g. staff_per_1000, representation_ratio, kgco2e_per_1000_population.
    #[arg(long, value_name = "COLUMN")]
    pub value: Option<String>,

    /// Output map: .svg or .png.
    #[arg(short, long, value_name = "MAP.svg|MAP.png")]
    pub output: PathBuf,

    /// IoD file to take IMD deciles from when the GeoJSON has none (e.g. plain LSOA boundaries).
    #[arg(long, value_name = "D")]
    pub deprivation: Option<PathBuf>,

    /// Deprivation file columns when not detected: code=,rank=,decile=,score=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub deprivation_columns: ColumnMap,

    /// Classification [default: deciles for imd_decile(_local), diverging for representation_ratio, staff_per_1000 and shortfall, else sequential quintiles].
    #[arg(long, value_parser = EnumValueParser::<SchemeArg>::new().map(Scheme::from))]
    pub scheme: Option<Scheme>,

    /// Centre of a diverging scale [default: 1 for representation_ratio; the community rate for staff_per_1000; 0 for shortfall; else the median].
    #[arg(long, value_name = "VALUE", value_parser = finite)]
    pub centre: Option<f64>,

    /// Map title [default: from the column].
    #[arg(long)]
    pub title: Option<String>,

    /// Attribution line under the map (repeatable) [default: the OS, ONS and MHCLG notices the reference data's licences require].
    #[arg(long, value_name = "TEXT")]
    pub attribution: Vec<String>,

    #[command(flatten)]
    pub markers: SiteMarkerArgs,

    /// Fit the map to where most of the people are (patients' or staff's homes scattered across the
    /// country), to the areas with data (the community), or show every area in the file.
    #[arg(long, value_enum, default_value = "most")]
    pub extent: MapExtent,

    /// Simplification tolerance for display, in metres [default: half a pixel]; 0 draws full detail.
    #[arg(long, value_name = "METRES", value_parser = non_negative_metres)]
    pub simplify: Option<f64>,

    /// Boundary property holding the area code [default: detected].
    #[arg(long, value_name = "NAME")]
    pub code_property: Option<String>,

    #[command(flatten)]
    pub terminal: TerminalArgs,
}

/// Which areas a map is fitted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MapExtent {
    /// Where 95% of the layer's appointments (patient travel) or trips (staff commute) are, east-west
    /// and north-south, saying what lies beyond; other layers as `data`.
    Most,
    /// The areas with a value (or a suppressed value).
    Data,
    /// Every area in the file.
    All,
}

impl From<MapExtent> for crate::output::choropleth::MapExtent {
    fn from(extent: MapExtent) -> Self {
        match extent {
            MapExtent::Most => Self::MostOf(&["appointments", "trips"]),
            MapExtent::Data => Self::Data,
            MapExtent::All => Self::All,
        }
    }
}

impl From<&SiteMarkerArgs> for crate::output::choropleth::SiteMarkers {
    fn from(args: &SiteMarkerArgs) -> Self {
        Self { sites: args.sites.clone(), postcodes: args.postcodes.clone(), site_columns: args.site_columns.clone() }
    }
}

impl From<&MapArgs> for crate::output::choropleth::MapOptions {
    fn from(args: &MapArgs) -> Self {
        Self {
            input: args.input.clone(),
            column: args.value.clone().unwrap_or_else(|| crate::output::choropleth::DECILE_COLUMN.to_string()),
            deprivation: args.deprivation.clone(),
            deprivation_columns: args.deprivation_columns.clone(),
            scheme: args.scheme,
            centre: args.centre,
            title: args.title.clone(),
            attribution: args.attribution.clone(),
            markers: (&args.markers).into(),
            extent: args.extent.into(),
            simplify_m: args.simplify,
            code_property: args.code_property.clone(),
            context: Default::default(),
        }
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output folder of `anchormap gaps`, `anchormap funnel`, `anchormap emissions` and/or `anchormap commute` (repeatable).
    #[arg(long, value_name = "DIR", required = true)]
    pub from: Vec<PathBuf>,

    /// The report: one HTML file with everything inside it.
    #[arg(short, long, value_name = "REPORT.html")]
    pub output: PathBuf,

    /// Title at the top of the report.
    #[arg(long, default_value = "Our workforce, our patients and the communities we serve")]
    pub title: String,

    /// Line under the title (e.g. the organisation and the period).
    #[arg(long)]
    pub subtitle: Option<String>,

    /// Attribution line for the maps and sources (repeatable) [default: the OS, ONS and MHCLG notices the reference data's licences require].
    #[arg(long, value_name = "TEXT")]
    pub attribution: Vec<String>,

    #[command(flatten)]
    pub markers: SiteMarkerArgs,

    /// Draw the maps by LSOA instead of by MSOA (MSOA maps, where the runs wrote them, hide far fewer
    /// small counts).
    #[arg(long)]
    pub lsoa_maps: bool,

    /// An earlier run's output folder (repeatable, as --from): the summary shows each headline
    /// figure's change since then. Refused when the runs differ in areas, deprivation edition or community.
    #[arg(long, value_name = "DIR")]
    pub previous: Vec<PathBuf>,

    #[command(flatten)]
    pub terminal: TerminalArgs,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder for the demo's inputs, outputs, maps and report (created if missing).
    #[arg(long, value_name = "DIR", required_unless_present = "regenerate_sample")]
    pub out: Option<PathBuf>,

    /// Replace an earlier demo folder.
    #[arg(long)]
    pub force: bool,

    /// Suppress the progress lines on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// Maintainers: write the sample as generated from its seed into this repository root, instead of running the demo.
    #[arg(long, value_name = "ROOT", hide = true)]
    pub regenerate_sample: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(mut_arg("quiet", |quiet| quiet.help(NO_PROGRESS)))]
pub struct FetchArgs {
    /// Which set: iod2025 (LSOA 2021, population mid-2022) or iod2019 (LSOA 2011, mid-2015) [default: iod2025; with --from, the newest the mirror holds].
    #[arg(long, value_name = "SET")]
    pub vintage: Option<String>,

    /// Folder for the files [default: the anchormap data folder's reference/SET: $ANCHORMAP_HOME, else ~/.local/share/anchormap, on Windows %LOCALAPPDATA%\anchormap].
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// A mirror instead of the publishers: a folder or http(s) URL holding the files under their published names.
    #[arg(long, value_name = "DIR_OR_URL")]
    pub from: Option<String>,

    /// Source list instead of the built-in one (data/reference_sources.toml in the repository).
    #[arg(long, value_name = "FILE")]
    pub sources: Option<PathBuf>,

    /// Make the fetched files every command's default reference data (automatic when fetching into the default folder).
    #[arg(long)]
    pub make_default: bool,

    /// Keep files whose checksum differs from the pinned one (e.g. a new release); their checksums are printed and recorded.
    #[arg(long)]
    pub no_verify: bool,

    /// List the sets and their files; fetch nothing.
    #[arg(long)]
    pub list: bool,

    #[command(flatten)]
    pub terminal: TerminalArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Exit status: 0 when the runs together are protected (no hidden count narrowed below the \
                  protection width, no rounded count worked back), 1 when a cell is exposed (named by run, file and \
                  row) or a folder cannot be audited, 2 on a usage error. Each run folder needs its not-for-publication/ \
                  folder: its exact counts are the truth the attacker's programs start from.")]
pub struct AuditArgs {
    /// Run folders to audit together: gaps runs (funnel and emissions runs are named as not audited yet).
    #[arg(value_name = "RUN", required = true)]
    pub runs: Vec<PathBuf>,

    /// Write the audit (publishable, no counts) as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Files to inspect: your extracts (CSV), reference tables (CSV) or boundaries (GeoJSON).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// Take every file to be this kind, whatever its headers suggest.
    #[arg(long = "as", value_name = "KIND", value_parser = file_kind())]
    pub as_kind: Option<FileKind>,

    /// Write the anchormap.toml lines that name the columns to FILE (an existing file is kept unless --force).
    #[arg(long, value_name = "FILE")]
    pub write_config: Option<PathBuf>,

    /// Replace the --write-config file if it exists.
    #[arg(long)]
    pub force: bool,

    /// Print JSON for machines instead of text.
    #[arg(long)]
    pub json: bool,

    /// Profile the values of at most this many rows of each file.
    #[arg(long, value_name = "N", default_value_t = crate::input::inspect::DEFAULT_MAX_ROWS)]
    pub max_rows: u64,

    #[command(flatten)]
    pub values: ValueArgs,
}

// The values of library enums as the command line spells them: clap stays in this file, and
// each mirror converts to the library's own type as clap parses it.

/// `--shift-applies-to`: mirrors [`ShiftScope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ShiftScopeArg {
    /// Any face-to-face appointment.
    All,
    /// Follow-up appointments only (needs a first/follow-up column).
    FollowUps,
}

impl From<ShiftScopeArg> for ShiftScope {
    fn from(scope: ShiftScopeArg) -> Self {
        match scope {
            ShiftScopeArg::All => ShiftScope::All,
            ShiftScopeArg::FollowUps => ShiftScope::FollowUps,
        }
    }
}

/// `map --scheme`: mirrors [`Scheme`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SchemeArg {
    /// National deciles 1-10, decile 1 (most deprived) darkest.
    Deciles,
    /// Classes either side of a centre (a community rate, or 1 for a ratio).
    Diverging,
    /// Five quantile classes, low to high.
    Sequential,
}

impl From<SchemeArg> for Scheme {
    fn from(scheme: SchemeArg) -> Self {
        match scheme {
            SchemeArg::Deciles => Scheme::Deciles,
            SchemeArg::Diverging => Scheme::Diverging,
            SchemeArg::Sequential => Scheme::Sequential,
        }
    }
}

/// `inspect --as`: a [`FileKind`] by the value the library names it with.
fn file_kind() -> impl TypedValueParser<Value = FileKind> {
    PossibleValuesParser::new(FileKind::ALL.map(FileKind::as_value)).try_map(|value: String| {
        FileKind::ALL.into_iter().find(|kind| kind.as_value() == value).ok_or_else(|| format!("unknown kind '{value}'"))
    })
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;

    #[test]
    fn mirrored_values_convert_to_the_library_types() {
        assert_eq!(ShiftScope::from(ShiftScopeArg::FollowUps), ShiftScope::FollowUps);
        assert_eq!(ShiftScopeArg::from_str("follow-ups", false), Ok(ShiftScopeArg::FollowUps));
        assert_eq!(Scheme::from(SchemeArg::Diverging), Scheme::Diverging);
        assert_eq!(SchemeArg::value_variants().len(), 3);
    }

    #[test]
    fn every_file_kind_parses_from_its_value() {
        let command = clap::Command::new("t").arg(clap::Arg::new("as").long("as").value_parser(file_kind()));
        for kind in FileKind::ALL {
            let matches = command.clone().try_get_matches_from(["t", "--as", kind.as_value()]).unwrap();
            assert_eq!(matches.get_one::<FileKind>("as"), Some(&kind));
        }
        assert!(command.try_get_matches_from(["t", "--as", "nonsense"]).is_err());
    }
}
