//! How a site or a vacancy was placed on the map (or why it could not be): one vocabulary for every input placed by postcode or coordinates.

use std::fmt;

/// How a point was found, or why there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocatedBy {
    /// Easting and northing given in the file.
    Coordinates,
    /// The postcode's point in the postcode directory.
    Postcode,
    /// The point of the site it names (a vacancy).
    Site,
    /// It names a site that could not be located itself (a vacancy).
    SiteWithoutLocation,
    InvalidPostcode,
    UnknownPostcode,
    /// The directory has the postcode but no point for it.
    NoCoordinates,
    /// Only a postcode, and no directory to look it up in.
    NoDirectory,
    /// It names no known site and is no postcode (a vacancy).
    UnknownSite,
}

impl LocatedBy {
    /// As published in tables and summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            LocatedBy::Coordinates => "coordinates",
            LocatedBy::Postcode => "postcode",
            LocatedBy::Site => "site",
            LocatedBy::SiteWithoutLocation => "site_without_location",
            LocatedBy::InvalidPostcode => "invalid_postcode",
            LocatedBy::UnknownPostcode => "unknown_postcode",
            LocatedBy::NoCoordinates => "no_coordinates",
            LocatedBy::NoDirectory => "no coordinates (and no postcode directory)",
            LocatedBy::UnknownSite => "unknown_site",
        }
    }
}

impl fmt::Display for LocatedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
