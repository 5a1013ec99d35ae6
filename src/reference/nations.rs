//! Wales's and Scotland's own deprivation indices (WIMD 2019/2025, SIMD 2020v2), each read on its own geography, never pooled with England's.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::error::{Error, Location, Result};
use crate::reference::table::ReferenceTable;
use crate::reference::{parse_published_number, Country, Geography};

/// An edition of a nation's own index, and the geography it ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NationEdition {
    /// Welsh Index of Multiple Deprivation 2019, on LSOA 2011.
    Wimd2019,
    /// Welsh Index of Multiple Deprivation 2025, on LSOA 2021.
    Wimd2025,
    /// Scottish Index of Multiple Deprivation 2020v2, on Data Zone 2011.
    Simd2020v2,
}

impl NationEdition {
    const ALL: [NationEdition; 3] = [NationEdition::Wimd2019, NationEdition::Wimd2025, NationEdition::Simd2020v2];

    /// The prefix of its columns in the published tables (`wimd2025_decile`).
    fn prefix(self) -> &'static str {
        match self {
            NationEdition::Wimd2019 => "wimd2019_",
            NationEdition::Wimd2025 => "wimd2025_",
            NationEdition::Simd2020v2 => "simd2020v2_",
        }
    }

    /// Its name as written in outputs: `WIMD 2025`, `SIMD 2020v2`.
    pub fn name(self) -> &'static str {
        match self {
            NationEdition::Wimd2019 => "WIMD 2019",
            NationEdition::Wimd2025 => "WIMD 2025",
            NationEdition::Simd2020v2 => "SIMD 2020v2",
        }
    }

    /// The nation it ranks.
    pub fn nation(self) -> Country {
        match self {
            NationEdition::Wimd2019 | NationEdition::Wimd2025 => Country::Wales,
            NationEdition::Simd2020v2 => Country::Scotland,
        }
    }

    /// The header of its area code column.
    fn code_header(self) -> &'static str {
        match self {
            NationEdition::Wimd2019 => "lsoa11_code",
            NationEdition::Wimd2025 => "lsoa21_code",
            NationEdition::Simd2020v2 => "dz11_code",
        }
    }

    /// The small areas it ranks, in words (`LSOA 2021`, `Data Zone 2011`).
    pub fn geography(self) -> &'static str {
        match self {
            NationEdition::Wimd2019 => "LSOA 2011",
            NationEdition::Wimd2025 => "LSOA 2021",
            NationEdition::Simd2020v2 => "Data Zone 2011",
        }
    }

    /// The England-and-Wales LSOA vintage it must be placed with (`None` for Scotland's data zones).
    pub fn lsoa_vintage(self) -> Option<Geography> {
        match self {
            NationEdition::Wimd2019 => Some(Geography::Lsoa2011),
            NationEdition::Wimd2025 => Some(Geography::Lsoa2021),
            NationEdition::Simd2020v2 => None,
        }
    }
}

/// One area's place in its nation's index.
#[derive(Debug, Clone, PartialEq)]
pub struct NationRecord {
    /// 1 = most deprived in its nation.
    pub rank: u32,
    /// 1 = most deprived 10% of its nation's areas.
    pub decile: u8,
    /// A name people know: WIMD 2025's descriptive LSOA name, the data zone's name.
    pub name: Option<String>,
    /// The population base the index used for working age (SIMD), if the file has it.
    pub working_age: Option<f64>,
    /// The total population base the index used (SIMD), if the file has it.
    pub total: Option<f64>,
}

/// A nation's own index, by area code.
pub struct NationIndex {
    pub path: PathBuf,
    pub edition: NationEdition,
    pub records: FxHashMap<String, NationRecord>,
}

