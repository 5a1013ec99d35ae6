//! Spatial machinery: projection to British National Grid and the R-tree area index (the only place that uses rstar).

pub mod area_index;
pub mod bng;
pub mod centroids;

pub use area_index::{AreaIndex, Placement};
pub use bng::{bng_to_wgs84, wgs84_to_bng, Crs};
pub use centroids::CentroidIndex;
