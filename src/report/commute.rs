//! The report's "How our staff get to work" section, from a commute run's published summary and tables.

use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;

use super::{Csv, Figure, Format, HtmlTable};
use crate::io::format::{mass, thousands};

/// "How our staff get to work": the headline, figures and the tables by decile and band group.
#[derive(Serialize)]
pub(super) struct CommuteSection {
    pub(super) headline: Option<String>,
    figures: Vec<Figure>,
    deciles: HtmlTable,
    bands: HtmlTable,
}

/// The columns both tables show after their first.
const COLUMNS: [(&str, &str, Format); 6] = [
    ("staff", "Staff", Format::Count),
    ("trips", "Return trips a year", Format::Count),
    ("km", "km a year", Format::Count),
    ("kgco2e", "t CO2e a year", Format::Tonnes),
    ("kgco2e_per_staff", "kg CO2e per person", Format::Fixed(0)),
    ("hours_per_staff", "Hours per person", Format::Fixed(0)),
];

/// The section from the run folder `dir`; its assumptions join the report's.
pub(super) fn commute_section(dir: &Path, assumptions: &mut Vec<String>) -> anyhow::Result<CommuteSection> {
    let path = dir.join(crate::commute::summary::SUMMARY);
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let summary: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    let number = |key: &str| summary[key].as_f64();
    let headline = match (number("kgco2e_total"), summary["kgco2e_range"]["low"].as_f64(), summary["kgco2e_range"]["high"].as_f64()) {
        (Some(kg), Some(low), Some(high)) => Some(format!(
            "Our staff's journeys to work come to {} CO2e a year (somewhere between {} and {}, given how uncertain road distances and ways of travelling are).",
            mass(kg),
            mass(low),
            mass(high)
        )),
        _ => None,
    };
    let figure = |value: Option<f64>, label: &str| Figure {
        value: value.map_or("*".to_string(), |v| thousands(v.round() as u64)),
        label: label.to_string(),
    };
    let figures = vec![
        figure(number("staff_placed"), " staff whose journey to work is counted"),
        figure(number("trips_total"), " return trips a year"),
        figure(number("km_total"), " km a year"),
        figure(number("hours_total"), " hours a year travelling"),
    ];
    let deciles = Csv::read(&dir.join("commute_by_decile.csv"))?;
    let mut columns = vec![("imd_decile", "IMD decile of home", Format::Text)];
    columns.extend(COLUMNS);
    let rows: Vec<&Vec<String>> = deciles.rows.iter().filter(|r| !empty_residual(r)).collect();
    let deciles = deciles.table("Staff travel to work by national IMD decile of their home", &columns, &rows)?;
    let bands = Csv::read(&dir.join("commute_by_band.csv"))?;
    columns[0] = ("band_group", "Band group", Format::Text);
    let rows: Vec<&Vec<String>> = bands.rows.iter().filter(|r| !empty_residual(r)).collect();
    let bands = bands.table("Staff travel to work by band group", &columns, &rows)?;
    let modes = summary["assumptions"]["modes"].as_str().unwrap_or_default();
    let trips = summary["assumptions"]["trips"].as_str().unwrap_or_default();
    assumptions.push(format!("How staff travel to work: {modes}; how often: {trips}."));
    Ok(CommuteSection { headline, figures, deciles, bands })
}

/// A row of no one outside the groups a reader looks for (no decile, band not recorded): left out.
fn empty_residual(row: &[String]) -> bool {
    let residual = row.first().is_some_and(|label| label == "none" || label.to_lowercase().contains("not recorded"));
    residual && row.get(1).is_some_and(|staff| staff == "0")
}
