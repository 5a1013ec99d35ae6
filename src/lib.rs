//! anchormap: where an NHS organisation's staff and patients live, by small area and deprivation.
//!
//! The data flow, one module per stage: [`reference`] loads public reference data, [`input`]
//! reads the user's files, [`spatial`] projects to British National Grid and indexes areas,
//! [`geocoder`] joins postcodes to areas, and [`output`] writes results. [`cmd`] wires the
//! stages together for each subcommand.

pub mod analysis;
pub mod cli;
pub mod cmd;
pub mod columns;
pub mod config;
pub mod demo;
pub mod dictionary;
pub mod error;
pub mod geocoder;
pub mod input;
pub mod output;
pub mod postcode;
pub mod reference;
pub mod spatial;

pub use error::{Error, Result};
