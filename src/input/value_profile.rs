//! Value profiles of a file's coded columns (bands, modes, first/follow-up, dates, postcodes): the values found, with counts, and those anchormap does not recognise.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::input::applications::StatusReading;
use crate::input::appointments::{Attendance, Attended, Visit};
use crate::input::band::{Band, BandGroup};
use crate::input::demography::{AgeBand, EthnicGroup, Sex};
use crate::input::staff::Date;
use crate::input::value_maps::{ValueMaps, ValueRole};
use crate::postcode::Postcode;

/// How many distinct values a profile shows before "and N more".
pub const SHOWN_VALUES: usize = 15;
/// How many distinct values a profile keeps in memory; beyond it, values are only counted.
const KEPT_VALUES: usize = 10_000;

/// How the values of a column are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueRule {
    /// Agenda for Change bands and grades ([`Band::parse`]).
    Band,
    /// Consultation medium ([`Attendance::parse`]).
    Attendance,
    /// First or follow-up ([`Visit::parse`]).
    Visit,
    /// Attended or did not attend ([`Attended::parse`]).
    Attended,
    /// Dates ([`Date::parse`]), shown as their range.
    Date,
    /// Dates that are personal (date of birth): counts only.
    PrivateDate,
    /// Postcodes: valid and invalid counts only, never a value.
    Postcode,
    /// An entry-level flag: yes/no, y/n, true/false, 1/0.
    EntryLevel,
    /// Ethnic group, to its Census 2021 group ([`EthnicGroup::parse`]).
    EthnicGroup,
    /// Sex ([`Sex::parse`]).
    Sex,
    /// Age or age band, to its census band ([`AgeBand::parse`]).
    AgeBand,
    /// An application's status, to the stage reached ([`StatusReading`]: unclear ones are not recognised).
    Stage,
    /// Codes or labels taken as written (staff group, site, specialty).
    Distinct,
}

impl ValueRule {
    /// The rule for a role of a file, if its values are worth profiling.
    pub fn for_role(role: &str) -> Option<ValueRule> {
        Some(match role {
            "band" => ValueRule::Band,
            "mode" => ValueRule::Attendance,
            "first_follow_up" => ValueRule::Visit,
            "attended" => ValueRule::Attended,
            "start_date" | "closing_date" | "date" => ValueRule::Date,
            "date_of_birth" => ValueRule::PrivateDate,
            "postcode" => ValueRule::Postcode,
            "entry_level" => ValueRule::EntryLevel,
            "ethnic_group" => ValueRule::EthnicGroup,
            "sex" => ValueRule::Sex,
            "age_band" => ValueRule::AgeBand,
            "stage" => ValueRule::Stage,
            "staff_group" | "specialty" | "site" | "decile" | "country" | "area" => ValueRule::Distinct,
            _ => return None,
        })
    }

    /// What a (non-blank) value means under this rule; `None` when it is not recognised.
    pub fn meaning(self, value: &str) -> Option<String> {
        match self {
            ValueRule::Band => match Band::parse(value) {
                Band::Unknown => None,
                Band::Medical => Some(BandGroup::Medical.to_string()),
                band => Some(format!("band {band} ({})", band.group())),
            },
            ValueRule::Attendance => match Attendance::parse(value) {
                Attendance::FaceToFace => Some("face to face".into()),
                Attendance::Virtual => Some("virtual (no journey)".into()),
                Attendance::NotRecorded => None,
            },
            ValueRule::Visit => match Visit::parse(value) {
                Visit::First => Some("first".into()),
                Visit::FollowUp => Some("follow-up".into()),
                Visit::Unknown => None,
            },
            ValueRule::Attended => match Attended::parse(value) {
                Attended::Travelled => Some("attended (a journey)".into()),
                Attended::NoJourney(reason) => Some(format!("no journey: {}", reason.as_str().replace('_', " "))),
                Attended::Unrecognised => None,
            },
            ValueRule::EntryLevel => match value.to_ascii_lowercase().as_str() {
                "y" | "yes" | "true" | "1" => Some("entry level".into()),
                "n" | "no" | "false" | "0" => Some("not entry level".into()),
                _ => None,
            },
            ValueRule::Date | ValueRule::PrivateDate => Date::parse(value).map(|d| d.to_string()),
            ValueRule::Postcode => Postcode::parse(value).map(|_| "valid".into()),
            ValueRule::EthnicGroup => EthnicGroup::parse(value).map(|g| match g {
                EthnicGroup::NotStated => "not stated (counted apart)".to_string(),
                g => format!("{} (Census 2021 group; {})", g.label(), g.wres().label()),
            }),
            ValueRule::Sex => Sex::parse(value).map(|s| s.label().to_lowercase()),
            ValueRule::AgeBand => AgeBand::parse(value).map(|a| a.label().to_string()),
            ValueRule::Stage => StatusReading::of(value).stage().map(|s| s.label().to_string()),
            ValueRule::Distinct => Some(String::new()),
        }
    }

    /// Whether the values themselves may be shown (never postcodes or dates of birth).
    fn shows_values(self) -> bool {
        !matches!(self, ValueRule::Postcode | ValueRule::PrivateDate)
    }
}

