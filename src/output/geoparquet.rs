//! Area layers as GeoParquet 1.1: the layer's typed columns (as `output/parquet.rs` types them), WKB MultiPolygons in WGS84 (OGC:CRS84, as PROJJSON) and a `bbox` covering column; the `geo` metadata written by hand (no well-kept Rust crate writes it over polars' writer).

use std::path::Path;

use geojson::JsonObject;
use polars::prelude::*;

use crate::error::Result;
use crate::output::geojson::{cells, wgs84_polygons};
use crate::output::parquet::{frame, polars_error, write_frame};
use crate::output::table::Table;
use crate::spatial::Shape;

/// The geometry column, GeoParquet's primary column.
pub const GEOMETRY: &str = "geometry";
/// The covering column of each row's bounding box (`xmin`, `ymin`, `xmax`, `ymax`).
pub const BBOX: &str = "bbox";

/// OGC:CRS84 (WGS84 longitude, latitude) as PROJJSON: the CRS of the GeoJSON layers too.
const CRS84: &str = r#"{"$schema":"https://proj.org/schemas/v0.7/projjson.schema.json","type":"GeographicCRS","name":"WGS 84 (CRS84)","datum":{"type":"GeodeticReferenceFrame","name":"World Geodetic System 1984","ellipsoid":{"name":"WGS 84","semi_major_axis":6378137,"inverse_flattening":298.257223563}},"coordinate_system":{"subtype":"ellipsoidal","axis":[{"name":"Geodetic longitude","abbreviation":"Lon","direction":"east","unit":"degree"},{"name":"Geodetic latitude","abbreviation":"Lat","direction":"north","unit":"degree"}]},"id":{"authority":"OGC","code":"CRS84"}}"#;

/// Writes features (a shape and its row of `table`'s columns) as a GeoParquet file.
pub fn write(path: &Path, table: &Table, features: &[(Shape<'_>, JsonObject)]) -> Result<()> {
    let rows: Vec<Vec<String>> = features.iter().map(|(_, properties)| cells(table, properties)).collect();
    let polygons: Vec<_> = features.iter().map(|(shape, _)| wgs84_polygons(*shape)).collect();
    let wkb: Vec<Vec<u8>> = polygons.iter().map(|p| wkb_multipolygon(p)).collect();
    let boxes: Vec<[f64; 4]> = polygons.iter().map(|p| bounds(p)).collect();
    let geometry = Column::new(GEOMETRY.into(), wkb.iter().map(Vec::as_slice).collect::<Vec<&[u8]>>());
    let bbox = bbox_column(&boxes).map_err(|e| polars_error(path, e))?;
    let row_refs: Vec<&[String]> = rows.iter().map(Vec::as_slice).collect();
    let mut frame = frame(path, table, &row_refs, vec![geometry, bbox])?;
    write_frame(path, &mut frame, Some(vec![("geo".to_string(), geo_metadata(&boxes))]))
}

/// The `bbox` struct column: each row's `xmin`, `ymin`, `xmax`, `ymax`.
fn bbox_column(boxes: &[[f64; 4]]) -> PolarsResult<Column> {
    let fields: Vec<Series> = ["xmin", "ymin", "xmax", "ymax"]
        .iter()
        .enumerate()
        .map(|(i, name)| Series::new((*name).into(), boxes.iter().map(|b| b[i]).collect::<Vec<f64>>()))
        .collect();
    let bbox = StructChunked::from_series(BBOX.into(), boxes.len(), fields.iter())?;
    Ok(bbox.into_series().into_column())
}

/// The file's `geo` metadata (GeoParquet 1.1): the geometry column, its CRS, its bounds and its covering.
fn geo_metadata(boxes: &[[f64; 4]]) -> String {
    let all = boxes.iter().fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |a, b| {
        [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]
    });
    let all: Vec<f64> = if boxes.is_empty() { Vec::new() } else { all.to_vec() };
    let crs: serde_json::Value = serde_json::from_str(CRS84).unwrap_or_default();
    let covering = |field: &str| serde_json::json!([BBOX, field]);
    serde_json::json!({
        "version": "1.1.0",
        "primary_column": GEOMETRY,
        "columns": { GEOMETRY: {
            "encoding": "WKB",
            "geometry_types": ["MultiPolygon"],
            "crs": crs,
            "bbox": all,
            "covering": { "bbox": {
                "xmin": covering("xmin"), "ymin": covering("ymin"), "xmax": covering("xmax"), "ymax": covering("ymax")
            }}
        }}
    })
    .to_string()
}

/// The bounds of polygons' points: `[xmin, ymin, xmax, ymax]`.
fn bounds(polygons: &[Vec<Vec<[f64; 2]>>]) -> [f64; 4] {
    let points = polygons.iter().flatten().flatten();
    points.fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |b, p| {
        [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])]
    })
}

/// Polygons as a little-endian WKB MultiPolygon (ISO type 6).
///
/// ```
/// use anchormap::output::geoparquet::wkb_multipolygon;
/// let square = vec![vec![vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]];
/// let wkb = wkb_multipolygon(&square);
/// assert_eq!(&wkb[..5], &[1, 6, 0, 0, 0]);
/// assert_eq!(wkb.len(), 9 + 9 + 4 + 4 * 16);
/// ```
pub fn wkb_multipolygon(polygons: &[Vec<Vec<[f64; 2]>>]) -> Vec<u8> {
    let mut out = Vec::new();
    let header = |out: &mut Vec<u8>, kind: u32, count: usize| {
        out.push(1);
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&(count as u32).to_le_bytes());
    };
    header(&mut out, 6, polygons.len());
    for polygon in polygons {
        header(&mut out, 3, polygon.len());
        for ring in polygon {
            out.extend_from_slice(&(ring.len() as u32).to_le_bytes());
            for [x, y] in ring {
                out.extend_from_slice(&x.to_le_bytes());
                out.extend_from_slice(&y.to_le_bytes());
            }
        }
    }
    out
}
