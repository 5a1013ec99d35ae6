//! `PostcodeDirectory`: postcode → BNG point, from OS Code-Point Open as published (zip or folder) or an ONSPD/NSPL-style CSV.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use geo::Coord;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::columns::ColumnMap;
use crate::error::{Error, Location, Result};
use crate::io::bounded::{Bounded, MAX_LINE_BYTES, MAX_MEMBER_BYTES};
use crate::io::progress;
use crate::postcode::Postcode;
use crate::reference::prepared_postcodes::PreparedPostcodes;
use crate::reference::Country;
use crate::spatial::bng::is_plausible_bng;
use crate::spatial::wgs84_to_bng;
use crate::spatial::Placement;

/// What the directory knows of one postcode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PostcodeEntry {
    /// The postcode's point in BNG metres; `None` when the directory has no coordinates for it
    /// (Code-Point positional quality 90, ONSPD grid indicator 9, zero or blank coordinates).
    pub location: Option<Coord<f64>>,
    /// The country the directory places the postcode in, when it says.
    pub country: Option<Country>,
    /// The LSOA 2011 and 2021 codes ONS assigns the postcode (ONSPD/NSPL `lsoa11`, `lsoa21`), as
    /// indexes into [`PostcodeDirectory::area_codes`]; `None` where the directory has no such
    /// column or leaves the cell blank.
    pub lsoa: [Option<u32>; 2],
}

/// The layout a directory file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DirectoryFormat {
    /// OS Code-Point Open: no header row, fixed columns.
    #[serde(rename = "OS Code-Point Open")]
    CodePointOpen,
    /// A CSV with a header row (ONSPD, NSPL or similar).
    #[serde(rename = "postcode CSV with header (ONSPD/NSPL style)")]
    HeaderCsv,
}

impl std::fmt::Display for DirectoryFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DirectoryFormat::CodePointOpen => "OS Code-Point Open",
            DirectoryFormat::HeaderCsv => "postcode CSV with header (ONSPD/NSPL style)",
        })
    }
}

/// Counts from loading a directory, for the run summary.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DirectoryStats {
    pub files: usize,
    pub rows: usize,
    pub postcodes: usize,
    pub without_coordinates: usize,
    /// Rows whose postcode is not a valid UK postcode shape (skipped).
    pub invalid_rows: usize,
    /// Rows repeating a postcode already read (the first with coordinates is kept).
    pub duplicate_rows: usize,
    /// Postcodes with an LSOA 2011 code assigned by ONS (when the directory has the column).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_lsoa11_code: Option<usize>,
    /// Postcodes with an LSOA 2021 code assigned by ONS (when the directory has the column).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_lsoa21_code: Option<usize>,
}

/// Postcodes and their points, in British National Grid metres.
pub struct PostcodeDirectory {
    pub path: PathBuf,
    pub format: DirectoryFormat,
    pub stats: DirectoryStats,
    /// The headers of the LSOA 2011 and 2021 code columns, when the directory has them.
    pub lsoa_columns: [Option<String>; 2],
    /// The distinct area codes of those columns; [`PostcodeEntry::lsoa`] indexes into it.
    pub area_codes: Vec<String>,
    table: PostcodeTable,
}

/// Where a directory's entries are: parsed from its files, or mapped from a prepared store.
enum PostcodeTable {
    /// Each postcode's entry and its id (0..len, in load order), so callers can keep per-postcode results in a `Vec`.
    Parsed(FxHashMap<Postcode, (PostcodeEntry, u32)>),
    Prepared(PreparedPostcodes),
}

/// Which of [`PostcodeEntry::lsoa`] holds the LSOA 2011 code, and which the 2021.
pub const LSOA11: usize = 0;
pub const LSOA21: usize = 1;

pub use crate::dictionary::POSTCODE_DIRECTORY as DIRECTORY_COLUMNS;

