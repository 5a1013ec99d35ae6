//! The partners of a network: `EMPLOYERS.csv` (`employer,file` with optional `vacancies`, `applications` and `site`), or one staff file split by its employer column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Location};

/// One partner: its name as published and its files.
#[derive(Debug, Clone)]
pub struct Employer {
    /// Its name, as every table shows it.
    pub name: String,
    /// Its staff extract.
    pub staff: PathBuf,
    /// Its open vacancies, if given.
    pub vacancies: Option<PathBuf>,
    /// Its job applications, if given (without, it is absent from the funnel tables).
    pub applications: Option<PathBuf>,
    /// The site code (of `--sites`) where all its staff work, if given (`--commute`: its staff
    /// file's site column is then not read).
    pub site: Option<String>,
}

/// The partners of `EMPLOYERS.csv`, in the file's order; a relative file is taken from the
/// folder `EMPLOYERS.csv` is in. A blank or repeated name, or a missing file, stops the run
/// naming the line and column.
pub fn read(path: &Path) -> crate::Result<Vec<Employer>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path).map_err(|e| Error::csv(path, e))?;
    let headers: Vec<String> =
        reader.headers().map_err(|e| Error::csv(path, e))?.iter().map(|h| h.trim().to_lowercase()).collect();
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (Some(name), Some(file)) =
        (column(&["employer", "organisation", "partner"]), column(&["file", "staff", "staff_file"]))
    else {
        return Err(Error::invalid(
            Location::line(path, 1),
            format!(
                "needs the columns employer and file (the staff extract of each); the header has {}",
                headers.join(", ")
            ),
        ));
    };
    let vacancies = column(&["vacancies", "vacancy_file"]);
    let applications = column(&["applications", "application_file", "applications_file"]);
    let site = column(&["site", "site_code", "work_site"]);
    let base = path.parent().unwrap_or(Path::new("."));
    let mut employers: Vec<Employer> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = record.map_err(|e| Error::csv(path, e))?;
        let text = |c: usize| record.get(c).unwrap_or("").trim().to_string();
        let employer = text(name);
        if employer.is_empty() {
            return Err(Error::invalid(Location::at(path, line, &headers[name]), "no employer name"));
        }
        if employers.iter().any(|e| e.name == employer) || employer == super::POOL {
            return Err(Error::invalid(
                Location::at(path, line, &headers[name]),
                format!("'{employer}' is named twice"),
            ));
        }
        let staff = existing(path, (line, &headers[file]), base, &text(file))?;
        let optional = |column: Option<usize>| match column.map(text).filter(|t| !t.is_empty()) {
            Some(v) => existing(path, (line, &headers[column.unwrap_or(0)]), base, &v).map(Some),
            None => Ok(None),
        };
        let (vacancies, applications) = (optional(vacancies)?, optional(applications)?);
        let site = site.map(text).filter(|t| !t.is_empty());
        employers.push(Employer { name: employer, staff, vacancies, applications, site });
    }
    if employers.len() < 2 {
        return Err(Error::invalid(Location::file(path), "a network needs at least two employers"));
    }
    Ok(employers)
}

/// `text` as a path from `base`: a file that exists, or an error at `line` and `column`.
fn existing(path: &Path, (line, column): (u64, &str), base: &Path, text: &str) -> crate::Result<PathBuf> {
    let file = base.join(text);
    if text.is_empty() || !file.is_file() {
        return Err(Error::invalid(Location::at(path, line, column), format!("no file '{text}'")));
    }
    Ok(file)
}

/// One staff file holding every partner's staff (ESR's organisation column): its rows written to
/// one file per employer in `dir` (a temporary folder, removed when the run ends), in the order
/// employers first appear. A row without an employer stops the run naming its line.
pub fn split(staff: &Path, column: &str, dir: &Path) -> crate::Result<Vec<Employer>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(staff).map_err(|e| Error::csv(staff, e))?;
    let headers = reader.byte_headers().map_err(|e| Error::csv(staff, e))?.clone();
    let Some(at) = headers.iter().position(|h| String::from_utf8_lossy(h).trim().eq_ignore_ascii_case(column)) else {
        let names: Vec<String> = headers.iter().map(|h| String::from_utf8_lossy(h).into_owned()).collect();
        return Err(Error::invalid(
            Location::line(staff, 1),
            format!("--employer-column '{column}' is not in the header; it has {}", names.join(", ")),
        ));
    };
    let mut writers: BTreeMap<String, (usize, csv::Writer<std::fs::File>)> = BTreeMap::new();
    for (i, record) in reader.byte_records().enumerate() {
        let record = record.map_err(|e| Error::csv(staff, e))?;
        let name = String::from_utf8_lossy(record.get(at).unwrap_or(b"")).trim().to_string();
        if name.is_empty() {
            return Err(Error::invalid(Location::at(staff, i as u64 + 2, column), "no employer on this row"));
        }
        let next = writers.len();
        if !writers.contains_key(&name) {
            let file = dir.join(format!("{next}.csv"));
            let mut writer = csv::Writer::from_path(&file).map_err(|e| Error::csv(&file, e))?;
            writer.write_byte_record(&headers).map_err(|e| Error::csv(&file, e))?;
            writers.insert(name.clone(), (next, writer));
        }
        if let Some((_, writer)) = writers.get_mut(&name) {
            writer.write_byte_record(&record).map_err(|e| Error::csv(staff, e))?;
        }
    }
    let mut employers: Vec<(usize, Employer)> = Vec::new();
    for (name, (n, mut writer)) in writers {
        writer.flush().map_err(|e| Error::io(dir, e))?;
        employers.push((
            n,
            Employer { name, staff: dir.join(format!("{n}.csv")), vacancies: None, applications: None, site: None },
        ));
    }
    employers.sort_by_key(|(n, _)| *n);
    Ok(employers.into_iter().map(|(_, e)| e).collect())
}
