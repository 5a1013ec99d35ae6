//! Shared file I/O on the lowest floor: bounded CSV reading (and Parquet read as CSV), files written whole or not at all, progress bars, numbers for people.

pub mod atomic;
pub mod bounded;
pub mod csv_input;
pub mod csv_output;
pub mod format;
pub mod parquet_input;
pub mod progress;

pub use atomic::OutputFile;
pub use csv_input::CsvInput;
