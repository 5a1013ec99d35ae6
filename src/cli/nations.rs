//! The options naming Wales's and Scotland's own indices and Scotland's data zones (`--wimd`, `--simd`, `--scotland-boundaries`).

use std::path::PathBuf;

use clap::Args;

use crate::geocoder::nations::NationPaths;

/// Each nation on its own index: given, a run says each person's nation and places them on it.
#[derive(Debug, Clone, Args, Default)]
#[command(next_help_heading = "Reference data")]
pub struct NationsArgs {
    /// Wales's own index: WIMD 2019 per LSOA 2011 (with LSOA 2011 boundaries) or WIMD 2025 per LSOA 2021 (with LSOA 2021), e.g. wimd2025_lsoa21.csv.
    #[arg(long, value_name = "FILE")]
    pub wimd: Option<PathBuf>,

    /// Scotland's own index: SIMD 2020v2 per Data Zone 2011 (simd2020_dz11.csv); needs --scotland-boundaries.
    #[arg(long, value_name = "FILE")]
    pub simd: Option<PathBuf>,
}

/// Scotland's data zones: a layer of areas a prepared store keeps beside the LSOAs.
#[derive(Debug, Clone, Args, Default)]
#[command(next_help_heading = "Reference data")]
pub struct ScotlandArgs {
    /// Scotland's Data Zone 2011 boundaries (GeoJSON, WGS84 or BNG), e.g. DZ_2011_Scotland_generalised.geojson: Scottish postcodes are placed in them.
    #[arg(long, value_name = "FILE")]
    pub scotland_boundaries: Option<PathBuf>,
}

impl NationsArgs {
    /// The files, for the geocoder, with Scotland's zones (`scotland`).
    pub fn paths(&self, scotland: &ScotlandArgs) -> NationPaths {
        NationPaths {
            wimd: self.wimd.clone(),
            simd: self.simd.clone(),
            scotland_boundaries: scotland.scotland_boundaries.clone(),
        }
    }
}
