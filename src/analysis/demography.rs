//! Staff demography against the community's: ethnic group, sex and age band, with shares, intervals and representation ratios from published counts.

use std::path::Path;

use crate::analysis::community::Community;
use crate::analysis::gaps::wilson_interval;
use crate::analysis::AreaFacts;
use crate::columns::{ColumnMap, ColumnSpec};
use crate::dictionary::{AGE_FIVE_YEAR_POPULATION, AGE_POPULATION, ETHNIC_GROUP_POPULATION, SEX_POPULATION};
use crate::error::Result;
use crate::input::demography::{AgeBand, EthnicGroup, Sex};
use crate::reference::census::CensusTable;

/// A demographic breakdown of staff, compared with a census table of the community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dimension {
    EthnicGroup,
    Sex,
    AgeBand,
}

/// The WRES label of every stated ethnic group but White.
pub const BME: &str = "BME (all but White)";

impl Dimension {
    pub const ALL: [Dimension; 3] = [Dimension::EthnicGroup, Dimension::Sex, Dimension::AgeBand];

    /// The breakdown's key in tallies, file names and the summary.
    pub fn key(self) -> &'static str {
        match self {
            Dimension::EthnicGroup => "ethnic_group",
            Dimension::Sex => "sex",
            Dimension::AgeBand => "age_band",
        }
    }

    pub fn of_key(key: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.key() == key)
    }

    /// The groups the census counts, in table order (the census table's columns follow it).
    pub fn compared(self) -> Vec<&'static str> {
        match self {
            Dimension::EthnicGroup => EthnicGroup::CENSUS.iter().map(|g| g.label()).collect(),
            Dimension::Sex => Sex::CENSUS.iter().map(|g| g.label()).collect(),
            Dimension::AgeBand => AgeBand::CENSUS.iter().map(|g| g.label()).collect(),
        }
    }

    /// The label of all the compared groups together: the denominator of every share.
    pub fn stated(self) -> &'static str {
        match self {
            Dimension::AgeBand => "All 16-64",
            _ => "All stated",
        }
    }

    /// Groups made of compared groups, published with them: BME for ethnic group; the stated total.
    pub fn combined(self) -> Vec<(&'static str, Vec<&'static str>)> {
        let mut combined = Vec::new();
        if self == Dimension::EthnicGroup {
            let bme = EthnicGroup::CENSUS.iter().filter(|g| **g != EthnicGroup::White).map(|g| g.label()).collect();
            combined.push((BME, bme));
        }
        combined.push((self.stated(), self.compared()));
        combined
    }

    /// Groups counted and shown but outside every share.
    pub fn excluded(self) -> Vec<&'static str> {
        match self {
            Dimension::EthnicGroup => vec![EthnicGroup::NotStated.label()],
            Dimension::Sex => vec![Sex::NotStated.label()],
            Dimension::AgeBand => vec![AgeBand::Outside.label(), AgeBand::NotRecorded.label()],
        }
    }

    /// What the census population is, in words.
    pub fn population_of(self) -> &'static str {
        match self {
            Dimension::EthnicGroup => "usual residents of all ages (Census 2021 TS021 ethnic group)",
            Dimension::Sex => "usual residents of all ages (Census 2021 TS008 sex)",
            Dimension::AgeBand => "usual residents aged 16 to 64 (Census 2021 age)",
        }
    }
}

/// The combined groups of a tally's dimension (none for band, staff group, starter).
pub fn combined_of(key: &str) -> Vec<(&'static str, Vec<&'static str>)> {
    Dimension::of_key(key).map(Dimension::combined).unwrap_or_default()
}

/// The census counts of the compared groups summed over the community's areas with a decile
/// (the areas of the deprivation tables), and how many of those areas the census lacks.
pub fn community_population<'a>(
    facts: &[AreaFacts],
    community: &Community,
    counts_of: impl Fn(&str) -> Option<&'a [f64]>,
    groups: usize,
) -> (Vec<f64>, usize) {
    let mut population = vec![0.0; groups];
    let mut missing = 0;
    let areas = facts.iter().enumerate().filter(|(i, a)| community.contains(*i) && a.decile.is_some());
    for (_, area) in areas {
        match counts_of(&area.code) {
            Some(counts) => population.iter_mut().zip(counts).for_each(|(p, c)| *p += c),
            None => missing += 1,
        }
    }
    (population, missing)
}

