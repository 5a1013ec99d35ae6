//! `Deprivation`: IMD rank, decile and score per area from the English Indices of Deprivation files (IoD2019/IoD2025, CSV or Parquet).

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::columns::ColumnMap;
use crate::error::{Error, Result};
use crate::reference::table::ReferenceTable;
use crate::reference::{parse_published_number, Boundaries, Country, Geography};

/// The Index of Multiple Deprivation for one area. Rank 1 and decile 1 are the most deprived.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeprivationRecord {
    pub rank: u32,
    pub decile: u8,
    pub score: Option<f64>,
}

/// One area's rank and score on one domain of the IoD ([`IOD_DOMAINS`], in that order).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DomainRecord {
    pub rank: Option<u32>,
    pub score: Option<f64>,
}

/// Which of a domain's figures a file gives (or were worked out from it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DomainColumns {
    pub rank: bool,
    pub score: bool,
}

/// Each area's ranks and scores on the seven domains, by area code.
type DomainTable = FxHashMap<String, [DomainRecord; 7]>;

/// IMD by area code, for English areas only.
pub struct Deprivation {
    pub path: PathBuf,
    pub geography: Geography,
    /// e.g. "IoD2019", read from the local-authority vintage in the headers when present.
    pub edition: String,
    records: FxHashMap<String, DeprivationRecord>,
    /// Each domain's ranks and scores by area code, in the order of [`IOD_DOMAINS`]; empty when
    /// the file has no domain columns.
    domain_records: DomainTable,
    /// What the file gives of each domain, in the order of [`IOD_DOMAINS`].
    pub domain_columns: [DomainColumns; 7],
    /// The file of scores merged in ([`Deprivation::with_scores`]), if any.
    pub scores_path: Option<PathBuf>,
}

/// How the areas of a boundary file are covered by a deprivation file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Coverage {
    pub boundaries_geography: Geography,
    pub deprivation_geography: Geography,
    /// English areas (GSS code starting with E) in the boundaries.
    pub english_areas: usize,
    pub english_areas_with_deprivation: usize,
    /// Areas in the deprivation file that the boundaries do not have.
    pub deprivation_areas_not_in_boundaries: usize,
}

impl Coverage {
    /// For an analysis meant for publication: deprivation of the other LSOA vintage than the
    /// boundaries is refused (a changed area would get no decile, or another area's).
    pub fn check_same_vintage(&self, deprivation: &Path) -> Result<()> {
        let known = |g: &Geography| matches!(g, Geography::Lsoa2011 | Geography::Lsoa2021);
        let (b, d) = (&self.boundaries_geography, &self.deprivation_geography);
        if known(b) && known(d) && b != d {
            return Err(Error::invalid(
                crate::error::Location::file(deprivation),
                format!(
                    "is deprivation on {d} areas, but the boundaries are {b}: use boundaries and deprivation of the same \
                     vintage (IoD2019 with LSOA 2011, IoD2025 with LSOA 2021; `anchormap fetch --vintage 2019` or 2025 gets a matching set)"
                ),
            ));
        }
        Ok(())
    }

    /// A plain-words warning when the two files do not match, `None` when they do.
    pub fn warning(&self) -> Option<String> {
        let missing = self.english_areas - self.english_areas_with_deprivation;
        if self.boundaries_geography == self.deprivation_geography {
            return (missing > 0).then(|| {
                format!("{missing} of {} English areas in the boundaries have no deprivation figures (their decile is left blank)", self.english_areas)
            });
        }
        Some(format!(
            "boundaries are {} and deprivation is {}: {} of {} English areas have no deprivation figures \
             (use boundaries and deprivation of the same vintage: IoD2019 with LSOA 2011, IoD2025 with LSOA 2021)",
            self.boundaries_geography, self.deprivation_geography, missing, self.english_areas
        ))
    }
}

/// One row as read, before ranks and deciles are completed.
struct RawRow {
    code: String,
    rank: Option<f64>,
    decile: Option<f64>,
    score: Option<f64>,
}

