//! Analyses: pure functions from typed rows to typed tables; no I/O, no printing.

pub mod community;
pub mod gaps;
pub mod profile;
pub mod targets;

/// What the analyses know of one area (one row per distinct area code).
#[derive(Debug, Clone, Default)]
pub struct AreaFacts {
    pub code: String,
    pub name: String,
    pub decile: Option<u8>,
    pub rank: Option<u32>,
    pub score: Option<f64>,
    /// Population (working age by default); `None` when the population file lacks the area.
    pub population: Option<f64>,
    /// Centroid, BNG metres.
    pub centroid: Option<geo::Coord<f64>>,
}
