//! Public reference data: area boundaries, the postcode directory, deprivation; each loaded into typed, BNG-projected form.

pub mod area_names;
pub mod boundaries;
pub mod bridge;
pub mod census;
pub mod country;
pub mod deprivation;
pub mod download;
pub mod lookup;
pub mod nations;
pub mod population;
pub mod postcodes;
pub mod prepared_postcodes;
pub mod sources;
pub mod table;
pub mod treatment_functions;

pub use boundaries::{Area, Boundaries};
pub use country::Country;
pub use deprivation::{Deprivation, DeprivationRecord};
pub use lookup::AreaLookup;
pub use population::Population;
pub use postcodes::{PostcodeDirectory, PostcodeEntry};

pub use crate::dictionary::AREA_CODE as AREA_CODE_COLUMN;

use std::fmt;

/// The small-area geography a set of codes belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Geography {
    /// Lower layer super output areas, 2011 (IoD2015 and IoD2019 use these).
    #[serde(rename = "LSOA 2011")]
    Lsoa2011,
    /// Lower layer super output areas, 2021 (IoD2025 uses these).
    #[serde(rename = "LSOA 2021")]
    Lsoa2021,
    /// Any other geography, named by its code property.
    #[serde(untagged)]
    Other(String),
}

impl Geography {
    /// From a code property or header such as `LSOA11CD`, `LSOA21CD` or `LSOA code (2021)`.
    pub fn from_code_name(name: &str) -> Geography {
        let lower = name.to_ascii_lowercase().replace([' ', '_'], "");
        if lower.starts_with("lsoa11") || lower.contains("lsoacode(2011)") {
            Geography::Lsoa2011
        } else if lower.starts_with("lsoa21") || lower.contains("lsoacode(2021)") {
            Geography::Lsoa2021
        } else {
            Geography::Other(name.to_string())
        }
    }
}

impl fmt::Display for Geography {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Geography::Lsoa2011 => write!(f, "LSOA 2011"),
            Geography::Lsoa2021 => write!(f, "LSOA 2021"),
            Geography::Other(name) => write!(f, "areas coded by '{name}'"),
        }
    }
}

/// Parses a count or rank as published: `"29,199"`, ` 715 `, `1296.0`.
pub fn parse_published_number(text: &str) -> Option<f64> {
    let cleaned: String = text.chars().filter(|c| *c != ',' && !c.is_whitespace()).collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geography_from_names() {
        assert_eq!(Geography::from_code_name("LSOA11CD"), Geography::Lsoa2011);
        assert_eq!(Geography::from_code_name("lsoa21cd"), Geography::Lsoa2021);
        assert_eq!(Geography::from_code_name("LSOA code (2011)"), Geography::Lsoa2011);
        assert_eq!(Geography::from_code_name("MSOA21CD"), Geography::Other("MSOA21CD".into()));
    }

    #[test]
    fn published_numbers() {
        assert_eq!(parse_published_number("\"29,199\"".trim_matches('"')), Some(29199.0));
        assert_eq!(parse_published_number(" 715 "), Some(715.0));
        assert_eq!(parse_published_number("1,296.5"), Some(1296.5));
        assert_eq!(parse_published_number(""), None);
        assert_eq!(parse_published_number("n/a"), None);
    }
}