/// One row of a demography table.
#[derive(Debug, Clone, PartialEq)]
pub struct DemographyRow {
    pub label: String,
    /// Staff as published (`None`: suppressed).
    pub staff: Option<f64>,
    /// Of the published stated total (`None` for groups outside the shares, or suppressed).
    pub staff_share: Option<f64>,
    /// 95% Wilson score interval of the staff share.
    pub staff_share_ci: Option<(f64, f64)>,
    /// The community's population of the group (`None` for groups outside the shares).
    pub population: Option<f64>,
    pub population_share: Option<f64>,
    /// Staff share ÷ population share (1 = representative).
    pub representation_ratio: Option<f64>,
    /// Staff share − population share, in percentage points.
    pub gap_pp: Option<f64>,
}

/// The table's rows: compared groups, combined groups, excluded groups, and all staff.
/// `staff(label)` gives the published count of a group; `population` is by compared group
/// (empty without a census table).
pub fn demography_rows(
    dimension: Dimension,
    staff: impl Fn(&str) -> Option<f64>,
    all_staff: Option<f64>,
    population: &[f64],
) -> Vec<DemographyRow> {
    let compared = dimension.compared();
    let population_of = |members: &[&str]| -> Option<f64> {
        (!population.is_empty())
            .then(|| members.iter().map(|m| compared.iter().position(|c| c == m).map_or(0.0, |i| population[i])).sum())
    };
    let stated_staff = staff(dimension.stated()).filter(|t| *t > 0.0);
    let stated_population = population_of(&compared).filter(|t| *t > 0.0);
    let row = |label: &str, members: Option<&[&str]>| {
        let count = staff(label);
        let population = members.and_then(population_of);
        let staff_share = members.and(count.zip(stated_staff)).map(|(s, t)| s / t);
        let population_share = population.zip(stated_population).map(|(p, t)| p / t);
        let ratio = staff_share.zip(population_share.filter(|p| *p > 0.0)).map(|(s, p)| s / p);
        DemographyRow {
            label: label.to_string(),
            staff: count,
            staff_share,
            staff_share_ci: members.and(count.zip(stated_staff)).map(|(s, t)| wilson_interval(s, t)),
            population,
            population_share,
            representation_ratio: ratio,
            gap_pp: staff_share.zip(population_share).map(|(s, p)| (s - p) * 100.0),
        }
    };
    let mut rows: Vec<DemographyRow> = compared.iter().map(|g| row(g, Some(&[*g][..]))).collect();
    for (label, members) in dimension.combined() {
        let mut combined = row(label, Some(&members));
        if label == dimension.stated() {
            // The denominator itself: 100% of staff and of residents, nothing to compare.
            (combined.staff_share_ci, combined.representation_ratio, combined.gap_pp) = (None, None, None);
        }
        rows.push(combined);
    }
    for label in dimension.excluded() {
        rows.push(row(label, None));
    }
    let mut all = row("All staff", None);
    all.staff = all_staff;
    rows.push(all);
    rows
}

/// A census table of the community by one demographic dimension, its counts in the order of the
/// dimension's compared groups, with a note on how they were derived where it matters.
pub struct DemographyTable {
    pub dimension: Dimension,
    pub table: CensusTable,
    pub note: Option<String>,
}

