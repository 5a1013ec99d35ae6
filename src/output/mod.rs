//! Writers for every output format, plus progress display; nothing here decides what is computed.

pub mod atomic;
pub mod progress;
pub mod summary;

pub use atomic::OutputFile;
