//! The recruitment funnel: applications by the stage reached (applied, shortlisted, appointed) per group, its rates, and relative likelihoods of appointment from shortlisting (WRES indicator 2).

use std::collections::BTreeMap;

use crate::geocoder::nations::nation_name;
use crate::input::applications::Stage;
use crate::reference::Country;

/// Applications of one group at each stage of the funnel: every application applied; the
/// shortlisted include those appointed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Funnel {
    pub applied: f64,
    pub shortlisted: f64,
    pub appointed: f64,
}

impl Funnel {
    pub fn add(&mut self, stage: Stage) {
        self.applied += 1.0;
        self.shortlisted += f64::from(u8::from(stage.reached(Stage::Shortlisted)));
        self.appointed += f64::from(u8::from(stage.reached(Stage::Appointed)));
    }

    pub fn plus(self, other: Funnel) -> Funnel {
        Funnel {
            applied: self.applied + other.applied,
            shortlisted: self.shortlisted + other.shortlisted,
            appointed: self.appointed + other.appointed,
        }
    }

    /// The counts a subtraction gives besides: applied but not shortlisted; shortlisted but not appointed.
    pub fn not_shortlisted(self) -> f64 {
        self.applied - self.shortlisted
    }

    pub fn not_appointed(self) -> f64 {
        self.shortlisted - self.appointed
    }
}

/// The rates of a funnel (from published counts: `None` where a count is hidden or a denominator 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FunnelRates {
    pub shortlisting_rate: Option<f64>,
    pub appointment_rate_from_shortlisting: Option<f64>,
    pub appointment_rate: Option<f64>,
}

/// Shortlisted ÷ applied, appointed ÷ shortlisted, appointed ÷ applied.
///
/// ```
/// use anchormap::funnel::tally::rates;
/// let r = rates(Some(100.0), Some(20.0), Some(5.0));
/// assert_eq!((r.shortlisting_rate, r.appointment_rate_from_shortlisting, r.appointment_rate), (Some(0.2), Some(0.25), Some(0.05)));
/// assert_eq!(rates(Some(100.0), None, Some(5.0)).shortlisting_rate, None);
/// ```
pub fn rates(applied: Option<f64>, shortlisted: Option<f64>, appointed: Option<f64>) -> FunnelRates {
    let ratio = |a: Option<f64>, b: Option<f64>| a.zip(b.filter(|b| *b > 0.0)).map(|(a, b)| a / b);
    FunnelRates {
        shortlisting_rate: ratio(shortlisted, applied),
        appointment_rate_from_shortlisting: ratio(appointed, shortlisted),
        appointment_rate: ratio(appointed, applied),
    }
}

/// Applications counted by group in each dimension, and in all.
#[derive(Debug, Clone, Default)]
pub struct FunnelTally {
    pub all: Funnel,
    /// Dimension (`imd_decile`, `ethnic_group`, `sex`, `band_group`) → group → funnel.
    pub groups: BTreeMap<&'static str, BTreeMap<String, Funnel>>,
}

