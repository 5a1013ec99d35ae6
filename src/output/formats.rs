//! `Format`: the file formats a run writes its published tables and area layers in (`--format`), and the one place that writes an area layer in each.

use std::path::Path;

use geojson::JsonObject;

use crate::error::Result;
use crate::output::table::Table;
use crate::spatial::Shape;

/// A format of the published outputs. CSV tables and GeoJSON layers are always written (the
/// workbook, the maps and the report read them); the others are written beside them on request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    /// CSV tables and GeoJSON area layers (always written).
    Csv,
    /// Every table as typed Parquet (`NAME.parquet`): counts as integers, amounts and shares as
    /// floats, codes and text as strings; a cell hidden by the rule is null, with `true` in the
    /// column's sibling `COLUMN_suppressed`.
    Parquet,
    /// Every area layer as GeoParquet 1.1 (`NAME.geo.parquet`): WKB geometry in WGS84, a bbox
    /// covering column, the table's typed columns.
    Geoparquet,
    /// Every area layer as TopoJSON in WGS84 (`NAME.topojson`), quantised and simplified with
    /// shared borders, keyed by `area_code`: for Power BI's shape map.
    Topojson,
}

/// The formats of a run, as given (`csv` is always among them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Formats(Vec<Format>);

impl Formats {
    /// The formats given, with `csv`, each once.
    pub fn new(given: &[Format]) -> Formats {
        let mut formats: Vec<Format> = given.to_vec();
        formats.push(Format::Csv);
        formats.sort();
        formats.dedup();
        Formats(formats)
    }

    /// Whether `format` is among them.
    pub fn has(&self, format: Format) -> bool {
        self.0.contains(&format)
    }

    /// Writes `table` as `dir/NAME.csv`, and as `dir/NAME.parquet` when Parquet is asked for;
    /// `name` is the CSV's file name.
    pub fn write_table(&self, dir: &Path, name: &str, table: &Table) -> Result<()> {
        table.write_csv(&dir.join(name))?;
        if self.has(Format::Parquet) {
            crate::output::parquet::write_table(&dir.join(stem(name)).with_extension("parquet"), table)?;
        }
        Ok(())
    }

    /// Writes an area layer, each feature a shape and its row of `table`'s columns as properties:
    /// `dir/NAME.geojson`, and `NAME.geo.parquet` and `NAME.topojson` when asked for; `name` is
    /// the GeoJSON's file name.
    pub fn write_areas<'a>(
        &self,
        dir: &Path,
        name: &str,
        table: &Table,
        features: impl Iterator<Item = (Shape<'a>, JsonObject)>,
    ) -> Result<()> {
        let features: Vec<(Shape<'a>, JsonObject)> = features.collect();
        let stem = stem(name);
        if self.has(Format::Geoparquet) {
            crate::output::geoparquet::write(&dir.join(format!("{stem}.geo.parquet")), table, &features)?;
        }
        if self.has(Format::Topojson) {
            crate::output::topojson::write(&dir.join(format!("{stem}.topojson")), stem, &features)?;
        }
        crate::output::geojson::write_areas(&dir.join(name), features.into_iter())
    }
}

/// A file name without its extension.
fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}
