//! The user's own files (staff, vacancies, sites, appointments, any CSV with postcodes), read through one streaming CSV path.

pub mod applications;
pub mod appointments;
pub mod band;
pub mod date_columns;
pub mod demography;
pub mod distance_matrix;
pub mod home_postcode;
pub mod inspect;
pub mod located_by;
pub mod sites;
pub mod staff;
pub mod time_matrix;
pub mod unrecognised;
pub mod vacancies;
pub mod value_maps;
pub mod value_profile;