/// Where each field is in a row.
#[derive(Debug, Clone, Copy)]
struct Layout {
    format: DirectoryFormat,
    postcode: usize,
    easting: Option<usize>,
    northing: Option<usize>,
    latitude: Option<usize>,
    longitude: Option<usize>,
    country: Option<usize>,
    quality: Option<usize>,
    /// The LSOA 2011 and 2021 code columns (ONSPD/NSPL).
    lsoa: [Option<usize>; 2],
}

/// Code-Point Open's published column order (Doc/Code-Point_Open_Column_Headers.csv).
const CODE_POINT_LAYOUT: Layout = Layout {
    format: DirectoryFormat::CodePointOpen,
    postcode: 0,
    easting: Some(2),
    northing: Some(3),
    latitude: None,
    longitude: None,
    country: Some(4),
    quality: Some(1),
    lsoa: [None, None],
};

/// One CSV making up the directory: a file, or an entry of a zip.
enum Part {
    File(PathBuf),
    ZipEntry { zip: PathBuf, index: usize, name: String },
}

impl Part {
    fn display_path(&self) -> PathBuf {
        match self {
            Part::File(path) => path.clone(),
            Part::ZipEntry { zip, name, .. } => zip.join(name),
        }
    }
}

/// What one part yielded.
struct PartRows {
    format: DirectoryFormat,
    rows: Vec<(Postcode, PostcodeEntry)>,
    /// The LSOA 2011 and 2021 codes of each row, in step with `rows` (empty when the layout has none).
    codes: Vec<[Option<Box<str>>; 2]>,
    /// The headers of the LSOA code columns.
    lsoa_columns: [Option<String>; 2],
    read: usize,
    invalid: usize,
}

/// Every part of a directory read, in parallel, with a progress bar.
fn read_parts(parts: &[Part], columns: &ColumnMap) -> Result<Vec<PartRows>> {
    let bar = progress::bar(parts.len() as u64, "reading postcodes");
    let loaded = parts
        .par_iter()
        .map(|part| {
            let rows = read_part(part, columns);
            bar.inc(1);
            rows
        })
        .collect::<Result<_>>()?;
    bar.finish_and_clear();
    Ok(loaded)
}

