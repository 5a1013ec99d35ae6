//! `anchormap export`'s options: what to export (`lookups`), the reference data and vintage it is of, the optional population, MSOA and ICB lookups, LSOA bridge and sites, and the travel model of `emissions`.

use std::path::PathBuf;

use clap::Args;

use super::{AreaBridgeArgs, AreaNameArgs, OutputDirArgs, PopulationArgs, ReferenceArgs, SiteArgs, TravelArgs};

/// What `anchormap export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Export {
    /// Vintage-consistent Parquet lookups for a data platform: postcode -> area, decile, quintile,
    /// MSOA, ICB; the areas; LSOA 2011 -> 2021 weights; area x site distance, time and trip figures.
    Lookups,
}

/// Writes what a data platform (Databricks/Spark, DuckDB) needs to run the analyses on row data.
/// Always Parquet: the shared `--format` (which an `[output]` table may set for every command) is hidden.
#[derive(Debug, Args)]
#[command(mut_arg("formats", |formats| formats.hide(true)))]
#[command(mut_arg("population", |a| a.help(
    "Population by area (IoD2019 File 6 / IoD2025 File 7 or a code,population CSV): the areas' working-age \
     population (as `gaps` compares with) and total population (as `emissions` bridges by)"
)))]
#[command(mut_arg("area_bridge", |a| a.help(
    "The ONS LSOA 2011 <-> 2021 lookup (LSOA11CD, LSOA21CD, CHGIND): each code of the other vintage with the areas \
     it became and its share of each (by population), as `emissions` bridges"
)))]
pub struct ExportArgs {
    /// What to export: `lookups`.
    #[arg(value_enum, value_name = "WHAT")]
    pub what: Export,

    #[command(flatten)]
    pub reference: ReferenceArgs,

    #[command(flatten)]
    pub population: PopulationArgs,

    #[command(flatten)]
    pub names: AreaNameArgs,

    /// A lookup of area codes to ICBs (e.g. lsoa21_to_sicbl24_icb24.csv; the one `--community-lookup` names).
    #[arg(long, value_name = "LOOKUP.csv")]
    pub icb_lookup: Option<PathBuf>,

    /// The ICB lookup's ICB code column [default: the first header like icb24_code, icb_code or ICB23CD].
    #[arg(long, value_name = "HEADER")]
    pub icb_column: Option<String>,

    #[command(flatten)]
    pub bridge: AreaBridgeArgs,

    #[command(flatten)]
    pub sites: SiteArgs,

    #[command(flatten)]
    pub travel: TravelArgs,

    #[command(flatten)]
    pub output: OutputDirArgs,
}
