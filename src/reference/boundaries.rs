//! `Boundaries`: area polygons from a GeoJSON FeatureCollection in WGS84 or British National Grid, projected to BNG metres.

use std::path::{Path, PathBuf};

use geo::{Coord, LineString, MultiPolygon, Polygon};
use geojson::{Feature, GeometryValue, PolygonType};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{line_and_column, Error, Location, Result};
use crate::reference::{Country, Geography};
use crate::spatial::{wgs84_to_bng, AreaIndex, Crs};

/// One area: its code, name and polygons in BNG metres.
#[derive(Debug, Clone)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub country: Option<Country>,
    pub geometry: MultiPolygon<f64>,
    /// The polygons exactly as read, when the file was in WGS84 (kept for writing GeoJSON
    /// without a round trip through the projection).
    pub wgs84: Option<MultiPolygon<f64>>,
    /// The feature's other properties, as read (e.g. the columns of an anchormap output).
    pub properties: geojson::JsonObject,
}

/// Which feature properties hold the area code and name (detected when not given).
#[derive(Debug, Clone, Default)]
pub struct BoundaryProperties {
    pub code: Option<String>,
    pub name: Option<String>,
}

/// Area boundaries, sorted by area code, in British National Grid metres.
pub struct Boundaries {
    pub path: PathBuf,
    pub areas: Vec<Area>,
    /// The CRS the file was in (it is always projected to BNG).
    pub source_crs: Crs,
    pub code_property: String,
    pub name_property: Option<String>,
    pub geography: Geography,
    /// Features with a null geometry: kept out of the index, counted here.
    pub features_without_geometry: usize,
}

#[derive(Deserialize)]
struct RawCollection<'a> {
    #[serde(rename = "type")]
    kind: Option<String>,
    crs: Option<serde_json::Value>,
    #[serde(borrow)]
    features: Option<Vec<&'a RawValue>>,
}

impl RawCollection<'_> {
    /// Only a FeatureCollection holds areas.
    fn check_kind(&self, path: &Path) -> Result<()> {
        match self.kind.as_deref() {
            Some("FeatureCollection") => Ok(()),
            Some(other) => Err(Error::invalid(
                Location::file(path),
                format!("is a GeoJSON {other}; expected a FeatureCollection of area polygons"),
            )),
            None => Err(Error::invalid(Location::file(path), "has no \"type\": expected a GeoJSON FeatureCollection")),
        }
    }
}

/// A parsed feature and where it starts in the file (a byte offset; lines are counted only for errors).
struct ParsedFeature {
    number: usize,
    offset: usize,
    feature: Feature,
}

fn location(path: &Path, text: &str, offset: usize) -> Location {
    let (line, column) = line_and_column(text, offset);
    Location::at(path, line, column)
}

/// The character a JSON object opens with (a constant, so that brace-counting tools measure
/// [`read_json_text`] right).
const OBJECT_OPENS: char = '{';

/// The file's text, without a byte-order mark; an empty file or one that is no JSON object is refused.
fn read_json_text(path: &Path) -> Result<String> {
    let mut text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    // A byte-order mark, as some Windows tools write, is not part of the JSON.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    if text.trim().is_empty() {
        return Err(Error::invalid(Location::file(path), "the file is empty; expected a GeoJSON FeatureCollection"));
    }
    let start = text.len() - text.trim_start().len();
    if !text[start..].starts_with(OBJECT_OPENS) {
        let (line, column) = line_and_column(&text, start);
        return Err(Error::invalid(
            Location::at(path, line, column),
            "is not a JSON object; expected a GeoJSON FeatureCollection",
        ));
    }
    Ok(text)
}

/// The properties holding each area's code (given, or detected from the first feature's keys) and name.
fn area_properties(
    path: &Path,
    text: &str,
    features: &[ParsedFeature],
    properties: &BoundaryProperties,
) -> Result<(String, Option<String>)> {
    let first_properties = features.iter().find_map(|f| f.feature.properties.as_ref());
    let keys: Vec<&str> = first_properties.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
    let code_property = match &properties.code {
        Some(name) => name.clone(),
        None => detect_code_property(&keys).ok_or_else(|| {
            Error::invalid(
                location(path, text, features[0].offset),
                format!(
                    "cannot tell which property holds the area code (looked for LSOA21CD, LSOA11CD, …, code); \
                     name it with --code-property; the first feature has {}",
                    quoted_list(&keys)
                ),
            )
        })?,
    };
    let name_property = properties.name.clone().or_else(|| detect_name_property(&keys, &code_property));
    Ok((code_property, name_property))
}