/// One distinct value and how many rows have it.
#[derive(Debug, Clone, Serialize)]
pub struct ValueCount {
    pub value: String,
    pub rows: u64,
    /// What anchormap takes it to mean (empty for values taken as written).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub meaning: String,
}

/// The values of one column.
#[derive(Debug, Clone, Serialize)]
pub struct ValueProfile {
    pub column: String,
    pub role: &'static str,
    pub rule: ValueRule,
    pub rows: u64,
    pub blank: u64,
    /// Rows whose value is recognised (for postcodes: shaped like a postcode).
    pub recognised: u64,
    /// Non-blank rows whose value is not recognised.
    pub unrecognised: u64,
    /// Recognised values, most frequent first, at most [`SHOWN_VALUES`].
    pub values: Vec<ValueCount>,
    /// Recognised distinct values not shown.
    pub more_values: usize,
    /// Unrecognised values, most frequent first, at most [`SHOWN_VALUES`].
    pub unrecognised_values: Vec<ValueCount>,
    pub more_unrecognised_values: usize,
    /// The earliest and latest date, for date columns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_range: Option<(String, String)>,
    /// Postcodes by nation of their postcode area, when any is outside England (else empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nations: Vec<(&'static str, u64)>,
    /// For a column whose values a user can map: every value kept, most frequent first, with
    /// how it is read (`None`: not read), for `inspect --write-config`.
    #[serde(skip)]
    pub value_map: Option<(ValueRole, Vec<MappedValue>)>,
}

/// A value of a mappable column and how it is read.
#[derive(Debug, Clone)]
pub struct MappedValue {
    pub value: String,
    pub rows: u64,
    pub meaning: Option<&'static str>,
}

/// Counts the values of one column as rows stream past.
#[derive(Debug)]
pub struct ProfileBuilder {
    column: String,
    role: &'static str,
    rule: ValueRule,
    rows: u64,
    blank: u64,
    recognised: BTreeMap<String, (u64, String)>,
    unrecognised: BTreeMap<String, u64>,
    recognised_rows: u64,
    unrecognised_rows: u64,
    /// The earliest and latest date seen.
    dates: Option<(Date, Date)>,
    /// Postcodes by the nation of their postcode area.
    nations: BTreeMap<&'static str, u64>,
    /// The user's value maps, read before the built-in reading.
    maps: ValueMaps,
}

impl ProfileBuilder {
    pub fn new(column: &str, role: &'static str, rule: ValueRule) -> ProfileBuilder {
        ProfileBuilder {
            column: column.to_string(),
            role,
            rule,
            rows: 0,
            blank: 0,
            recognised: BTreeMap::new(),
            unrecognised: BTreeMap::new(),
            recognised_rows: 0,
            unrecognised_rows: 0,
            dates: None,
            nations: BTreeMap::new(),
            maps: ValueMaps::default(),
        }
    }

    /// Reads values through the user's maps first (as the commands do).
    pub fn with_maps(mut self, maps: &ValueMaps) -> ProfileBuilder {
        self.maps = maps.clone();
        self
    }

    /// What a value means: the user's map, else the rule.
    fn meaning(&self, value: &str) -> Option<String> {
        let mapped = ValueRole::of_column(self.role).and_then(|role| self.maps.meaning(role, value));
        match mapped {
            Some(meaning) => Some(format!("{meaning} (your map)")),
            None => self.rule.meaning(value),
        }
    }

    /// Counts one value (raw bytes from the file).
    pub fn add(&mut self, raw: &[u8]) {
        self.rows += 1;
        let text = String::from_utf8_lossy(raw);
        let value = text.trim();
        if value.is_empty() {
            self.blank += 1;
            return;
        }
        let meaning = self.meaning(value);
        let recognised = meaning.is_some();
        if recognised {
            self.recognised_rows += 1;
        } else {
            self.unrecognised_rows += 1;
        }
        if self.rule == ValueRule::Date {
            if let Some(date) = Date::parse(value) {
                let (first, last) = self.dates.get_or_insert((date, date));
                *first = (*first).min(date);
                *last = (*last).max(date);
            }
        }
        if let Some(postcode) = Postcode::parse(value).filter(|_| self.rule == ValueRule::Postcode) {
            *self.nations.entry(postcode.nation_by_area()).or_default() += 1;
        }
        if !self.rule.shows_values() {
            return;
        }
        // A value shaped like a postcode, or holding one among its words, is never kept, whatever
        // the column (a misnamed column, an address): it is shown by its shape.
        let shown = if Postcode::parse(value).is_some() {
            "(a postcode, not shown)"
        } else if crate::postcode::contains_postcode(value) {
            "(a postcode, not shown: text holding one)"
        } else {
            value
        };
        let kept = self.recognised.len() + self.unrecognised.len();
        match meaning {
            Some(meaning) => {
                if let Some(entry) = self.recognised.get_mut(shown) {
                    entry.0 += 1;
                } else if kept < KEPT_VALUES {
                    self.recognised.insert(shown.to_string(), (1, meaning));
                }
            }
            None => {
                if let Some(count) = self.unrecognised.get_mut(shown) {
                    *count += 1;
                } else if kept < KEPT_VALUES {
                    self.unrecognised.insert(shown.to_string(), 1);
                }
            }
        }
    }

