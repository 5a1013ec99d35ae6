//! Vacancies (TRAC / NHS Jobs): site, staff group, band and whether the post is entry level.

use crate::input::located_by::LocatedBy;
use std::path::Path;

use geo::Coord;

use crate::columns::ColumnMap;
use crate::error::Result;
use crate::input::band::Band;
use crate::input::sites::{Site, SiteNames};
use crate::input::value_maps::ValueMaps;
use crate::io::CsvInput;
use crate::postcode::{publishable, Postcode};
use crate::reference::PostcodeDirectory;

/// One open vacancy and where it is.
#[derive(Debug, Clone)]
pub struct Vacancy {
    pub id: String,
    pub site: String,
    /// The name of the site it was found at (the site file's name), else `site`.
    pub site_name: String,
    pub staff_group: String,
    /// The job title, as published (blank when the file has none).
    pub title: String,
    pub closing_date: Option<crate::input::staff::Date>,
    pub band: Band,
    /// The band column had a value read neither as a band nor by the user's band map (so it
    /// says nothing of entry level): counted in a warning, never published word for word.
    pub band_not_read: bool,
    pub entry_level: bool,
    pub location: Option<Coord<f64>>,
    /// "site", "postcode", or why the vacancy could not be located ("unknown_site", …).
    pub located_by: LocatedBy,
}

pub use crate::dictionary::VACANCIES as VACANCY_COLUMNS;

/// The entry-level flag as written (y/yes/true/1, n/no/false/0), else whether the band is entry level.
fn entry_level(flag: Option<String>, band: Band) -> bool {
    match flag.map(|f| f.to_ascii_lowercase()) {
        Some(flag) if matches!(flag.as_str(), "y" | "yes" | "true" | "1") => true,
        Some(flag) if matches!(flag.as_str(), "n" | "no" | "false" | "0") => false,
        _ => band.is_entry_level(),
    }
}

/// Where a vacancy is: its site's location, else the point of the postcode its site column holds.
fn locate(site: Option<&Site>, text: &str, directory: &PostcodeDirectory) -> (Option<Coord<f64>>, LocatedBy) {
    match site {
        Some(s) => (s.location, if s.location.is_some() { LocatedBy::Site } else { LocatedBy::SiteWithoutLocation }),
        None => match Postcode::parse(text) {
            Some(pc) => match directory.get(&pc).and_then(|e| e.location) {
                Some(point) => (Some(point), LocatedBy::Postcode),
                None => (None, LocatedBy::UnknownPostcode),
            },
            None => (None, LocatedBy::UnknownSite),
        },
    }
}

/// Reads vacancies; a vacancy's site is a site of the site list (by code, name or alias), else a postcode.
/// Bands are read through the user's band map (`--values band=FILE`, `[values.band]`), as staff
/// bands are. Without an entry-level column, bands 2–4 are entry level.
pub fn read_vacancies(
    path: &Path,
    (columns, maps): (&ColumnMap, &ValueMaps),
    sites: &[Site],
    directory: &PostcodeDirectory,
) -> Result<Vec<Vacancy>> {
    let mut input = CsvInput::open(path)?;
    let columns = &columns.named("--vacancy-columns");
    let [id_spec, site_spec, group_spec, band_spec, entry_spec, title_spec, closing_spec, ..] = &VACANCY_COLUMNS;
    let id = input.find(id_spec, columns)?;
    let site = input.require(site_spec, columns)?;
    let group = input.find(group_spec, columns)?;
    let band = input.find(band_spec, columns)?;
    let entry = input.find(entry_spec, columns)?;
    let title = input.find(title_spec, columns)?;
    let closing = input.find(closing_spec, columns)?;
    let names = SiteNames::new(sites);
    let mut vacancies = Vec::new();
    let mut batch = Vec::new();
    while input.read_batch(&mut batch, 4096)? {
        for row in &batch {
            let text = |i: Option<usize>| {
                i.and_then(|i| row.record.get(i))
                    .map(|b| String::from_utf8_lossy(b).trim().to_string())
                    .unwrap_or_default()
            };
            let site_text = text(Some(site));
            let band_text = text(band);
            let band_value = maps.band(&band_text);
            let entry_level = entry_level(entry.map(|_| text(entry)), band_value);
            let found = names.find(&site_text).map(|i| &sites[i]);
            let (location, located_by) = locate(found, &site_text, directory);
            let site = publishable(site_text);
            vacancies.push(Vacancy {
                // Published in vacancies_reach.csv: a postcode (a site given by postcode) is withheld.
                id: if id.is_some() { publishable(text(id)) } else { format!("row {}", row.line) },
                site_name: found.map_or_else(|| site.clone(), |s| s.name.clone()),
                site,
                staff_group: publishable(text(group)),
                title: publishable(text(title)),
                closing_date: crate::input::staff::Date::parse(&text(closing)),
                band: band_value,
                band_not_read: band_value == Band::Unknown && !band_text.is_empty(),
                entry_level,
                location,
                located_by,
            });
        }
    }
    Ok(vacancies)
}

/// A warning when some vacancies' band values were not read: how many, and the map that reads
/// them (the values themselves only in `inspect`, never in a run's files).
pub fn unread_bands_warning(path: &Path, vacancies: &[Vacancy]) -> Option<String> {
    let unread = vacancies.iter().filter(|v| v.band_not_read).count();
    (unread > 0).then(|| {
        format!(
            "{}: {unread} of {} vacancies have a band value not read as a band (so not entry level by band, and in \
             'Band not recorded'); `anchormap inspect` lists them, and --values band=FILE (or [values.band]) reads them",
            path.display(),
            vacancies.len()
        )
    })
}
