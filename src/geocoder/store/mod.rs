//! `PreparedStore`: the postcode directory placed in the boundaries once, and the boundaries in BNG, in one versioned, memory-mapped file checked against its sources.
//!
//! Layout (little-endian): a 32-byte header (magic, format version, the CRC-32 of everything after
//! the header, the manifest's offset and length), 8-byte-aligned sections, then the manifest, JSON:
//! each source's full path, size, times and SHA-256; the options the store was built with; what the
//! loaders reported; the section table.
//! The postcode columns are in `reference/prepared_postcodes.rs`, the boundaries' shapes in `shapes.rs`.

use std::fs::File;
use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytemuck::Pod;
use geo::MultiPolygon;
use memmap2::Mmap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Location, Result};
use crate::geocoder::{Geocoder, ReferencePaths};
use crate::io::OutputFile;
use crate::reference::postcodes::{DirectoryFormat, DirectoryStats};
use crate::reference::{Area, Boundaries, Country, Geography, PostcodeDirectory};
use crate::spatial::{Crs, Placement};

const MAGIC: [u8; 8] = *b"AMSTORE\0";
/// Raised whenever the layout or a rule that decides a stored answer changes: an older store is then not used.
pub const FORMAT_VERSION: u32 = 2;
const HEADER_BYTES: usize = 32;
/// Stores are files `NAME.amstore` in the store folder.
pub const EXTENSION: &str = "amstore";
/// The role of Scotland's data zones among a store's sources.
const SCOTLAND: &str = "scotland boundaries";
/// "No shape".
const NONE: u32 = u32::MAX;

mod shapes;

use crate::reference::prepared_postcodes::{
    postcode_columns, PlacedPoint, PreparedPostcodes, AREA_MASK, POSTCODE_COLUMNS,
};
use shapes::{decode_shape, encode_shapes};

/// A source file as it was when the store was built.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct SourceStamp {
    role: String,
    path: PathBuf,
    bytes: u64,
    /// Modification and status-change times (ns since the epoch), the quick test of "unchanged";
    /// when either differs the file's SHA-256 decides.
    modified_ns: Option<u128>,
    changed_ns: Option<i64>,
    sha256: String,
}

impl SourceStamp {
    fn of(role: &str, path: &Path) -> Result<SourceStamp> {
        let (bytes, modified_ns, changed_ns) = file_times(path)?;
        Ok(SourceStamp {
            role: role.into(),
            path: path.to_path_buf(),
            bytes,
            modified_ns,
            changed_ns,
            sha256: sha256_of(path)?,
        })
    }

    /// Whether this stamp is of the source at `path` (a full path).
    fn is_of(&self, path: &Path) -> bool {
        self.path == path
    }

    /// `None` when the file is as it was; else why not, in words.
    fn changed(&self) -> Option<String> {
        let shown = self.path.display();
        let Ok((bytes, modified_ns, changed_ns)) = file_times(&self.path) else {
            return Some(format!("{shown} is gone"));
        };
        if bytes != self.bytes {
            return Some(format!("{shown} has changed ({bytes} bytes, {} when prepared)", self.bytes));
        }
        if modified_ns == self.modified_ns && changed_ns == self.changed_ns {
            return None;
        }
        match sha256_of(&self.path) {
            Ok(sum) if sum == self.sha256 => None,
            Ok(_) => Some(format!("{shown} has changed since it was prepared (its SHA-256 differs)")),
            Err(e) => Some(format!("{shown} cannot be read ({e})")),
        }
    }
}

/// The files a source is: itself, or every file under a folder (Code-Point Open extracted), sorted.
fn source_files(path: &Path) -> Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).map_err(|e| Error::io(path, e))? {
        files.extend(source_files(&entry.map_err(|e| Error::io(path, e))?.path())?);
    }
    files.sort();
    Ok(files)
}

/// A source's size and its latest modification and status-change times (of its files, for a folder).
fn file_times(path: &Path) -> Result<(u64, Option<u128>, Option<i64>)> {
    let mut total = (0, None, None);
    for file in source_files(path)? {
        let (bytes, modified, changed) = one_file_times(&file)?;
        total = (total.0 + bytes, total.1.max(modified), total.2.max(changed));
    }
    Ok(total)
}

