//! A choropleth from an area GeoJSON: [`MapOptions`] (what to map and how) in, a [`MapSpec`] out, for `map` and `report` alike.

use std::path::PathBuf;

use geo::{BoundingRect, Intersects, MultiPolygon, Rect};

use crate::columns::ColumnMap;
use crate::error::{Error, Location, Result};
use crate::io::format::thousands;
use crate::output::classes::{Classes, MapValue, Scheme};
use crate::output::map::{extent_of, outline_of, Fill, MapArea, MapSite, MapSpec, ATTRIBUTION};
use crate::output::schema::Kind;
use crate::reference::boundaries::{Area, BoundaryProperties};
use crate::reference::{Boundaries, Deprivation, PostcodeDirectory};
use crate::spatial::simplify_shared;

/// The column mapped when none is named: the national IMD decile.
pub const DECILE_COLUMN: &str = "imd_decile";

/// Which areas a map is fitted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapExtent {
    /// The areas with a value (or a suppressed value).
    Data,
    /// Every area in the file.
    All,
}

/// Sites to mark on a map, and how to place them.
#[derive(Debug, Clone, Default)]
pub struct SiteMarkers {
    /// Sites CSV: site_code, site_name, and easting, northing (or postcode, with `postcodes`).
    pub sites: Option<PathBuf>,
    /// Postcode directory, to place sites given only by postcode.
    pub postcodes: Option<PathBuf>,
    pub site_columns: ColumnMap,
}

/// Everything a map needs: the input, the column and how it is classed and drawn.
#[derive(Debug, Clone)]
pub struct MapOptions {
    /// Area GeoJSON (an anchormap output, or boundaries with `deprivation`).
    pub input: PathBuf,
    /// The property to map.
    pub column: String,
    /// IoD file to take IMD deciles from when the GeoJSON has none.
    pub deprivation: Option<PathBuf>,
    pub deprivation_columns: ColumnMap,
    /// The classification; `None` for the one its column's declared [`Kind`] takes.
    pub scheme: Option<Scheme>,
    /// Centre of a diverging scale; `None` for the column's own.
    pub centre: Option<f64>,
    /// `None` for a title from the column.
    pub title: Option<String>,
    /// Lines under the map; empty for the notices the reference data's licences require.
    pub attribution: Vec<String>,
    pub markers: SiteMarkers,
    pub extent: MapExtent,
    /// Simplification tolerance in metres; `None` for half a pixel, 0 for full detail.
    pub simplify_m: Option<f64>,
    /// Boundary property holding the area code; `None` to detect it.
    pub code_property: Option<String>,
}

impl MapOptions {
    /// A map of `column` in `input` with every other choice left to its default.
    pub fn new(input: PathBuf, column: &str) -> MapOptions {
        MapOptions {
            input,
            column: column.to_string(),
            deprivation: None,
            deprivation_columns: ColumnMap::default(),
            scheme: None,
            centre: None,
            title: None,
            attribution: Vec::new(),
            markers: SiteMarkers::default(),
            extent: MapExtent::Data,
            simplify_m: None,
            code_property: None,
        }
    }
}

/// The classification a map of a column of this kind uses unless told otherwise.
fn scheme_of(kind: Kind) -> Scheme {
    match kind {
        Kind::Decile => Scheme::Deciles,
        Kind::Ratio | Kind::RatePer1000 | Kind::Signed => Scheme::Diverging,
        Kind::Text | Kind::Flag | Kind::Count | Kind::Share | Kind::Amount => Scheme::Sequential,
    }
}

/// The map the options describe (without writing it), and the areas it was drawn from.
pub fn build(options: &MapOptions) -> Result<(MapSpec, Boundaries)> {
    let properties = BoundaryProperties { code: options.code_property.clone(), name: None };
    let boundaries = Boundaries::load(&options.input, &properties)?;
    let deprivation =
        options.deprivation.as_deref().map(|p| Deprivation::load(p, &options.deprivation_columns)).transpose()?;
    let values = values_of(options, &boundaries, deprivation.as_ref())?;
    let numbers: Vec<f64> =
        values.iter().filter_map(|v| if let MapValue::Value(x) = v { Some(*x) } else { None }).collect();
    let classes = classes_of(options, &numbers, &boundaries.areas);
    let drawing = draw(options, &boundaries.areas, &values, &classes)?;
    let counted = values.iter().filter(|v| **v != MapValue::NoData).count();
    let spec = MapSpec {
        title: options.title.clone().unwrap_or_else(|| default_title(&options.column, deprivation.as_ref())),
        subtitle: Some(subtitle(counted, drawing.tolerance_m)),
        areas: drawing.areas,
        classes,
        sites: site_markers(&options.markers)?,
        outline: drawing.outline,
        extent: drawing.extent,
        attribution: attribution_for(&options.attribution, &boundaries.areas),
    };
    Ok((spec, boundaries))
}