impl FunnelTally {
    /// Counts one application at `stage` in each of its groups.
    pub fn add(&mut self, stage: Stage, groups: &[(&'static str, String)]) {
        self.all.add(stage);
        for (dimension, group) in groups {
            self.groups.entry(dimension).or_default().entry(group.clone()).or_default().add(stage);
        }
    }

    /// Adds another tally's applications (a network's pool).
    pub fn merge(&mut self, other: &FunnelTally) {
        self.all = self.all.plus(other.all);
        for (dimension, groups) in &other.groups {
            let mine = self.groups.entry(dimension).or_default();
            for (group, funnel) in groups {
                let f = mine.entry(group.clone()).or_default();
                *f = f.plus(*funnel);
            }
        }
    }

    /// One group's funnel (empty when no application was in it).
    pub fn get(&self, dimension: &str, group: &str) -> Funnel {
        self.groups.get(dimension).and_then(|g| g.get(group)).copied().unwrap_or_default()
    }
}

/// The deprivation group of applications not placed in an area with an English decile.
pub const NO_DECILE: &str = "Not placed or no English decile";
/// Core20: national IMD deciles 1-2.
pub const CORE20: &str = "Core20 (deciles 1-2)";

/// A published funnel table: the column naming its groups, and its rows, each a set of groups of
/// one tally dimension (a decile; a quintile is two; BME is four ethnic groups).
#[derive(Debug, Clone)]
pub struct FunnelTableSpec {
    /// The table's file is `funnel_by_{column}.csv`.
    pub column: &'static str,
    pub dimension: &'static str,
    pub rows: Vec<(String, Vec<String>)>,
}

impl FunnelTableSpec {
    /// Whether the rows share out the dimension's groups (then they add up to all applications).
    pub fn is_partition(&self) -> bool {
        let base = base_groups(self.dimension);
        let mut members: Vec<&String> = self.rows.iter().flat_map(|(_, m)| m).collect();
        members.sort();
        let before = members.len();
        members.dedup();
        members.len() == before && members.len() == base.len()
    }

    pub fn row(&self, label: &str) -> Option<usize> {
        self.rows.iter().position(|(l, _)| l == label)
    }
}

/// The group of applications without a decile in their own nation's index (a run across nations):
/// not placed, or placed in an area the run has no index for.
pub const NO_OWN_DECILE: &str = "Not placed or no decile in its nation's index";

/// The tally dimension of applications counted on each nation's own index (a run across nations,
/// `--wimd`/`--simd`): groups `England: 3`, `Wales: 3`, …, then [`NO_OWN_DECILE`]; until the
/// nations are known, then named by them ([`nation_dimension`]).
pub const NATION_DECILE: &str = "nation_decile";

/// The dimensions of the decile groups of each nation's own index, by the nations they hold
/// (England first): a table's layout depends on its specs alone.
const NATION_DIMENSIONS: [(&str, &[Country]); 3] = [
    ("nation_decile_england_wales", &[Country::England, Country::Wales]),
    ("nation_decile_england_scotland", &[Country::England, Country::Scotland]),
    ("nation_decile_england_wales_scotland", &[Country::England, Country::Wales, Country::Scotland]),
];

/// The dimension of the decile groups of `nations` (England first, then Wales, Scotland).
pub fn nation_dimension(nations: &[Country]) -> Option<&'static str> {
    NATION_DIMENSIONS.iter().find(|(_, n)| *n == nations).map(|(d, _)| *d)
}

/// The nations of a dimension of decile groups by nation (`None`: England's IMD or another dimension).
pub fn nations_of_dimension(dimension: &str) -> Option<&'static [Country]> {
    NATION_DIMENSIONS.iter().find(|(d, _)| *d == dimension).map(|(_, n)| *n)
}

/// An application's group on its own nation's index: `England: 3` (England's IMD decile), `Wales: 3`
/// (its WIMD decile), or [`NO_OWN_DECILE`].
pub fn nation_group(area: Option<&crate::analysis::AreaFacts>) -> String {
    let valid = |d: u8| (1..=10).contains(&d);
    match area {
        Some(a) if a.decile.is_some_and(valid) => format!("England: {}", a.decile.unwrap_or_default()),
        Some(a) => match a.own {
            Some(o) if o.nation != Country::England && a.decile.is_none() && valid(o.decile) => {
                format!("{}: {}", nation_name(o.nation), o.decile)
            }
            _ => NO_OWN_DECILE.to_string(),
        },
        None => NO_OWN_DECILE.to_string(),
    }
}