impl PostcodeDirectory {
    /// Loads a Code-Point Open zip or folder, or a postcode CSV with a header row.
    pub fn load(path: &Path, columns: &ColumnMap) -> Result<PostcodeDirectory> {
        let parts = find_parts(path)?;
        let loaded = read_parts(&parts, columns)?;
        let total: usize = loaded.iter().map(|p| p.rows.len()).sum();
        let mut stats = DirectoryStats { files: parts.len(), ..Default::default() };
        let mut entries = FxHashMap::with_capacity_and_hasher(total, Default::default());
        let format = loaded.first().map_or(DirectoryFormat::CodePointOpen, |p| p.format);
        let lsoa_columns = loaded.first().map(|p| p.lsoa_columns.clone()).unwrap_or_default();
        let mut interned: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut area_codes: Vec<String> = Vec::new();
        let mut slot_count: u32 = 0;
        for part in loaded {
            stats.rows += part.read;
            stats.invalid_rows += part.invalid;
            let mut codes = part.codes.into_iter();
            for (postcode, mut entry) in part.rows {
                if let Some(row_codes) = codes.next() {
                    for (slot, code) in entry.lsoa.iter_mut().zip(row_codes) {
                        *slot = code.map(|code| {
                            let next = interned.len() as u32;
                            *interned.entry(code).or_insert_with_key(|c| {
                                area_codes.push(c.to_string());
                                next
                            })
                        });
                    }
                }
                match entries.entry(postcode) {
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        let id = slot_count;
                        slot_count += 1;
                        slot.insert((entry, id));
                    }
                    std::collections::hash_map::Entry::Occupied(mut slot) => {
                        stats.duplicate_rows += 1;
                        if slot.get().0.location.is_none() && entry.location.is_some() {
                            slot.get_mut().0 = entry;
                        }
                    }
                }
            }
        }
        stats.postcodes = entries.len();
        stats.without_coordinates = entries.values().filter(|(e, _)| e.location.is_none()).count();
        let with_code =
            |v: usize| lsoa_columns[v].as_ref().map(|_| entries.values().filter(|(e, _)| e.lsoa[v].is_some()).count());
        stats.with_lsoa11_code = with_code(LSOA11);
        stats.with_lsoa21_code = with_code(LSOA21);
        if entries.is_empty() {
            return Err(Error::invalid(Location::file(path), "no postcodes found in the postcode directory"));
        }
        let table = PostcodeTable::Parsed(entries);
        Ok(PostcodeDirectory { path: path.to_path_buf(), format, stats, lsoa_columns, area_codes, table })
    }

    /// A directory mapped from a prepared store (`path`: the source file it was prepared from).
    pub fn prepared(
        path: &Path,
        format: DirectoryFormat,
        stats: DirectoryStats,
        lsoa_columns: [Option<String>; 2],
        area_codes: Vec<String>,
        prepared: PreparedPostcodes,
    ) -> PostcodeDirectory {
        let table = PostcodeTable::Prepared(prepared);
        PostcodeDirectory { path: path.to_path_buf(), format, stats, lsoa_columns, area_codes, table }
    }

    /// Looks a postcode up.
    pub fn get(&self, postcode: &Postcode) -> Option<PostcodeEntry> {
        self.get_with_id(postcode).map(|(entry, _)| entry)
    }

    /// Looks a postcode up, with its id (below [`len`](Self::len)).
    pub fn get_with_id(&self, postcode: &Postcode) -> Option<(PostcodeEntry, u32)> {
        match &self.table {
            PostcodeTable::Parsed(entries) => entries.get(postcode).copied(),
            PostcodeTable::Prepared(store) => {
                let id = store.find(postcode)?;
                Some((store.entry(id)?, id))
            }
        }
    }

    /// Where a prepared store placed postcode `id`, when that holds for `max_distance_m`: a point
    /// within an area is within it at any distance; `nearest` and `outside` hold for the distance
    /// the store was prepared with. `None` for a parsed directory: the caller places the point.
    pub fn prepared_placement(&self, id: u32, max_distance_m: f64) -> Option<Placement> {
        let PostcodeTable::Prepared(store) = &self.table else { return None };
        let placement = store.placement(id)?;
        let holds = matches!(placement, Placement::Within { .. }) || max_distance_m == store.max_distance_m();
        holds.then_some(placement)
    }

    /// Looks many postcodes up at once (a prepared store's key slots and points are asked for
    /// ahead, a batch at a time); `None` for text that is not a postcode.
    pub fn get_many(&self, postcodes: &[Option<Postcode>]) -> Vec<Option<(PostcodeEntry, u32)>> {
        let PostcodeTable::Prepared(store) = &self.table else {
            return postcodes.iter().map(|p| p.as_ref().and_then(|p| self.get_with_id(p))).collect();
        };
        postcodes.iter().flatten().for_each(|p| store.prefetch_slot(p));
        let ids: Vec<Option<u32>> = postcodes.iter().map(|p| p.as_ref().and_then(|p| store.find(p))).collect();
        ids.iter().flatten().for_each(|&id| store.prefetch_point(id));
        ids.iter().map(|id| id.and_then(|id| Some((store.entry(id)?, id)))).collect()
    }

    /// Whether the directory was mapped from a prepared store.
    pub fn is_prepared(&self) -> bool {
        matches!(self.table, PostcodeTable::Prepared(_))
    }

    /// Every postcode and its entry, in no particular order.
    pub fn entries(&self) -> Vec<(Postcode, PostcodeEntry)> {
        match &self.table {
            PostcodeTable::Parsed(entries) => entries.iter().map(|(p, (e, _))| (*p, *e)).collect(),
            PostcodeTable::Prepared(store) => store.entries(),
        }
    }

    pub fn len(&self) -> usize {
        match &self.table {
            PostcodeTable::Parsed(entries) => entries.len(),
            PostcodeTable::Prepared(store) => store.len(),
        }
    }

    /// The text of an area code of an entry's [`PostcodeEntry::lsoa`].
    pub fn area_code(&self, id: u32) -> &str {
        &self.area_codes[id as usize]
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The CSV files that make up a directory: a zip's data entries, a folder's CSVs, or one file.
fn find_parts(path: &Path) -> Result<Vec<Part>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        let code_point_data = path.join("Data").join("CSV");
        let folder = if code_point_data.is_dir() { code_point_data } else { path.to_path_buf() };
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .map_err(|e| Error::io(&folder, e))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(Error::invalid(
                Location::file(path),
                "the folder has no CSV files (expected Code-Point Open's Data/CSV/*.csv)",
            ));
        }
        return Ok(files.into_iter().map(Part::File).collect());
    }
    let mut magic = [0u8; 4];
    let is_zip = File::open(path).and_then(|mut f| f.read(&mut magic)).map_err(|e| Error::io(path, e))? == 4
        && magic == *b"PK\x03\x04";
    if !is_zip {
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
            return Err(Error::invalid(
                Location::file(path),
                "is not a valid zip file (corrupt or truncated download?)",
            ));
        }
        return Ok(vec![Part::File(path.to_path_buf())]);
    }
    let archive = open_zip(path)?;
    let names: Vec<(usize, String)> = archive
        .file_names()
        .map(str::to_string)
        .enumerate()
        .filter(|(_, n)| n.to_ascii_lowercase().ends_with(".csv"))
        .collect();
    let under = |prefix: &str| {
        names.iter().filter(|(_, n)| n.to_ascii_lowercase().starts_with(prefix)).cloned().collect::<Vec<_>>()
    };
    let mut chosen = under("data/csv/");
    if chosen.is_empty() {
        chosen = under("data/multi_csv/");
    }
    if chosen.is_empty() {
        chosen = names.into_iter().filter(|(_, n)| !n.to_ascii_lowercase().starts_with("doc")).collect();
    }
    if chosen.is_empty() {
        return Err(Error::invalid(
            Location::file(path),
            "the zip has no CSV data files (expected Code-Point Open's Data/CSV/*.csv)",
        ));
    }
    chosen.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(chosen.into_iter().map(|(index, name)| Part::ZipEntry { zip: path.to_path_buf(), index, name }).collect())
}

