//! Great Britain beside England: Scotland's data zones as a second layer of areas, and each area's decile in its own nation's index (IMD, WIMD, SIMD), never pooled.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Location, Result};
use crate::reference::boundaries::BoundaryProperties;
use crate::reference::nations::{NationEdition, NationIndex};
use crate::reference::{Boundaries, Country, Deprivation, Geography};

/// The files of the nations beside England (`--wimd`, `--simd`, `--scotland-boundaries`).
#[derive(Debug, Clone, Default)]
pub struct NationPaths {
    /// Wales's own index: WIMD 2019 (LSOA 2011) or WIMD 2025 (LSOA 2021).
    pub wimd: Option<PathBuf>,
    /// Scotland's own index: SIMD 2020v2 (Data Zone 2011).
    pub simd: Option<PathBuf>,
    /// Scotland's Data Zone 2011 boundaries (GeoJSON, WGS84 or BNG).
    pub scotland_boundaries: Option<PathBuf>,
}

impl NationPaths {
    /// Whether any is given: only then does a run say which nation each person is in (an
    /// England-only run is as it was).
    pub fn any(&self) -> bool {
        self.wimd.is_some() || self.simd.is_some() || self.scotland_boundaries.is_some()
    }

    /// The files named.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        [&self.wimd, &self.simd, &self.scotland_boundaries].into_iter().flatten().map(PathBuf::as_path)
    }
}

/// Scotland's data zones, appended to the geocoder's areas: feature ids from `first` on.
#[derive(Debug, Clone, Serialize)]
pub struct ScotlandLayer {
    /// The boundary file, as named.
    pub path: String,
    /// Its features (data zones).
    pub features: usize,
    /// The first feature id of the zones among the geocoder's areas.
    #[serde(skip)]
    pub first: u32,
}

/// The area's place in its own nation's index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OwnIndex {
    /// Which index: 0 England's IMD, else a [`Nations::indices`] position + 1.
    pub index: u8,
    /// 1 = most deprived 10% of its nation's areas.
    pub decile: u8,
    /// 1 = most deprived in its nation.
    pub rank: u32,
}

/// Each nation's own index in a run, and each area's decile in its own nation's.
pub struct Nations {
    /// The indices beside England's, Wales's first.
    pub indices: Vec<NationIndex>,
    /// Scotland's data zones, if given.
    pub scotland: Option<ScotlandLayer>,
    /// England's IMD in words (`IMD 2025`), if the run has it.
    pub england: Option<String>,
    /// Per feature: its own nation's index, where the run has that index and it ranks the area.
    per_area: Vec<Option<OwnIndex>>,
}

/// Appends Scotland's data zones to `boundaries` (after every England-and-Wales area), if given.
pub fn with_scotland(mut boundaries: Boundaries, paths: &NationPaths) -> Result<(Boundaries, Option<ScotlandLayer>)> {
    let Some(path) = &paths.scotland_boundaries else { return Ok((boundaries, None)) };
    let zones = Boundaries::load(path, &BoundaryProperties::default())?;
    if let Some(other) = zones.areas.iter().find(|a| !a.code.starts_with("S01")) {
        return Err(Error::invalid(
            Location::file(path),
            format!(
                "--scotland-boundaries takes Data Zone 2011 boundaries (codes S01…); '{}' (property {}) is not a data zone",
                other.code, zones.code_property
            ),
        ));
    }
    if let Some(clash) = boundaries.areas.iter().find(|a| a.code.starts_with("S01")) {
        return Err(Error::invalid(
            Location::file(&boundaries.path),
            format!("already has Scottish data zone {}: give Scotland's zones in one file only", clash.code),
        ));
    }
    let layer = ScotlandLayer {
        path: path.display().to_string(),
        features: zones.areas.len(),
        first: boundaries.areas.len() as u32,
    };
    boundaries.areas.extend(zones.areas);
    boundaries.features_without_geometry += zones.features_without_geometry;
    Ok((boundaries, Some(layer)))
}

