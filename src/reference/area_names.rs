//! Names people know for small areas: the House of Commons Library's MSOA names (joined on the MSOA code through an LSOA → MSOA lookup) and electoral ward names, by LSOA code; Scotland's data zones with their intermediate zone, council area and health board (`DataZones`).

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::columns::ColumnMap;
use crate::dictionary::{DATA_ZONE_LOOKUP, MSOA_LOOKUP, MSOA_NAMES, WARD_LOOKUP};
use crate::error::{Error, Location, Result};
use crate::reference::table::ReferenceTable;
use crate::reference::{Geography, AREA_CODE_COLUMN};

/// What the House of Commons Library's licence asks every use of its names to say.
pub const OPEN_PARLIAMENT_ATTRIBUTION: &str =
    "Contains Parliamentary information licensed under the Open Parliament Licence v3.0 (MSOA names: House of Commons Library).";

/// A middle layer super output area: its code and the name people know it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msoa {
    pub code: String,
    /// The House of Commons Library name (e.g. "Warndon West"), else the ONS name ("Worcester 002").
    pub name: String,
    /// Whether `name` is the House of Commons Library's.
    pub named_by_library: bool,
    /// The ONS name ("Worcester 002"), else the code.
    pub ons_name: String,
}

/// The files names come from (each optional; the MSOA names need the lookup).
#[derive(Debug, Clone, Copy, Default)]
pub struct NameFiles<'a> {
    pub msoa_lookup: Option<&'a Path>,
    pub msoa_names: Option<&'a Path>,
    pub ward_lookup: Option<&'a Path>,
}

/// Each LSOA's MSOA and ward, by LSOA code.
#[derive(Debug, Clone, Default)]
pub struct AreaNames {
    pub msoas: Vec<Msoa>,
    msoa_of: FxHashMap<String, usize>,
    ward_of: FxHashMap<String, String>,
    /// The vintage of the lookups' LSOA codes (from their code column's header).
    pub geography: Option<Geography>,
    /// The files read, for the summary.
    pub files: Vec<PathBuf>,
}

impl AreaNames {
    /// Reads the lookups given; `None` when none is. MSOA names without the LSOA → MSOA lookup
    /// are an error naming the flag that gives it.
    pub fn load(files: NameFiles) -> Result<Option<AreaNames>> {
        if let (Some(names), None) = (files.msoa_names, files.msoa_lookup) {
            return Err(Error::invalid(
                Location::file(names),
                "MSOA names are joined to areas through an LSOA to MSOA lookup: give it with --msoa-lookup (e.g. lsoa21_to_msoa21.csv)",
            ));
        }
        if files.msoa_lookup.is_none() && files.ward_lookup.is_none() {
            return Ok(None);
        }
        let mut names = AreaNames::default();
        if let Some(lookup) = files.msoa_lookup {
            let library = files.msoa_names.map(read_library_names).transpose()?.unwrap_or_default();
            names.read_msoas(lookup, &library)?;
            names.files.extend([Some(lookup), files.msoa_names].into_iter().flatten().map(Path::to_path_buf));
        }
        if let Some(wards) = files.ward_lookup {
            names.read_wards(wards)?;
            names.files.push(wards.to_path_buf());
        }
        Ok(Some(names))
    }

    /// The MSOA (an index into `msoas`) of an LSOA.
    pub fn msoa(&self, lsoa: &str) -> Option<usize> {
        self.msoa_of.get(lsoa).copied()
    }

    /// The ward of an LSOA.
    pub fn ward(&self, lsoa: &str) -> Option<&str> {
        self.ward_of.get(lsoa).map(String::as_str)
    }

    /// Whether any MSOA carries a House of Commons Library name (so the licence's attribution is due).
    pub fn uses_library_names(&self) -> bool {
        self.msoas.iter().any(|m| m.named_by_library)
    }

