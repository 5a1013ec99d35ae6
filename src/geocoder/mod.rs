//! `Geocoder`: the spine every command shares — postcode → point (directory) → area (R-tree) → deprivation.

pub mod nations;
pub mod store;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use geo::Coord;
use serde::{Deserialize, Serialize};

use crate::columns::ColumnMap;
use crate::error::Result;
use crate::postcode::Postcode;
use crate::reference::boundaries::BoundaryProperties;
use crate::reference::deprivation::Coverage;
use crate::reference::postcodes::{DirectoryFormat, DirectoryStats, PostcodeEntry};
use crate::reference::Geography;
use crate::reference::{Area, Boundaries, Country, Deprivation, DeprivationRecord, PostcodeDirectory};
use crate::spatial::Crs;
use crate::spatial::{AreaIndex, Placement};
use store::{Found, PreparedStore};

/// Postcodes a prepared store is asked for at once (their cache lines requested ahead together).
const LOOK_UP_TOGETHER: usize = 32;

/// The outcome for one record, as written in the `match` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchStatus {
    /// The point lies in (or on the boundary of) an area.
    Within,
    /// The point lies outside every area but within the allowed distance of one.
    Nearest,
    /// The point is further than the allowed distance from every area of its country.
    Outside,
    /// The postcode is well formed but not in the directory (e.g. the NHS pseudo-postcode ZZ99 3VZ).
    UnknownPostcode,
    /// The text is not shaped like a UK postcode (including blanks).
    InvalidPostcode,
    /// The directory has the postcode but no coordinates for it.
    NoCoordinates,
    /// The area ONS assigns the postcode, from the directory's own LSOA column of the boundaries'
    /// vintage (ONSPD/NSPL `lsoa11` or `lsoa21`), used instead of the spatial join.
    Directory,
}

impl MatchStatus {
    /// Every status, in the contract's order (the `match` column's, and the summaries').
    pub const ALL: [MatchStatus; 7] = [
        MatchStatus::Within,
        MatchStatus::Nearest,
        MatchStatus::Outside,
        MatchStatus::UnknownPostcode,
        MatchStatus::InvalidPostcode,
        MatchStatus::NoCoordinates,
        MatchStatus::Directory,
    ];

    /// The status as written in the `match` column (`within`, `unknown_postcode`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            MatchStatus::Within => "within",
            MatchStatus::Nearest => "nearest",
            MatchStatus::Outside => "outside",
            MatchStatus::UnknownPostcode => "unknown_postcode",
            MatchStatus::InvalidPostcode => "invalid_postcode",
            MatchStatus::NoCoordinates => "no_coordinates",
            MatchStatus::Directory => "directory",
        }
    }

    /// True when the record has an area.
    pub fn is_placed(self) -> bool {
        matches!(self, MatchStatus::Within | MatchStatus::Nearest | MatchStatus::Directory)
    }
}

/// Counts of records by match status, in the contract's order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchCounts {
    /// In an area.
    pub within: u64,
    /// Outside every area, given the nearest one.
    pub nearest: u64,
    /// Too far from every area.
    pub outside: u64,
    /// Well formed, not in the directory.
    pub unknown_postcode: u64,
    /// Not shaped like a postcode (or blank).
    pub invalid_postcode: u64,
    /// In the directory without coordinates.
    pub no_coordinates: u64,
    /// Placed in the area the directory's own column gives.
    pub directory: u64,
}

impl MatchCounts {
    /// Counts one record.
    pub fn add(&mut self, status: MatchStatus) {
        *self.slot(status) += 1;
    }

    /// The records with `status`.
    pub fn get(&self, status: MatchStatus) -> u64 {
        let mut copy = *self;
        *copy.slot(status)
    }

    fn slot(&mut self, status: MatchStatus) -> &mut u64 {
        match status {
            MatchStatus::Within => &mut self.within,
            MatchStatus::Nearest => &mut self.nearest,
            MatchStatus::Outside => &mut self.outside,
            MatchStatus::UnknownPostcode => &mut self.unknown_postcode,
            MatchStatus::InvalidPostcode => &mut self.invalid_postcode,
            MatchStatus::NoCoordinates => &mut self.no_coordinates,
            MatchStatus::Directory => &mut self.directory,
        }
    }

