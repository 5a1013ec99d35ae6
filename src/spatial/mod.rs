//! Spatial machinery: projection to British National Grid, the R-tree area index (the only place that uses rstar), display simplification.

pub mod area_index;
pub mod bng;
pub mod centroids;
pub mod simplify;

pub use area_index::{AreaIndex, Placement};
pub use bng::{bng_to_wgs84, wgs84_to_bng, Crs};
pub use centroids::CentroidIndex;
pub use simplify::simplify_shared;

/// An area's polygons: already in WGS84 (as read), or in BNG (converted back on writing).
#[derive(Debug, Clone, Copy)]
pub enum Shape<'a> {
    /// Longitude and latitude, as read.
    Wgs84(&'a geo::MultiPolygon<f64>),
    /// British National Grid metres.
    Bng(&'a geo::MultiPolygon<f64>),
}
