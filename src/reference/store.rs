//! `PreparedStore`: the postcode directory placed in the boundaries once, and the boundaries in BNG, in one versioned, memory-mapped file checked against its sources.
//!
//! Layout (little-endian): a 32-byte header (magic, format version, the manifest's offset and
//! length), 8-byte-aligned sections, then the manifest, JSON: each source's path, size, times and
//! SHA-256; the options the store was built with; what the loaders reported; the section table.
//! Postcodes are a sorted `u64` key array with an open-addressing hash table of their positions and
//! one fixed-size [`StoredPostcode`] record each; boundaries are coordinate arrays with a shape list.

use std::fs::File;
use std::io::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytemuck::{Pod, Zeroable};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use memmap2::Mmap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Location, Result};
use crate::geocoder::{Geocoder, ReferencePaths};
use crate::postcode::Postcode;
use crate::reference::postcodes::{DirectoryFormat, DirectoryStats, PostcodeEntry};
use crate::reference::{Area, Boundaries, Country, Geography, PostcodeDirectory};
use crate::spatial::{Crs, Placement};

const MAGIC: [u8; 8] = *b"AMSTORE\0";
/// Raised whenever the layout or a rule that decides a stored answer changes: an older store is then not used.
pub const FORMAT_VERSION: u32 = 2;
const HEADER_BYTES: usize = 32;
/// Stores are files `NAME.amstore` in the store folder.
pub const EXTENSION: &str = "amstore";
/// "No LSOA code", "no shape".
const NONE: u32 = u32::MAX;

/// A postcode's point and placement, in the slot its key hashes to. `place` packs how it was
/// placed (top two bits), the directory's country (the next three: 0 none, else 1 + the position
/// in [`COUNTRIES`]) and the area's position in the boundaries (the low 27 bits).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, Pod, Zeroable)]
struct PlacedPoint {
    x: f64,
    y: f64,
    place: u32,
    _pad: u32,
}

const PLACED_NO_POINT: u32 = 0;
const PLACED_WITHIN: u32 = 1;
const PLACED_NEAREST: u32 = 2;
const PLACED_OUTSIDE: u32 = 3;
const STATUS_SHIFT: u32 = 30;
const COUNTRY_SHIFT: u32 = 27;
const AREA_MASK: u32 = (1 << COUNTRY_SHIFT) - 1;

/// The countries a postcode's country bits count from (0: the directory gives none).
const COUNTRIES: [Country; 6] = [
    Country::England,
    Country::Wales,
    Country::Scotland,
    Country::NorthernIreland,
    Country::ChannelIslands,
    Country::IsleOfMan,
];

impl PlacedPoint {
    fn new(entry: &PostcodeEntry, placement: Option<Placement>) -> PlacedPoint {
        let (status, area) = match placement {
            None => (PLACED_NO_POINT, 0),
            Some(Placement::Within { area }) => (PLACED_WITHIN, area),
            Some(Placement::Nearest { area, .. }) => (PLACED_NEAREST, area),
            Some(Placement::Outside) => (PLACED_OUTSIDE, 0),
        };
        let country = entry.country.and_then(|c| COUNTRIES.iter().position(|&k| k == c)).map_or(0, |i| i as u32 + 1);
        let point = entry.location.unwrap_or(Coord { x: 0.0, y: 0.0 });
        let place = status << STATUS_SHIFT | country << COUNTRY_SHIFT | area;
        PlacedPoint { x: point.x, y: point.y, place, _pad: 0 }
    }

    fn status(&self) -> u32 {
        self.place >> STATUS_SHIFT
    }
}

/// The postcode columns of a store, in the order they are written: all of one length, a power of
/// two, position = hash slot.
const POSTCODE_COLUMNS: [&str; 5] =
    ["postcode_slots", "postcode_points", "postcode_distances", "postcode_lsoa11", "postcode_lsoa21"];

/// A store's postcode columns, mapped: an open-addressing hash table of postcode keys (0: an empty
/// slot) and, slot by slot, each postcode's point, placement and country ([`PlacedPoint`]), its
/// `nearest` distance and the directory's own LSOA 2011 and 2021 codes (empty columns when the
/// directory has none). A look-up touches the key's slot and its point: a run reads only the pages
/// of the postcodes it looks up.
pub struct PreparedPostcodes {
    map: Arc<Mmap>,
    /// Byte ranges of [`POSTCODE_COLUMNS`], in that order.
    columns: [Range<usize>; 5],
    postcodes: usize,
    /// The `--max-distance` the `nearest` and `outside` placements hold for.
    max_distance_m: f64,
}