fn one_file_times(path: &Path) -> Result<(u64, Option<u128>, Option<i64>)> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let modified =
        meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_nanos());
    #[cfg(unix)]
    let changed = {
        use std::os::unix::fs::MetadataExt;
        Some(meta.ctime() * 1_000_000_000 + meta.ctime_nsec())
    };
    #[cfg(not(unix))]
    let changed = None;
    Ok((meta.len(), modified, changed))
}

/// The SHA-256 of a source's bytes (for a folder: of each file's name below it and its bytes, in order).
fn sha256_of(path: &Path) -> Result<String> {
    let mut hasher = Sha256::new();
    for file in source_files(path)? {
        if file != path {
            hasher.update(file.strip_prefix(path).unwrap_or(&file).to_string_lossy().as_bytes());
        }
        let mut reader = File::open(&file).map_err(|e| Error::io(&file, e))?;
        std::io::copy(&mut reader, &mut hasher).map_err(|e| Error::io(&file, e))?;
    }
    Ok(format!("{:x}", hasher.finalize()))
}

/// What decides a store's content besides its sources' bytes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct StoreOptions {
    postcode_columns: String,
    code_property: Option<String>,
    name_property: Option<String>,
    /// `nearest` and `outside` are stored for this `--max-distance`; a run with another places
    /// those postcodes again (`within` holds for any).
    max_distance_m: f64,
}

