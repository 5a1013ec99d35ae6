//! anchormap: where an NHS organisation's staff and patients live, by small area and deprivation.
//!
//! The data flow, one floor per stage (ARCHITECTURE.md lists them): [`reference`] loads public
//! reference data, [`input`] reads the user's files, [`spatial`] projects to British National Grid
//! and indexes areas, [`geocoder`] joins postcodes to areas, [`analysis`] holds what the analyses
//! share, and [`output`] writes results. Each analysis has its folder ([`gaps`], [`funnel`],
//! [`emissions`], [`report`]) over the shared [`run`] context; [`cmd`] dispatches the subcommands.

pub mod analysis;
pub mod cli;
pub mod cmd;
pub mod columns;
pub mod demo;
pub mod emissions;
pub mod funnel;
pub mod gaps;
pub mod dictionary;
pub mod error;
pub mod geocoder;
pub mod input;
pub mod io;
pub mod output;
pub mod postcode;
pub mod reference;
pub mod report;
pub mod run;
pub mod spatial;

pub use error::{Error, Result};