impl DemographyTable {
    /// TS021 (ethnic group), TS008 (sex), or an age table: the ONS 16-24/25-34/35-49/50-64 table,
    /// else TS007A's five-year bands (16-24 then counts four fifths of the 15-19 band: 15-year-olds out).
    pub fn load(dimension: Dimension, path: &Path, columns: &ColumnMap) -> Result<DemographyTable> {
        let (table, note) = match dimension {
            Dimension::EthnicGroup => {
                (CensusTable::read(path, &ETHNIC_GROUP_POPULATION, columns, "--ethnic-group-population-columns")?, None)
            }
            Dimension::Sex => (CensusTable::read(path, &SEX_POPULATION, columns, "--sex-population-columns")?, None),
            Dimension::AgeBand => {
                let layouts: [&[ColumnSpec]; 2] = [&AGE_POPULATION, &AGE_FIVE_YEAR_POPULATION];
                match CensusTable::read_layout(path, &layouts, columns, "--age-population-columns")? {
                    (table, 0) => (table, None),
                    (table, _) => {
                        let bands = table.combined(&dimension.compared(), |c| {
                            vec![0.8 * c[0] + c[1], c[2] + c[3], c[4] + c[5] + c[6], c[7] + c[8] + c[9]]
                        });
                        (bands, Some(FIVE_YEAR_NOTE.to_string()))
                    }
                }
            }
        };
        Ok(DemographyTable { dimension, table, note })
    }
}

/// How the age bands come from TS007A's five-year bands.
const FIVE_YEAR_NOTE: &str =
    "age bands from Census 2021 TS007A five-year bands: 16-24 is four fifths of the 15-19 band \
                              (taking out 15-year-olds, as if ages were even within it) plus 20-24";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_of_the_stated_and_bme_is_every_group_but_white() {
        let staff = |label: &str| -> Option<f64> {
            Some(match label {
                "Asian" => 20.0,
                "Black" => 10.0,
                "Mixed" => 5.0,
                "White" => 60.0,
                "Other" => 5.0,
                BME => 40.0,
                "All stated" => 100.0,
                "Not stated" => 15.0,
                _ => return None,
            })
        };
        let population = [100.0, 50.0, 50.0, 750.0, 50.0];
        let rows = demography_rows(Dimension::EthnicGroup, staff, Some(115.0), &population);
        let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["Asian", "Black", "Mixed", "White", "Other", BME, "All stated", "Not stated", "All staff"]);
        let asian = &rows[0];
        assert!((asian.staff_share.unwrap() - 0.2).abs() < 1e-12);
        assert!((asian.representation_ratio.unwrap() - 2.0).abs() < 1e-12);
        assert_eq!(rows[5].population, Some(250.0));
        assert!((rows[5].staff_share.unwrap() - 0.4).abs() < 1e-12);
        assert!(rows[7].staff_share.is_none() && rows[7].population.is_none());
    }

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn age_bands_from_either_layout() {
        let dir = tempfile::tempdir().unwrap();
        let five =
            (15..65).step_by(5).map(|a| format!("Age: Aged {a} to {} years", a + 4)).collect::<Vec<_>>().join(",");
        let values = ["10", "20", "30", "40", "50", "60", "70", "80", "90", "100"].join(",");
        let ts007a = write(
            dir.path(),
            "ts007a.csv",
            &format!("date,geography,geography code,Age: Total,{five}\n2021,A,E01000001,999,{values}\n"),
        );
        let none = ColumnMap::default();
        let table = DemographyTable::load(Dimension::AgeBand, &ts007a, &none).unwrap();
        assert_eq!(table.table.get("E01000001").unwrap(), [0.8 * 10.0 + 20.0, 70.0, 180.0, 270.0]);
        assert!(table.note.unwrap().contains("four fifths"));
        let broad = write(
            dir.path(),
            "age6.csv",
            "lsoa21_code,Aged 15 years and under,Aged 16 to 24 years,Aged 25 to 34 years,Aged 35 to 49 years,Aged 50 to 64 years\n\
             E01000001,5,6,7,8,9\n",
        );
        let table = DemographyTable::load(Dimension::AgeBand, &broad, &none).unwrap();
        assert_eq!(table.table.get("E01000001").unwrap(), [6.0, 7.0, 8.0, 9.0]);
        assert!(table.note.is_none());
    }
}