impl NationIndex {
    /// Reads a WIMD or SIMD table (one header row, one row per area) given for `nation`
    /// (`flag` names the option, for the message when the file is another nation's).
    pub fn load(path: &Path, nation: Country, flag: &str) -> Result<NationIndex> {
        let table = ReferenceTable::read(path)?;
        let edition = edition_of(&table)?;
        if edition.nation() != nation {
            return Err(Error::invalid(
                table.file(),
                format!("is {} ({:?}'s index), but {flag} takes {nation:?}'s", edition.name(), edition.nation()),
            ));
        }
        let cells = |c: usize| table.column(c).collect::<Vec<Option<&str>>>();
        let code = column(&table, edition.code_header())?;
        let (rank, decile) = (
            column(&table, &format!("{}rank", edition.prefix()))?,
            column(&table, &format!("{}decile", edition.prefix()))?,
        );
        let names = ["wimd_lsoa_name", "dz11_name"].iter().find_map(|h| column(&table, h).ok()).map(cells);
        let working_age = column(&table, "working_age_population").ok();
        let (codes, ranks, deciles) = (cells(code), cells(rank), cells(decile));
        let working_ages = working_age.map(cells);
        let total = column(&table, "total_population").ok();
        let totals = total.map(cells);
        let mut records = FxHashMap::default();
        for row in 0..table.height() {
            let area = codes[row].ok_or_else(|| Error::invalid(table.location(row, code), "is blank"))?;
            if Country::of_area_code(area) != Some(nation) {
                let wanted =
                    if nation == Country::Wales { "a Welsh LSOA code (W01…)" } else { "a data zone code (S01…)" };
                return Err(Error::invalid(table.location(row, code), format!("'{area}' is not {wanted}")));
            }
            let at = |c: usize| table.location(row, c);
            let record = NationRecord {
                rank: whole(ranks[row], at(rank), u32::MAX as f64)? as u32,
                decile: whole(deciles[row], at(decile), 10.0)? as u8,
                name: names.as_ref().and_then(|n| n[row]).map(str::to_string),
                working_age: working_age
                    .map(|c| number(working_ages.as_ref().and_then(|w| w[row]), at(c)))
                    .transpose()?,
                total: total.map(|c| number(totals.as_ref().and_then(|t| t[row]), at(c))).transpose()?,
            };
            if records.insert(area.to_string(), record).is_some() {
                return Err(Error::invalid(table.location(row, code), format!("'{area}' is given twice")));
            }
        }
        if records.is_empty() {
            return Err(Error::invalid(table.file(), "has no rows"));
        }
        Ok(NationIndex { path: path.to_path_buf(), edition, records })
    }

    /// The area's record, if the index ranks it.
    pub fn get(&self, code: &str) -> Option<&NationRecord> {
        self.records.get(code)
    }
}

/// The edition, from the prefix of its decile column.
fn edition_of(table: &ReferenceTable) -> Result<NationEdition> {
    NationEdition::ALL
        .into_iter()
        .find(|e| table.headers.iter().any(|h| h.eq_ignore_ascii_case(&format!("{}decile", e.prefix()))))
        .ok_or_else(|| {
            Error::invalid(
                table.file(),
                format!(
                    "cannot tell which index this is: expected a wimd2019_decile, wimd2025_decile or \
                     simd2020v2_decile column; the header has {}",
                    crate::columns::list_headers(&table.headers)
                ),
            )
        })
}

fn column(table: &ReferenceTable, header: &str) -> Result<usize> {
    table.headers.iter().position(|h| h.eq_ignore_ascii_case(header)).ok_or_else(|| {
        Error::invalid(
            table.file(),
            format!("has no '{header}' column; the header has {}", crate::columns::list_headers(&table.headers)),
        )
    })
}

fn number(text: Option<&str>, at: Location) -> Result<f64> {
    let text = text.unwrap_or("");
    parse_published_number(text).ok_or_else(|| Error::invalid(at, format!("'{text}' is not a number")))
}

/// A whole number from 1 to `high`, or an error naming the cell.
fn whole(text: Option<&str>, at: Location, high: f64) -> Result<f64> {
    let value = number(text, at.clone())?;
    if value.fract() != 0.0 || value < 1.0 || value > high {
        return Err(Error::invalid(at, format!("{value} is not a whole number from 1 to {high}")));
    }
    Ok(value)
}
