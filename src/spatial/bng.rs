//! Coordinate reference systems: British National Grid (EPSG:27700) metres, and WGS84 longitude/latitude projected onto it.

use std::sync::OnceLock;

use geo::Coord;
use proj4rs::proj::Proj;

/// The coordinate reference system of an input's coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// The British National Grid's extent with a wide margin: eastings and northings within
/// 1,000 km of the grid (Great Britain is 0–700 km by 0–1,250 km). Further out a coordinate is
/// a mistake (a different CRS, a typo, 1e300), and squared distances on it would overflow.
///
/// ```
/// use anchormap::spatial::bng::is_plausible_bng;
/// use geo::Coord;
/// assert!(is_plausible_bng(Coord { x: 384_500.0, y: 250_300.0 }));
/// assert!(!is_plausible_bng(Coord { x: 1e200, y: 250_300.0 }));
/// assert!(!is_plausible_bng(Coord { x: f64::NAN, y: 0.0 }));
/// ```
pub fn is_plausible_bng(point: Coord<f64>) -> bool {
    (-1_000_000.0..=1_700_000.0).contains(&point.x) && (-1_000_000.0..=2_250_000.0).contains(&point.y)
}

/// Projects WGS84 longitude/latitude (degrees) to British National Grid (metres) with the
/// Ordnance Survey's OSTN15 transformation, accurate to about 0.1 m in Great Britain.
///
/// Two steps, as the OS specifies: the exact transverse Mercator projection of ETRS89
/// (`proj4rs`, `etmerc`) to ETRS89 grid coordinates, then the OSTN15 grid shift to OSGB36
/// (`lonlat_bng`). WGS84 is taken as ETRS89 (they differ by well under a metre in the UK
/// at the precision of postcode and boundary data). `None` outside the OSTN15 grid.
///
/// ```
/// // The OS worked example point, "Caister Water Tower".
/// let bng = anchormap::spatial::wgs84_to_bng(1.716073973, 52.658007833).unwrap();
/// assert!((bng.x - 651409.79).abs() < 0.05 && (bng.y - 313177.45).abs() < 0.05);
/// ```
pub fn wgs84_to_bng(longitude: f64, latitude: f64) -> Option<Coord<f64>> {
    if !(longitude.abs() <= 180.0 && latitude.abs() < 90.0) {
        return None;
    }
    let (easting, northing) = etrs89_grid(longitude, latitude)?;
    lonlat_bng::convert_etrs89_to_osgb36(easting, northing)
        .ok()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(x, y)| Coord { x, y })
}

/// British National Grid (metres) back to WGS84 longitude/latitude (degrees), inverting OSTN15
/// (iteratively, as the OS specifies). For writing GeoJSON that web maps read.
pub fn bng_to_wgs84(point: Coord<f64>) -> Option<(f64, f64)> {
    lonlat_bng::convert_osgb36_to_ll(point.x, point.y).ok().filter(|(x, y)| x.is_finite() && y.is_finite())
}

/// The ETRS89 transverse Mercator grid of the National Grid (GRS80 ellipsoid), before OSTN15.
struct Etrs89Grid {
    geographic: Proj,
    grid: Proj,
}

fn etrs89_grid(longitude: f64, latitude: f64) -> Option<(f64, f64)> {
    static PROJECTIONS: OnceLock<Option<Etrs89Grid>> = OnceLock::new();
    let projections = PROJECTIONS.get_or_init(|| {
        Some(Etrs89Grid {
            geographic: Proj::from_proj_string("+proj=longlat +ellps=GRS80 +no_defs").ok()?,
            grid: Proj::from_proj_string(
                "+proj=etmerc +lat_0=49 +lon_0=-2 +k_0=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=GRS80 +units=m +no_defs",
            )
            .ok()?,
        })
    });
    let projections = projections.as_ref()?;
    let mut point = (longitude.to_radians(), latitude.to_radians());
    proj4rs::transform::transform(&projections.geographic, &projections.grid, &mut point).ok()?;
    Some(point).filter(|(x, y)| x.is_finite() && y.is_finite())
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
        assert!(wgs84_to_bng(f64::NAN, 52.0).is_none());
    }

    #[test]
    fn isles_of_scilly_and_shetland_are_covered() {
        // ONS centroid of the Isles of Scilly LSOA (E01019077), and Lerwick.
        assert!(wgs84_to_bng(-6.302148, 49.903435).is_some());
        assert!(wgs84_to_bng(-1.145, 60.155).is_some());
    }
}
