//! A choropleth from an area GeoJSON: [`MapOptions`] (what to map and how) in, a [`MapSpec`] out, for `map` and `report` alike.

use std::path::PathBuf;

use geo::{BoundingRect, Intersects, MultiPolygon, Rect};

use crate::columns::ColumnMap;
use crate::error::{Error, Location, Result};
use crate::io::format::{date_in_words, thousands};
use crate::output::classes::{Classes, Divergence, MapValue, Scheme};
use crate::output::map::{extent_of, outline_of, Fill, MapArea, MapSite, MapSpec, RankedArea, ATTRIBUTION};
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
    /// Where most of the first of these properties the layer has lies (the central 95% of
    /// appointments, east–west and north–south): patients scattered across the country would
    /// otherwise shrink the trust's own area to a speck. The subtitle says how many areas, and what
    /// share, lie beyond the map. A layer with none of them is fitted as [`MapExtent::Data`].
    MostOf(&'static [&'static str]),
}

/// The share of a `MostOf` property a map's extent keeps.
const MOST_OF: f64 = 0.95;

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
    /// Where and when, for the default title (from the run folder's summary).
    pub context: MapContext,
}

/// What a run knows about where and when its map is, for a title a board can read without the table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapContext {
    /// The community compared with ("NHS Herefordshire and Worcestershire Integrated Care Board").
    pub place: Option<String>,
    /// The period of the data ("appointments from 1 April 2025 to 31 March 2026").
    pub period: Option<String>,
    /// The areas are MSOAs: named on the map where their names fit.
    pub msoa: bool,
}

impl MapContext {
    /// The context of a `gaps` run: its community's name.
    pub fn of_gaps(summary: &crate::output::run_summary::GapsSummary) -> MapContext {
        let period = summary.staff_as_at.as_deref().map(|d| format!("staff file of {}", date_in_words(d)));
        MapContext { place: summary.community.name.clone(), period, msoa: false }
    }

    /// The context of an `emissions` run: its appointments' dates.
    pub fn of_emissions(summary: &crate::output::run_summary::EmissionsSummary) -> MapContext {
        let period = summary.dates.as_ref().map(|d| match d.last.as_deref() {
            Some(last) if last != d.first => {
                format!("appointments from {} to {}", date_in_words(&d.first), date_in_words(last))
            }
            _ => format!("appointments on {}", date_in_words(&d.first)),
        });
        MapContext { place: None, period, msoa: false }
    }

    /// The context of a `commute` run: the date of its staff file (`--as-at`), when given.
    pub fn of_commute(staff_as_at: Option<&str>) -> MapContext {
        let period = staff_as_at.map(|d| format!("staff file of {}", date_in_words(d)));
        MapContext { place: None, period, msoa: false }
    }

    /// " — place, period", or nothing.
    fn suffix(&self) -> String {
        let parts: Vec<&str> = self.place.iter().chain(&self.period).map(String::as_str).collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" — {}", parts.join(", "))
        }
    }
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
            context: MapContext::default(),
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
    let nations = own_indices(options, &boundaries.areas);
    let values = match &nations {
        Some(_) => own_deciles(&boundaries.areas),
        None => values_of(options, &boundaries, deprivation.as_ref())?,
    };
    let numbers: Vec<f64> =
        values.iter().filter_map(|v| if let MapValue::Value(x) = v { Some(*x) } else { None }).collect();
    let (measure, classes) = match &nations {
        Some(indices) => (measure_by_nation(indices), Classes::deciles_by_nation(indices)),
        None => {
            let measure = measure_of(&options.column, deprivation.as_ref());
            let classes = classes_of(options, &measure, &numbers, &boundaries.areas);
            (measure, classes)
        }
    };
    let fills: Vec<Fill> = match &nations {
        Some(indices) => {
            boundaries.areas.iter().zip(&values).map(|(a, v)| own_fill(a, *v, indices, &classes)).collect()
        }
        None => values.iter().map(|v| fill(*v, &classes)).collect(),
    };
    let drawing = draw(options, &boundaries.areas, (&values, &fills))?;
    let counted = values.iter().filter(|v| **v != MapValue::NoData).count();
    let spec = MapSpec {
        title: options.title.clone().unwrap_or_else(|| default_title(&measure, &options.context)),
        subtitle: Some(subtitle(counted, &options.column, drawing.tolerance_m) + &beyond_words(drawing.beyond)),
        unit: measure.unit,
        no_data: measure.no_data.to_string(),
        areas: drawing.areas,
        classes,
        sites: site_markers(&options.markers)?,
        outline: drawing.outline,
        outline_label: outline_label(options, &values),
        ranked: ranked_areas(&boundaries.areas),
        extent: drawing.extent,
        attribution: attribution_for(&options.attribution, &boundaries.areas, nations.as_deref()),
    };
    Ok((spec, boundaries))
}