impl Nations {
    /// Reads WIMD and SIMD and pairs each with its geography: WIMD 2019 with LSOA 2011
    /// boundaries, WIMD 2025 with LSOA 2021, SIMD 2020v2 with the data zones; a mismatch is refused.
    pub fn load(
        paths: &NationPaths,
        boundaries: &Boundaries,
        scotland: Option<ScotlandLayer>,
        england: Option<&Deprivation>,
    ) -> Result<Nations> {
        let mut indices = Vec::new();
        if let Some(path) = &paths.wimd {
            let wimd = NationIndex::load(path, Country::Wales, "--wimd")?;
            check_lsoa_vintage(&wimd, boundaries)?;
            indices.push(wimd);
        }
        if let Some(path) = &paths.simd {
            if scotland.is_none() {
                return Err(Error::invalid(
                    Location::file(path),
                    "SIMD ranks Scotland's data zones: give their boundaries with --scotland-boundaries \
                     (DZ_2011_Scotland_generalised.geojson)",
                ));
            }
            indices.push(NationIndex::load(path, Country::Scotland, "--simd")?);
        }
        let england_name = england.map(|d| {
            let words = crate::geocoder::deprivation_vintage(&d.edition, &d.geography);
            words.split(", ").next().unwrap_or(&words).to_string()
        });
        let per_area = boundaries
            .areas
            .iter()
            .map(|area| {
                let (i, index) = indices.iter().enumerate().find(|(_, x)| Some(x.edition.nation()) == area.country)?;
                let record = index.get(&area.code)?;
                Some(OwnIndex { index: i as u8 + 1, decile: record.decile, rank: record.rank })
            })
            .collect();
        Ok(Nations { indices, scotland, england: england_name, per_area })
    }

    /// The area's own nation's index and decile (England's from its IMD record, given here).
    pub fn own_index(&self, feature: usize, country: Option<Country>, imd: Option<(u8, u32)>) -> Option<OwnIndex> {
        match country {
            Some(Country::England) => imd.map(|(decile, rank)| OwnIndex { index: 0, decile, rank }),
            _ => self.per_area.get(feature).copied().flatten(),
        }
    }

    /// A Scottish data zone's working-age population as SIMD counted it (its population base), if
    /// the run has SIMD and the file gives it.
    pub fn working_age(&self, code: &str) -> Option<f64> {
        let simd = self.indices.iter().find(|i| i.edition.nation() == Country::Scotland)?;
        simd.get(code)?.working_age
    }

    /// The name the area's own nation's index gives it (WIMD 2025's descriptive LSOA name, SIMD's
    /// data zone name), if the run has that index and it names the area.
    pub fn own_name(&self, code: &str, nation: Option<Country>) -> Option<&str> {
        let index = self.indices.iter().find(|i| Some(i.edition.nation()) == nation)?;
        index.get(code)?.name.as_deref().filter(|n| !n.trim().is_empty())
    }

    /// A Scottish data zone's total population as SIMD counted it, if the run has SIMD and the
    /// file gives it (`emissions`' per-1,000 rates, on all ages).
    pub fn total_population(&self, code: &str) -> Option<f64> {
        let simd = self.indices.iter().find(|i| i.edition.nation() == Country::Scotland)?;
        simd.get(code)?.total
    }

    /// The name of the index of `nation` the run has (`IMD 2025`, `WIMD 2025`, `SIMD 2020v2`).
    pub fn index_of(&self, nation: Country) -> Option<&str> {
        match nation {
            Country::England => self.england.as_deref(),
            _ => self.indices.iter().find(|i| i.edition.nation() == nation).map(|i| i.edition.name()),
        }
    }

    /// The name of an index (`IMD 2025`, `WIMD 2025`, `SIMD 2020v2`).
    pub fn index_name(&self, index: u8) -> &str {
        match index {
            0 => self.england.as_deref().unwrap_or("IMD"),
            i => self.indices[i as usize - 1].edition.name(),
        }
    }

    /// What the run used, for its summary.
    pub fn summary(&self) -> NationsSummary {
        NationsSummary {
            indices: self
                .indices
                .iter()
                .map(|i| NationIndexSummary {
                    path: i.path.display().to_string(),
                    nation: nation_name(i.edition.nation()).to_string(),
                    index: i.edition.name().to_string(),
                    geography: i.edition.geography().to_string(),
                    areas: i.records.len(),
                })
                .collect(),
            scotland_boundaries: self.scotland.clone(),
        }
    }
}