impl Boundaries {
    /// Reads a GeoJSON FeatureCollection of Polygon/MultiPolygon features.
    pub fn load(path: &Path, properties: &BoundaryProperties) -> Result<Boundaries> {
        let text = read_json_text(path)?;
        let collection: RawCollection = serde_json::from_str(&text).map_err(|e| json_error(path, &text, 0, &e))?;
        collection.check_kind(path)?;
        let raw_features = collection.features.as_deref().unwrap_or_default();
        if raw_features.is_empty() {
            return Err(Error::invalid(Location::file(path), "the FeatureCollection has no features"));
        }
        let features: Vec<ParsedFeature> = raw_features
            .par_iter()
            .enumerate()
            .map(|(i, raw)| {
                let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
                let feature: Feature =
                    serde_json::from_str(raw.get()).map_err(|e| json_error(path, &text, offset, &e))?;
                Ok(ParsedFeature { number: i + 1, offset, feature })
            })
            .collect::<Result<_>>()?;
        let (code_property, name_property) = area_properties(path, &text, &features, properties)?;
        let source_crs = match collection.crs.as_ref().and_then(crs_name) {
            Some(name) => Crs::from_name(&name).ok_or_else(|| {
                Error::invalid(Location::file(path), format!("coordinates are in {name}; anchormap reads WGS84 (EPSG:4326/CRS84) or British National Grid (EPSG:27700)"))
            })?,
            None => features.iter().find_map(|f| first_position(&f.feature)).map_or(Crs::Wgs84, |(x, y)| Crs::guess_from(x, y)),
        };
        let converted: Vec<Option<Area>> = features
            .into_par_iter()
            .map(|parsed| {
                let (offset, text) = (parsed.offset, text.as_str());
                let at = move || location(path, text, offset);
                to_area(parsed, &code_property, name_property.as_deref(), source_crs, &at)
            })
            .collect::<Result<_>>()?;
        let features_without_geometry = converted.iter().filter(|a| a.is_none()).count();
        let mut areas: Vec<Area> = converted.into_iter().flatten().collect();
        areas.sort_by(|a, b| a.code.cmp(&b.code));
        if areas.is_empty() {
            return Err(Error::invalid(Location::file(path), "no feature has a polygon geometry"));
        }
        Ok(Boundaries {
            path: path.to_path_buf(),
            geography: Geography::from_code_name(&code_property),
            areas,
            source_crs,
            code_property,
            name_property,
            features_without_geometry,
        })
    }

    /// Builds the spatial index; area ids are positions in `areas` (so ties go to the smallest code).
    pub fn index(&self) -> AreaIndex {
        AreaIndex::new(self.areas.iter().map(|a| &a.geometry))
    }

    /// Number of distinct area codes (an area split over several features counts once).
    pub fn distinct_codes(&self) -> usize {
        self.areas.windows(2).filter(|w| w[0].code != w[1].code).count() + 1
    }
}

fn json_error(path: &Path, text: &str, offset: usize, err: &serde_json::Error) -> Error {
    let message = match err.classify() {
        serde_json::error::Category::Eof => "the file ends too early (truncated GeoJSON?)".to_string(),
        _ => {
            // serde_json appends " at line L column C"; we give our own, file-relative, position.
            let text = err.to_string();
            match text.rfind(" at line ") {
                Some(cut) => text[..cut].to_string(),
                None => text,
            }
        }
    };
    if err.line() == 0 {
        let (line, column) = line_and_column(text, offset);
        return Error::invalid(Location::at(path, line, column), message);
    }
    let (base_line, base_column) = line_and_column(text, offset);
    let line = base_line + err.line() as u64 - 1;
    let column = if err.line() == 1 { base_column + err.column() as u64 - 1 } else { err.column() as u64 };
    Error::invalid(Location::at(path, line, column), message)
}

fn crs_name(crs: &serde_json::Value) -> Option<String> {
    crs.get("properties")?.get("name")?.as_str().map(str::to_string)
}

fn quoted_list(keys: &[&str]) -> String {
    if keys.is_empty() {
        "no properties".to_string()
    } else {
        keys.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ")
    }
}

/// The area-code property: well-known names first, then any ONS-style `XXXXnnCD` name.
pub(crate) fn detect_code_property(keys: &[&str]) -> Option<String> {
    const PREFERRED: [&str; 10] = [
        "LSOA21CD",
        "LSOA11CD",
        "LSOA01CD",
        "DataZone",
        "MSOA21CD",
        "MSOA11CD",
        "OA21CD",
        "area_code",
        "code",
        "areacode",
    ];
    for wanted in PREFERRED {
        if let Some(key) = keys.iter().find(|k| k.eq_ignore_ascii_case(wanted)) {
            return Some(key.to_string());
        }
    }
    keys.iter()
        .find(|k| {
            let upper = k.to_ascii_uppercase();
            upper.len() > 4 && upper.ends_with("CD") && upper[..upper.len() - 2].ends_with(|c: char| c.is_ascii_digit())
        })
        .map(|k| k.to_string())
}

pub(crate) fn detect_name_property(keys: &[&str], code_property: &str) -> Option<String> {
    let mut candidates = Vec::new();
    if code_property.len() > 2 && code_property.to_ascii_uppercase().ends_with("CD") {
        candidates.push(format!("{}NM", &code_property[..code_property.len() - 2]));
    }
    candidates.extend(["area_name", "name", "Name"].map(String::from));
    candidates.into_iter().find_map(|c| keys.iter().find(|k| k.eq_ignore_ascii_case(&c)).map(|k| k.to_string()))
}