    /// Adds another count's records (e.g. a batch's).
    pub fn merge(&mut self, other: &MatchCounts) {
        for status in MatchStatus::ALL {
            *self.slot(status) += other.get(status);
        }
    }

    /// Every record counted.
    pub fn total(&self) -> u64 {
        MatchStatus::ALL.iter().map(|s| self.get(*s)).sum()
    }
}

/// A boundary feature: its index in the boundaries' features ([`Geocoder::areas`]). Not a run's
/// area row: features sharing a code are one area, and `Areas::of` is the one translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FeatureId(pub u32);

impl FeatureId {
    /// The feature's index in the boundaries' features.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One record's result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geocoded {
    /// The postcode read, normalised; `None` when the text is no postcode.
    pub postcode: Option<Postcode>,
    /// The postcode's point, BNG metres.
    pub location: Option<Coord<f64>>,
    /// The country the directory gives for the postcode.
    pub country: Option<Country>,
    /// The boundary feature the record is placed in.
    pub area: Option<FeatureId>,
    /// 0 within an area; the distance to the area's edge for `nearest`.
    pub distance_m: Option<f64>,
    /// How the record was placed, or why not.
    pub status: MatchStatus,
    /// What the directory's own area column (of the boundaries' vintage) said, if it has one.
    pub from_directory: FromDirectory,
}

/// The directory's own assignment of a postcode to an area (ONSPD/NSPL `lsoa11`/`lsoa21`), beside
/// the spatial join, so that a run can say how often the two disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FromDirectory {
    /// The directory has no area column of the boundaries' vintage (e.g. Code-Point Open), or the
    /// postcode has no point.
    NoColumn,
    /// The column is blank for this postcode: placed by the spatial join.
    Blank,
    /// The column names an area not among the boundaries: placed by the spatial join.
    NotInBoundaries,
    /// The directory's area (used), and where the spatial join put the same point (`None`: outside).
    Assigned {
        /// The directory's area.
        area: FeatureId,
        /// The area the spatial join gives.
        spatial: Option<FeatureId>,
    },
}

/// How the directory's own area assignment compared with the spatial join, in records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DirectoryAgreement {
    /// The directory's column used (e.g. `lsoa11`).
    pub column: String,
    /// Records placed in the area the directory gives (`match` = `directory`).
    pub assigned: u64,
    /// Of those, the spatial join puts the point in the same area...
    pub spatial_join_agrees: u64,
    /// ...in another area...
    pub spatial_join_disagrees: u64,
    /// ...or in none (outside every polygon and beyond `--max-distance`).
    pub spatial_join_outside: u64,
    /// Records whose postcode has a blank code: placed by the spatial join.
    pub blank_code_spatial_join: u64,
    /// Records whose code is not among the boundaries: placed by the spatial join.
    pub code_not_in_boundaries_spatial_join: u64,
}

impl DirectoryAgreement {
    /// Counts one record.
    pub fn add(&mut self, geocoder: &Geocoder, result: &Geocoded) {
        match result.from_directory {
            FromDirectory::NoColumn => {}
            FromDirectory::Blank => self.blank_code_spatial_join += 1,
            FromDirectory::NotInBoundaries => self.code_not_in_boundaries_spatial_join += 1,
            FromDirectory::Assigned { area, spatial } => {
                self.assigned += 1;
                match spatial {
                    None => self.spatial_join_outside += 1,
                    Some(s) if geocoder.area(s).code == geocoder.area(area).code => self.spatial_join_agrees += 1,
                    Some(_) => self.spatial_join_disagrees += 1,
                }
            }
        }
    }

    /// Adds another agreement's records (e.g. a batch's).
    pub fn merge(&mut self, other: &DirectoryAgreement) {
        self.assigned += other.assigned;
        self.spatial_join_agrees += other.spatial_join_agrees;
        self.spatial_join_disagrees += other.spatial_join_disagrees;
        self.spatial_join_outside += other.spatial_join_outside;
        self.blank_code_spatial_join += other.blank_code_spatial_join;
        self.code_not_in_boundaries_spatial_join += other.code_not_in_boundaries_spatial_join;
    }
}

