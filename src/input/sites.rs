//! `Site`s: a trust's hospitals and clinics, located by their own easting/northing or by their postcode.

use std::path::Path;

use geo::Coord;

use crate::columns::{ColumnMap, ColumnSpec};
use crate::error::{Error, Location, Result};
use crate::input::CsvInput;
use crate::reference::PostcodeDirectory;

/// One site, located in BNG metres where possible.
#[derive(Debug, Clone)]
pub struct Site {
    /// The code as given, which appointments and vacancies refer to.
    pub code: String,
    /// The code as published: withheld if it is shaped like a postcode.
    pub label: String,
    /// The name as published: withheld if it is shaped like a postcode.
    pub name: String,
    pub location: Option<Coord<f64>>,
    /// How the site was located: "coordinates", "postcode", or why it could not be.
    pub located_by: &'static str,
}

pub const SITE_COLUMNS: [ColumnSpec; 5] = [
    ColumnSpec {
        key: "code",
        description: "site code",
        matches: |h| matches!(h, "site_code" | "site code" | "code" | "site"),
    },
    ColumnSpec { key: "name", description: "site name", matches: |h| matches!(h, "site_name" | "site name" | "name") },
    ColumnSpec {
        key: "postcode",
        description: "site postcode",
        matches: |h| matches!(h, "postcode" | "site_postcode" | "pcds"),
    },
    ColumnSpec {
        key: "easting",
        description: "easting",
        matches: |h| matches!(h, "easting" | "eastings" | "x" | "bng_e"),
    },
    ColumnSpec {
        key: "northing",
        description: "northing",
        matches: |h| matches!(h, "northing" | "northings" | "y" | "bng_n"),
    },
];

/// Reads a site list. Given coordinates win over the postcode's.
/// Without a directory, sites must give their coordinates.
pub fn read_sites(path: &Path, columns: &ColumnMap, directory: Option<&PostcodeDirectory>) -> Result<Vec<Site>> {
    let mut input = CsvInput::open(path)?;
    let [code_spec, name_spec, postcode_spec, easting_spec, northing_spec] = &SITE_COLUMNS;
    let code_col = input.require(code_spec, columns)?;
    let name = input.find(name_spec, columns)?;
    let postcode = input.find(postcode_spec, columns)?;
    let easting = input.find(easting_spec, columns)?;
    let northing = input.find(northing_spec, columns)?;
    if postcode.is_none() && (easting.is_none() || northing.is_none()) {
        return Err(Error::invalid(
            Location::file(path),
            "sites need a postcode column or easting and northing columns",
        ));
    }
    let code_header = input.headers[code_col].clone();
    let mut sites = Vec::new();
    let mut batch = Vec::new();
    while input.read_batch(&mut batch, 4096)? {
        for row in &batch {
            let text = |i: Option<usize>| {
                i.and_then(|i| row.record.get(i)).map(|b| String::from_utf8_lossy(b).trim().to_string())
            };
            let code = text(Some(code_col)).unwrap_or_default();
            if code.is_empty() {
                return Err(Error::invalid(
                    Location::at(path, row.line, format!("'{code_header}'")),
                    "a site has no code",
                ));
            }
            let number = |i| text(i).and_then(|t| t.parse::<f64>().ok()).filter(|v| v.is_finite() && *v > 0.0);
            let (location, located_by) = match (number(easting), number(northing)) {
                (Some(x), Some(y)) if !crate::spatial::bng::is_plausible_bng(Coord { x, y }) => {
                    return Err(Error::invalid(
                        Location::at(path, row.line, format!("'{}'", input.headers[easting.unwrap_or(code_col)])),
                        format!("site {code} has easting {x:e}, northing {y:e}, far outside the British National Grid (metres)"),
                    ));
                }
                (Some(x), Some(y)) => (Some(Coord { x, y }), "coordinates"),
                _ => match postcode.and_then(|i| row.record.get(i)).and_then(crate::postcode::Postcode::parse_bytes) {
                    None => (None, "invalid_postcode"),
                    Some(pc) => match directory.map(|d| d.get(&pc)) {
                        None => (None, "no coordinates (and no postcode directory)"),
                        Some(None) => (None, "unknown_postcode"),
                        Some(Some(entry)) => match entry.location {
                            Some(point) => (Some(point), "postcode"),
                            None => (None, "no_coordinates"),
                        },
                    },
                },
            };
            let label = crate::postcode::publishable(code.clone());
            let name = match text(name) {
                Some(name) => crate::postcode::publishable(name),
                None => label.clone(),
            };
            sites.push(Site { name, code, label, location, located_by });
        }
    }
    Ok(sites)
}