fn open_zip(path: &Path) -> Result<zip::ZipArchive<File>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    zip::ZipArchive::new(file).map_err(|e| {
        Error::invalid(
            Location::file(path),
            format!("is not a readable zip file (corrupt or truncated download?): {e}"),
        )
    })
}

fn read_part(part: &Part, columns: &ColumnMap) -> Result<PartRows> {
    let shown = part.display_path();
    match part {
        Part::File(path) => {
            let file = File::open(path).map_err(|e| Error::io(path, e))?;
            read_rows(Bounded::lines(std::io::BufReader::with_capacity(1 << 16, file)), &shown, columns)
        }
        Part::ZipEntry { zip, index, .. } => {
            let mut archive = open_zip(zip)?;
            let entry = archive
                .by_index(*index)
                .map_err(|e| Error::invalid(Location::file(&shown), format!("cannot read this zip entry: {e}")))?;
            // A zip member may claim or inflate to any size: refuse absurd ones before reading.
            if entry.size() > MAX_MEMBER_BYTES {
                return Err(Error::invalid(
                    Location::file(&shown),
                    format!(
                        "inflates to {} MB, more than the {} MB a postcode directory needs (a damaged or hostile zip?)",
                        entry.size() >> 20,
                        MAX_MEMBER_BYTES >> 20
                    ),
                ));
            }
            read_rows(Bounded::new(entry, MAX_LINE_BYTES, MAX_MEMBER_BYTES), &shown, columns)
        }
    }
}