/// Where a point was placed: area id, distance to it (m), status.
pub type Placed = (Option<u32>, Option<f64>, MatchStatus);

/// The reference data a run used, for its summary (and the report's sources).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ReferenceSummary {
    /// The postcode directory.
    pub postcodes: PostcodesSummary,
    /// The boundaries.
    pub boundaries: BoundariesSummary,
    /// The deprivation file, if one was given.
    pub deprivation: Option<DeprivationSummary>,
}

/// The postcode directory a run used.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct PostcodesSummary {
    /// The file, as named.
    pub path: String,
    /// Its format (Code-Point Open, ONSPD/NSPL, …).
    pub format: DirectoryFormat,
    /// What was read from it.
    #[serde(flatten)]
    pub stats: DirectoryStats,
}

/// The boundaries a run used.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct BoundariesSummary {
    /// The file, as named.
    pub path: String,
    /// The coordinate system the file is in.
    pub crs: Crs,
    /// The areas' geography (e.g. LSOA 2021), from their codes.
    pub geography: Geography,
    /// The property read as each area's code.
    pub code_property: String,
    /// The property read as each area's name, if any.
    pub name_property: Option<String>,
    /// Features in the file.
    pub features: usize,
    /// Areas (features sharing a code are one area).
    pub areas: usize,
    /// Features with no geometry (left out).
    pub features_without_geometry: usize,
}

/// The deprivation file a run used.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct DeprivationSummary {
    /// The file, as named.
    pub path: String,
    /// The edition (e.g. `IoD2025`).
    pub edition: String,
    /// Areas in the file.
    pub areas: usize,
    /// How well it covers the boundaries.
    pub coverage: Coverage,
}

/// The vintage of each reference input of a run, in words, for its summary: e.g. deprivation
/// "IMD 2025, LSOA 2021", population "Census 2021, ages 16–64, LSOA 2021".
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Vintages {
    /// The boundaries' geography.
    pub boundaries: String,
    /// The deprivation edition and its geography.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprivation: Option<String>,
    /// The population column and its source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    /// The postcode directory.
    pub postcodes: String,
}

/// A deprivation edition in words: `IoD2025` on LSOA 2021 → "IMD 2025, LSOA 2021".
///
/// ```
/// use anchormap::geocoder::deprivation_vintage;
/// use anchormap::reference::Geography;
/// assert_eq!(deprivation_vintage("IoD2025", &Geography::Lsoa2021), "IMD 2025, LSOA 2021");
/// assert_eq!(deprivation_vintage("IoD (fictional)", &Geography::Lsoa2021), "IMD (fictional), LSOA 2021");
/// ```
pub fn deprivation_vintage(edition: &str, geography: &Geography) -> String {
    let edition = match edition.strip_prefix("IoD") {
        Some(year) if year.chars().all(|c| c.is_ascii_digit()) && !year.is_empty() => format!("IMD {year}"),
        Some(rest) => format!("IMD{rest}"),
        None => edition.to_string(),
    };
    format!("{edition}, {geography}")
}

/// A population column in words: the census 16–64 count, or an IoD denominator and its year.
///
/// ```
/// use anchormap::geocoder::population_vintage;
/// use anchormap::reference::Geography;
/// assert_eq!(population_vintage("aged_16_to_64", &Geography::Lsoa2021), "Census 2021, ages 16–64, LSOA 2021");
/// assert_eq!(
///     population_vintage("Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)", &Geography::Lsoa2011),
///     "IoD2019 denominators (mid-2015): Working age population 18-59/64, LSOA 2011"
/// );
/// ```
pub fn population_vintage(column: &str, geography: &Geography) -> String {
    let lower = column.to_ascii_lowercase().replace('_', " ");
    let head = column.split(':').next().unwrap_or(column).trim();
    let what = if lower.contains("16 to 64") {
        "Census 2021, ages 16–64".to_string()
    } else if lower.contains("total sum of cells") {
        "Census 2021, all usual residents".to_string()
    } else if lower.contains("mid 2015") || lower.contains("18-59/64") {
        format!("IoD2019 denominators (mid-2015): {head}")
    } else if lower.contains("mid 2022") || lower.contains("18-66") {
        format!("IoD2025 denominators (mid-2022): {head}")
    } else {
        format!("column '{column}'")
    };
    match geography {
        Geography::Other(_) => what,
        g => format!("{what}, {g}"),
    }
}

