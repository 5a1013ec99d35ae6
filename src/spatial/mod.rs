//! Spatial machinery: projection to British National Grid and the R-tree area index (the only place that uses rstar).

pub mod area_index;
pub mod bng;

pub use area_index::{AreaIndex, Placement};
pub use bng::{wgs84_to_bng, Crs};