/// Each area's decile in its own nation's index, in a layer of a run across nations.
const OWN_DECILE: &str = "deprivation_decile";
/// The name of that index (`IMD 2025`, `WIMD 2025`, `SIMD 2020v2`).
const OWN_INDEX: &str = "deprivation_index";

/// The (nation, index) pairs of a layer across nations, England first, when a map of its deciles
/// (`imd_decile` or `deprivation_decile`, classed as deciles) is drawn with each nation on its
/// own index and a legend of its own: England's IMD deciles alone would leave the other nations'
/// areas without data, and their own deciles on one scale would pool indices that rank different
/// areas. `None` for any other map, and for a layer without the nations' columns.
fn own_indices(options: &MapOptions, areas: &[Area]) -> Option<Vec<(String, String)>> {
    let deciles = matches!(options.column.as_str(), DECILE_COLUMN | OWN_DECILE);
    if !deciles || options.scheme.is_some_and(|s| s != Scheme::Deciles) {
        return None;
    }
    fn text<'a>(a: &'a Area, key: &str) -> Option<&'a str> {
        a.properties.get(key).and_then(|v| v.as_str()).filter(|t| !t.is_empty())
    }
    let mut indices: Vec<(String, String)> = Vec::new();
    for area in areas {
        if let (Some(nation), Some(index)) = (text(area, "nation"), text(area, OWN_INDEX)) {
            if !indices.iter().any(|(n, i)| n == nation && i == index) {
                indices.push((nation.to_string(), index.to_string()));
            }
        }
    }
    let order = |nation: &str| ["England", "Wales", "Scotland"].iter().position(|n| *n == nation).unwrap_or(3);
    indices.sort_by(|a, b| order(&a.0).cmp(&order(&b.0)).then(a.cmp(b)));
    (!indices.is_empty()).then_some(indices)
}

/// Each area's decile in its own nation's index (no data where the layer gives none).
fn own_deciles(areas: &[Area]) -> Vec<MapValue> {
    areas
        .iter()
        .map(|a| match a.properties.get(OWN_INDEX).and_then(|v| v.as_str()) {
            Some(index) if !index.is_empty() => MapValue::from_json(a.properties.get(OWN_DECILE)),
            _ => MapValue::NoData,
        })
        .collect()
}

/// An area's class on a map across nations: its decile on its own nation's scale.
fn own_fill(area: &Area, value: MapValue, indices: &[(String, String)], classes: &Classes) -> Fill {
    let text = |key: &str| area.properties.get(key).and_then(|v| v.as_str()).unwrap_or_default();
    let nation = indices.iter().position(|(n, i)| n == text("nation") && i == text(OWN_INDEX));
    match (value, nation) {
        (MapValue::Value(d), Some(i)) if d.fract() == 0.0 && (1.0..=10.0).contains(&d) => {
            classes.nation_class(i, d as u8).map_or(Fill::NoData, Fill::Class)
        }
        (MapValue::Suppressed, _) => Fill::Suppressed,
        _ => Fill::NoData,
    }
}