/// How far (metres) a postcode outside every area may be from the area it is given, unless told.
pub const DEFAULT_MAX_DISTANCE_M: f64 = 1000.0;

/// Paths and options for the reference data a geocoder needs.
#[derive(Debug, Clone)]
pub struct ReferencePaths {
    /// The postcode directory: Code-Point Open (zip or folder) or an ONSPD/NSPL-style CSV.
    pub postcodes: PathBuf,
    /// The directory's columns, where not detected.
    pub postcode_columns: ColumnMap,
    /// The area boundaries (GeoJSON).
    pub boundaries: PathBuf,
    /// The boundary properties holding each area's code and name, where not detected.
    pub boundary_properties: BoundaryProperties,
    /// An English Indices of Deprivation file, for each area's decile.
    pub deprivation: Option<PathBuf>,
    /// The deprivation file's columns, where not detected.
    pub deprivation_columns: ColumnMap,
    /// Furthest a point outside every area may be from the area it is given (metres).
    pub max_distance_m: f64,
    /// The folder of prepared stores to look in (`None`: read the files).
    pub store: Option<PathBuf>,
    /// Whether the user named that folder (`--store`, `ANCHORMAP_STORE`, a settings file): then a
    /// folder without a store of these files is worth a note (a typo, or files not prepared).
    pub store_named: bool,
    /// Whether the run needs the areas' shapes (to write or draw them, or to place points that are
    /// not directory postcodes). From a store, a run that does not (`geocode`) leaves them unread.
    pub area_shapes: bool,
    /// Wales's and Scotland's own indices and Scotland's data zones, if given.
    pub nations: nations::NationPaths,
}

impl ReferencePaths {
    /// A postcode directory and boundaries with every option at its default: no deprivation, no
    /// store to look in, shapes wanted.
    pub fn of_files(postcodes: PathBuf, boundaries: PathBuf) -> ReferencePaths {
        ReferencePaths {
            postcodes,
            postcode_columns: ColumnMap::default(),
            boundaries,
            boundary_properties: BoundaryProperties::default(),
            deprivation: None,
            deprivation_columns: ColumnMap::default(),
            max_distance_m: DEFAULT_MAX_DISTANCE_M,
            store: None,
            store_named: false,
            area_shapes: true,
            nations: nations::NationPaths::default(),
        }
    }
}

/// Loaded reference data and the spatial index over it.
pub struct Geocoder {
    /// The postcode directory.
    pub directory: PostcodeDirectory,
    /// The areas, by feature id.
    pub boundaries: Boundaries,
    /// The deprivation file, if one was given.
    pub deprivation: Option<Deprivation>,
    /// Furthest a point outside every area may be from the area it is given (metres).
    pub max_distance_m: f64,
    /// Built on first use: with a prepared store every directory postcode is already placed.
    index: OnceLock<AreaIndex>,
    /// The prepared store the directory and boundaries came from, if they did.
    pub store: Option<PathBuf>,
    /// Deprivation of each area, aligned with `boundaries.areas`.
    area_deprivation: Vec<Option<DeprivationRecord>>,
    /// Per directory postcode id: 0 until placed, then 1 + the area it lies within. Each distinct
    /// postcode is placed once however many records share it (`nearest` results are not kept).
    within: Vec<AtomicU32>,
    /// Which of the directory's LSOA columns is of the boundaries' vintage (and is used), if any.
    assign_from: Option<usize>,
    /// Per directory area code ([`PostcodeDirectory::area_codes`]): the area with that code.
    code_area: Vec<Option<u32>>,
    /// Notes for the run's warnings: e.g. a directory area column of the other vintage, ignored.
    pub notes: Vec<String>,
    /// Each nation's own index, when the run names Wales's or Scotland's (`None`: England only, as before).
    pub nations: Option<nations::Nations>,
    /// How the deprivation file covers the boundaries: worked out once (every folder's summary names it).
    coverage: OnceLock<Option<Coverage>>,
}