pub use crate::dictionary::DEPRIVATION as DEPRIVATION_COLUMNS;
pub use crate::dictionary::{IodDomain, IOD_DOMAINS};

impl Deprivation {
    /// Reads an IoD file (File 1, 2, 5 or 7 of IoD2019/IoD2025, or a table with code and IMD score).
    ///
    /// Deciles and ranks missing from the file are derived as the IoD does: ranks by descending
    /// score, decile = ceil(rank × 10 / number of areas).
    pub fn load(path: &Path, columns: &ColumnMap) -> Result<Deprivation> {
        let table = ReferenceTable::read(path)?;
        let cols = DeprivationColumns::find(&table, &columns.named("--deprivation-columns"))?;
        let mut rows = cols.read_rows(&table)?;
        if rows.is_empty() {
            return Err(Error::invalid(table.file(), "the deprivation file has no rows"));
        }
        if cols.rank.is_none() && cols.score.is_none() {
            return Err(deciles_without_ranks(&table));
        }
        // Derive what the file does not give, the way the IoD does.
        if cols.rank.is_none() {
            rank_by_score(&mut rows);
        }
        // A decile from a rank needs the scale the rank is on. It is known only when the ranks
        // are all of 1..N for the file's N areas (a national file); an extract of one region's
        // rows keeps the national ranks, and ceil(rank × 10 / rows) would put it all in decile 10.
        let needs_decile = rows.iter().any(|r| r.rank.is_some() && r.decile.is_none());
        let ranked = rows.iter().filter(|r| r.rank.is_some()).count();
        if needs_decile && !ranks_are_a_full_scale(&rows, ranked, cols.rank.is_some()) {
            let what = if cols.rank.is_some() { "IMD ranks" } else { "IMD scores" };
            return Err(Error::invalid(
                table.file(),
                format!(
                    "the file has {what} but no IMD decile for every area, and its {ranked} ranked areas are not a \
                     complete national set (ranks 1 to N of every area, e.g. {} LSOA 2011 areas in IoD2019 or {} \
                     LSOA 2021 areas in IoD2025), so deciles cannot be worked out from it; name its decile column \
                     with --deprivation-columns decile=HEADER, or use the full national IoD file (File 1)",
                    NATIONAL_AREAS[0], NATIONAL_AREAS[1]
                ),
            ));
        }
        let (domain_columns, domain_records) =
            read_domains(&table, cols.code, &columns.named("--deprivation-columns"))?;
        let mut records = FxHashMap::with_capacity_and_hasher(rows.len(), Default::default());
        for RawRow { code, rank, decile, score } in rows {
            let Some(rank) = rank else { continue };
            let rank = rank as u32;
            let decile = decile.map_or_else(|| decile_of_rank(rank, ranked as u32), |d| d as u8);
            records.insert(code, DeprivationRecord { rank, decile, score });
        }
        Ok(Deprivation {
            path: path.to_path_buf(),
            geography: Geography::from_code_name(&table.headers[cols.code]),
            edition: edition(cols.district.map(|c| table.headers[c].as_str())),
            records,
            domain_records,
            domain_columns,
            scores_path: None,
        })
    }

