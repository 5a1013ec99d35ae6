//! `anchormap map`: a choropleth of any area-level GeoJSON (an anchormap output, or boundaries with IMD deciles), as SVG or PNG.

use std::time::Instant;

use anyhow::bail;

use crate::cli::{MapArgs, MapExtent};
use crate::cmd::say;
use crate::columns::ColumnMap;
use crate::output::classes::{Classes, MapValue, Scheme};
use crate::output::map::{extent_of, outline_of, Fill, MapArea, MapSite, MapSpec, ATTRIBUTION};
use crate::reference::boundaries::{Area, BoundaryProperties};
use crate::reference::{Boundaries, Deprivation, PostcodeDirectory};
use crate::spatial::simplify_shared;

const DECILE: &str = "imd_decile";

pub fn run(args: MapArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut inputs: Vec<&std::path::Path> = vec![&args.input];
    inputs.extend(args.markers.sites.as_deref());
    crate::output::atomic::check_not_an_input(&args.output, &inputs)?;
    let (spec, _) = build(&args)?;
    spec.write(&args.output)?;
    let with_data = spec.areas.iter().filter(|a| a.fill != Fill::NoData).count();
    say(
        args.quiet,
        format_args!(
            "map: {} areas drawn ({} with data) to {} in {:.1} s",
            crate::output::summary::thousands(spec.areas.len() as u64),
            crate::output::summary::thousands(with_data as u64),
            args.output.display(),
            started.elapsed().as_secs_f64()
        ),
    );
    Ok(())
}

/// The map the arguments describe (without writing it), and the areas it was drawn from.
pub(crate) fn build(args: &MapArgs) -> anyhow::Result<(MapSpec, Boundaries)> {
    let boundaries =
        Boundaries::load(&args.input, &BoundaryProperties { code: args.code_property.clone(), name: None })?;
    let deprivation =
        args.deprivation.as_deref().map(|p| Deprivation::load(p, &args.deprivation_columns)).transpose()?;
    let column = args.value.clone().unwrap_or_else(|| DECILE.to_string());
    let has_column = boundaries.areas.iter().any(|a| a.properties.contains_key(&column));
    if !(has_column || column == DECILE && deprivation.is_some()) {
        bail!(
            "{}: no property '{column}' to map{}; numeric properties: {}",
            args.input.display(),
            if column == DECILE { " (give --deprivation to take IMD deciles from an IoD file)" } else { "" },
            numeric_properties(&boundaries.areas).join(", ")
        );
    }
    let values: Vec<MapValue> = boundaries
        .areas
        .iter()
        .map(|area| match (area.properties.get(&column), &deprivation) {
            (Some(v), _) => MapValue::from_json(Some(v)),
            (None, Some(d)) if column == DECILE => {
                d.get(&area.code).map_or(MapValue::NoData, |r| MapValue::Value(r.decile as f64))
            }
            _ => MapValue::NoData,
        })
        .collect();
    let numbers: Vec<f64> =
        values.iter().filter_map(|v| if let MapValue::Value(x) = v { Some(*x) } else { None }).collect();
    if numbers.is_empty() && !values.contains(&MapValue::Suppressed) {
        bail!("{}: no area has a number in '{column}'", args.input.display());
    }
    let scheme = args.scheme.unwrap_or(if column.ends_with("decile") {
        Scheme::Deciles
    } else if column.contains("ratio") || column == "staff_per_1000" {
        Scheme::Diverging
    } else {
        Scheme::Sequential
    });
    let classes = match scheme {
        Scheme::Deciles => Classes::deciles(),
        Scheme::Sequential => Classes::sequential(&numbers),
        Scheme::Diverging => {
            let (centre, unit) = match args.centre {
                Some(c) => (c, ""),
                None if column.contains("ratio") => (1.0, "(parity)"),
                None => match community_rate(&boundaries.areas) {
                    Some(rate) if column == "staff_per_1000" => (rate, "per 1,000 (community rate)"),
                    _ => (median(&numbers), "(median)"),
                },
            };
            Classes::diverging(&numbers, centre, unit)
        }
    };

    // Which areas are drawn and the extent: the areas with data unless asked for all.
    let shown: Vec<usize> = (0..boundaries.areas.len())
        .filter(|&i| args.extent == MapExtent::All || values[i] != MapValue::NoData)
        .collect();
    let extent = extent_of(shown.iter().map(|&i| &boundaries.areas[i].geometry))
        .ok_or_else(|| anyhow::anyhow!("{}: nothing to draw", args.input.display()))?;
    let tolerance = args.simplify.unwrap_or(extent.width().max(extent.height()) / 720.0 * 0.5).max(0.0);
    let drawn: Vec<usize> = (0..boundaries.areas.len())
        .filter(|&i| {
            geo::BoundingRect::bounding_rect(&boundaries.areas[i].geometry)
                .is_some_and(|r| geo::Intersects::intersects(&r, &extent))
        })
        .collect();
    let geometry: Vec<geo::MultiPolygon<f64>> = drawn.iter().map(|&i| boundaries.areas[i].geometry.clone()).collect();
    let simplified = if tolerance > 0.0 { simplify_shared(&geometry, tolerance) } else { geometry };
    let with_data: Vec<&geo::MultiPolygon<f64>> =
        drawn.iter().zip(&simplified).filter(|(i, _)| values[**i] != MapValue::NoData).map(|(_, g)| g).collect();
    let outline = outline_of(with_data.into_iter());
    let areas: Vec<MapArea> = drawn
        .iter()
        .zip(simplified)
        .map(|(&i, geometry)| MapArea {
            code: boundaries.areas[i].code.clone(),
            geometry,
            fill: match values[i] {
                MapValue::Value(v) => Fill::Class(classes.class_of(v)),
                MapValue::Suppressed => Fill::Suppressed,
                MapValue::NoData => Fill::NoData,
            },
        })
        .collect();

    let sites = match &args.markers.sites {
        Some(path) => {
            let directory = args
                .markers
                .postcodes
                .as_deref()
                .map(|p| PostcodeDirectory::load(p, &ColumnMap::default()))
                .transpose()?;
            crate::input::sites::read_sites(path, &args.markers.site_columns, directory.as_ref())?
                .into_iter()
                .filter_map(|s| Some(MapSite { label: s.name, location: s.location? }))
                .collect()
        }
        None => Vec::new(),
    };
    let counted = values.iter().filter(|v| **v != MapValue::NoData).count();
    let spec = MapSpec {
        title: args.title.clone().unwrap_or_else(|| default_title(&column, deprivation.as_ref())),
        subtitle: Some(format!(
            "{} areas from {}{}",
            crate::output::summary::thousands(counted as u64),
            args.input.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            if tolerance > 0.0 {
                format!("; boundaries simplified for display ({tolerance:.0} m)")
            } else {
                String::new()
            }
        )),
        areas,
        classes,
        sites,
        outline,
        extent,
        attribution: attribution(&args.attribution),
    };
    Ok((spec, boundaries))
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
        DECILE => format!(
            "Index of Multiple Deprivation{}: national decile",
            deprivation.map_or(String::new(), |d| format!(" ({})", d.edition))
        ),
        "imd_decile_local" => "Index of Multiple Deprivation: decile within the community".to_string(),
        "staff_per_1000" => "Staff per 1,000 working-age residents".to_string(),
        "representation_ratio" => "Representation ratio (staff share / population share)".to_string(),
        "kgco2e_per_1000_population" => "Patient travel emissions: kg CO2e per 1,000 residents".to_string(),
        "shortfall" => "Staff shortfall (+) or excess (-) against the community rate".to_string(),
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