impl Geocoder {
    /// Loads the directory and boundaries from the prepared store of these files when there is a
    /// fresh one, else from the files (in parallel, with the index); then deprivation.
    pub fn load(paths: &ReferencePaths) -> Result<Geocoder> {
        let mut notes = Vec::new();
        // The deprivation file is read while the store is opened and checked.
        let (found, deprivation) = rayon::join(
            || paths.store.as_deref().map(|dir| PreparedStore::find(dir, paths)),
            || paths.deprivation.as_deref().map(|p| Deprivation::load(p, &paths.deprivation_columns)).transpose(),
        );
        let deprivation = deprivation?;
        match found {
            Some(Found::Fresh(store)) => {
                // Postcodes the store has not placed for this run's distance are placed again.
                let shapes = paths.area_shapes || paths.max_distance_m != store.max_distance_m();
                match store
                    .directory(&paths.postcodes)
                    .and_then(|d| Ok((d, store.boundaries(&paths.boundaries, shapes)?)))
                {
                    Ok((directory, boundaries)) => {
                        // A store prepared with Scotland's data zones has them among its areas already.
                        let scotland = store.scotland(paths);
                        return Geocoder::assemble(
                            paths,
                            directory,
                            boundaries,
                            OnceLock::new(),
                            Some(store.path),
                            (notes, scotland, deprivation),
                        );
                    }
                    Err(e) => notes.push(format!("{e}; the files are read instead (run `anchormap prepare` again)")),
                }
            }
            Some(Found::Stale(why)) => notes.push(why),
            Some(Found::Absent) if paths.store_named => notes.push(format!(
                "{} holds no prepared store of these reference files and options: the files are read \
                 (`anchormap prepare` with the same files and --store makes one)",
                paths.store.as_deref().unwrap_or(Path::new("")).display()
            )),
            Some(Found::Absent) | None => {}
        }
        let (directory, boundaries) = rayon::join(
            || PostcodeDirectory::load(&paths.postcodes, &paths.postcode_columns),
            || {
                Boundaries::load(&paths.boundaries, &paths.boundary_properties)
                    .and_then(|b| nations::with_scotland(b, &paths.nations))
                    .map(|(b, scotland)| {
                        let index = b.index();
                        (b, index, scotland)
                    })
            },
        );
        let (boundaries, index, scotland) = boundaries?;
        Geocoder::assemble(paths, directory?, boundaries, OnceLock::from(index), None, (notes, scotland, deprivation))
    }

    /// The geocoder of a directory, boundaries and deprivation: deprivation joined to the areas, and the
    /// directory's own area column of the boundaries' vintage, if it has one.
    fn assemble(
        paths: &ReferencePaths,
        directory: PostcodeDirectory,
        boundaries: Boundaries,
        index: OnceLock<AreaIndex>,
        store: Option<PathBuf>,
        (mut notes, scotland, deprivation): (Vec<String>, Option<nations::ScotlandLayer>, Option<Deprivation>),
    ) -> Result<Geocoder> {
        let nations = paths
            .nations
            .any()
            .then(|| nations::Nations::load(&paths.nations, &boundaries, scotland, deprivation.as_ref()))
            .transpose()?;
        let area_deprivation =
            boundaries.areas.iter().map(|area| deprivation.as_ref().and_then(|d| d.get(&area.code)).copied()).collect();
        // A prepared directory has every postcode placed already: nothing to remember.
        let remembered = if directory.is_prepared() { 0 } else { directory.len() };
        let within = (0..remembered).map(|_| AtomicU32::new(0)).collect();
        let (assign_from, column_notes) = directory_column(&directory, &boundaries.geography);
        notes.extend(column_notes);
        let code_area = match assign_from {
            Some(_) => {
                let mut by_code: rustc_hash::FxHashMap<&str, u32> = rustc_hash::FxHashMap::default();
                for (i, area) in boundaries.areas.iter().enumerate() {
                    by_code.entry(area.code.as_str()).or_insert(i as u32);
                }
                directory.area_codes.iter().map(|c| by_code.get(c.as_str()).copied()).collect()
            }
            None => Vec::new(),
        };
        Ok(Geocoder {
            within,
            assign_from,
            code_area,
            notes,
            directory,
            boundaries,
            deprivation,
            max_distance_m: paths.max_distance_m,
            index,
            store,
            area_deprivation,
            nations,
            coverage: OnceLock::new(),
        })
    }

