//! The user's own files (staff, vacancies, sites, appointments, any CSV with postcodes), read through one streaming CSV path.

pub mod csv_input;

pub use csv_input::CsvInput;