fn read_rows(reader: impl Read, path: &Path, columns: &ColumnMap) -> Result<PartRows> {
    let mut csv = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let mut out = PartRows {
        format: DirectoryFormat::CodePointOpen,
        rows: Vec::new(),
        codes: Vec::new(),
        lsoa_columns: [None, None],
        read: 0,
        invalid: 0,
    };
    let zip_error = |e: csv::Error| {
        // A truncated or corrupt zip entry surfaces as an I/O error from the decompressor.
        match e.kind() {
            csv::ErrorKind::Io(io) => {
                Error::invalid(Location::file(path), format!("cannot be read (corrupt or truncated?): {io}"))
            }
            _ => Error::csv(path, e),
        }
    };
    if !csv.read_byte_record(&mut record).map_err(zip_error)? {
        return Ok(out);
    }
    let layout = if Postcode::parse_bytes(record.get(0).unwrap_or_default()).is_some() {
        CODE_POINT_LAYOUT
    } else {
        let headers: Vec<String> =
            record.iter().map(|h| String::from_utf8_lossy(h).trim_start_matches('\u{feff}').to_string()).collect();
        let layout = header_layout(&headers, columns, &Location::file(path))?;
        out.lsoa_columns = layout.lsoa.map(|c| c.map(|i| headers[i].clone()));
        record.clear();
        if !csv.read_byte_record(&mut record).map_err(zip_error)? {
            return Ok(out);
        }
        layout
    };
    out.format = layout.format;
    let has_codes = layout.lsoa.iter().any(Option::is_some);
    loop {
        out.read += 1;
        match parse_row(&record, &layout) {
            Some(row) => {
                out.rows.push(row);
                if has_codes {
                    out.codes.push(layout.lsoa.map(|c| area_code(&record, c)));
                }
            }
            None => out.invalid += 1,
        }
        if !csv.read_byte_record(&mut record).map_err(zip_error)? {
            break;
        }
    }
    Ok(out)
}

fn header_layout(headers: &[String], columns: &ColumnMap, at: &Location) -> Result<Layout> {
    let columns = &columns.named("--postcode-columns");
    let [postcode, easting, northing, latitude, longitude, country, quality, lsoa11, lsoa21] = &DIRECTORY_COLUMNS;
    let layout = Layout {
        format: DirectoryFormat::HeaderCsv,
        postcode: columns.require(postcode, headers, at)?,
        easting: columns.find(easting, headers, at)?,
        northing: columns.find(northing, headers, at)?,
        latitude: columns.find(latitude, headers, at)?,
        longitude: columns.find(longitude, headers, at)?,
        country: columns.find(country, headers, at)?,
        quality: columns.find(quality, headers, at)?,
        lsoa: [columns.find(lsoa11, headers, at)?, columns.find(lsoa21, headers, at)?],
    };
    let has_grid = layout.easting.is_some() && layout.northing.is_some();
    let has_degrees = layout.latitude.is_some() && layout.longitude.is_some();
    if !has_grid && !has_degrees {
        return Err(Error::invalid(
            at.clone(),
            format!(
                "the postcode directory needs easting/northing (e.g. oseast1m, osnrth1m) or latitude/longitude columns; the header has {}",
                crate::columns::list_headers(headers)
            ),
        ));
    }
    Ok(layout)
}

/// An area code cell: trimmed, `None` when blank.
fn area_code(record: &csv::ByteRecord, index: Option<usize>) -> Option<Box<str>> {
    let text = std::str::from_utf8(record.get(index?)?).ok()?.trim().trim_matches('"').trim();
    (!text.is_empty()).then(|| text.into())
}

fn number(record: &csv::ByteRecord, index: Option<usize>) -> Option<f64> {
    let field = record.get(index?)?;
    std::str::from_utf8(field).ok()?.trim().trim_matches('"').parse::<f64>().ok().filter(|v| v.is_finite())
}