impl PreparedPostcodes {
    fn column<T: Pod>(&self, i: usize) -> &[T] {
        // Checked when the store was opened: aligned, and of whole items.
        bytemuck::cast_slice(&self.map[self.columns[i].clone()])
    }

    pub fn len(&self) -> usize {
        self.postcodes
    }

    pub fn is_empty(&self) -> bool {
        self.postcodes == 0
    }

    pub fn max_distance_m(&self) -> f64 {
        self.max_distance_m
    }

    /// A postcode's slot, by the store's hash table.
    pub fn find(&self, postcode: &Postcode) -> Option<u32> {
        let keys = self.column::<u64>(0);
        let key = postcode.bits();
        let mut slot = slot_of(key, keys.len().trailing_zeros());
        for _ in 0..keys.len() {
            match *keys.get(slot)? {
                k if k == key => return Some(slot as u32),
                0 => return None,
                _ => slot = (slot + 1) & (keys.len() - 1),
            }
        }
        None
    }

    /// The directory's entry for the postcode in slot `id`.
    pub fn entry(&self, id: u32) -> Option<PostcodeEntry> {
        let point = self.column::<PlacedPoint>(1).get(id as usize)?;
        let country = (point.place >> COUNTRY_SHIFT & 0b111) as usize;
        let code = |column: usize| self.column::<u32>(column).get(id as usize).copied().filter(|&c| c != NONE);
        Some(PostcodeEntry {
            location: (point.status() != PLACED_NO_POINT).then_some(Coord { x: point.x, y: point.y }),
            country: country.checked_sub(1).and_then(|c| COUNTRIES.get(c)).copied(),
            lsoa: [code(3), code(4)],
        })
    }

    /// Where the spatial join placed the postcode in slot `id` (`None`: it has no point).
    pub fn placement(&self, id: u32) -> Option<Placement> {
        let point = self.column::<PlacedPoint>(1).get(id as usize)?;
        let area = point.place & AREA_MASK;
        match point.status() {
            PLACED_WITHIN => Some(Placement::Within { area }),
            PLACED_NEAREST => {
                Some(Placement::Nearest { area, distance_m: *self.column::<f64>(2).get(id as usize)? })
            }
            PLACED_OUTSIDE => Some(Placement::Outside),
            _ => None,
        }
    }

    /// Every postcode and its entry, in key order.
    pub fn entries(&self) -> Vec<(Postcode, PostcodeEntry)> {
        let keys = self.column::<u64>(0);
        let mut entries: Vec<(Postcode, PostcodeEntry)> = (0..keys.len())
            .filter(|&slot| keys[slot] != 0)
            .filter_map(|slot| Some((Postcode::from_bits(keys[slot])?, self.entry(slot as u32)?)))
            .collect();
        entries.sort_unstable_by_key(|(postcode, _)| *postcode);
        entries
    }
}

/// The postcode columns of a directory whose points are placed (entries sorted by postcode, so
/// that the same directory always gives the same table).
fn postcode_columns(entries: &[(Postcode, PostcodeEntry)], placements: &[Option<Placement>]) -> Vec<Vec<u8>> {
    // At most 85% full, so that a look-up rarely probes past its first cache line.
    let size = (entries.len() * 100 / 85 + 1).next_power_of_two().max(2);
    let bits = size.trailing_zeros();
    let mut keys = vec![0u64; size];
    let mut points = vec![PlacedPoint::default(); size];
    let mut distances = vec![0.0f64; size];
    let has_codes = |v: usize| entries.iter().any(|(_, e)| e.lsoa[v].is_some());
    let mut codes: [Vec<u32>; 2] = [0, 1].map(|v| if has_codes(v) { vec![NONE; size] } else { Vec::new() });
    for ((postcode, entry), placement) in entries.iter().zip(placements) {
        let mut slot = slot_of(postcode.bits(), bits);
        while keys[slot] != 0 {
            slot = (slot + 1) & (size - 1);
        }
        keys[slot] = postcode.bits();
        points[slot] = PlacedPoint::new(entry, *placement);
        if let Some(Placement::Nearest { distance_m, .. }) = placement {
            distances[slot] = *distance_m;
        }
        for (v, column) in codes.iter_mut().enumerate() {
            if let Some(cell) = column.get_mut(slot) {
                *cell = entry.lsoa[v].unwrap_or(NONE);
            }
        }
    }
    let [lsoa11, lsoa21] = codes;
    vec![
        bytemuck::cast_slice(&keys).to_vec(),
        bytemuck::cast_slice(&points).to_vec(),
        bytemuck::cast_slice(&distances).to_vec(),
        bytemuck::cast_slice(&lsoa11).to_vec(),
        bytemuck::cast_slice(&lsoa21).to_vec(),
    ]
}