    /// The spatial index, built on first use.
    fn index(&self) -> &AreaIndex {
        self.index.get_or_init(|| self.boundaries.index())
    }

    /// What reference data was read, for a run's summary.
    pub fn reference_summary(&self) -> ReferenceSummary {
        ReferenceSummary {
            postcodes: PostcodesSummary {
                path: self.directory.path.display().to_string(),
                format: self.directory.format,
                stats: self.directory.stats.clone(),
            },
            boundaries: BoundariesSummary {
                path: self.boundaries.path.display().to_string(),
                crs: self.boundaries.source_crs,
                geography: self.boundaries.geography.clone(),
                code_property: self.boundaries.code_property.clone(),
                name_property: self.boundaries.name_property.clone(),
                features: self.boundaries.areas.len(),
                areas: self.boundaries.distinct_codes(),
                features_without_geometry: self.boundaries.features_without_geometry,
            },
            deprivation: self.deprivation.as_ref().zip(self.coverage()).map(|(d, coverage)| DeprivationSummary {
                path: d.path.display().to_string(),
                edition: d.edition.clone(),
                areas: d.len(),
                coverage,
            }),
        }
    }

    /// The vintage of each reference input (with `population`, if the run has one), for a summary.
    pub fn vintages(&self, population: Option<&crate::reference::Population>) -> Vintages {
        let format = match self.directory.format {
            DirectoryFormat::CodePointOpen => "OS Code-Point Open",
            DirectoryFormat::HeaderCsv => "postcode CSV (ONSPD/NSPL style)",
        };
        Vintages {
            boundaries: self.boundaries.geography.to_string(),
            deprivation: self.deprivation.as_ref().map(|d| deprivation_vintage(&d.edition, &d.geography)),
            population: population.map(|p| population_vintage(&p.column, &p.geography)),
            postcodes: match self.directory_column() {
                Some(column) => format!("{format}; areas from its '{column}' column where given"),
                None => format!("{format}; areas by the spatial join"),
            },
        }
    }

    /// How well the deprivation file covers the boundaries, if one was given.
    pub fn coverage(&self) -> Option<Coverage> {
        self.coverage.get_or_init(|| self.deprivation.as_ref().map(|d| d.coverage(&self.boundaries))).clone()
    }

    /// Every area, by feature id.
    pub fn areas(&self) -> &[Area] {
        &self.boundaries.areas
    }

    /// The area with feature id `id` (a [`Geocoded::area`]).
    pub fn area(&self, id: FeatureId) -> &Area {
        &self.boundaries.areas[id.index()]
    }

    /// The deprivation of the area with feature id `id`, if the file has it.
    pub fn deprivation_of(&self, id: FeatureId) -> Option<&DeprivationRecord> {
        self.area_deprivation[id.index()].as_ref()
    }

    /// The directory's area column used for the official assignment (e.g. `lsoa11`), if any.
    pub fn directory_column(&self) -> Option<&str> {
        self.assign_from.and_then(|v| self.directory.lsoa_columns[v].as_deref())
    }

    /// A spatial placement, replaced by the directory's own area where it gives one.
    fn finish(&self, mut found: Geocoded, (area, distance_m, status): Placed) -> Geocoded {
        match found.from_directory {
            FromDirectory::Assigned { area: official, .. } => {
                found.from_directory = FromDirectory::Assigned { area: official, spatial: area.map(FeatureId) };
                (found.area, found.distance_m, found.status) = (Some(official), Some(0.0), MatchStatus::Directory);
            }
            _ => (found.area, found.distance_m, found.status) = (area.map(FeatureId), distance_m, status),
        }
        found
    }

