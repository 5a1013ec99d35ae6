//! Coordinate reference systems: British National Grid (EPSG:27700) metres, and WGS84 longitude/latitude projected onto it.

use geo::Coord;

/// The coordinate reference system of an input's coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Crs {
    /// WGS84 / ETRS89 longitude and latitude in degrees (EPSG:4326, OGC CRS84).
    #[serde(rename = "EPSG:4326")]
    Wgs84,
    /// OSGB36 British National Grid easting and northing in metres (EPSG:27700).
    #[serde(rename = "EPSG:27700")]
    BritishNationalGrid,
}

impl Crs {
    /// Reads a GeoJSON `crs` name such as `urn:ogc:def:crs:OGC:1.3:CRS84` or `EPSG:27700`.
    pub fn from_name(name: &str) -> Option<Crs> {
        let name = name.to_ascii_uppercase();
        if name.ends_with("CRS84") || name.ends_with(":4326") || name.ends_with(":4258") {
            Some(Crs::Wgs84)
        } else if name.ends_with(":27700") {
            Some(Crs::BritishNationalGrid)
        } else {
            None
        }
    }

    /// Guesses from a coordinate: longitude/latitude lie within ±180/±90, BNG metres mostly far outside.
    pub fn guess_from(x: f64, y: f64) -> Crs {
        if x.abs() <= 180.0 && y.abs() <= 90.0 {
            Crs::Wgs84
        } else {
            Crs::BritishNationalGrid
        }
    }
}

/// Projects WGS84 longitude/latitude (degrees) to British National Grid (metres) with the
/// Ordnance Survey's OSTN15 transformation, accurate to about 0.1 m on land in Great Britain.
/// `None` outside the OSTN15 grid (far offshore, or not near Great Britain).
///
/// ```
/// // The OS worked example point, "Caister Water Tower".
/// let bng = anchormap::spatial::wgs84_to_bng(1.716073973, 52.658007833).unwrap();
/// assert!((bng.x - 651409.792).abs() < 0.01 && (bng.y - 313177.448).abs() < 0.01);
/// ```
pub fn wgs84_to_bng(longitude: f64, latitude: f64) -> Option<Coord<f64>> {
    lonlat_bng::convert_osgb36(longitude, latitude)
        .ok()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(x, y)| Coord { x, y })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crs_names_are_recognised() {
        assert_eq!(Crs::from_name("urn:ogc:def:crs:OGC:1.3:CRS84"), Some(Crs::Wgs84));
        assert_eq!(Crs::from_name("urn:ogc:def:crs:EPSG::27700"), Some(Crs::BritishNationalGrid));
        assert_eq!(Crs::from_name("EPSG:27700"), Some(Crs::BritishNationalGrid));
        assert_eq!(Crs::from_name("EPSG:3857"), None);
    }

    #[test]
    fn guesses_from_coordinate_ranges() {
        assert_eq!(Crs::guess_from(-2.2, 52.2), Crs::Wgs84);
        assert_eq!(Crs::guess_from(385268.0, 255404.0), Crs::BritishNationalGrid);
    }

    #[test]
    fn far_from_britain_is_none() {
        assert!(wgs84_to_bng(100.0, 10.0).is_none());
    }
}