    fn read_msoas(&mut self, path: &Path, library: &FxHashMap<String, String>) -> Result<()> {
        let table = ReferenceTable::read(path)?;
        let at = table.file();
        let columns = ColumnMap::default();
        let lsoa = columns.require(&AREA_CODE_COLUMN, &table.headers, &at)?;
        let msoa = columns.require(&MSOA_LOOKUP[0], &table.headers, &at)?;
        let ons_name = columns.find(&MSOA_LOOKUP[1], &table.headers, &at)?;
        let ons_names: Vec<Option<&str>> = match ons_name {
            Some(c) => table.column(c).collect(),
            None => vec![None; table.height()],
        };
        let mut index: FxHashMap<String, usize> = FxHashMap::default();
        for ((lsoa, msoa), ons) in table.column(lsoa).zip(table.column(msoa)).zip(ons_names) {
            let (Some(lsoa), Some(msoa)) = (lsoa, msoa) else { continue };
            let next = self.msoas.len();
            let i = *index.entry(msoa.to_string()).or_insert(next);
            if i == next {
                let library_name = library.get(msoa);
                self.msoas.push(Msoa {
                    code: msoa.to_string(),
                    name: library_name.cloned().or(ons.map(str::to_string)).unwrap_or_else(|| msoa.to_string()),
                    named_by_library: library_name.is_some(),
                    ons_name: ons.unwrap_or(msoa).to_string(),
                });
            }
            self.msoa_of.insert(lsoa.to_string(), i);
        }
        if self.msoa_of.is_empty() {
            return Err(Error::invalid(at, "the LSOA to MSOA lookup has no rows"));
        }
        self.geography = Some(Geography::from_code_name(&table.headers[lsoa]));
        Ok(())
    }

    fn read_wards(&mut self, path: &Path) -> Result<()> {
        let table = ReferenceTable::read(path)?;
        let at = table.file();
        let columns = ColumnMap::default();
        let lsoa = columns.require(&AREA_CODE_COLUMN, &table.headers, &at)?;
        let ward = columns.require(&WARD_LOOKUP[0], &table.headers, &at)?;
        for (lsoa, ward) in table.column(lsoa).zip(table.column(ward)) {
            if let (Some(lsoa), Some(ward)) = (lsoa, ward) {
                self.ward_of.insert(lsoa.to_string(), ward.to_string());
            }
        }
        if self.ward_of.is_empty() {
            return Err(Error::invalid(at, "the ward lookup has no rows"));
        }
        self.geography.get_or_insert(Geography::from_code_name(&table.headers[lsoa]));
        Ok(())
    }
}

/// A Scottish data zone as people know it: its own name and the places it is in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataZone {
    /// The data zone's name ("Culter - 01"), if the lookup gives it.
    pub name: Option<String>,
    /// Its intermediate zone (Scotland's neighbourhood of several data zones), code and name ("Culter").
    pub intermediate_zone: Option<(String, String)>,
    /// Its council area ("Aberdeen City").
    pub council_area: Option<String>,
    /// Its NHS health board ("NHS Grampian").
    pub health_board: Option<String>,
}

/// Scotland's data zones by code, from a Data Zone → Intermediate Zone → council area → health
/// board lookup (`--data-zone-lookup`, e.g. dz11_iz11_ca_hb_lookup.csv).
#[derive(Debug, Clone, Default)]
pub struct DataZones {
    pub path: PathBuf,
    zones: FxHashMap<String, DataZone>,
}

impl DataZones {
    /// Reads the lookup: a data zone code column (S01…) and at least its intermediate zone's
    /// name; the data zone's name, the intermediate zone's code, council area and health board
    /// where the file has them.
    pub fn load(path: &Path) -> Result<DataZones> {
        let table = ReferenceTable::read(path)?;
        let at = table.file();
        let columns = ColumnMap::default();
        let code = columns.require(&DATA_ZONE_LOOKUP[0], &table.headers, &at)?;
        let iz_name = columns.require(&DATA_ZONE_LOOKUP[3], &table.headers, &at)?;
        let optional = |i: usize| -> Result<Vec<Option<&str>>> {
            Ok(match columns.find(&DATA_ZONE_LOOKUP[i], &table.headers, &at)? {
                Some(c) => table.column(c).collect(),
                None => vec![None; table.height()],
            })
        };
        let (names, iz_codes, councils, boards) = (optional(1)?, optional(2)?, optional(4)?, optional(5)?);
        let iz_names: Vec<Option<&str>> = table.column(iz_name).collect();
        let mut zones = FxHashMap::default();
        for (row, zone) in table.column(code).enumerate() {
            let Some(zone) = zone else { continue };
            if !zone.starts_with("S01") {
                return Err(Error::invalid(
                    table.location(row, code),
                    format!(
                        "'{zone}' is not a data zone code (S01…): --data-zone-lookup takes Scotland's Data Zone lookup"
                    ),
                ));
            }
            let text = |cells: &[Option<&str>]| cells[row].map(str::to_string);
            let intermediate_zone = iz_names[row].map(|n| (text(&iz_codes).unwrap_or_default(), n.to_string()));
            let place = DataZone {
                name: text(&names),
                intermediate_zone,
                council_area: text(&councils),
                health_board: text(&boards),
            };
            if zones.insert(zone.to_string(), place).is_some() {
                return Err(Error::invalid(table.location(row, code), format!("'{zone}' is given twice")));
            }
        }
        if zones.is_empty() {
            return Err(Error::invalid(at, "the data zone lookup has no rows"));
        }
        Ok(DataZones { path: path.to_path_buf(), zones })
    }