/// The slot of a postcode key in a hash table of `1 << bits` slots (Fibonacci hashing).
pub fn slot_of(key: u64, bits: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

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
        Ok(SourceStamp { role: role.into(), path: path.to_path_buf(), bytes, modified_ns, changed_ns, sha256: sha256_of(path)? })
    }

    /// `None` when the file is as it was; else why not, in words.
    fn changed(&self) -> Option<String> {
        let shown = self.path.display();
        let Ok((bytes, modified_ns, changed_ns)) = file_times(&self.path) else {
            return Some(format!("{shown} is gone"));
        };
        if bytes != self.bytes {
            return Some(format!("{shown} has changed ({} bytes, was {})", bytes, self.bytes));
        }
        if modified_ns == self.modified_ns && changed_ns == self.changed_ns {
            return None;
        }
        match sha256_of(&self.path) {
            Ok(sum) if sum == self.sha256 => None,
            Ok(_) => Some(format!("{shown} has changed (its SHA-256 differs)")),
            Err(e) => Some(format!("{shown} cannot be read ({e})")),
        }
    }
}

fn file_times(path: &Path) -> Result<(u64, Option<u128>, Option<i64>)> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let modified = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_nanos());
    #[cfg(unix)]
    let changed = {
        use std::os::unix::fs::MetadataExt;
        Some(meta.ctime() * 1_000_000_000 + meta.ctime_nsec())
    };
    #[cfg(not(unix))]
    let changed = None;
    Ok((meta.len(), modified, changed))
}

fn sha256_of(path: &Path) -> Result<String> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
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
    sections: Vec<Section>,
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
    pub path: PathBuf,
    map: Arc<Mmap>,
    manifest: Manifest,
}