/// Every group of a tally dimension, in table order.
pub fn base_groups(dimension: &str) -> Vec<String> {
    use crate::input::band::BandGroup;
    use crate::input::demography::{EthnicGroup, Sex};
    if let Some(nations) = nations_of_dimension(dimension) {
        let groups = nations.iter().flat_map(|n| (1..=10).map(move |d| format!("{}: {d}", nation_name(*n))));
        return groups.chain([NO_OWN_DECILE.to_string()]).collect();
    }
    match dimension {
        "imd_decile" => (1..=10).map(|d| d.to_string()).chain([NO_DECILE.to_string()]).collect(),
        "ethnic_group" => {
            EthnicGroup::CENSUS.iter().chain(&[EthnicGroup::NotStated]).map(|g| g.label().to_string()).collect()
        }
        "sex" => [Sex::Female, Sex::Male, Sex::NotStated].iter().map(|s| s.label().to_string()).collect(),
        "band_group" => BandGroup::ALL.iter().map(|b| b.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The tables `funnel` publishes: by decile, quintile, Core20 against the rest, ethnic group (with
/// BME), sex, and band group when the posts' bands are known.
pub fn funnel_tables(with_band: bool) -> Vec<FunnelTableSpec> {
    let one = |g: String| (g.clone(), vec![g]);
    let deciles = |range: std::ops::RangeInclusive<u8>| range.map(|d| d.to_string()).collect::<Vec<_>>();
    let none = || (NO_DECILE.to_string(), vec![NO_DECILE.to_string()]);
    let mut tables = vec![
        FunnelTableSpec {
            column: "imd_decile",
            dimension: "imd_decile",
            rows: base_groups("imd_decile").into_iter().map(one).collect(),
        },
        FunnelTableSpec {
            column: "imd_quintile",
            dimension: "imd_decile",
            rows: (1..=5u8).map(|q| (q.to_string(), deciles(2 * q - 1..=2 * q))).chain([none()]).collect(),
        },
        FunnelTableSpec {
            column: "core20",
            dimension: "imd_decile",
            rows: vec![
                (CORE20.to_string(), deciles(1..=2)),
                ("Rest (deciles 3-10)".to_string(), deciles(3..=10)),
                none(),
            ],
        },
    ];
    let ethnic = base_groups("ethnic_group");
    let mut ethnic_rows: Vec<(String, Vec<String>)> = ethnic.iter().cloned().map(one).collect();
    let bme: Vec<String> = ethnic[..5].iter().filter(|g| *g != "White").cloned().collect();
    ethnic_rows.insert(5, (crate::analysis::demography::BME.to_string(), bme));
    tables.push(FunnelTableSpec { column: "ethnic_group", dimension: "ethnic_group", rows: ethnic_rows });
    tables.push(FunnelTableSpec {
        column: "sex",
        dimension: "sex",
        rows: base_groups("sex").into_iter().map(one).collect(),
    });
    if with_band {
        tables.push(FunnelTableSpec {
            column: "band_group",
            dimension: "band_group",
            rows: base_groups("band_group").into_iter().map(one).collect(),
        });
    }
    tables
}

/// The tables `funnel` publishes in a run across nations: as [`funnel_tables`], the deprivation
/// tables by each nation's own index (`nations`, England first): each nation's deciles, quintiles or
/// deciles 1-2 against the rest, and its total, then the applications without a decile; row labels
/// `Wales: 3`, never pooled across nations.
pub fn funnel_tables_by_nation(with_band: bool, nations: &[Country]) -> Vec<FunnelTableSpec> {
    let mut tables = funnel_tables(with_band);
    let Some(dimension) = nation_dimension(nations) else { return tables };
    let of = |n: Country, groups: std::ops::RangeInclusive<u8>| -> Vec<String> {
        groups.map(|d| format!("{}: {d}", nation_name(n))).collect()
    };
    let none = || (NO_OWN_DECILE.to_string(), vec![NO_OWN_DECILE.to_string()]);
    let by_nation = |column: &'static str, rows: &dyn Fn(Country) -> Vec<(String, Vec<String>)>| {
        let mut all: Vec<(String, Vec<String>)> = Vec::new();
        for n in nations {
            all.extend(rows(*n));
            all.push((format!("{}: total", nation_name(*n)), of(*n, 1..=10)));
        }
        all.push(none());
        FunnelTableSpec { column, dimension, rows: all }
    };
    let deciles =
        by_nation("imd_decile", &|n| (1..=10u8).map(|d| (format!("{}: {d}", nation_name(n)), of(n, d..=d))).collect());
    let quintiles = by_nation("imd_quintile", &|n| {
        (1..=5u8).map(|q| (format!("{}: {q}", nation_name(n)), of(n, 2 * q - 1..=2 * q))).collect()
    });
    let core20 = by_nation("core20", &|n| {
        let low = if n == Country::England { CORE20 } else { DECILES_1_2 };
        vec![
            (format!("{}: {low}", nation_name(n)), of(n, 1..=2)),
            (format!("{}: Rest (deciles 3-10)", nation_name(n)), of(n, 3..=10)),
        ]
    });
    tables.splice(0..3, [deciles, quintiles, core20]);
    tables
}

/// Deciles 1-2 of Wales's or Scotland's own index (England's are [`CORE20`]).
pub const DECILES_1_2: &str = "Deciles 1-2";

/// A relative likelihood with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RelativeLikelihood {
    pub ratio: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// The relative likelihood of group A being appointed from shortlisting compared with group B:
/// (A appointed ÷ A shortlisted) ÷ (B appointed ÷ B shortlisted), with a 95% interval by the log
/// method, exp(ln RR ± 1.96 √(1/a − 1/n₁ + 1/c − 1/n₂)). `None` when a count is 0 (no ratio, or
/// no interval).
///
/// WRES indicator 2 is this with A = White and B = BME applicants; above 1, White applicants are
/// the more likely to be appointed.
///
/// ```
/// use anchormap::funnel::tally::relative_likelihood;
/// // White: 30 of 100 shortlisted appointed; BME: 10 of 60.
/// let rl = relative_likelihood(30.0, 100.0, 10.0, 60.0).unwrap();
/// assert!((rl.ratio - 1.8).abs() < 1e-12);
/// assert!(rl.ci_low < 1.8 && 1.8 < rl.ci_high);
/// assert!(relative_likelihood(0.0, 10.0, 3.0, 10.0).is_none());
/// ```
pub fn relative_likelihood(
    a_appointed: f64,
    a_shortlisted: f64,
    b_appointed: f64,
    b_shortlisted: f64,
) -> Option<RelativeLikelihood> {
    if [a_appointed, a_shortlisted, b_appointed, b_shortlisted].iter().any(|v| *v <= 0.0) {
        return None;
    }
    let ratio = (a_appointed / a_shortlisted) / (b_appointed / b_shortlisted);
    let se = (1.0 / a_appointed - 1.0 / a_shortlisted + 1.0 / b_appointed - 1.0 / b_shortlisted).max(0.0).sqrt();
    let z = 1.959_963_984_540_054_f64;
    Some(RelativeLikelihood { ratio, ci_low: (ratio.ln() - z * se).exp(), ci_high: (ratio.ln() + z * se).exp() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appointed_applications_count_at_every_stage() {
        let mut tally = FunnelTally::default();
        for stage in [Stage::Applied, Stage::Applied, Stage::Shortlisted, Stage::Appointed] {
            tally.add(stage, &[("sex", "Female".to_string())]);
        }
        let f = tally.get("sex", "Female");
        assert_eq!((f.applied, f.shortlisted, f.appointed), (4.0, 2.0, 1.0));
        assert_eq!((f.not_shortlisted(), f.not_appointed()), (2.0, 1.0));
        assert_eq!(tally.get("sex", "Male"), Funnel::default());
    }

    #[test]
    fn tables_that_share_out_their_groups_are_partitions() {
        let tables = funnel_tables(true);
        let partitions: Vec<(&str, bool)> = tables.iter().map(|t| (t.column, t.is_partition())).collect();
        assert_eq!(
            partitions,
            [
                ("imd_decile", true),
                ("imd_quintile", true),
                ("core20", true),
                ("ethnic_group", false),
                ("sex", true),
                ("band_group", true)
            ]
        );
        assert_eq!(tables[1].rows[0].1, ["1", "2"]);
    }

    #[test]
    fn the_log_interval_by_hand() {
        // a = 20 of n1 = 50; c = 10 of n2 = 50: RR 2, se = sqrt(1/20 - 1/50 + 1/10 - 1/50) = sqrt(0.11).
        let rl = relative_likelihood(20.0, 50.0, 10.0, 50.0).unwrap();
        let se = 0.11_f64.sqrt();
        assert!((rl.ratio - 2.0).abs() < 1e-12);
        assert!((rl.ci_low - (2.0_f64.ln() - 1.959964 * se).exp()).abs() < 1e-5);
        assert!((rl.ci_high - (2.0_f64.ln() + 1.959964 * se).exp()).abs() < 1e-5);
    }
}