/// Each area's value of the column (from the IoD file for deciles it lacks); an error when none has one.
fn values_of(
    options: &MapOptions,
    boundaries: &Boundaries,
    deprivation: Option<&Deprivation>,
) -> Result<Vec<MapValue>> {
    let column = options.column.as_str();
    let from_deprivation = column == DECILE_COLUMN && deprivation.is_some();
    let has_column = boundaries.areas.iter().any(|a| a.properties.contains_key(column));
    if !(has_column || from_deprivation) {
        let hint =
            if column == DECILE_COLUMN { " (give --deprivation to take IMD deciles from an IoD file)" } else { "" };
        let message = format!(
            "no property '{column}' to map{hint}; numeric properties: {}",
            numeric_properties(&boundaries.areas).join(", ")
        );
        return Err(Error::invalid(Location::file(&options.input), message));
    }
    let values: Vec<MapValue> = boundaries
        .areas
        .iter()
        .map(|area| match (area.properties.get(column), deprivation) {
            (Some(v), _) => MapValue::from_json(Some(v)),
            (None, Some(d)) if column == DECILE_COLUMN => {
                d.get(&area.code).map_or(MapValue::NoData, |r| MapValue::Value(r.decile as f64))
            }
            _ => MapValue::NoData,
        })
        .collect();
    if !values.iter().any(|v| matches!(v, MapValue::Value(_) | MapValue::Suppressed)) {
        let message = format!("no area has a number in '{column}'");
        return Err(Error::invalid(Location::file(&options.input), message));
    }
    Ok(values)
}

/// The classes of the chosen scheme, else of the column's kind.
fn classes_of(options: &MapOptions, numbers: &[f64], areas: &[Area]) -> Classes {
    let kind = Kind::of_published(&options.column);
    match options.scheme.unwrap_or(scheme_of(kind)) {
        Scheme::Deciles => Classes::deciles(),
        Scheme::Sequential => Classes::sequential(numbers),
        Scheme::Diverging => {
            let (centre, unit) = match (options.centre, kind) {
                (Some(c), _) => (c, ""),
                (None, Kind::Ratio) => (1.0, "(parity)"),
                (None, Kind::Signed) => (0.0, "(none short, none over)"),
                (None, Kind::RatePer1000) => match community_rate(areas) {
                    Some(rate) => (rate, "per 1,000 (community rate)"),
                    None => (median(numbers), "(median)"),
                },
                (None, _) => (median(numbers), "(median)"),
            };
            Classes::diverging(numbers, centre, unit)
        }
    }
}

/// The areas as drawn: filled, simplified, within the extent, with the outline of those with data.
struct Drawing {
    areas: Vec<MapArea>,
    outline: Vec<(geo::Coord<f64>, geo::Coord<f64>)>,
    extent: Rect<f64>,
    tolerance_m: f64,
}

fn draw(options: &MapOptions, areas: &[Area], values: &[MapValue], classes: &Classes) -> Result<Drawing> {
    // The extent: the areas with data unless asked for all.
    let shown = (0..areas.len()).filter(|&i| options.extent == MapExtent::All || values[i] != MapValue::NoData);
    let extent = extent_of(shown.map(|i| &areas[i].geometry))
        .ok_or_else(|| Error::invalid(Location::file(&options.input), "nothing to draw"))?;
    let half_pixel = extent.width().max(extent.height()) / 720.0 * 0.5;
    let tolerance_m = options.simplify_m.unwrap_or(half_pixel).max(0.0);
    let drawn: Vec<usize> = (0..areas.len())
        .filter(|&i| areas[i].geometry.bounding_rect().is_some_and(|r| r.intersects(&extent)))
        .collect();
    let geometry: Vec<MultiPolygon<f64>> = drawn.iter().map(|&i| areas[i].geometry.clone()).collect();
    let simplified = if tolerance_m > 0.0 { simplify_shared(&geometry, tolerance_m) } else { geometry };
    let with_data = drawn.iter().zip(&simplified).filter(|(i, _)| values[**i] != MapValue::NoData).map(|(_, g)| g);
    let outline = outline_of(with_data);
    let areas = drawn
        .iter()
        .zip(simplified)
        .map(|(&i, geometry)| MapArea { code: areas[i].code.clone(), geometry, fill: fill(values[i], classes) })
        .collect();
    Ok(Drawing { areas, outline, extent, tolerance_m })
}

fn fill(value: MapValue, classes: &Classes) -> Fill {
    match value {
        MapValue::Value(v) => Fill::Class(classes.class_of(v)),
        MapValue::Suppressed => Fill::Suppressed,
        MapValue::NoData => Fill::NoData,
    }
}

