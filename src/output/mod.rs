//! Writers for every output format, plus progress display; nothing here decides what is computed.

pub mod atomic;
pub mod charts;
pub mod choropleth;
pub mod classes;
pub mod demography;
pub mod funnel_tables;
pub mod disclosure;
pub mod geojson;
pub mod inspection;
pub mod map;
pub mod msoa;
pub mod names;
pub mod progress;
pub mod published;
pub mod published_funnel;
pub mod published_staff;
pub mod run_folder;
pub mod run_summary;
pub mod schema;
pub mod summary;
pub mod table;
pub mod workbook;
pub mod targets;

pub use atomic::OutputFile;