    /// The data zone of this code, if the lookup has it.
    pub fn get(&self, code: &str) -> Option<&DataZone> {
        self.zones.get(code)
    }
}

/// The House of Commons Library names by MSOA code (64 names recur in different places, so the
/// code is the key, never the name).
fn read_library_names(path: &Path) -> Result<FxHashMap<String, String>> {
    let table = ReferenceTable::read(path)?;
    let at = table.file();
    let columns = ColumnMap::default();
    let code = columns.require(&MSOA_NAMES[0], &table.headers, &at)?;
    let name = columns.require(&MSOA_NAMES[1], &table.headers, &at)?;
    let names: FxHashMap<String, String> = table
        .column(code)
        .zip(table.column(name))
        .filter_map(|(c, n)| Some((c?.to_string(), n?.to_string())))
        .collect();
    if names.is_empty() {
        return Err(Error::invalid(at, "the MSOA names file has no names"));
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_join_on_the_msoa_code_not_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let lookup = dir.path().join("lookup.csv");
        std::fs::write(
            &lookup,
            "LSOA21CD,LSOA21NM,MSOA21CD,MSOA21NM\nL1,A 001A,M1,A 001\nL2,A 001B,M1,A 001\nL3,B 001A,M2,B 001\n",
        )
        .unwrap();
        let names = dir.path().join("names.csv");
        std::fs::write(&names, "\u{feff}msoa21cd,msoa21nm,msoa21hclnm\nM1,A 001,Hillside\nM9,C 001,Hillside\n")
            .unwrap();
        let wards = dir.path().join("wards.csv");
        std::fs::write(&wards, "LSOA21NM,LSOA21CD,WD24NM,WD24CD\nA 001A,L1,Nunnery,W1\n").unwrap();
        let files = NameFiles { msoa_lookup: Some(&lookup), msoa_names: Some(&names), ward_lookup: Some(&wards) };
        let found = AreaNames::load(files).unwrap().unwrap();
        let m1 = &found.msoas[found.msoa("L2").unwrap()];
        assert_eq!((m1.code.as_str(), m1.name.as_str(), m1.named_by_library), ("M1", "Hillside", true));
        let m2 = &found.msoas[found.msoa("L3").unwrap()];
        assert_eq!(
            (m2.name.as_str(), m2.named_by_library),
            ("B 001", false),
            "the ONS name where the library has none"
        );
        assert_eq!(found.ward("L1"), Some("Nunnery"));
        assert_eq!(found.geography, Some(Geography::Lsoa2021));
        let err = AreaNames::load(NameFiles { msoa_names: Some(&names), ..NameFiles::default() }).unwrap_err();
        assert!(err.to_string().contains("--msoa-lookup"), "{err}");
    }

    #[test]
    fn data_zones_carry_their_intermediate_zone_council_area_and_health_board() {
        let dir = tempfile::tempdir().unwrap();
        let lookup = dir.path().join("dz.csv");
        std::fs::write(
            &lookup,
            "dz11_code,dz11_name,iz11_code,iz11_name,ca_code,ca_name,hb_code,hb_name\n\
             S01006506,Culter - 01,S02001236,Culter,S12000033,Aberdeen City,S08000020,NHS Grampian\n",
        )
        .unwrap();
        let zones = DataZones::load(&lookup).unwrap();
        let zone = zones.get("S01006506").unwrap();
        assert_eq!(zone.name.as_deref(), Some("Culter - 01"));
        assert_eq!(zone.intermediate_zone, Some(("S02001236".to_string(), "Culter".to_string())));
        assert_eq!(
            (zone.council_area.as_deref(), zone.health_board.as_deref()),
            (Some("Aberdeen City"), Some("NHS Grampian"))
        );
        std::fs::write(&lookup, "dz11_code,iz11_name\nE01000001,Culter\n").unwrap();
        let err = DataZones::load(&lookup).unwrap_err().to_string();
        assert!(err.contains("not a data zone code"), "{err}");
    }
}