    /// Geocodes many postcode fields, in parallel, results in input order.
    ///
    /// Points are placed in spatial (Morton) order rather than input order, so that successive
    /// R-tree queries touch nodes already in cache; on the national data this is markedly faster.
    pub fn geocode_many(&self, texts: &[&[u8]]) -> Vec<Geocoded> {
        use rayon::prelude::*;
        if self.directory.is_prepared() {
            // Every directory postcode is placed already: no spatial order to keep. The store is
            // asked for a few dozen postcodes at a time, so that their look-ups wait together.
            return texts
                .par_chunks(LOOK_UP_TOGETHER)
                .flat_map_iter(|chunk| {
                    let postcodes: Vec<Option<Postcode>> = chunk.iter().map(|t| Postcode::parse_bytes(t)).collect();
                    let entries = self.directory.get_many(&postcodes);
                    postcodes.into_iter().zip(entries).map(|(postcode, entry)| self.place_found(postcode, entry))
                })
                .collect();
        }
        let found: Vec<(Geocoded, Option<u32>)> = texts.par_iter().map(|t| self.look_up(t)).collect();
        let mut order: Vec<(u64, u32)> =
            found.iter().enumerate().filter_map(|(i, (r, _))| r.location.map(|p| (morton_key(p), i as u32))).collect();
        order.par_sort_unstable();
        let placed: Vec<(u32, Placed)> = order
            .par_iter()
            .map(|&(_, i)| {
                let (r, id) = &found[i as usize];
                (i, self.place_postcode(r.location.unwrap_or_default(), r.country, *id))
            })
            .collect();
        let mut results: Vec<Geocoded> = found.into_iter().map(|(r, _)| r).collect();
        for (i, placed) in placed {
            let r = &mut results[i as usize];
            *r = self.finish(*r, placed);
        }
        results
    }

    /// Geocodes the text of a postcode field.
    pub fn geocode(&self, text: &[u8]) -> Geocoded {
        let postcode = Postcode::parse_bytes(text);
        self.place_found(postcode, postcode.and_then(|p| self.directory.get_with_id(&p)))
    }

    /// Geocodes a postcode (`None`: the text was not one) with its directory entry, if it has one.
    fn place_found(&self, postcode: Option<Postcode>, entry: Option<(PostcodeEntry, u32)>) -> Geocoded {
        let (found, id) = self.found(postcode, entry);
        match found.location {
            Some(point) => self.finish(found, self.place_postcode(point, found.country, id)),
            None => found,
        }
    }

    /// The directory half of geocoding: the postcode's point, not yet placed (status `Outside`
    /// until placed when there is a point), and its directory id.
    fn look_up(&self, text: &[u8]) -> (Geocoded, Option<u32>) {
        let postcode = Postcode::parse_bytes(text);
        self.found(postcode, postcode.and_then(|p| self.directory.get_with_id(&p)))
    }

    /// [`Geocoder::look_up`] of a postcode already parsed and looked up.
    fn found(&self, postcode: Option<Postcode>, entry: Option<(PostcodeEntry, u32)>) -> (Geocoded, Option<u32>) {
        let unplaced = |postcode, country, status| Geocoded {
            postcode,
            location: None,
            country,
            area: None,
            distance_m: None,
            status,
            from_directory: FromDirectory::NoColumn,
        };
        let Some(postcode) = postcode else {
            return (unplaced(None, None, MatchStatus::InvalidPostcode), None);
        };
        let Some((entry, id)) = entry else {
            return (unplaced(Some(postcode), None, MatchStatus::UnknownPostcode), None);
        };
        let Some(location) = entry.location else {
            return (unplaced(Some(postcode), entry.country, MatchStatus::NoCoordinates), Some(id));
        };
        let found = Geocoded {
            postcode: Some(postcode),
            location: Some(location),
            country: entry.country,
            area: None,
            distance_m: None,
            status: MatchStatus::Outside,
            from_directory: match self.assign_from {
                None => FromDirectory::NoColumn,
                Some(v) => match entry.lsoa[v] {
                    None => FromDirectory::Blank,
                    Some(code) => match self.code_area.get(code as usize).copied().flatten() {
                        Some(area) => FromDirectory::Assigned { area: FeatureId(area), spatial: None },
                        None => FromDirectory::NotInBoundaries,
                    },
                },
            },
        };
        (found, Some(id))
    }