/// WIMD's LSOAs are of one vintage: the boundaries' must be the same.
fn check_lsoa_vintage(wimd: &NationIndex, boundaries: &Boundaries) -> Result<()> {
    let wanted = wimd.edition.lsoa_vintage();
    if wanted.as_ref() == Some(&boundaries.geography) || matches!(boundaries.geography, Geography::Other(_)) {
        return Ok(());
    }
    let other = if wimd.edition == NationEdition::Wimd2019 {
        "WIMD 2025 (wimd2025_lsoa21.csv)"
    } else {
        "WIMD 2019 (wimd2019_lsoa11.csv)"
    };
    Err(Error::invalid(
        Location::file(&wimd.path),
        format!(
            "{} is on {} but the boundaries are {}: give {other} with these boundaries, or boundaries of {}",
            wimd.edition.name(),
            wimd.edition.geography(),
            boundaries.geography,
            wimd.edition.geography()
        ),
    ))
}

/// A nation's name as written in outputs.
pub fn nation_name(country: Country) -> &'static str {
    match country {
        Country::England => "England",
        Country::Wales => "Wales",
        Country::Scotland => "Scotland",
        Country::NorthernIreland => "Northern Ireland",
        Country::ChannelIslands => "Channel Islands",
        Country::IsleOfMan => "Isle of Man",
    }
}

/// The nations' indices a run used, in its summary.
#[derive(Debug, Clone, Serialize)]
pub struct NationsSummary {
    /// Each index beside England's.
    pub indices: Vec<NationIndexSummary>,
    /// Scotland's data zones, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scotland_boundaries: Option<ScotlandLayer>,
}

/// One nation's index, in a run's summary.
#[derive(Debug, Clone, Serialize)]
pub struct NationIndexSummary {
    /// The file, as named.
    pub path: String,
    /// The nation it ranks.
    pub nation: String,
    /// The index and edition (`WIMD 2025`).
    pub index: String,
    /// The areas it ranks (`LSOA 2021`).
    pub geography: String,
    /// Areas in the file.
    pub areas: usize,
}

/// Rows by nation: how many, placed, and with a decile in their nation's own index.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NationTally {
    /// Per nation (`England`, `Wales`, `Scotland`, …; `unknown` where neither the directory nor an area says).
    #[serde(flatten)]
    pub rows: std::collections::BTreeMap<&'static str, NationCount>,
    /// Rows with a Northern Ireland (BT) postcode that the directory does not have.
    pub northern_ireland_not_in_directory: u64,
}

/// One nation's rows.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct NationCount {
    /// Rows in the nation.
    pub rows: u64,
    /// Of those, placed in an area.
    pub placed: u64,
    /// Of those, with a decile in the nation's own index.
    pub with_decile: u64,
}

impl NationTally {
    /// Counts one row: its nation, whether placed, whether it has its nation's decile.
    pub fn add(&mut self, nation: Option<Country>, placed: bool, with_decile: bool) {
        let count = self.rows.entry(nation.map_or("unknown", nation_name)).or_default();
        count.rows += 1;
        count.placed += u64::from(placed);
        count.with_decile += u64::from(with_decile);
    }

    /// Adds another tally's rows (e.g. a chunk's).
    pub fn merge(&mut self, other: &NationTally) {
        for (nation, c) in &other.rows {
            let count = self.rows.entry(nation).or_default();
            count.rows += c.rows;
            count.placed += c.placed;
            count.with_decile += c.with_decile;
        }
        self.northern_ireland_not_in_directory += other.northern_ireland_not_in_directory;
    }

    /// The note for Northern Ireland postcodes not found, if any.
    pub fn northern_ireland_note(&self) -> Option<String> {
        (self.northern_ireland_not_in_directory > 0).then(|| {
            format!(
                "{} rows have Northern Ireland (BT) postcodes the directory does not have: OS Code-Point Open \
                 covers Great Britain only (the ONS Postcode Directory covers Northern Ireland; Northern Ireland's \
                 own index, NIMDM, is not read)",
                self.northern_ireland_not_in_directory
            )
        })
    }
}

/// The commands other than gaps, emissions, funnel, commute and network (an export) do not yet compare within each nation: they set
/// Wales's and Scotland's files aside, with this note, and run on England's IMD as before (a Welsh
/// or Scottish person is without a decile there, never given an English one).
pub fn set_aside_for_analyses(paths: &mut crate::geocoder::ReferencePaths) -> Option<String> {
    if !paths.nations.any() {
        return None;
    }
    paths.nations = NationPaths::default();
    Some(
        "--wimd, --simd and --scotland-boundaries are read by geocode, prepare, gaps, emissions, funnel, commute and network only so far: this run compares \
         on England's IMD alone, as before (Welsh and Scottish people are counted without a decile, never given \
         an English one)"
            .to_string(),
    )
}