/// The sites to mark, those that could be placed.
fn site_markers(markers: &SiteMarkers) -> Result<Vec<MapSite>> {
    let Some(path) = &markers.sites else { return Ok(Vec::new()) };
    let directory =
        markers.postcodes.as_deref().map(|p| PostcodeDirectory::load(p, &ColumnMap::default())).transpose()?;
    let sites = crate::input::sites::read_sites(path, &markers.site_columns, directory.as_ref())?;
    Ok(sites.into_iter().filter_map(|s| Some(MapSite { label: s.name, location: s.location? })).collect())
}

/// How many areas are drawn and how they were simplified; no file names (issue 15: a board reads it).
fn subtitle(counted: usize, tolerance_m: f64) -> String {
    format!(
        "{} areas{}",
        thousands(counted as u64),
        if tolerance_m > 0.0 {
            format!("; boundaries simplified for display ({tolerance_m:.0} m)")
        } else {
            String::new()
        }
    )
}

fn numeric_properties(areas: &[Area]) -> Vec<String> {
    areas
        .first()
        .map(|a| {
            a.properties
                .iter()
                .filter(|(_, v)| MapValue::from_json(Some(v)) != MapValue::NoData)
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Staff per 1,000 at the community-wide rate: total expected staff over total population
/// (summed, so that the rounding of each area's expected staff averages out).
fn community_rate(areas: &[Area]) -> Option<f64> {
    let number = |a: &Area, k: &str| match MapValue::from_json(a.properties.get(k)) {
        MapValue::Value(v) => Some(v),
        _ => None,
    };
    let (expected, population) = areas
        .iter()
        .filter_map(|a| Some((number(a, "expected_staff")?, number(a, "population")?)))
        .fold((0.0, 0.0), |(e, p), (ae, ap)| (e + ae, p + ap));
    (population > 0.0).then(|| expected / population * 1000.0)
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}

fn default_title(column: &str, deprivation: Option<&Deprivation>) -> String {
    match column {
        DECILE_COLUMN => format!(
            "Index of Multiple Deprivation{}: national decile",
            deprivation.map_or(String::new(), |d| format!(" ({})", d.edition))
        ),
        "imd_decile_local" => "Index of Multiple Deprivation: decile within the community".to_string(),
        "staff_per_1000" => "Staff per 1,000 working-age residents".to_string(),
        "representation_ratio" => {
            "Representation ratio (staff share / population share; 1 = representative)".to_string()
        }
        "kgco2e_per_1000_population" => "Patient travel emissions: kg CO2e per 1,000 residents".to_string(),
        "kgco2e" => "Patient travel emissions: kg CO2e".to_string(),
        "patient_km" => "Patient travel: km, both ways".to_string(),
        "staff" => "Staff living in each area (people)".to_string(),
        "population" => "Working-age population (people)".to_string(),
        "expected_staff" => "Staff expected at the community rate (people)".to_string(),
        "shortfall" => "Staff shortfall (+) or excess (-) against the community rate (people)".to_string(),
        other => other.replace('_', " "),
    }
}

/// The attribution lines given, else the notices the reference data's licences require.
pub fn attribution(given: &[String]) -> Vec<String> {
    if given.is_empty() {
        ATTRIBUTION.iter().map(|s| s.to_string()).collect()
    } else {
        given.to_vec()
    }
}

/// The attribution lines for a map of `areas`: with the Open Parliament Licence's notice when the
/// areas carry House of Commons Library names (a `neighbourhood` other than the area's own name).
fn attribution_for(given: &[String], areas: &[Area]) -> Vec<String> {
    let mut lines = attribution(given);
    let text = |a: &Area, key: &str| a.properties.get(key).and_then(|v| v.as_str().map(str::to_string));
    let named = areas
        .iter()
        .any(|a| text(a, "neighbourhood").is_some_and(|n| !n.is_empty() && Some(n) != text(a, "area_name")));
    if given.is_empty() && named {
        lines.push(crate::reference::area_names::OPEN_PARLIAMENT_ATTRIBUTION.to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_columns_are_classed_by_their_declared_kind() {
        let scheme = |column| scheme_of(Kind::of_published(column));
        assert_eq!(scheme("imd_decile"), Scheme::Deciles);
        assert_eq!(scheme("imd_decile_local"), Scheme::Deciles);
        assert_eq!(scheme("staff_per_1000"), Scheme::Diverging);
        assert_eq!(scheme("representation_ratio"), Scheme::Diverging);
        assert_eq!(Kind::of_published("shortfall"), Kind::Signed);
        assert_eq!(scheme("shortfall"), Scheme::Diverging);
        for amount in ["kgco2e_per_1000_population", "staff", "population", "expected_staff", "patient_km"] {
            assert_eq!(scheme(amount), Scheme::Sequential, "{amount}");
        }
    }

    #[test]
    fn a_column_is_not_classed_by_a_word_in_its_name() {
        assert_eq!(Kind::of_published("odds_ratio"), Kind::Amount);
        assert_eq!(Kind::of_published("income_decile"), Kind::Amount);
    }
}