impl StoreOptions {
    fn of(paths: &ReferencePaths) -> StoreOptions {
        StoreOptions {
            postcode_columns: paths.postcode_columns.as_text(),
            code_property: paths.boundary_properties.code.clone(),
            name_property: paths.boundary_properties.name.clone(),
            max_distance_m: paths.max_distance_m,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Section {
    name: String,
    offset: u64,
    len: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Manifest {
    format_version: u32,
    written_by: String,
    sources: Vec<SourceStamp>,
    options: StoreOptions,
    directory_format: DirectoryFormat,
    directory_stats: DirectoryStats,
    lsoa_columns: [Option<String>; 2],
    source_crs: Crs,
    code_property: String,
    name_property: Option<String>,
    geography: Geography,
    features_without_geometry: usize,
    /// Scotland's data zones, after the LSOAs among the areas, when the store was prepared with them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scotland: Option<StoredScotland>,
    sections: Vec<Section>,
}

/// Where Scotland's data zones are among a store's areas.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct StoredScotland {
    first: u32,
    features: usize,
}

/// An area's words, as stored (its country follows from its code, as when read). The feature's
/// other properties are not kept: nothing the geocoder's boundaries feed reads them (`map` and
/// `report` read the GeoJSON files they are given themselves).
#[derive(Serialize, Deserialize)]
struct AreaText {
    code: String,
    name: String,
}

/// What looking for a store of a run's reference files found.
pub enum Found {
    /// A store of exactly these files and options, unchanged since it was built.
    Fresh(Box<PreparedStore>),
    /// A store of these files that must not be used, and why (a note for the run's warnings).
    Stale(String),
    /// No store of these files.
    Absent,
}

/// An open store.
pub struct PreparedStore {
    /// The store's file.
    pub path: PathBuf,
    map: Arc<Mmap>,
    manifest: Manifest,
}

/// The store file for a run's reference files in `dir`: named after the files, with a key of their
/// full paths and the options that change what is stored.
pub fn store_path(dir: &Path, paths: &ReferencePaths) -> PathBuf {
    let options = StoreOptions { max_distance_m: 0.0, ..StoreOptions::of(paths) };
    let mut key = serde_json::json!([full_path(&paths.postcodes), full_path(&paths.boundaries), options]);
    if let (Some(zones), Some(parts)) = (&paths.nations.scotland_boundaries, key.as_array_mut()) {
        parts.push(serde_json::json!(full_path(zones)));
    }
    let key = key.to_string();
    let digest = format!("{:x}", Sha256::digest(key.as_bytes()));
    let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    dir.join(format!("{}-{}-{}.{EXTENSION}", stem(&paths.postcodes), stem(&paths.boundaries), &digest[..12]))
}

/// A source's full path (symbolic links resolved): the same file named from another folder is the same source.
fn full_path(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

impl PreparedStore {
    /// The store of `paths`' postcode directory and boundaries in `dir`, if there is one and it may be used.
    pub fn find(dir: &Path, paths: &ReferencePaths) -> Found {
        let path = store_path(dir, paths);
        if !path.is_file() {
            return Found::Absent;
        }
        let stale = |why: String| {
            Found::Stale(format!(
                "the prepared store {} is not used: {why}; the files are read instead (run `anchormap prepare` or `fetch` \
                 again to rebuild it)",
                path.display()
            ))
        };
        let store = match PreparedStore::open(&path) {
            Ok(store) => store,
            Err(why) => return stale(why),
        };
        let manifest = &store.manifest;
        let mut wanted = vec![("postcodes", full_path(&paths.postcodes)), ("boundaries", full_path(&paths.boundaries))];
        wanted.extend(paths.nations.scotland_boundaries.as_deref().map(|z| (SCOTLAND, full_path(z))));
        if manifest.scotland.is_some() != paths.nations.scotland_boundaries.is_some() {
            return stale("it was prepared with and without Scotland's data zones otherwise than this run".into());
        }
        if let Some((role, file)) =
            wanted.iter().find(|(role, file)| !manifest.sources.iter().any(|s| s.role == *role && s.is_of(file)))
        {
            return stale(format!("it was not prepared from the {role} {}", file.display()));
        }
        let options = StoreOptions::of(paths);
        if manifest.options != (StoreOptions { max_distance_m: manifest.options.max_distance_m, ..options }) {
            return stale("it was prepared with other --postcode-columns, --code-property or --name-property".into());
        }
        match manifest.sources.iter().find_map(SourceStamp::changed) {
            None => Found::Fresh(Box::new(store)),
            Some(why) => stale(why),
        }
    }

    /// Maps a store file and checks its header and section table (not its sources).
    pub fn open(path: &Path) -> std::result::Result<PreparedStore, String> {
        if cfg!(target_endian = "big") {
            return Err("stores are little-endian".into());
        }
        let file = File::open(path).map_err(|e| e.to_string())?;
        // SAFETY: the map is read-only and the store is replaced by renaming a new file into place,
        // never written in place; a file truncated under us by another program is the remaining risk.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| e.to_string())?;
        if map.len() < HEADER_BYTES || map[..8] != MAGIC {
            return Err("not an anchormap store".into());
        }
        let version = u32::from_le_bytes(map[8..12].try_into().unwrap_or_default());
        if version != FORMAT_VERSION {
            return Err(format!("it is format {version}, this anchormap reads format {FORMAT_VERSION}"));
        }
        let crc = u32::from_le_bytes(map[12..16].try_into().unwrap_or_default());
        // The checksum is read on a thread of its own while the tables are checked (every check
        // is bounded, so damaged bytes cannot mislead it); a checksum that differs is the answer.
        let (checksum, checked) = std::thread::scope(|scope| {
            let checksum = scope.spawn(|| content_crc(&file));
            let checked = PreparedStore::checked(path, map);
            (checksum.join(), checked)
        });
        match checksum {
            Ok(Ok(content)) if content == crc => checked,
            Ok(Ok(_)) => Err("it is damaged (its checksum differs)".into()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    /// A mapped store's manifest, its sections in bounds and its postcode tables checked.
    fn checked(path: &Path, map: Mmap) -> std::result::Result<PreparedStore, String> {
        let word = |at: usize| u64::from_le_bytes(map[at..at + 8].try_into().unwrap_or_default());
        let (offset, len) = (word(16) as usize, word(24) as usize);
        let manifest_bytes = offset.checked_add(len).and_then(|end| map.get(offset..end)).ok_or("it is truncated")?;
        let manifest: Manifest =
            serde_json::from_slice(manifest_bytes).map_err(|e| format!("its manifest is damaged ({e})"))?;
        for section in &manifest.sections {
            let end = section.offset.checked_add(section.len).ok_or("a section is damaged")?;
            if end > offset as u64 || section.offset % 8 != 0 {
                return Err(format!("section {} is damaged", section.name));
            }
        }
        let store = PreparedStore { path: path.to_path_buf(), map: Arc::new(map), manifest };
        store.check_sections()?;
        store.check_postcodes()?;
        Ok(store)
    }

    /// Where a section's bytes are in the file (checked in bounds when the store was opened).
    fn range(&self, name: &str) -> std::result::Result<Range<usize>, String> {
        let s = self.manifest.sections.iter().find(|s| s.name == name).ok_or_else(|| format!("it has no {name}"))?;
        Ok(s.offset as usize..(s.offset + s.len) as usize)
    }

    fn bytes(&self, name: &str) -> std::result::Result<&[u8], String> {
        Ok(&self.map[self.range(name)?])
    }

    /// A section that cannot be read, as an error naming the store.
    fn damaged(&self, why: String) -> Error {
        Error::invalid(Location::file(&self.path), format!("the prepared store is damaged: {why}"))
    }

    fn array<T: Pod>(&self, name: &str) -> std::result::Result<&[T], String> {
        bytemuck::try_cast_slice(self.bytes(name)?).map_err(|e| format!("section {name}: {e:?}"))
    }

    /// The postcode columns agree in length, a power of two.
    fn check_sections(&self) -> std::result::Result<(), String> {
        let slots = self.array::<u64>("postcode_slots")?.len();
        let full =
            [self.array::<PlacedPoint>("postcode_points")?.len(), self.array::<f64>("postcode_distances")?.len()];
        let codes = [self.array::<u32>("postcode_lsoa11")?.len(), self.array::<u32>("postcode_lsoa21")?.len()];
        let agree = full.iter().all(|&l| l == slots) && codes.iter().all(|&l| l == slots || l == 0);
        if !agree || !slots.is_power_of_two() || slots <= self.manifest.directory_stats.postcodes {
            return Err("its postcode tables do not agree".into());
        }
        for geometry in ["bng", "wgs84"] {
            self.array::<u32>(&format!("{geometry}_shape"))?;
            self.array::<f64>(&format!("{geometry}_coords"))?;
            self.array::<u64>(&format!("{geometry}_starts"))?;
        }
        Ok(())
    }

    /// Every index a postcode holds points into its table, so that nothing reads out of bounds
    /// later: its area into the boundaries' areas, its LSOA codes into the list of codes; its
    /// coordinates and distance are numbers; the table holds as many postcodes as the manifest says.
    fn check_postcodes(&self) -> std::result::Result<(), String> {
        let areas = (self.array::<u64>("bng_starts")?.len() / 2).saturating_sub(1);
        let codes: Vec<String> = serde_json::from_slice(self.bytes("lsoa_codes")?)
            .map_err(|e| format!("its area codes are damaged ({e})"))?;
        let keys = self.array::<u64>("postcode_slots")?;
        let points = self.array::<PlacedPoint>("postcode_points")?;
        let distances = self.array::<f64>("postcode_distances")?;
        let lsoa = [self.array::<u32>("postcode_lsoa11")?, self.array::<u32>("postcode_lsoa21")?];
        let code_ok =
            |column: &[u32], slot: usize| column.get(slot).is_none_or(|&c| c == NONE || (c as usize) < codes.len());
        let mut occupied = 0;
        for slot in (0..keys.len()).filter(|&slot| keys[slot] != 0) {
            occupied += 1;
            let distance_ok = distances[slot].is_finite() && distances[slot] >= 0.0;
            if !points[slot].is_valid(areas) || !distance_ok || !lsoa.iter().all(|column| code_ok(column, slot)) {
                let codes = codes.len();
                return Err(format!("postcode slot {slot} points outside its tables ({areas} areas, {codes} codes)"));
            }
        }
        if occupied != self.manifest.directory_stats.postcodes {
            return Err(format!(
                "it holds {occupied} postcodes, its manifest says {}",
                self.manifest.directory_stats.postcodes
            ));
        }
        Ok(())
    }

    /// The postcode directory, read from the store (`path` as the run names the source).
    pub fn directory(&self, path: &Path) -> Result<PostcodeDirectory> {
        let m = &self.manifest;
        let damaged = |e: String| self.damaged(e);
        let area_codes: Vec<String> =
            serde_json::from_slice(self.bytes("lsoa_codes").map_err(damaged)?).map_err(|e| damaged(e.to_string()))?;
        let mut columns: [Range<usize>; 5] = Default::default();
        for (range, name) in columns.iter_mut().zip(POSTCODE_COLUMNS) {
            *range = self.range(name).map_err(damaged)?;
        }
        let prepared = PreparedPostcodes {
            map: self.map.clone(),
            columns,
            postcodes: m.directory_stats.postcodes,
            max_distance_m: m.options.max_distance_m,
        };
        Ok(PostcodeDirectory::prepared(
            path,
            m.directory_format,
            m.directory_stats.clone(),
            m.lsoa_columns.clone(),
            area_codes,
            prepared,
        ))
    }

    /// Scotland's data zones among the store's areas, when it was prepared with them (and the run names them).
    pub fn scotland(&self, paths: &ReferencePaths) -> Option<crate::geocoder::nations::ScotlandLayer> {
        let (stored, path) = self.manifest.scotland.zip(paths.nations.scotland_boundaries.as_ref())?;
        Some(crate::geocoder::nations::ScotlandLayer {
            path: path.display().to_string(),
            features: stored.features,
            first: stored.first,
        })
    }

    /// The `--max-distance` the store's `nearest` and `outside` placements hold for.
    pub fn max_distance_m(&self) -> f64 {
        self.manifest.options.max_distance_m
    }

    /// The boundaries, read from the store (`path` as the run names the source), each area's other
    /// properties left empty; without `shapes`, the areas' codes and names only.
    pub fn boundaries(&self, path: &Path, shapes: bool) -> Result<Boundaries> {
        let m = &self.manifest;
        let damaged = |e: String| self.damaged(e);
        let texts: Vec<AreaText> =
            serde_json::from_slice(self.bytes("areas").map_err(damaged)?).map_err(|e| damaged(e.to_string()))?;
        let unread = || vec![None; texts.len()];
        let bng = if shapes { self.shapes("bng").map_err(damaged)? } else { unread() };
        let wgs84 = if shapes { self.shapes("wgs84").map_err(damaged)? } else { unread() };
        if bng.len() != texts.len() || wgs84.len() != texts.len() {
            return Err(damaged("its areas and shapes do not agree".into()));
        }
        let areas = texts
            .into_iter()
            .zip(bng.into_iter().zip(wgs84))
            .map(|(text, (geometry, wgs84))| Area {
                country: Country::of_area_code(&text.code),
                code: text.code,
                name: text.name,
                geometry: geometry.unwrap_or_else(|| MultiPolygon(Vec::new())),
                wgs84,
                properties: Default::default(),
            })
            .collect();
        Ok(Boundaries {
            path: path.to_path_buf(),
            areas,
            source_crs: m.source_crs,
            code_property: m.code_property.clone(),
            name_property: m.name_property.clone(),
            geography: m.geography.clone(),
            features_without_geometry: m.features_without_geometry,
        })
    }

    /// Decodes one geometry family (`bng` or `wgs84`), an area at a time, in parallel.
    fn shapes(&self, family: &str) -> std::result::Result<Vec<Option<MultiPolygon<f64>>>, String> {
        let shape = self.array::<u32>(&format!("{family}_shape"))?;
        let coords = self.array::<f64>(&format!("{family}_coords"))?;
        let starts = self.array::<u64>(&format!("{family}_starts"))?;
        let areas = (starts.len() / 2).saturating_sub(1);
        (0..areas)
            .into_par_iter()
            .map(|i| {
                let (s, c) = (starts[2 * i] as usize, starts[2 * i + 1] as usize);
                decode_shape(shape.get(s..).unwrap_or_default(), coords.get(c..).unwrap_or_default())
                    .ok_or_else(|| format!("the shape of area {} is damaged", i + 1))
            })
            .collect()
    }

    /// Builds the store of a loaded geocoder's directory and boundaries in `dir`, placing every
    /// postcode with the geocoder's rules, and renames it into place. Returns its path.
    pub fn write(dir: &Path, paths: &ReferencePaths, geocoder: &Geocoder) -> Result<PathBuf> {
        let directory = &geocoder.directory;
        let boundaries = &geocoder.boundaries;
        if boundaries.areas.len() > AREA_MASK as usize {
            return Err(Error::invalid(
                Location::file(&paths.boundaries),
                "has more areas than a prepared store holds",
            ));
        }
        let mut entries = directory.entries();
        entries.par_sort_unstable_by_key(|(postcode, _)| *postcode);
        let placements: Vec<Option<Placement>> =
            entries.par_iter().map(|(_, e)| e.location.map(|p| geocoder.placement(p, e.country))).collect();
        let texts: Vec<AreaText> =
            boundaries.areas.iter().map(|a| AreaText { code: a.code.clone(), name: a.name.clone() }).collect();
        let mut sections: Vec<(String, Vec<u8>)> =
            POSTCODE_COLUMNS.iter().map(|n| n.to_string()).zip(postcode_columns(&entries, &placements)).collect();
        sections.push(("lsoa_codes".into(), json(&directory.area_codes)));
        sections.push(("areas".into(), json(&texts)));
        for (family, shapes) in [
            ("bng", boundaries.areas.iter().map(|a| Some(&a.geometry)).collect::<Vec<_>>()),
            ("wgs84", boundaries.areas.iter().map(|a| a.wgs84.as_ref()).collect()),
        ] {
            let (shape, coords, starts) = encode_shapes(&shapes);
            sections.push((format!("{family}_shape"), bytemuck::cast_slice(&shape).to_vec()));
            sections.push((format!("{family}_coords"), bytemuck::cast_slice(&coords).to_vec()));
            sections.push((format!("{family}_starts"), bytemuck::cast_slice(&starts).to_vec()));
        }
        let mut sources = vec![
            SourceStamp::of("postcodes", &full_path(&paths.postcodes))?,
            SourceStamp::of("boundaries", &full_path(&paths.boundaries))?,
        ];
        if let Some(zones) = &paths.nations.scotland_boundaries {
            sources.push(SourceStamp::of(SCOTLAND, &full_path(zones))?);
        }
        let scotland = geocoder.nations.as_ref().and_then(|n| n.scotland.as_ref());
        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            written_by: format!("anchormap {}", env!("CARGO_PKG_VERSION")),
            sources,
            options: StoreOptions::of(paths),
            directory_format: directory.format,
            directory_stats: directory.stats.clone(),
            lsoa_columns: directory.lsoa_columns.clone(),
            source_crs: boundaries.source_crs,
            code_property: boundaries.code_property.clone(),
            name_property: boundaries.name_property.clone(),
            geography: boundaries.geography.clone(),
            features_without_geometry: boundaries.features_without_geometry,
            scotland: scotland.map(|z| StoredScotland { first: z.first, features: z.features }),
            sections: Vec::new(),
        };
        let path = store_path(dir, paths);
        write_file(&path, manifest, &sections)?;
        Ok(path)
    }

    /// What the store holds, for `prepare`'s report.
    pub fn describe(&self) -> String {
        let m = &self.manifest;
        format!(
            "{} postcodes, {} areas ({}), {} MB",
            crate::io::format::thousands(m.directory_stats.postcodes as u64),
            crate::io::format::thousands(self.array::<u64>("bng_starts").map_or(0, |s| s.len() / 2 - 1) as u64),
            m.geography,
            self.map.len() >> 20
        )
    }
}

/// The zero bytes after a section that align the next to 8 bytes.
fn padding(bytes: &[u8]) -> usize {
    bytes.len().next_multiple_of(8) - bytes.len()
}

/// The CRC-32 of everything after a store's header, read through a buffer rather than the map, so
/// that checking a store does not make all of it resident (a run then maps only what it reads).
fn content_crc(file: &File) -> std::io::Result<u32> {
    use std::io::{Read, Seek};
    let mut reader = file;
    reader.seek(std::io::SeekFrom::Start(HEADER_BYTES as u64))?;
    let mut crc = crc32fast::Hasher::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        match reader.read(&mut buffer)? {
            0 => return Ok(crc.finalize()),
            n => crc.update(&buffer[..n]),
        }
    }
}

/// A JSON section.
fn json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// Writes header, sections and manifest to a hidden file in the folder, then renames it into place.
fn write_file(path: &Path, mut manifest: Manifest, sections: &[(String, Vec<u8>)]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut offset = HEADER_BYTES as u64;
    for (name, bytes) in sections {
        manifest.sections.push(Section { name: name.clone(), offset, len: bytes.len() as u64 });
        offset += (bytes.len() as u64).next_multiple_of(8);
    }
    let manifest_bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| Error::invalid(Location::file(path), e.to_string()))?;
    let mut header = Vec::with_capacity(HEADER_BYTES);
    header.extend(MAGIC);
    header.extend(FORMAT_VERSION.to_le_bytes());
    let mut crc = crc32fast::Hasher::new();
    for (_, bytes) in sections {
        crc.update(bytes);
        crc.update(&[0u8; 8][..padding(bytes)]);
    }
    crc.update(&manifest_bytes);
    header.extend(crc.finalize().to_le_bytes());
    header.extend(offset.to_le_bytes());
    header.extend((manifest_bytes.len() as u64).to_le_bytes());
    let io = |e: std::io::Error| Error::io(path, e);
    // Written beside its name and renamed into place whole (an interrupted prepare leaves nothing).
    let mut file = OutputFile::create(path)?;
    let out = file.writer();
    out.write_all(&header).map_err(io)?;
    for (_, bytes) in sections {
        out.write_all(bytes).map_err(io)?;
        out.write_all(&[0u8; 8][..padding(bytes)]).map_err(io)?;
    }
    out.write_all(&manifest_bytes).map_err(io)?;
    file.commit()?;
    Ok(())
}