    /// Places a directory postcode's point, once: later records with the same postcode reuse it.
    fn place_postcode(&self, point: Coord<f64>, country: Option<Country>, id: Option<u32>) -> Placed {
        if let Some(placement) = id.and_then(|id| self.directory.prepared_placement(id, self.max_distance_m)) {
            // The store placed postcodes in England and Wales only: Scotland's are placed here.
            if !(matches!(placement, Placement::Outside) && self.has_scotland()) {
                return placed(placement);
            }
        }
        let slot = id.and_then(|id| self.within.get(id as usize));
        if let Some(area) = slot.map(|s| s.load(Ordering::Relaxed)).filter(|&a| a > 0) {
            return (Some(area - 1), Some(0.0), MatchStatus::Within);
        }
        let placed = self.place(point, country);
        if let (Some(slot), (Some(area), _, MatchStatus::Within)) = (slot, placed) {
            slot.store(area + 1, Ordering::Relaxed);
        }
        placed
    }

    /// Whether Scotland's data zones are among the areas.
    fn has_scotland(&self) -> bool {
        self.nations.as_ref().is_some_and(|n| n.scotland.is_some())
    }

    /// The area's decile in its own nation's index (IMD, WIMD or SIMD) and that index's name, when
    /// the run names the nations' indices.
    pub fn own_index(&self, id: FeatureId) -> Option<(&str, nations::OwnIndex)> {
        let nations = self.nations.as_ref()?;
        let imd = self.deprivation_of(id).map(|d| (d.decile, d.rank));
        let own = nations.own_index(id.index(), self.area(id).country, imd)?;
        Some((nations.index_name(own.index), own))
    }

    /// Places a BNG point in an area of a compatible country: the directory's country, when known,
    /// must agree with the area code's (so a Scottish postcode never lands in an English area).
    pub fn place(&self, point: Coord<f64>, country: Option<Country>) -> Placed {
        placed(self.placement(point, country))
    }

    /// [`Geocoder::place`], as the spatial index answers it.
    pub fn placement(&self, point: Coord<f64>, country: Option<Country>) -> Placement {
        let accept = |id: u32| Country::compatible(country, self.boundaries.areas[id as usize].country);
        self.index().place(point, self.max_distance_m, accept)
    }
}

fn placed(placement: Placement) -> Placed {
    match placement {
        Placement::Within { area } => (Some(area), Some(0.0), MatchStatus::Within),
        Placement::Nearest { area, distance_m } => (Some(area), Some(distance_m), MatchStatus::Nearest),
        Placement::Outside => (None, None, MatchStatus::Outside),
    }
}

/// Which of the directory's LSOA columns (if any) is of the boundaries' vintage, and notes on the
/// ones that are not used.
fn directory_column(directory: &PostcodeDirectory, boundaries: &Geography) -> (Option<usize>, Vec<String>) {
    use crate::reference::postcodes::{LSOA11, LSOA21};
    let wanted = match boundaries {
        Geography::Lsoa2011 => Some(LSOA11),
        Geography::Lsoa2021 => Some(LSOA21),
        Geography::Other(_) => None,
    };
    let mut notes = Vec::new();
    for (v, vintage) in [(LSOA11, Geography::Lsoa2011), (LSOA21, Geography::Lsoa2021)] {
        if let Some(header) = directory.lsoa_columns[v].as_ref().filter(|_| wanted != Some(v)) {
            notes.push(format!(
                "the postcode directory's {vintage} column '{header}' is not used: the boundaries are {boundaries} \
                 (postcodes are placed by the spatial join{})",
                if wanted.is_some_and(|w| directory.lsoa_columns[w].is_some()) {
                    " where the directory gives no area"
                } else {
                    ""
                }
            ));
        }
    }
    (wanted.filter(|&w| directory.lsoa_columns[w].is_some()), notes)
}

/// Interleaves the bits of a point's 1 m grid cell: nearby points get nearby keys.
fn morton_key(point: Coord<f64>) -> u64 {
    fn spread(v: u32) -> u64 {
        let mut x = v as u64 & 0xffff_ffff;
        x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
        x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
        x = (x | (x << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
        x = (x | (x << 2)) & 0x3333_3333_3333_3333;
        (x | (x << 1)) & 0x5555_5555_5555_5555
    }
    let cell = |v: f64| v.clamp(0.0, u32::MAX as f64) as u32;
    spread(cell(point.x)) | (spread(cell(point.y)) << 1)
}
