//! `Site`s: a trust's hospitals and clinics, located by their own easting/northing or by their postcode.

use crate::input::located_by::LocatedBy;
use std::path::Path;

use geo::Coord;

use rustc_hash::FxHashMap;

use crate::columns::normalise;
use crate::columns::ColumnMap;
use crate::error::{Error, Location, Result};
use crate::io::CsvInput;
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
    pub located_by: LocatedBy,
    /// Other names extracts use for it (the site file's `aliases` column, separated by `|`).
    pub aliases: Vec<String>,
}

/// Sites found by what extracts call them: the code, the name, or an alias, ignoring case,
/// spaces and punctuation ("Worcestershire Royal Hospital" and "WORCESTERSHIRE ROYAL HOSPITAL"
/// are one). Codes win over names and names over aliases; a name two sites share finds neither.
#[derive(Debug, Clone, Default)]
pub struct SiteNames {
    /// Codes as written: the fast path for extracts that give codes (no allocation per row).
    by_code: FxHashMap<String, usize>,
    by_key: FxHashMap<String, Option<usize>>,
}

impl SiteNames {
    pub fn new(sites: &[Site]) -> SiteNames {
        let mut by_key: FxHashMap<String, Option<usize>> = FxHashMap::default();
        let tiers: [&dyn Fn(&Site) -> Vec<String>; 3] =
            [&|s| vec![s.code.clone()], &|s| vec![s.name.clone()], &|s| s.aliases.clone()];
        for names in tiers {
            let mut tier: FxHashMap<String, Option<usize>> = FxHashMap::default();
            for (i, site) in sites.iter().enumerate() {
                for key in names(site).iter().map(|n| normalise(n)).filter(|k| !k.is_empty()) {
                    let entry = tier.entry(key).or_insert(Some(i));
                    if *entry != Some(i) {
                        *entry = None; // shared by two sites: ambiguous
                    }
                }
            }
            for (key, site) in tier {
                by_key.entry(key).or_insert(site);
            }
        }
        let by_code = sites.iter().enumerate().map(|(i, s)| (s.code.clone(), i)).collect();
        SiteNames { by_code, by_key }
    }

    /// The site an extract's text names, if exactly one.
    ///
    /// ```
    /// use anchormap::input::{located_by::LocatedBy, sites::{Site, SiteNames}};
    /// let site = |code: &str, name: &str| Site {
    ///     code: code.into(), label: code.into(), name: name.into(), location: None,
    ///     located_by: LocatedBy::NoDirectory,
    ///     aliases: vec!["WRH".into()],
    /// };
    /// let names = SiteNames::new(&[site("RWP50", "Worcestershire Royal Hospital")]);
    /// assert_eq!(names.find("worcestershire royal hospital"), Some(0));
    /// assert_eq!(names.find("RWP50"), Some(0));
    /// assert_eq!(names.find("W.R.H."), Some(0));
    /// assert_eq!(names.find("Kidderminster"), None);
    /// ```
    pub fn find(&self, text: &str) -> Option<usize> {
        match self.by_code.get(text) {
            Some(i) => Some(*i),
            None => self.by_key.get(&normalise(text)).copied().flatten(),
        }
    }
}

pub use crate::dictionary::SITES as SITE_COLUMNS;

/// A site's point from its postcode, and how it was (or was not) found.
fn by_postcode(text: Option<&[u8]>, directory: Option<&PostcodeDirectory>) -> (Option<Coord<f64>>, LocatedBy) {
    match text.and_then(crate::postcode::Postcode::parse_bytes) {
        None => (None, LocatedBy::InvalidPostcode),
        Some(pc) => match directory.map(|d| d.get(&pc)) {
            None => (None, LocatedBy::NoDirectory),
            Some(None) => (None, LocatedBy::UnknownPostcode),
            Some(Some(entry)) => match entry.location {
                Some(point) => (Some(point), LocatedBy::Postcode),
                None => (None, LocatedBy::NoCoordinates),
            },
        },
    }
}

/// Reads a site list. Given coordinates win over the postcode's.
/// Without a directory, sites must give their coordinates.
pub fn read_sites(path: &Path, columns: &ColumnMap, directory: Option<&PostcodeDirectory>) -> Result<Vec<Site>> {
    let mut input = CsvInput::open(path)?;
    let columns = &columns.named("--site-columns");
    let [code_spec, name_spec, postcode_spec, easting_spec, northing_spec, aliases_spec] = &SITE_COLUMNS;
    let aliases = input.find(aliases_spec, columns)?;
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
                (Some(x), Some(y)) => (Some(Coord { x, y }), LocatedBy::Coordinates),
                _ => by_postcode(postcode.and_then(|i| row.record.get(i)), directory),
            };
            let aliases = text(aliases)
                .map(|a| a.split(['|', ';']).map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect())
                .unwrap_or_default();
            let label = crate::postcode::publishable(code.clone());
            let name = match text(name) {
                Some(name) => crate::postcode::publishable(name),
                None => label.clone(),
            };
            sites.push(Site { name, code, label, location, located_by, aliases });
        }
    }
    Ok(sites)
}
