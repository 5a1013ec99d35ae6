//! Writers for every output format; nothing here decides what is computed.

pub mod charts;
pub mod choropleth;
pub mod classes;
pub mod disclosure;
pub mod geojson;
pub mod inspection;
pub mod map;
pub mod msoa;
pub mod names;
pub mod run_folder;
pub mod run_summary;
pub mod schema;
pub mod summary;
pub mod table;
pub mod workbook;