/// The store file for a run's reference files in `dir`: named after the files, with a key of their
/// full paths and the options that change what is stored.
pub fn store_path(dir: &Path, paths: &ReferencePaths) -> PathBuf {
    let options = StoreOptions { max_distance_m: 0.0, ..StoreOptions::of(paths) };
    let key = serde_json::json!([full_path(&paths.postcodes), full_path(&paths.boundaries), options]).to_string();
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
        let shown = path.display();
        let store = match PreparedStore::open(&path) {
            Ok(store) => store,
            Err(why) => return Found::Stale(format!("the prepared store {shown} is not used: {why}; run `anchormap prepare` again")),
        };
        let manifest = &store.manifest;
        let options = StoreOptions::of(paths);
        let stale = if manifest.options != (StoreOptions { max_distance_m: manifest.options.max_distance_m, ..options }) {
            Some("it was built with other options".to_string())
        } else {
            manifest.sources.iter().find_map(SourceStamp::changed)
        };
        match stale {
            None => Found::Fresh(Box::new(store)),
            Some(why) => Found::Stale(format!(
                "the prepared store {shown} is not used ({why} since it was prepared): the files are read instead; \
                 run `anchormap prepare` (or `fetch`) again to rebuild it"
            )),
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
        let word = |at: usize| u64::from_le_bytes(map[at..at + 8].try_into().unwrap_or_default());
        let version = u32::from_le_bytes(map[8..12].try_into().unwrap_or_default());
        if version != FORMAT_VERSION {
            return Err(format!("it is format {version}, this anchormap reads format {FORMAT_VERSION}"));
        }
        let (offset, len) = (word(16) as usize, word(24) as usize);
        let manifest_bytes = offset.checked_add(len).and_then(|end| map.get(offset..end)).ok_or("it is truncated")?;
        let manifest: Manifest = serde_json::from_slice(manifest_bytes).map_err(|e| format!("its manifest is damaged ({e})"))?;
        for section in &manifest.sections {
            let end = section.offset.checked_add(section.len).ok_or("a section is damaged")?;
            if end > offset as u64 || section.offset % 8 != 0 {
                return Err(format!("section {} is damaged", section.name));
            }
        }
        let store = PreparedStore { path: path.to_path_buf(), map: Arc::new(map), manifest };
        store.check_sections()?;
        Ok(store)
    }

    fn bytes(&self, name: &str) -> std::result::Result<&[u8], String> {
        let s = self.manifest.sections.iter().find(|s| s.name == name).ok_or_else(|| format!("it has no {name}"))?;
        Ok(&self.map[s.offset as usize..(s.offset + s.len) as usize])
    }

    fn array<T: Pod>(&self, name: &str) -> std::result::Result<&[T], String> {
        bytemuck::try_cast_slice(self.bytes(name)?).map_err(|e| format!("section {name}: {e:?}"))
    }

    /// The postcode columns agree in length, a power of two.
    fn check_sections(&self) -> std::result::Result<(), String> {
        let slots = self.array::<u64>("postcode_slots")?.len();
        let full = [self.array::<PlacedPoint>("postcode_points")?.len(), self.array::<f64>("postcode_distances")?.len()];
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

    /// The postcode directory, read from the store (`path` as the run names the source).
    pub fn directory(&self, path: &Path) -> Result<PostcodeDirectory> {
        let m = &self.manifest;
        let damaged = |e: String| Error::invalid(Location::file(&self.path), e);
        let area_codes: Vec<String> =
            serde_json::from_slice(self.bytes("lsoa_codes").map_err(damaged)?).map_err(|e| damaged(e.to_string()))?;
        let section = |name: &str| -> Result<Range<usize>> {
            let s = m.sections.iter().find(|s| s.name == name).ok_or_else(|| damaged(format!("it has no {name}")))?;
            Ok(s.offset as usize..(s.offset + s.len) as usize)
        };
        let mut columns: [Range<usize>; 5] = Default::default();
        for (range, name) in columns.iter_mut().zip(POSTCODE_COLUMNS) {
            *range = section(name)?;
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

    /// The `--max-distance` the store's `nearest` and `outside` placements hold for.
    pub fn max_distance_m(&self) -> f64 {
        self.manifest.options.max_distance_m
    }

    /// The boundaries, read from the store (`path` as the run names the source), each area's other
    /// properties left empty; without `shapes`, the areas' codes and names only.
    pub fn boundaries(&self, path: &Path, shapes: bool) -> Result<Boundaries> {
        let m = &self.manifest;
        let damaged = |e: String| Error::invalid(Location::file(&self.path), format!("the prepared store is damaged: {e}"));
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
            return Err(Error::invalid(Location::file(&paths.boundaries), "has more areas than a prepared store holds"));
        }
        let mut entries = directory.entries();
        entries.par_sort_unstable_by_key(|(postcode, _)| *postcode);
        let placements: Vec<Option<Placement>> =
            entries.par_iter().map(|(_, e)| e.location.map(|p| geocoder.placement(p, e.country))).collect();
        let texts: Vec<AreaText> = boundaries
            .areas
            .iter()
            .map(|a| AreaText { code: a.code.clone(), name: a.name.clone() })
            .collect();
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
        let sources = vec![SourceStamp::of("postcodes", &full_path(&paths.postcodes))?, SourceStamp::of("boundaries", &full_path(&paths.boundaries))?];
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
            crate::output::summary::thousands(m.directory_stats.postcodes as u64),
            crate::output::summary::thousands(self.array::<u64>("bng_starts").map_or(0, |s| s.len() / 2 - 1) as u64),
            m.geography,
            self.map.len() >> 20
        )
    }
}

/// A JSON section.
fn json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// Shapes as one list of counts (polygons of an area, `NONE` for no shape; rings of a polygon;
/// points of a ring), their coordinates, and where each area starts in both (pairs, plus an end).
fn encode_shapes(shapes: &[Option<&MultiPolygon<f64>>]) -> (Vec<u32>, Vec<f64>, Vec<u64>) {
    let (mut shape, mut coords, mut starts) = (Vec::new(), Vec::new(), Vec::new());
    for area in shapes {
        starts.extend([shape.len() as u64, coords.len() as u64]);
        let Some(area) = area else {
            shape.push(NONE);
            continue;
        };
        shape.push(area.0.len() as u32);
        for polygon in &area.0 {
            shape.push(1 + polygon.interiors().len() as u32);
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                shape.push(ring.0.len() as u32);
                coords.extend(ring.0.iter().flat_map(|c| [c.x, c.y]));
            }
        }
    }
    starts.extend([shape.len() as u64, coords.len() as u64]);
    (shape, coords, starts)
}