    /// Fills in what this file lacks from a file of the same areas' scores (IoD2019 File 5 or 7,
    /// IoD2025 File 7, or a tabular copy such as `IoD2025_scores_ranks_deciles_lsoa21.csv` or
    /// NHSX's parquet of the 2019 scores): the IMD score and each domain's score and rank where this
    /// file has none. The ranks and deciles this file gives are kept. A file of the other LSOA
    /// vintage is refused.
    pub fn with_scores(mut self, scores: Deprivation) -> Result<Deprivation> {
        let known = |g: &Geography| matches!(g, Geography::Lsoa2011 | Geography::Lsoa2021);
        if known(&self.geography) && known(&scores.geography) && self.geography != scores.geography {
            return Err(Error::invalid(
                crate::error::Location::file(&scores.path),
                format!(
                    "is scores on {} areas, but the deprivation file {} is on {}: give scores of the same IoD edition",
                    scores.geography,
                    self.path.display(),
                    self.geography
                ),
            ));
        }
        for (code, record) in self.records.iter_mut() {
            if record.score.is_none() {
                record.score = scores.records.get(code).and_then(|r| r.score);
            }
        }
        for (i, columns) in self.domain_columns.iter_mut().enumerate() {
            columns.rank |= scores.domain_columns[i].rank;
            columns.score |= scores.domain_columns[i].score;
        }
        for code in self.records.keys() {
            let Some(theirs) = scores.domain_records.get(code) else { continue };
            let ours = self.domain_records.entry(code.clone()).or_default();
            for (mine, their) in ours.iter_mut().zip(theirs) {
                mine.rank = mine.rank.or(their.rank);
                mine.score = mine.score.or(their.score);
            }
        }
        if self.edition.starts_with("IoD (") && !scores.edition.starts_with("IoD (") {
            self.edition = scores.edition;
        }
        self.scores_path = Some(scores.path);
        Ok(self)
    }

    /// An area's rank and score on each domain (in the order of [`IOD_DOMAINS`]), if the file has any.
    pub fn domains_of(&self, area_code: &str) -> Option<&[DomainRecord; 7]> {
        match Country::of_area_code(area_code) {
            Some(Country::England) | None => self.domain_records.get(area_code),
            Some(_) => None,
        }
    }

