//! One integration-test binary that runs the real `anchormap` executable.

mod util;

mod all_staff;
mod architecture;
mod attack;
mod audit;
mod commute;
mod bad_input;
mod config;
mod conformance;
mod demo;
mod emissions;
mod engines;
mod extracts;
mod fetch;
mod funnel;
mod gaps;
mod geocode;
mod input_safety;
mod inspect;
mod map;
mod maps;
mod names;
mod network;
mod nations;
mod nations_analyses;
mod national;
mod parquet_in;
mod postcode_columns;
mod properties;
mod report;
mod run_folders;
mod snapshots;
mod store;
mod values;
mod warehouse;
