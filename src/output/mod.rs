//! Writers for every output format; nothing here decides what is computed.
//!
//! Documented here: [`disclosure`], the rule and the attacker that checks it. The modules marked
//! hidden are internals (public for the integration tests and their doc examples), not API.

#[doc(hidden)]
pub mod charts;
#[doc(hidden)]
pub mod choropleth;
#[doc(hidden)]
pub mod classes;
pub mod disclosure;
pub mod formats;
pub mod geojson;
pub mod geoparquet;
pub mod inspection;
#[doc(hidden)]
pub mod map;
pub mod msoa;
pub mod names;
pub mod parquet;
pub mod run_folder;
#[doc(hidden)]
pub mod run_summary;
#[doc(hidden)]
pub mod schema;
pub mod summary;
#[doc(hidden)]
pub mod table;
pub mod topojson;
pub mod workbook;