/// One area's shape from its counts and coordinates; `None` when they run out (a damaged store).
fn decode_shape(shape: &[u32], coords: &[f64]) -> Option<Option<MultiPolygon<f64>>> {
    let mut counts = shape.iter().copied();
    let polygons = counts.next()?;
    if polygons == NONE {
        return Some(None);
    }
    let mut at = 0usize;
    let mut ring = |counts: &mut dyn Iterator<Item = u32>| -> Option<LineString<f64>> {
        let n = counts.next()? as usize;
        let xy = coords.get(at..at.checked_add(2 * n)?)?;
        at += 2 * n;
        Some(LineString(xy.chunks_exact(2).map(|p| Coord { x: p[0], y: p[1] }).collect()))
    };
    let mut parts = Vec::with_capacity(polygons as usize);
    for _ in 0..polygons {
        let rings = counts.next()?;
        let exterior = ring(&mut counts)?;
        let interiors = (1..rings).map(|_| ring(&mut counts)).collect::<Option<Vec<_>>>()?;
        parts.push(Polygon::new(exterior, interiors));
    }
    Some(Some(MultiPolygon(parts)))
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
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::invalid(Location::file(path), e.to_string()))?;
    let mut header = Vec::with_capacity(HEADER_BYTES);
    header.extend(MAGIC);
    header.extend(FORMAT_VERSION.to_le_bytes());
    header.extend([0u8; 4]);
    header.extend(offset.to_le_bytes());
    header.extend((manifest_bytes.len() as u64).to_le_bytes());
    let io = |e: std::io::Error| Error::io(path, e);
    let mut file = tempfile::Builder::new().prefix(".anchormap-store-").tempfile_in(dir).map_err(io)?;
    {
        let mut out = std::io::BufWriter::new(file.as_file_mut());
        out.write_all(&header).map_err(io)?;
        for (_, bytes) in sections {
            out.write_all(bytes).map_err(io)?;
            out.write_all(&[0u8; 8][..(bytes.len().next_multiple_of(8) - bytes.len())]).map_err(io)?;
        }
        out.write_all(&manifest_bytes).map_err(io)?;
        out.flush().map_err(io)?;
    }
    file.as_file().sync_all().map_err(io)?;
    // Readable by everyone who may read the reference data (a temporary file is private).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(io)?;
    }
    file.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_round_trip_with_holes_and_absent_shapes() {
        let ring = |x: f64| LineString(vec![Coord { x, y: 0.0 }, Coord { x: x + 1.0, y: 0.0 }, Coord { x, y: 1.0 }, Coord { x, y: 0.0 }]);
        let holed = MultiPolygon(vec![Polygon::new(ring(0.0), vec![ring(0.2)]), Polygon::new(ring(5.0), vec![])]);
        let plain = MultiPolygon(vec![Polygon::new(ring(9.0), vec![])]);
        let (shape, coords, starts) = encode_shapes(&[Some(&holed), None, Some(&plain)]);
        let decoded: Vec<_> = (0..3)
            .map(|i| decode_shape(&shape[starts[2 * i] as usize..], &coords[starts[2 * i + 1] as usize..]).unwrap())
            .collect();
        assert_eq!(decoded, vec![Some(holed), None, Some(plain)]);
        assert_eq!(decode_shape(&shape[..3], &coords[..4]), None, "a cut-short shape is damage, not a panic");
    }
}