    /// The profile: the most frequent values, ties in order of the value.
    pub fn finish(self) -> ValueProfile {
        let date_range = self.dates.map(|(first, last)| (first.to_string(), last.to_string()));
        let private = !self.rule.shows_values();
        let value_map = self.value_map();
        let recognised: Vec<ValueCount> =
            self.recognised.into_iter().map(|(value, (rows, meaning))| ValueCount { value, rows, meaning }).collect();
        let unrecognised: Vec<ValueCount> = self
            .unrecognised
            .into_iter()
            .map(|(value, rows)| ValueCount { value, rows, meaning: String::new() })
            .collect();
        let (values, more_values) = if private { (Vec::new(), 0) } else { top(recognised) };
        let (unrecognised_values, more_unrecognised_values) = if private { (Vec::new(), 0) } else { top(unrecognised) };
        ValueProfile {
            column: self.column,
            role: self.role,
            rule: self.rule,
            rows: self.rows,
            blank: self.blank,
            recognised: self.recognised_rows,
            unrecognised: self.unrecognised_rows,
            values,
            more_values,
            unrecognised_values,
            more_unrecognised_values,
            date_range: date_range.filter(|_| !private),
            nations: nation_mix(self.nations),
            value_map,
        }
    }

    /// Every value kept with its reading, for a role a user can map (never a postcode).
    fn value_map(&self) -> Option<(ValueRole, Vec<MappedValue>)> {
        let role = ValueRole::of_column(self.role).filter(|_| self.rule.shows_values())?;
        let recognised = self.recognised.iter().map(|(v, (n, _))| (v, *n));
        let mut values: Vec<MappedValue> = recognised
            .chain(self.unrecognised.iter().map(|(v, n)| (v, *n)))
            .filter(|(v, _)| Postcode::parse(v).is_none() && !v.starts_with("(a postcode"))
            .map(|(value, rows)| MappedValue { value: value.clone(), rows, meaning: self.maps.reading(role, value) })
            .collect();
        values.sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.value.cmp(&b.value)));
        Some((role, values))
    }
}

/// The [`SHOWN_VALUES`] most frequent, and how many more there are.
/// Postcodes by nation, most first, when any is outside England: an England-only file says nothing more.
fn nation_mix(nations: BTreeMap<&'static str, u64>) -> Vec<(&'static str, u64)> {
    if nations.keys().all(|n| *n == "England") {
        return Vec::new();
    }
    let mut mix: Vec<(&'static str, u64)> = nations.into_iter().collect();
    mix.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    mix
}

fn top(mut values: Vec<ValueCount>) -> (Vec<ValueCount>, usize) {
    values.sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.value.cmp(&b.value)));
    let more = values.len().saturating_sub(SHOWN_VALUES);
    values.truncate(SHOWN_VALUES);
    (values, more)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(rule: ValueRule, values: &[&str]) -> ValueProfile {
        let mut builder = ProfileBuilder::new("col", "role", rule);
        for v in values {
            builder.add(v.as_bytes());
        }
        builder.finish()
    }

    #[test]
    fn bands_are_counted_and_unrecognised_ones_listed() {
        let p = profile(ValueRule::Band, &["Band 2", "Band 2", "8a", "", "Bank", "Bank", "Zero Hours"]);
        assert_eq!((p.rows, p.blank, p.recognised, p.unrecognised), (7, 1, 3, 3));
        assert_eq!(p.values[0].value, "Band 2");
        assert_eq!(p.values[0].rows, 2);
        assert_eq!(p.values[0].meaning, "band 2 (Bands 1-4)");
        assert_eq!(p.unrecognised_values[0].value, "Bank");
        assert_eq!(p.unrecognised_values[0].rows, 2);
    }

    #[test]
    fn postcodes_are_only_counted() {
        let p = profile(ValueRule::Postcode, &["WR5 1DD", "not one", ""]);
        assert_eq!((p.recognised, p.unrecognised, p.blank), (1, 1, 1));
        assert!(p.values.is_empty() && p.unrecognised_values.is_empty());
        // Elsewhere, a postcode-shaped value is masked.
        let p = profile(ValueRule::Distinct, &["WR5 1DD", "Site A"]);
        assert!(p.values.iter().all(|v| !v.value.contains("WR5")));
    }

    #[test]
    fn dates_give_their_range_and_top_values_are_capped() {
        let p = profile(ValueRule::Date, &["01/04/2024", "2023-12-31", "soon"]);
        assert_eq!(p.date_range, Some(("2023-12-31".into(), "2024-04-01".into())));
        assert_eq!(p.unrecognised_values[0].value, "soon");
        let many: Vec<String> = (0..20).map(|i| format!("group {i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let p = profile(ValueRule::Distinct, &refs);
        assert_eq!((p.values.len(), p.more_values), (SHOWN_VALUES, 5));
    }
}
