//! Area GeoJSON for QGIS and web maps: polygons converted back to WGS84 (RFC 7946), with a row of properties each.

use std::path::Path;

use geo::{Coord, MultiPolygon};
use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject, Position};

use crate::error::{Error, Location, Result};
use crate::output::atomic::write_file;
use crate::spatial::bng_to_wgs84;

/// Writes areas (BNG polygons) with their properties as a WGS84 FeatureCollection, coordinates to 6 decimals.
pub fn write_areas<'a>(path: &Path, areas: impl Iterator<Item = (&'a MultiPolygon<f64>, JsonObject)>) -> Result<()> {
    let mut features = Vec::new();
    for (geometry, properties) in areas {
        let polygons = geometry
            .iter()
            .map(|polygon| {
                std::iter::once(polygon.exterior())
                    .chain(polygon.interiors())
                    .map(|ring| ring.0.iter().map(|c| position(*c)).collect())
                    .collect()
            })
            .collect::<Vec<Vec<Vec<Position>>>>();
        features.push(Feature {
            bbox: None,
            geometry: Some(Geometry::new(GeometryValue::new_multi_polygon(polygons))),
            id: None,
            properties: Some(properties),
            foreign_members: None,
        });
    }
    let collection = FeatureCollection { bbox: None, features, foreign_members: None };
    let text = serde_json::to_string(&collection).map_err(|e| Error::invalid(Location::file(path), e.to_string()))?;
    write_file(path, text.as_bytes())
}

fn position(point: Coord<f64>) -> Position {
    let (lon, lat) = bng_to_wgs84(point).unwrap_or((f64::NAN, f64::NAN));
    let round = |v: f64| (v * 1e6).round() / 1e6;
    Position::from([round(lon), round(lat)])
}