    /// The domains the file gives a rank or a score of, with their index in [`IOD_DOMAINS`].
    pub fn domains(&self) -> impl Iterator<Item = (usize, &'static IodDomain)> + '_ {
        IOD_DOMAINS.iter().enumerate().filter(|(i, _)| self.domain_columns[*i].rank || self.domain_columns[*i].score)
    }

    /// Whether the file gives (or a scores file added) the IMD score of its areas.
    pub fn has_scores(&self) -> bool {
        self.records.values().any(|r| r.score.is_some())
    }

    /// The IMD of an area. Never returns an English decile for a Welsh, Scottish or Northern Irish area.
    pub fn get(&self, area_code: &str) -> Option<&DeprivationRecord> {
        match Country::of_area_code(area_code) {
            Some(Country::England) | None => self.records.get(area_code),
            Some(_) => None,
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// How well this file covers the boundaries' areas.
    pub fn coverage(&self, boundaries: &Boundaries) -> Coverage {
        let mut english_areas = 0;
        let mut covered = 0;
        let mut seen = rustc_hash::FxHashSet::default();
        for area in &boundaries.areas {
            if !seen.insert(area.code.as_str()) {
                continue;
            }
            if area.country == Some(Country::England) {
                english_areas += 1;
                covered += usize::from(self.records.contains_key(&area.code));
            }
        }
        let not_in_boundaries = self.records.keys().filter(|code| !seen.contains(code.as_str())).count();
        let deprivation_geography = match &self.geography {
            Geography::Other(_) => boundaries.geography.clone(),
            known => known.clone(),
        };
        Coverage {
            boundaries_geography: boundaries.geography.clone(),
            deprivation_geography,
            english_areas,
            english_areas_with_deprivation: covered,
            deprivation_areas_not_in_boundaries: not_in_boundaries,
        }
    }
}

/// Areas ranked by the English IMD: LSOA 2011 in IoD2019 (and IoD2015), LSOA 2021 in IoD2025.
pub const NATIONAL_AREAS: [usize; 2] = [32_844, 33_755];

/// Where an IoD file's columns are: the area code, and at least one of rank, decile and score.
struct DeprivationColumns {
    code: usize,
    rank: Option<usize>,
    decile: Option<usize>,
    score: Option<usize>,
    /// The local authority district code, whose header names the districts' year (and so the edition).
    district: Option<usize>,
}

impl DeprivationColumns {
    fn find(table: &ReferenceTable, columns: &ColumnMap) -> Result<DeprivationColumns> {
        let [code_spec, rank_spec, decile_spec, score_spec, district_spec] = &DEPRIVATION_COLUMNS;
        let (at, headers) = (table.file(), &table.headers);
        let cols = DeprivationColumns {
            code: columns.require(code_spec, headers, &at)?,
            rank: columns.find(rank_spec, headers, &at)?,
            decile: columns.find(decile_spec, headers, &at)?,
            score: columns.find(score_spec, headers, &at)?,
            district: columns.find(district_spec, headers, &at)?,
        };
        if cols.rank.is_none() && cols.decile.is_none() && cols.score.is_none() {
            return Err(Error::invalid(
                at,
                format!(
                    "no IMD rank, decile or score column; expected an IoD file with headers like \
                     'Index of Multiple Deprivation (IMD) Rank'; the header has {}",
                    crate::columns::list_headers(headers)
                ),
            ));
        }
        Ok(cols)
    }

    /// Every row with a code: its rank, decile and score as the file gives them, checked.
    fn read_rows(&self, table: &ReferenceTable) -> Result<Vec<RawRow>> {
        let number = |col: Option<usize>, row: usize, cell: Option<&str>| -> Result<Option<f64>> {
            match (col, cell) {
                (Some(c), Some(text)) => parse_published_number(text)
                    .map(Some)
                    .ok_or_else(|| Error::invalid(table.location(row, c), format!("'{text}' is not a number"))),
                _ => Ok(None),
            }
        };
        let cells = |col: Option<usize>| -> Vec<Option<&str>> {
            match col {
                Some(c) => table.column(c).collect(),
                None => vec![None; table.height()],
            }
        };
        let (ranks, deciles, scores) = (cells(self.rank), cells(self.decile), cells(self.score));
        let mut rows: Vec<RawRow> = Vec::with_capacity(table.height());
        for (row, code) in table.column(self.code).enumerate() {
            let Some(code) = code else { continue };
            let rank = number(self.rank, row, ranks[row])?;
            let decile = number(self.decile, row, deciles[row])?;
            let score = number(self.score, row, scores[row])?;
            if let Some(d) = decile.filter(|d| !(1.0..=10.0).contains(d) || d.fract() != 0.0) {
                let at = table.location(row, self.decile.unwrap_or(self.code));
                return Err(Error::invalid(at, format!("decile {d} is not 1 to 10")));
            }
            if let Some(r) = rank.filter(|r| *r < 1.0 || r.fract() != 0.0 || *r > f64::from(u32::MAX)) {
                return Err(Error::invalid(
                    table.location(row, self.rank.unwrap_or(self.code)),
                    format!("rank {r} is not a whole number from 1 (1 is the most deprived)"),
                ));
            }
            rows.push(RawRow { code: code.to_string(), rank, decile, score });
        }
        Ok(rows)
    }
}

/// Each domain's ranks and scores, as the file gives them. A domain's ranks are never worked out
/// from its scores: the published scores are rounded (the Income and Employment rates to 3
/// decimals) and tie where the IoD's own ranks do not, so that ranks from NHSX's parquet of the
/// 2019 scores put 12 districts' Income proportions off the published File 10 by up to 0.013.
/// `--deprivation-columns` names columns the dictionary does not know (`income_rank=…`, `income_score=…`).
fn read_domains(table: &ReferenceTable, code: usize, columns: &ColumnMap) -> Result<([DomainColumns; 7], DomainTable)> {
    let at = table.file();
    let codes: Vec<Option<&str>> = table.column(code).collect();
    let mut present = [DomainColumns::default(); 7];
    let mut records = DomainTable::default();
    for (i, domain) in IOD_DOMAINS.iter().enumerate() {
        let rank_col = columns.find(&domain.rank, &table.headers, &at)?;
        let score_col = columns.find(&domain.score, &table.headers, &at)?;
        let ranks = domain_numbers(table, rank_col, true)?;
        let scores = domain_numbers(table, score_col, false)?;
        present[i] = DomainColumns { rank: rank_col.is_some(), score: score_col.is_some() };
        if !present[i].rank && !present[i].score {
            continue;
        }
        for (row, code) in codes.iter().enumerate() {
            let Some(code) = code else { continue };
            let record = &mut records.entry(code.to_string()).or_default()[i];
            record.rank = ranks[row].map(|r| r as u32);
            record.score = scores[row];
        }
    }
    Ok((present, records))
}

/// A column of numbers (ranks: whole numbers from 1), each error at its line and column; all
/// `None` for a column the file does not have.
fn domain_numbers(table: &ReferenceTable, col: Option<usize>, rank: bool) -> Result<Vec<Option<f64>>> {
    let Some(col) = col else { return Ok(vec![None; table.height()]) };
    let mut values = Vec::with_capacity(table.height());
    for (row, cell) in table.column(col).enumerate() {
        let Some(text) = cell else {
            values.push(None);
            continue;
        };
        let value = parse_published_number(text)
            .ok_or_else(|| Error::invalid(table.location(row, col), format!("'{text}' is not a number")))?;
        if rank && (value < 1.0 || value.fract() != 0.0 || value > f64::from(u32::MAX)) {
            let message = format!("rank {text} is not a whole number from 1 (1 is the most deprived)");
            return Err(Error::invalid(table.location(row, col), message));
        }
        values.push(Some(value));
    }
    Ok(values)
}

/// A file of deciles with neither ranks nor scores: ranks cannot be worked out from deciles, and
/// anchormap reads every area's rank with its decile, so it says so rather than leave deciles blank.
fn deciles_without_ranks(table: &ReferenceTable) -> Error {
    Error::invalid(
        table.file(),
        "the file has IMD deciles but no IMD rank or score column, and ranks cannot be worked out from deciles; \
         name its rank column with --deprivation-columns rank=HEADER, or use the national IoD file (File 1, which has both)",
    )
}

/// Ranks from scores, as the IoD ranks them: 1 the highest score (the most deprived), ties by code.
fn rank_by_score(rows: &mut [RawRow]) {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let score = |i: usize| rows[i].score.unwrap_or(f64::MIN);
    order.sort_by(|&a, &b| score(b).total_cmp(&score(a)).then(rows[a].code.cmp(&rows[b].code)));
    let ranks: Vec<(usize, Option<f64>)> =
        order.iter().enumerate().map(|(position, &i)| (i, rows[i].score.map(|_| (position + 1) as f64))).collect();
    for (i, rank) in ranks {
        rows[i].rank = rank;
    }
}

/// The IoD edition, from the year in the district column's header (e.g. "(2019)" → IoD2019).
fn edition(district_header: Option<&str>) -> String {
    district_header
        .and_then(|h| h.rsplit('(').next())
        .map(|year| match year.trim_end_matches(')') {
            "2019" => "IoD2019".to_string(),
            "2013" => "IoD2015".to_string(),
            "2024" | "2023" => "IoD2025".to_string(),
            year if year.chars().all(|c| c.is_ascii_digit()) => format!("IoD (districts {year})"),
            other => format!("IoD ({other})"),
        })
        .unwrap_or_else(|| "IoD (edition not stated)".to_string())
}

/// Whether the ranks of a file are on a scale that can be checked: ranks 1..N of the file's N
/// ranked areas, each position once, except that tied areas share the first of their positions
/// (IoD2019 File 1 has 26 such ties: 1, 2, 2, 4, …). Ranks worked out here from scores are such
/// a scale by construction, so they count only for a national number of areas.
fn ranks_are_a_full_scale(rows: &[RawRow], ranked: usize, ranks_from_file: bool) -> bool {
    if !ranks_from_file {
        return NATIONAL_AREAS.contains(&ranked);
    }
    let mut ranks: Vec<f64> = rows.iter().filter_map(|r| r.rank).collect();
    ranks.sort_by(f64::total_cmp);
    ranks.iter().enumerate().all(|(i, &rank)| rank == (i + 1) as f64 || (i > 0 && rank == ranks[i - 1]))
}

/// The IoD's decile of a rank among `n` areas: ceil(rank × 10 / n).
///
/// ```
/// use anchormap::reference::deprivation::decile_of_rank;
/// assert_eq!(decile_of_rank(1, 32844), 1);
/// assert_eq!(decile_of_rank(3284, 32844), 1);
/// assert_eq!(decile_of_rank(3285, 32844), 2);
/// assert_eq!(decile_of_rank(32844, 32844), 10);
/// ```
pub fn decile_of_rank(rank: u32, n: u32) -> u8 {
    let n = n.max(1) as u64;
    let rank = (rank as u64).clamp(1, n);
    (rank * 10).div_ceil(n) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Deprivation> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("imd.csv");
        std::fs::write(&path, text).unwrap();
        Deprivation::load(&path, &ColumnMap::default())
    }

    const HEADER: &str = "LSOA code (2011),Index of Multiple Deprivation (IMD) Rank\n";

    #[test]
    fn deciles_come_from_ranks_that_are_a_full_scale() {
        let d = load(&format!("{HEADER}E01000001,3\nE01000002,1\nE01000003,4\nE01000004,2\n")).unwrap();
        assert_eq!(d.get("E01000002").unwrap().decile, 3);
        assert_eq!(d.get("E01000003").unwrap().decile, 10);
    }

    #[test]
    fn issue_11_ranks_of_an_extract_without_deciles_are_refused() {
        // Four areas of a region keep their national ranks: deciles from 4 rows would be wrong.
        let err = load(&format!("{HEADER}E01000001,12\nE01000002,30000\nE01000003,4\nE01000004,2\n"))
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("imd.csv: the file has IMD ranks but no IMD decile for every area"), "{err}");
        assert!(err.contains("--deprivation-columns decile=HEADER"), "{err}");
        // Ties share the first of their positions (1, 1, 3); a gap is not a scale.
        assert!(load(&format!("{HEADER}E01000001,1\nE01000002,1\nE01000003,3\n")).is_ok());
        assert!(load(&format!("{HEADER}E01000001,1\nE01000002,1\nE01000003,2\n")).is_err());
        // A file with deciles needs no scale.
        let d = load("LSOA code (2011),IMD rank,IMD decile\nE01000001,12,1\nE01000002,30000,10\n").unwrap();
        assert_eq!(d.get("E01000002").unwrap().decile, 10);
        // Scores of a few areas rank them only among themselves.
        assert!(load("LSOA code (2011),IMD score\nE01000001,12.5\nE01000002,30.1\n").is_err());
    }

    #[test]
    fn a_scores_file_fills_in_scores_and_domains_and_keeps_the_ranks() {
        let ranks = load(
            "LSOA code (2011),IMD rank,IMD decile,Income Rank (where 1 is most deprived)\nE01000001,2,10,1\nE01000002,1,1,2\n",
        )
        .unwrap();
        assert_eq!(ranks.domains().map(|(_, d)| d.key).collect::<Vec<_>>(), ["income"]);
        assert!(!ranks.has_scores());
        let scores = load(
            "LSOA11CD,IMD rank,IMD decile,IMD,Income,Crime\nE01000001,1,1,40.5,0.3,1.2\nE01000002,2,10,10.25,0.1,-0.5\n",
        )
        .unwrap();
        let merged = ranks.with_scores(scores).unwrap();
        let record = merged.get("E01000001").unwrap();
        assert_eq!((record.rank, record.decile, record.score), (2, 10, Some(40.5)), "ranks kept, the score added");
        let income = merged.domains_of("E01000002").unwrap()[0];
        assert_eq!((income.rank, income.score), (Some(2), Some(0.1)));
        let keys: Vec<&str> = merged.domains().map(|(_, d)| d.key).collect();
        assert_eq!(keys, ["income", "crime"]);
        assert_eq!(merged.domains_of("E01000002").unwrap()[4].rank, None, "a domain rank is never made from scores");
    }

    #[test]
    fn ranks_must_be_whole_numbers_from_one() {
        let err = load(&format!("{HEADER}E01000001,0\n")).err().unwrap().to_string();
        assert!(err.contains("line 2") && err.contains("rank 0 is not a whole number from 1"), "{err}");
    }
}