fn parse_row(record: &csv::ByteRecord, layout: &Layout) -> Option<(Postcode, PostcodeEntry)> {
    let postcode = Postcode::parse_bytes(record.get(layout.postcode)?)?;
    let country = layout
        .country
        .and_then(|i| record.get(i))
        .and_then(|f| std::str::from_utf8(f).ok())
        .and_then(Country::from_country_code);
    let no_fix = match (layout.format, number(record, layout.quality)) {
        (DirectoryFormat::CodePointOpen, Some(q)) => q >= 90.0,
        (DirectoryFormat::HeaderCsv, Some(q)) => q >= 9.0,
        (_, None) => false,
    };
    let grid = match (number(record, layout.easting), number(record, layout.northing)) {
        // Far outside the grid (1e300) is no usable fix: the postcode has no coordinates.
        (Some(x), Some(y)) if x > 0.0 && y > 0.0 => Some(Coord { x, y }).filter(|&c| is_plausible_bng(c)),
        _ => None,
    };
    let location = if no_fix {
        None
    } else {
        grid.or_else(|| match (number(record, layout.latitude), number(record, layout.longitude)) {
            (Some(lat), Some(lon)) if lat.abs() < 90.0 && !(lat == 0.0 && lon == 0.0) => wgs84_to_bng(lon, lat),
            _ => None,
        })
    };
    Some((postcode, PostcodeEntry { location, country, lsoa: [None, None] }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: &[&str]) -> csv::ByteRecord {
        csv::ByteRecord::from(fields.to_vec())
    }

    #[test]
    fn code_point_rows() {
        let (pc, entry) = parse_row(
            &record(&["WR1 1AA", "10", "385268", "255404", "E92000001", "E19000001", "", "", "E07000237", ""]),
            &CODE_POINT_LAYOUT,
        )
        .unwrap();
        assert_eq!(pc.to_string(), "WR1 1AA");
        assert_eq!(entry.location, Some(Coord { x: 385268.0, y: 255404.0 }));
        assert_eq!(entry.country, Some(Country::England));
        let (_, none) = parse_row(&record(&["AB43 1AJ", "90", "0", "0", "S92000003"]), &CODE_POINT_LAYOUT).unwrap();
        assert_eq!(none, PostcodeEntry { location: None, country: Some(Country::Scotland), lsoa: [None, None] });
        assert!(parse_row(&record(&["NOT A POSTCODE", "10", "1", "1"]), &CODE_POINT_LAYOUT).is_none());
        assert!(parse_row(&record(&["WR1 1AA"]), &CODE_POINT_LAYOUT).unwrap().1.location.is_none());
    }

    #[test]
    fn onspd_style_rows_with_latitude_and_longitude_only() {
        let headers: Vec<String> = ["pcds", "lat", "long", "ctry"].iter().map(|s| s.to_string()).collect();
        let layout = header_layout(&headers, &ColumnMap::default(), &Location::file(Path::new("x.csv"))).unwrap();
        let (_, entry) = parse_row(&record(&["WR5 1DD", "52.18", "-2.20", "E92000001"]), &layout).unwrap();
        let p = entry.location.unwrap();
        assert!((p.x - 386_300.0).abs() < 2_000.0 && (p.y - 253_600.0).abs() < 2_000.0, "{p:?}");
        let (_, none) = parse_row(&record(&["WR5 1DD", "99.999999", "0.000000", "E92000001"]), &layout).unwrap();
        assert!(none.location.is_none());
    }

    #[test]
    fn header_without_coordinates_is_refused() {
        let headers: Vec<String> = ["pcds", "ctry"].iter().map(|s| s.to_string()).collect();
        let err = header_layout(&headers, &ColumnMap::default(), &Location::file(Path::new("p.csv"))).unwrap_err();
        assert!(err.to_string().starts_with("p.csv: the postcode directory needs easting/northing"), "{err}");
    }
}
