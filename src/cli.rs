//! Command-line interface: the subcommands and the argument groups they share (reference data, output).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::columns::ColumnMap;
use crate::geocoder::ReferencePaths;
use crate::reference::boundaries::BoundaryProperties;

/// Workforce-versus-community deprivation gaps and outpatient travel emissions, by small area.
#[derive(Debug, Parser)]
#[command(name = "anchormap", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add each row's postcode point, area and deprivation decile to a CSV (every row kept, in order).
    Geocode(GeocodeArgs),
}

/// The reference data that places postcodes in areas.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Reference data")]
pub struct ReferenceArgs {
    /// Postcode directory: OS Code-Point Open as published (zip or extracted folder), or an ONSPD/NSPL-style CSV.
    #[arg(long, value_name = "P")]
    pub postcodes: PathBuf,

    /// Area boundaries: GeoJSON FeatureCollection in WGS84 or British National Grid (e.g. LSOA 2011 or 2021).
    #[arg(long, value_name = "B")]
    pub boundaries: PathBuf,

    /// English Indices of Deprivation file (IoD2019 File 1, 2 or 7; IoD2025 File 1 or 7; CSV or Parquet).
    #[arg(long, value_name = "D")]
    pub deprivation: Option<PathBuf>,

    /// Boundary property holding the area code [default: detected, e.g. LSOA11CD or LSOA21CD].
    #[arg(long, value_name = "NAME")]
    pub code_property: Option<String>,

    /// Boundary property holding the area name [default: detected, e.g. LSOA11NM].
    #[arg(long, value_name = "NAME")]
    pub name_property: Option<String>,

    /// Postcode directory columns when not detected: postcode=,easting=,northing=,latitude=,longitude=,country=,quality=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub postcode_columns: ColumnMap,

    /// Deprivation file columns when not detected: code=,rank=,decile=,score=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub deprivation_columns: ColumnMap,

    /// Furthest (metres) a postcode outside every area may be from the area it is given ("nearest").
    #[arg(long, value_name = "METRES", default_value_t = 1000.0, value_parser = non_negative_metres)]
    pub max_distance: f64,
}

fn non_negative_metres(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(m) if m.is_finite() && m >= 0.0 => Ok(m),
        _ => Err(format!("'{text}' is not a distance in metres (0 or more)")),
    }
}

impl ReferenceArgs {
    pub fn paths(&self) -> ReferencePaths {
        ReferencePaths {
            postcodes: self.postcodes.clone(),
            postcode_columns: self.postcode_columns.clone(),
            boundaries: self.boundaries.clone(),
            boundary_properties: BoundaryProperties {
                code: self.code_property.clone(),
                name: self.name_property.clone(),
            },
            deprivation: self.deprivation.clone(),
            deprivation_columns: self.deprivation_columns.clone(),
            max_distance_m: self.max_distance,
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
    #[arg(long, value_name = "NAME")]
    pub postcode_column: Option<String>,

    /// Output CSV (`-` for standard output).
    #[arg(short, long, value_name = "OUT.csv")]
    pub output: PathBuf,

    /// Also write the run summary (counts by match status, inputs, settings) as JSON.
    #[arg(long, value_name = "FILE")]
    pub summary_json: Option<PathBuf>,

    /// Suppress the summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}
