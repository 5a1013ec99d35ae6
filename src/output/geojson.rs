//! Area GeoJSON for QGIS and web maps: polygons converted back to WGS84 (RFC 7946), with a row of properties each.

use std::path::Path;

use geo::{Coord, MultiPolygon};
use geojson::{Feature, Geometry, GeometryValue, JsonObject, Position};
use rayon::prelude::*;

use crate::error::{Error, Location, Result};
use crate::io::atomic::write_file;
use crate::output::schema::Kind;
use crate::output::table::Table;
use crate::spatial::{bng_to_wgs84, Shape};

/// Writes areas (BNG polygons) with their properties as a WGS84 FeatureCollection, coordinates
/// to 6 decimals (about 0.1 m). Features are converted and serialised in parallel.
pub fn write_areas<'a>(path: &Path, areas: impl Iterator<Item = (Shape<'a>, JsonObject)>) -> Result<()> {
    let areas: Vec<(Shape, JsonObject)> = areas.collect();
    let features: Vec<String> = areas
        .into_par_iter()
        .map(|(shape, properties)| {
            let (geometry, position): (&MultiPolygon<f64>, ToPosition) = match shape {
                Shape::Wgs84(g) => (g, rounded),
                Shape::Bng(g) => (g, position),
            };
            let polygons = geometry
                .iter()
                .map(|polygon| {
                    std::iter::once(polygon.exterior())
                        .chain(polygon.interiors())
                        .map(|ring| ring.0.iter().map(|c| position(*c)).collect())
                        .collect()
                })
                .collect::<Vec<Vec<Vec<Position>>>>();
            let feature = Feature {
                bbox: None,
                geometry: Some(Geometry::new(GeometryValue::new_multi_polygon(polygons))),
                id: None,
                properties: Some(properties),
                foreign_members: None,
            };
            serde_json::to_string(&feature).map_err(|e| Error::invalid(Location::file(path), e.to_string()))
        })
        .collect::<Result<_>>()?;
    let mut text = String::with_capacity(features.iter().map(|f| f.len() + 2).sum::<usize>() + 64);
    text.push_str("{\"type\":\"FeatureCollection\",\"features\":[\n");
    text.push_str(&features.join(",\n"));
    text.push_str("\n]}\n");
    write_file(path, text.as_bytes())
}

/// Writes a coordinate as a GeoJSON position.
type ToPosition = fn(Coord<f64>) -> Position;

fn position(point: Coord<f64>) -> Position {
    let (x, y) = bng_to_wgs84(point).unwrap_or((f64::NAN, f64::NAN));
    rounded(Coord { x, y })
}

fn rounded(point: Coord<f64>) -> Position {
    let round = |v: f64| (v * 1e6).round() / 1e6;
    Position::from([round(point.x), round(point.y)])
}

/// A table row as GeoJSON properties: numbers as numbers (whole ones as integers), blanks as
/// null, and `*` and every column declared text (codes, names, labels) as text.
pub fn properties(table: &Table, row: &[String]) -> JsonObject {
    let mut properties = JsonObject::new();
    for ((header, kind), value) in table.headers.iter().zip(&table.kinds).zip(row) {
        let is_text = matches!(kind, Kind::Text | Kind::Flag);
        let number = value.parse::<f64>().ok().filter(|n| n.is_finite() && !is_text);
        let json = match number {
            Some(n) if n.fract() == 0.0 && n.abs() < 1e15 => serde_json::json!(n as i64),
            Some(n) => serde_json::json!(n),
            None if value.is_empty() => serde_json::Value::Null,
            None => serde_json::json!(value),
        };
        properties.insert(header.to_string(), json);
    }
    properties
}

/// A shape's polygons in WGS84 as every layer writes them: rings of (longitude, latitude) to 6 decimals.
pub fn wgs84_polygons(shape: Shape<'_>) -> Vec<Vec<Vec<[f64; 2]>>> {
    let (geometry, to_position): (&MultiPolygon<f64>, ToPosition) = match shape {
        Shape::Wgs84(g) => (g, rounded),
        Shape::Bng(g) => (g, position),
    };
    let point = |c: &Coord<f64>| {
        let p = to_position(*c);
        [p[0], p[1]]
    };
    geometry
        .iter()
        .map(|polygon| {
            std::iter::once(polygon.exterior())
                .chain(polygon.interiors())
                .map(|r| r.0.iter().map(point).collect())
                .collect()
        })
        .collect()
}

/// A feature's properties back as a table row's cells (numbers as JSON writes them, null as blank).
pub fn cells(table: &Table, properties: &JsonObject) -> Vec<String> {
    let cell = |value: Option<&serde_json::Value>| match value {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    table.headers.iter().map(|h| cell(properties.get(h))).collect()
}
