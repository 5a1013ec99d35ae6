//! The MSOA level: tables of MSOAs built from the LSOA results (each MSOA's counts are published as sums in the run's system of sums), and their shapes dissolved from the LSOA polygons for the GeoJSON.

use geo::MultiPolygon;
use rayon::prelude::*;

use crate::analysis::Areas;
use crate::error::Result;
use crate::output::formats::Formats;
use crate::output::geojson;
use crate::output::table::Table;
use crate::spatial::Shape;

/// The columns that start every MSOA row: its code, its ONS name, the name people know it by.
pub const HEADERS: [&str; 3] = ["area_code", "area_name", "neighbourhood"];

/// An MSOA's [`HEADERS`] cells.
pub fn cells(areas: &Areas, msoa: usize) -> [String; 3] {
    let m = &areas.msoas[msoa];
    [m.code.clone(), m.ons_name.clone(), m.name.clone()]
}

/// Each listed MSOA's shape: the union of its areas' polygons (BNG metres), in parallel.
pub fn dissolve(areas: &Areas, msoas: &[usize]) -> Vec<MultiPolygon<f64>> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); areas.msoas.len()];
    for (i, area) in areas.facts.iter().enumerate() {
        if let Some(m) = area.msoa {
            members[m].push(i);
        }
    }
    msoas.par_iter().map(|m| geo::unary_union(members[*m].iter().map(|i| &areas.geometry[*i]))).collect()
}

/// Writes an MSOA table's area layer `dir/NAME` (GeoJSON, and the other `formats`): `rows` are
/// (MSOA, the table row's index), in the table's order.
pub fn write_geojson(
    (dir, name): (&std::path::Path, &str),
    formats: &Formats,
    areas: &Areas,
    table: &Table,
    rows: &[(usize, usize)],
) -> Result<()> {
    let msoas: Vec<usize> = rows.iter().map(|(m, _)| *m).collect();
    let shapes = dissolve(areas, &msoas);
    let features = rows
        .iter()
        .zip(&shapes)
        .map(|((_, row), shape)| (Shape::Bng(shape), geojson::properties(table, &table.rows[*row])));
    formats.write_areas(dir, name, table, features)
}