fn first_position(feature: &Feature) -> Option<(f64, f64)> {
    let polygon = match &feature.geometry.as_ref()?.value {
        GeometryValue::Polygon { coordinates } => coordinates,
        GeometryValue::MultiPolygon { coordinates } => coordinates.first()?,
        _ => return None,
    };
    let position = polygon.first()?.first()?;
    Some((*position.as_slice().first()?, *position.as_slice().get(1)?))
}

fn property_text(feature: &Feature, key: &str) -> Option<String> {
    match feature.properties.as_ref()?.get(key)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn to_area(
    parsed: ParsedFeature,
    code_property: &str,
    name_property: Option<&str>,
    crs: Crs,
    at: &dyn Fn() -> Location,
) -> Result<Option<Area>> {
    let ParsedFeature { number, mut feature, .. } = parsed;
    let code = property_text(&feature, code_property).ok_or_else(|| {
        Error::invalid(at(), format!("feature {number} has no '{code_property}' (area code) property"))
    })?;
    let name = name_property.and_then(|p| property_text(&feature, p)).unwrap_or_default();
    let properties = feature.properties.take().unwrap_or_default();
    let Some(geometry) = feature.geometry else {
        return Ok(None);
    };
    let polygons: Vec<&PolygonType> = match &geometry.value {
        GeometryValue::Polygon { coordinates } => vec![coordinates],
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter().collect(),
        other => {
            return Err(Error::invalid(
                at(),
                format!(
                    "feature {number} ({code}) is a {}; boundaries must be Polygon or MultiPolygon",
                    other.type_name()
                ),
            ))
        }
    };
    let mut parts = Vec::with_capacity(polygons.len());
    let mut source = Vec::new();
    for rings in polygons {
        let mut projected = rings.iter().map(|ring| to_line_string(ring, crs, number, &code, at));
        let Some(exterior) = projected.next().transpose()? else { continue };
        if exterior.0.len() < 3 {
            continue;
        }
        let interiors = projected.collect::<Result<Vec<_>>>()?;
        parts.push(Polygon::new(exterior, interiors));
        if crs == Crs::Wgs84 {
            let mut raw =
                rings.iter().map(|ring| LineString(ring.iter().map(|p| Coord { x: p[0], y: p[1] }).collect()));
            let exterior = raw.next().unwrap_or_else(|| LineString(Vec::new()));
            source.push(Polygon::new(exterior, raw.collect()));
        }
    }
    if parts.is_empty() {
        return Ok(None);
    }
    let country = Country::of_area_code(&code);
    let wgs84 = (crs == Crs::Wgs84).then_some(MultiPolygon(source));
    Ok(Some(Area { code, name, country, geometry: MultiPolygon(parts), wgs84, properties }))
}

/// A coordinate for an error message: as written when short, else in scientific notation.
fn short_number(v: f64) -> String {
    if v.abs() < 1e9 {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

fn to_line_string(
    ring: &[geojson::Position],
    crs: Crs,
    number: usize,
    code: &str,
    at: &dyn Fn() -> Location,
) -> Result<LineString<f64>> {
    ring.iter()
        .map(|position| {
            let (x, y) = match position.as_slice() {
                [x, y, ..] if x.is_finite() && y.is_finite() => (*x, *y),
                _ => return Err(Error::invalid(at(), format!("feature {number} ({code}) has a position without two numbers"))),
            };
            match crs {
                Crs::BritishNationalGrid if !crate::spatial::bng::is_plausible_bng(Coord { x, y }) => Err(Error::invalid(
                    at(),
                    format!(
                        "feature {number} ({code}) has easting {}, northing {}, far outside the British National Grid",
                        short_number(x),
                        short_number(y)
                    ),
                )),
                Crs::BritishNationalGrid => Ok(Coord { x, y }),
                Crs::Wgs84 => wgs84_to_bng(x, y).ok_or_else(|| {
                    Error::invalid(
                        at(),
                        format!("feature {number} ({code}) has longitude {x}, latitude {y}, outside Great Britain's OSTN15 grid"),
                    )
                }),
            }
        })
        .collect::<Result<Vec<Coord<f64>>>>()
        .map(LineString)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_ons_code_and_name_properties() {
        let keys = ["OBJECTID", "LSOA11CD", "LSOA11NM", "BNG_E"];
        assert_eq!(detect_code_property(&keys).as_deref(), Some("LSOA11CD"));
        assert_eq!(detect_name_property(&keys, "LSOA11CD").as_deref(), Some("LSOA11NM"));
        assert_eq!(detect_code_property(&["FID", "WD23CD", "WD23NM"]).as_deref(), Some("WD23CD"));
        assert_eq!(detect_code_property(&["id", "name"]), None);
        assert_eq!(detect_name_property(&["code", "name"], "code").as_deref(), Some("name"));
    }
}