/// A map of each nation on its own index, in words.
fn measure_by_nation(indices: &[(String, String)]) -> Measure {
    let each: Vec<&str> = indices.iter().map(|(_, index)| index.as_str()).collect();
    Measure {
        title: format!("Deprivation by neighbourhood, each nation on its own index ({})", each.join(", ")),
        unit: "Decile of each nation's own index".to_string(),
        whole: true,
        high_is_under: false,
        sides: PARITY_SIDES,
        no_data: "no data",
    }
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
fn classes_of(options: &MapOptions, measure: &Measure, numbers: &[f64], areas: &[Area]) -> Classes {
    let kind = Kind::of_published(&options.column);
    match options.scheme.unwrap_or(scheme_of(kind)) {
        Scheme::Deciles => Classes::deciles(),
        Scheme::Sequential => Classes::sequential(numbers, measure.whole),
        Scheme::Diverging => {
            let (centre, centre_words) = match (options.centre, kind) {
                (Some(c), _) => (c, "the centre asked for"),
                (None, Kind::Ratio) => (1.0, "parity"),
                (None, Kind::Signed) => (0.0, "as the community rate would give"),
                (None, Kind::RatePer1000) => match community_rate(areas) {
                    Some(rate) => (rate, "the community rate"),
                    None => (median(numbers), "the median area"),
                },
                (None, _) => (median(numbers), "the median area"),
            };
            let how = Divergence {
                centre,
                centre_words: centre_words.to_string(),
                high_is_under: measure.high_is_under,
                sides: (measure.sides.0.to_string(), measure.sides.1.to_string()),
                whole: measure.whole,
            };
            Classes::diverging(numbers, &how)
        }
    }
}

/// The target areas with a rank, best first (at most [`RANKED_LABELS`]), for numbered labels and a key.
fn ranked_areas(areas: &[Area]) -> Vec<RankedArea> {
    use geo::InteriorPoint;
    let mut ranked: Vec<RankedArea> = areas
        .iter()
        .filter_map(|area| {
            let MapValue::Value(rank) = MapValue::from_json(area.properties.get("rank")) else { return None };
            let name = name_of(area);
            let point = area.geometry.interior_point()?;
            (rank >= 1.0).then(|| RankedArea { rank: rank as u32, name, point: point.0 })
        })
        .collect();
    ranked.sort_by_key(|r| r.rank);
    ranked.truncate(RANKED_LABELS);
    ranked
}

/// The name people know an area by: its `neighbourhood` (House of Commons Library MSOA names), else its own.
fn name_of(area: &Area) -> String {
    match area.properties.get("neighbourhood").and_then(|v| v.as_str()) {
        Some(n) if !n.trim().is_empty() => n.trim().to_string(),
        _ => area.name.clone(),
    }
}

/// The measure in words, by MSOA where the areas are, with the community and the period.
fn default_title(measure: &Measure, context: &MapContext) -> String {
    let title = if context.msoa {
        measure.title.replace("by neighbourhood", "by neighbourhood (MSOA)")
    } else {
        measure.title.clone()
    };
    format!("{title}{}", context.suffix())
}

/// The most areas a map outlines (a community: an ICB has a few hundred to a few thousand LSOAs).
const MAX_OUTLINED: usize = 3000;

/// How many of the top targets are numbered on a map and named in its key.
pub const RANKED_LABELS: usize = 10;

/// The outline's legend line: the community's boundary when the run names it.
fn outline_label(options: &MapOptions, values: &[MapValue]) -> Option<String> {
    if !values.iter().any(|v| *v != MapValue::NoData) {
        return None;
    }
    Some(match &options.context.place {
        Some(place) => format!("boundary: {place}"),
        None => "boundary of the areas mapped".to_string(),
    })
}

/// The areas as drawn: filled, simplified, within the extent, with the outline of those with data.
struct Drawing {
    areas: Vec<MapArea>,
    /// With `MapExtent::MostOf`: the areas with data beyond the map, their share of the property, and the property.
    beyond: Option<Beyond>,
    outline: Vec<(geo::Coord<f64>, geo::Coord<f64>)>,
    extent: Rect<f64>,
    tolerance_m: f64,
}

fn draw(options: &MapOptions, areas: &[Area], (values, fills): (&[MapValue], &[Fill])) -> Result<Drawing> {
    let areas_in = areas;
    // The extent: the areas with data unless asked for all, or where most of a property lies.
    let shown = (0..areas.len()).filter(|&i| options.extent == MapExtent::All || values[i] != MapValue::NoData);
    let extent = extent_of(shown.map(|i| &areas[i].geometry))
        .ok_or_else(|| Error::invalid(Location::file(&options.input), "nothing to draw"))?;
    let weight = match options.extent {
        MapExtent::MostOf(properties) => weight_property(areas, properties),
        _ => None,
    };
    let extent = weight.and_then(|property| most_of(areas, values, property)).unwrap_or(extent);
    let half_pixel = extent.width().max(extent.height()) / 720.0 * 0.5;
    let tolerance_m = options.simplify_m.unwrap_or(half_pixel).max(0.0);
    let drawn: Vec<usize> = (0..areas.len())
        .filter(|&i| areas[i].geometry.bounding_rect().is_some_and(|r| r.intersects(&extent)))
        .collect();
    let geometry: Vec<MultiPolygon<f64>> = drawn.iter().map(|&i| areas[i].geometry.clone()).collect();
    let simplified = if tolerance_m > 0.0 { simplify_shared(&geometry, tolerance_m) } else { geometry };
    // The community's outline: the areas with data, or every area of the file when all are shown
    // (the targets map, where only the targets have a score).
    let outlined = |i: usize| options.extent == MapExtent::All || values[i] != MapValue::NoData;
    let with_data: Vec<&MultiPolygon<f64>> =
        drawn.iter().zip(&simplified).filter(|(i, _)| outlined(**i)).map(|(_, g)| g).collect();
    // Thousands of areas (patients' neighbourhoods across England, every area of a country) have
    // no one outline to draw: only the scatter of each area's own edge, which hides the colours.
    let outline = if with_data.len() <= MAX_OUTLINED { outline_of(with_data.into_iter()) } else { Vec::new() };
    let areas = drawn
        .iter()
        .zip(simplified)
        .map(|(&i, geometry)| MapArea {
            code: areas[i].code.clone(),
            geometry,
            fill: fills[i],
            label: (options.context.msoa && values[i] != MapValue::NoData).then(|| name_of(&areas[i])),
        })
        .collect();
    let beyond = weight.map(|property| beyond(areas_in, values, property, &extent));
    Ok(Drawing { areas, beyond, outline, extent, tolerance_m })
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

/// The box holding the central `MOST_OF` of `property`'s total over the areas with data, by the
/// weighted quantiles of their centres east–west and north–south, with a margin of a tenth.
/// The first of `properties` some area of the layer has.
fn weight_property(areas: &[Area], properties: &[&'static str]) -> Option<&'static str> {
    properties.iter().copied().find(|p| areas.iter().any(|a| a.properties.contains_key(*p)))
}

fn most_of(areas: &[Area], values: &[MapValue], property: &str) -> Option<Rect<f64>> {
    let mut points: Vec<(f64, f64, f64)> = areas
        .iter()
        .zip(values)
        .filter(|(_, v)| **v != MapValue::NoData)
        .filter_map(|(a, _)| {
            let weight = a.properties.get(property)?.as_f64().filter(|w| *w > 0.0)?;
            let centre = a.geometry.bounding_rect()?.center();
            Some((centre.x, centre.y, weight))
        })
        .collect();
    let total: f64 = points.iter().map(|p| p.2).sum();
    if points.len() < 2 || total <= 0.0 {
        return None;
    }
    let tail = (1.0 - MOST_OF) / 2.0 * total;
    let mut range = |axis: fn(&(f64, f64, f64)) -> f64| {
        points.sort_by(|a, b| axis(a).total_cmp(&axis(b)));
        let at = |target: f64| {
            let mut running = 0.0;
            points.iter().find(|p| {
                running += p.2;
                running >= target
            })
        };
        Some((axis(at(tail)?), axis(at(total - tail)?)))
    };
    let ((x0, x1), (y0, y1)) = (range(|p| p.0)?, range(|p| p.1)?);
    let margin = ((x1 - x0).max(y1 - y0) / 10.0).max(2_000.0);
    Some(Rect::new(geo::coord! { x: x0 - margin, y: y0 - margin }, geo::coord! { x: x1 + margin, y: y1 + margin }))
}

/// How many areas with data lie wholly beyond `extent`, and their share of `property`'s total.
fn beyond(areas: &[Area], values: &[MapValue], property: &'static str, extent: &Rect<f64>) -> Beyond {
    let weight = |a: &Area| a.properties.get(property).and_then(|v| v.as_f64());
    let with_data = areas.iter().zip(values).filter(|(_, v)| **v != MapValue::NoData).map(|(a, _)| a);
    let (mut beyond, mut outside, mut total) = (Beyond { property, ..Beyond::default() }, 0.0, 0.0);
    for area in with_data {
        total += weight(area).unwrap_or(0.0);
        if !area.geometry.bounding_rect().is_some_and(|r| r.intersects(extent)) {
            beyond.areas += 1;
            match weight(area) {
                Some(w) => outside += w,
                None => beyond.hidden += 1,
            }
        }
    }
    beyond.share = if total > 0.0 { outside / total } else { 0.0 };
    beyond
}

/// The areas with data that a `MapExtent::MostOf` map leaves out.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Beyond {
    /// Areas beyond the map.
    areas: usize,
    /// Of them, those whose count of the property is hidden (a small count).
    hidden: usize,
    /// The published counts of those beyond the map, as a share of all the published counts.
    share: f64,
    /// The property weighed (`appointments`, `trips`).
    property: &'static str,
}

/// How many areas are drawn and how they were simplified; no file names (issue 15: a board reads it).
fn subtitle(counted: usize, column: &str, tolerance_m: f64) -> String {
    format!(
        "{} {}neighbourhoods{}",
        thousands(counted as u64),
        if column == "score" { "target " } else { "" },
        if tolerance_m > 0.0 {
            format!("; boundaries simplified for display ({tolerance_m:.0} m)")
        } else {
            String::new()
        }
    )
}

/// "; 812 neighbourhoods with 3% of appointments beyond the map", with how many of them have a hidden
/// count (the share is of the published counts), or nothing.
fn beyond_words(beyond: Option<Beyond>) -> String {
    let Some(b) = beyond.filter(|b| b.areas > 0) else { return String::new() };
    let share = if b.share < 0.005 { "under 1%".to_string() } else { format!("{:.0}%", b.share * 100.0) };
    let property = b.property.replace('_', " ");
    let areas =
        |n: usize| format!("{} {}", thousands(n as u64), if n == 1 { "neighbourhood" } else { "neighbourhoods" });
    match b.hidden {
        0 => format!("; {} with {share} of {property} beyond the map", areas(b.areas)),
        hidden if hidden == b.areas => {
            format!("; {} beyond the map, each with a small count of {property}", areas(b.areas))
        }
        hidden => format!(
            "; {} beyond the map: {share} of the {property} counted by neighbourhood, and {} with a small count",
            areas(b.areas),
            thousands(hidden as u64)
        ),
    }
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

/// What a mapped column measures, in words: the default title, the legend's unit, whole numbers or
/// not, and, for a measure compared with the community, which side is under-represented.
struct Measure {
    title: String,
    unit: String,
    whole: bool,
    high_is_under: bool,
    sides: (&'static str, &'static str),
    /// The legend's words for an area without a value.
    no_data: &'static str,
}

/// The two sides of a measure of staff against the community rate.
const STAFF_SIDES: (&str, &str) =
    ("fewer staff than the community rate gives", "more staff than the community rate gives");

/// The two sides of a ratio or difference of shares.
const PARITY_SIDES: (&str, &str) = ("under-represented (below parity)", "over-represented (above parity)");

/// The measures a run publishes, in words: column, title, legend heading with the unit, whole
/// numbers, above the centre is under-represented.
const MEASURES: &[(&str, &str, &str, bool, bool)] = &[
    (
        "imd_decile_local",
        "Index of Multiple Deprivation: decile within the community, by neighbourhood",
        "IMD decile within the community",
        true,
        false,
    ),
    (
        "staff_per_1000",
        "Staff per 1,000 working-age residents, by neighbourhood",
        "Staff per 1,000 working-age residents",
        false,
        false,
    ),
    (
        "representation_ratio",
        "Staff against residents, by neighbourhood (1 = as many staff as residents would give)",
        "Representation ratio (staff share ÷ resident share)",
        false,
        false,
    ),
    ("gap_pp", "Staff share minus resident share", "Percentage points", false, false),
    (
        "shortfall",
        "Staff short of (+) or over (−) the community rate, by neighbourhood",
        "People (+ fewer staff than the rate gives)",
        true,
        true,
    ),
    (
        "score",
        "Target neighbourhoods by priority score (top 10 numbered)",
        "Priority score (higher = approach first)",
        false,
        false,
    ),
    (
        "kgco2e_per_1000_population",
        "Patient travel to outpatient appointments: kg CO2e per 1,000 residents, by neighbourhood",
        "kg CO2e per 1,000 residents",
        true,
        false,
    ),
    ("kgco2e", "Patient travel: kg CO2e, by neighbourhood", "kg CO2e", true, false),
    ("patient_km", "Patient travel: km both ways, by neighbourhood", "Patient km, both ways", true, false),
    (
        "kgco2e_per_staff",
        "Staff commute: kg CO2e a year per member of staff, by home neighbourhood",
        "kg CO2e a year per member of staff",
        true,
        false,
    ),
    ("staff", "Staff living in each neighbourhood", "Staff (people)", true, false),
    ("population", "Working-age residents, by neighbourhood", "People", true, false),
    ("expected_staff", "Staff the community rate would give, by neighbourhood", "People", true, false),
];

fn measure_of(column: &str, deprivation: Option<&Deprivation>) -> Measure {
    let staff_against_rate = matches!(column, "staff_per_1000" | "shortfall");
    let (title, unit, whole, high_is_under) = match MEASURES.iter().find(|m| m.0 == column) {
        Some((_, title, unit, whole, high)) => (title.to_string(), unit.to_string(), *whole, *high),
        None if column == DECILE_COLUMN => (
            format!(
                "Index of Multiple Deprivation{}: national decile, by neighbourhood",
                deprivation.map_or(String::new(), |d| format!(" ({})", d.edition))
            ),
            "National IMD decile".to_string(),
            true,
            false,
        ),
        None => {
            let words = capitalised(&column.replace('_', " "));
            (words.clone(), words, Kind::of_published(column) == Kind::Count, column.contains("shortfall"))
        }
    };
    Measure {
        title,
        unit,
        whole,
        high_is_under,
        sides: if staff_against_rate { STAFF_SIDES } else { PARITY_SIDES },
        no_data: if column == "score" { "not a target" } else { "no data" },
    }
}

fn capitalised(words: &str) -> String {
    let mut chars = words.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
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
fn attribution_for(given: &[String], areas: &[Area], nations: Option<&[(String, String)]>) -> Vec<String> {
    let mut lines = attribution(given);
    for (_, index) in nations.unwrap_or_default().iter().filter(|_| given.is_empty()) {
        let publisher = match index.split(' ').next() {
            Some("WIMD") => "Welsh Index of Multiple Deprivation: Welsh Government, Open Government Licence v3.0.",
            Some("SIMD") => {
                "Scottish Index of Multiple Deprivation: Scottish Government, Open Government Licence v3.0."
            }
            _ => continue,
        };
        lines.push(publisher.to_string());
    }
    let text = |a: &Area, key: &str| a.properties.get(key).and_then(|v| v.as_str().map(str::to_string));
    // A neighbourhood other than the area's own name is the Library's MSOA name, except where a
    // nation names its own areas (WIMD's names for Welsh LSOAs, in a layer across nations without
    // the MSOA columns).
    let library = |a: &Area| {
        let msoa = text(a, "msoa_name").filter(|m| !m.is_empty());
        text(a, "nation").is_none() || msoa.is_some_and(|m| text(a, "neighbourhood").is_some_and(|n| n.starts_with(&m)))
    };
    let named = areas.iter().any(|a| {
        text(a, "neighbourhood").is_some_and(|n| !n.is_empty() && Some(n) != text(a, "area_name")) && library(a)
    });
    if given.is_empty() && named {
        lines.push(crate::reference::area_names::OPEN_PARLIAMENT_ATTRIBUTION.to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1 km square at (x, y) km with `appointments`.
    fn square(x: f64, y: f64, appointments: f64) -> Area {
        let (x, y) = (x * 1000.0, y * 1000.0);
        let polygon = Rect::new(geo::coord! { x: x, y: y }, geo::coord! { x: x + 1000.0, y: y + 1000.0 }).to_polygon();
        let mut properties = geojson::JsonObject::new();
        properties.insert("appointments".into(), appointments.into());
        Area {
            code: String::new(),
            name: String::new(),
            country: None,
            geometry: polygon.into(),
            wgs84: None,
            properties,
        }
    }

    #[test]
    fn a_map_of_most_appointments_leaves_out_the_scattered_few_and_says_so() {
        let mut areas: Vec<Area> = (0..10).map(|i| square(i as f64, 0.0, 100.0)).collect();
        areas.push(square(300.0, 400.0, 5.0));
        let values = vec![MapValue::Value(1.0); areas.len()];
        let extent = most_of(&areas, &values, "appointments").unwrap();
        assert!(extent.max().x < 20_000.0 && extent.max().y < 20_000.0, "{extent:?}");
        assert!(extent.min().x <= 0.0 && extent.max().x >= 10_000.0, "the ten near squares are inside: {extent:?}");
        let found = beyond(&areas, &values, "appointments", &extent);
        assert_eq!((found.areas, found.hidden), (1, 0));
        assert!((found.share - 5.0 / 1005.0).abs() < 1e-12);
        let words = beyond_words(Some(found));
        assert_eq!(words, "; 1 neighbourhood with under 1% of appointments beyond the map");
        let hidden = Beyond { areas: 40, hidden: 38, ..found };
        assert_eq!(
            beyond_words(Some(hidden)),
            "; 40 neighbourhoods beyond the map: under 1% of the appointments counted by neighbourhood, and 38 with a small count"
        );
    }

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
