//! Names people know for small areas: the House of Commons Library's MSOA names (joined on the MSOA code through an LSOA → MSOA lookup) and electoral ward names, by LSOA code.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::columns::ColumnMap;
use crate::dictionary::{MSOA_LOOKUP, MSOA_NAMES, WARD_LOOKUP};
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
}
