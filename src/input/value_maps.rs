//! What a user says the values of a coded column mean: one grammar for every coded role (`--values ROLE=FILE`, a CSV of value,meaning; `[values.ROLE]` tables in anchormap.toml), overriding the built-in reading for exactly those values.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Location, Result};
use crate::input::applications::{Stage, StatusReading};
use crate::input::appointments::{Attendance, Attended, NoJourney};
use crate::input::band::Band;
use crate::input::demography::{EthnicGroup, Sex};

/// A coded column whose values a user can map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ValueRole {
    /// An application's status: the stage reached.
    Status,
    /// An appointment's consultation medium.
    Medium,
    /// Whether an appointment was attended.
    Attendance,
    /// A pay band or grade.
    Band,
    /// Ethnic group, to its Census 2021 group.
    EthnicGroup,
    Sex,
}

impl ValueRole {
    pub const ALL: [ValueRole; 6] = [
        ValueRole::Status,
        ValueRole::Medium,
        ValueRole::Attendance,
        ValueRole::Band,
        ValueRole::EthnicGroup,
        ValueRole::Sex,
    ];

    /// As `--values` and `[values.ROLE]` spell it.
    pub fn name(self) -> &'static str {
        match self {
            ValueRole::Status => "status",
            ValueRole::Medium => "medium",
            ValueRole::Attendance => "attendance",
            ValueRole::Band => "band",
            ValueRole::EthnicGroup => "ethnic-group",
            ValueRole::Sex => "sex",
        }
    }

    /// `ethnic_group` and `ethnic-group` alike.
    pub fn parse(name: &str) -> Option<ValueRole> {
        let name = name.trim().to_ascii_lowercase().replace('_', "-");
        ValueRole::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The role of a column of the header dictionary (`stage`, `mode`, `attended`, …), if its
    /// values can be mapped.
    pub fn of_column(key: &str) -> Option<ValueRole> {
        Some(match key {
            "stage" => ValueRole::Status,
            "mode" => ValueRole::Medium,
            "attended" => ValueRole::Attendance,
            "band" => ValueRole::Band,
            "ethnic_group" => ValueRole::EthnicGroup,
            "sex" => ValueRole::Sex,
            _ => return None,
        })
    }

    /// The meanings a value of this role may be mapped to.
    pub fn meanings(self) -> &'static [&'static str] {
        match self {
            ValueRole::Status => &["applied", "shortlisted", "appointed"],
            ValueRole::Medium => &["face-to-face", "telephone", "video", "email", "text", "virtual", "not-recorded"],
            ValueRole::Attendance => {
                &["attended", "did-not-attend", "cancelled-by-patient", "cancelled-by-provider", "not-yet-held"]
            }
            ValueRole::Band => {
                &["1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "medical", "not-known"]
            }
            ValueRole::EthnicGroup => &["white", "asian", "black", "mixed", "other", "not-stated"],
            ValueRole::Sex => &["female", "male", "not-stated"],
        }
    }

    /// The `[values.ROLE]` table of anchormap.toml.
    pub fn table(self) -> &'static str {
        match self {
            ValueRole::Status => "values.status",
            ValueRole::Medium => "values.medium",
            ValueRole::Attendance => "values.attendance",
            ValueRole::Band => "values.band",
            ValueRole::EthnicGroup => "values.ethnic-group",
            ValueRole::Sex => "values.sex",
        }
    }

    /// A meaning as the user wrote it, in the spelling of [`ValueRole::meanings`] ("Face to
    /// face" is `face-to-face`); `None` when it is not one of them.
    ///
    /// ```
    /// use anchormap::input::value_maps::ValueRole;
    /// assert_eq!(ValueRole::Medium.meaning("Face to face"), Some("face-to-face"));
    /// assert_eq!(ValueRole::Status.meaning("Shortlisted"), Some("shortlisted"));
    /// assert_eq!(ValueRole::Status.meaning("interviewed"), None);
    /// assert_eq!(ValueRole::Band.meaning("8A"), Some("8a"));
    /// ```
    pub fn meaning(self, written: &str) -> Option<&'static str> {
        let spelled = canonical(written);
        self.meanings().iter().copied().find(|m| *m == spelled)
    }
}

/// Lower case, words joined by `-`.
fn canonical(text: &str) -> String {
    let lower = text.trim().to_lowercase();
    lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-")
}

/// A value as it is matched: trimmed, case and runs of spaces ignored.
pub fn value_key(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The user's value maps: role → value (as [`value_key`]) → meaning.
#[derive(Debug, Clone, Default)]
pub struct ValueMaps {
    maps: BTreeMap<ValueRole, BTreeMap<String, &'static str>>,
}

impl ValueMaps {
    /// From `--values ROLE=FILE` options and `--value-meaning ROLE:VALUE=MEANING` entries (what
    /// `[values.ROLE]` tables become); a file's line overrides an entry for the same value.
    pub fn from_options(files: &[String], entries: &[String]) -> Result<ValueMaps> {
        let mut maps = ValueMaps::default();
        for entry in entries {
            maps.add_entry(entry)?;
        }
        for option in files {
            let (role, path) = option.split_once('=').ok_or_else(|| {
                Error::usage(format!("--values takes ROLE=FILE (roles: {}); got '{option}'", role_names()))
            })?;
            let role = known_role(role, "--values")?;
            maps.add_file(role, Path::new(path.trim()))?;
        }
        Ok(maps)
    }

    fn add_entry(&mut self, entry: &str) -> Result<()> {
        let shape = || Error::usage(format!("--value-meaning takes ROLE:VALUE=MEANING; got '{entry}'"));
        let (role, rest) = entry.split_once(':').ok_or_else(shape)?;
        let (value, meaning) = rest.rsplit_once('=').ok_or_else(shape)?;
        let role = known_role(role, "--value-meaning")?;
        let meaning = role.meaning(meaning).ok_or_else(|| {
            Error::usage(format!(
                "--value-meaning {entry}: '{}' is not a {} meaning ({})",
                meaning.trim(),
                role.name(),
                role.meanings().join(", ")
            ))
        })?;
        self.maps.entry(role).or_default().insert(value_key(value), meaning);
        Ok(())
    }

    /// A two-column CSV: value, meaning (a header row `value,meaning` is skipped).
    fn add_file(&mut self, role: ValueRole, path: &Path) -> Result<()> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(path)
            .map_err(|e| Error::csv(path, e))?;
        for (index, record) in reader.records().enumerate() {
            let record = record.map_err(|e| Error::csv(path, e))?;
            let line = record.position().map_or(index as u64 + 1, |p| p.line());
            let (value, meaning) = (record.get(0).unwrap_or_default(), record.get(1).unwrap_or_default());
            if index == 0 && value_key(value) == "value" && value_key(meaning) == "meaning" {
                continue;
            }
            if value.trim().is_empty() && meaning.trim().is_empty() {
                continue;
            }
            let meaning = role.meaning(meaning).ok_or_else(|| {
                Error::usage(format!(
                    "{}: '{}' is not a {} meaning (the second column is one of {})",
                    Location::line(path, line),
                    crate::error::excerpt(meaning.trim()),
                    role.name(),
                    role.meanings().join(", ")
                ))
            })?;
            self.maps.entry(role).or_default().insert(value_key(value), meaning);
        }
        Ok(())
    }

    /// The meaning the user gave this value, if any.
    pub fn meaning(&self, role: ValueRole, value: &str) -> Option<&'static str> {
        self.maps.get(&role).and_then(|m| m.get(&value_key(value))).copied()
    }

    /// How many values of a role the user mapped.
    pub fn count(&self, role: ValueRole) -> usize {
        self.maps.get(&role).map_or(0, BTreeMap::len)
    }

    /// An application status: the user's meaning, else the built-in reading.
    pub fn status(&self, value: &str) -> StatusReading {
        match self.meaning(ValueRole::Status, value) {
            Some("applied") => StatusReading::Known(Stage::Applied),
            Some("shortlisted") => StatusReading::Known(Stage::Shortlisted),
            Some("appointed") => StatusReading::Known(Stage::Appointed),
            _ => StatusReading::of(value),
        }
    }

    /// A consultation medium: the user's meaning, else [`Attendance::parse`].
    pub fn medium(&self, value: &str) -> Attendance {
        match self.meaning(ValueRole::Medium, value) {
            Some("face-to-face") => Attendance::FaceToFace,
            Some("not-recorded") => Attendance::NotRecorded,
            Some(_) => Attendance::Virtual,
            None => Attendance::parse(value),
        }
    }

    /// Attended or not: the user's meaning, else [`Attended::parse`].
    pub fn attended(&self, value: &str) -> Attended {
        match self.meaning(ValueRole::Attendance, value) {
            Some("attended") => Attended::Travelled,
            Some("did-not-attend") => Attended::NoJourney(NoJourney::DidNotAttend),
            Some("cancelled-by-patient") => Attended::NoJourney(NoJourney::CancelledByPatient),
            Some("cancelled-by-provider") => Attended::NoJourney(NoJourney::CancelledByProvider),
            Some(_) => Attended::NoJourney(NoJourney::NotYetHeld),
            None => Attended::parse(value),
        }
    }

    /// A band: the user's meaning, else [`Band::parse`].
    pub fn band(&self, value: &str) -> Band {
        match self.meaning(ValueRole::Band, value) {
            Some("not-known") => Band::Unknown,
            Some(meaning) => Band::parse(meaning),
            None => Band::parse(value),
        }
    }

    /// An ethnic group: the user's meaning, else [`EthnicGroup::parse`].
    pub fn ethnic_group(&self, value: &str) -> Option<EthnicGroup> {
        match self.meaning(ValueRole::EthnicGroup, value) {
            Some("not-stated") => Some(EthnicGroup::NotStated),
            Some(meaning) => EthnicGroup::parse(meaning),
            None => EthnicGroup::parse(value),
        }
    }

    /// Sex: the user's meaning, else [`Sex::parse`].
    pub fn sex(&self, value: &str) -> Option<Sex> {
        match self.meaning(ValueRole::Sex, value) {
            Some("female") => Some(Sex::Female),
            Some("male") => Some(Sex::Male),
            Some(_) => Some(Sex::NotStated),
            None => Sex::parse(value),
        }
    }
}

impl ValueMaps {
    /// How a value of `role` is read (the user's map, else the built-in reading), as one of the
    /// role's meanings; `None` when it is not read. What `inspect --write-config` writes.
    ///
    /// ```
    /// use anchormap::input::value_maps::{ValueMaps, ValueRole};
    /// let maps = ValueMaps::default();
    /// assert_eq!(maps.reading(ValueRole::Status, "Interviewed - Unsuccessful"), Some("shortlisted"));
    /// assert_eq!(maps.reading(ValueRole::Status, "Pending"), None);
    /// assert_eq!(maps.reading(ValueRole::Medium, "02"), Some("virtual"));
    /// assert_eq!(maps.reading(ValueRole::Band, "Band 8A"), Some("8a"));
    /// assert_eq!(maps.reading(ValueRole::Attendance, "DNA"), Some("did-not-attend"));
    /// ```
    pub fn reading(&self, role: ValueRole, value: &str) -> Option<&'static str> {
        match role {
            ValueRole::Status => self.status(value).stage().map(|stage| match stage {
                Stage::Applied => "applied",
                Stage::Shortlisted => "shortlisted",
                Stage::Appointed => "appointed",
            }),
            ValueRole::Medium => match self.medium(value) {
                Attendance::FaceToFace => Some("face-to-face"),
                Attendance::Virtual => Some("virtual"),
                Attendance::NotRecorded => None,
            },
            ValueRole::Attendance => match self.attended(value) {
                Attended::Travelled => Some("attended"),
                Attended::NoJourney(NoJourney::DidNotAttend) => Some("did-not-attend"),
                Attended::NoJourney(NoJourney::CancelledByPatient) => Some("cancelled-by-patient"),
                Attended::NoJourney(NoJourney::CancelledByProvider) => Some("cancelled-by-provider"),
                Attended::NoJourney(NoJourney::NotYetHeld) => Some("not-yet-held"),
                Attended::Unrecognised => None,
            },
            ValueRole::Band => match self.band(value) {
                Band::Unknown => None,
                Band::Medical => Some("medical"),
                Band::AgendaForChange { band, range } => {
                    let spelled = format!("{band}{}", range.map(String::from).unwrap_or_default());
                    role.meaning(&spelled)
                }
            },
            ValueRole::EthnicGroup => self.ethnic_group(value).map(|g| match g {
                EthnicGroup::White => "white",
                EthnicGroup::Asian => "asian",
                EthnicGroup::Black => "black",
                EthnicGroup::Mixed => "mixed",
                EthnicGroup::Other => "other",
                EthnicGroup::NotStated => "not-stated",
            }),
            ValueRole::Sex => self.sex(value).map(|s| match s {
                Sex::Female => "female",
                Sex::Male => "male",
                Sex::NotStated => "not-stated",
            }),
        }
    }
}

fn role_names() -> String {
    ValueRole::ALL.map(ValueRole::name).join(", ")
}

fn known_role(name: &str, flag: &str) -> Result<ValueRole> {
    ValueRole::parse(name)
        .ok_or_else(|| Error::usage(format!("{flag}: '{}' is not a role of values ({})", name.trim(), role_names())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_users_map_overrides_the_built_in_reading_for_exactly_its_values() {
        let maps = ValueMaps::from_options(
            &[],
            &["status:Interview - successful=appointed".into(), "medium:Phone call=telephone".into()],
        )
        .unwrap();
        assert_eq!(maps.status("interview -  SUCCESSFUL"), StatusReading::Known(Stage::Appointed));
        assert_eq!(maps.status("Successful at interview"), StatusReading::Unclear);
        assert_eq!(maps.medium("Phone call"), Attendance::Virtual);
        assert_eq!(maps.medium("F2F"), Attendance::FaceToFace);
        let err = ValueMaps::from_options(&[], &["status:Pending=interviewed".into()]).unwrap_err().to_string();
        assert!(err.contains("'interviewed' is not a status meaning (applied, shortlisted, appointed)"), "{err}");
        let err = ValueMaps::from_options(&["colour=x.csv".into()], &[]).unwrap_err().to_string();
        assert!(err.contains("'colour' is not a role of values"), "{err}");
    }

    #[test]
    fn a_map_file_names_the_line_of_a_wrong_meaning() {
        let dir = std::env::temp_dir().join(format!("anchormap-value-maps-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("status.csv");
        std::fs::write(&path, "value,meaning\nInterviewed - Unsuccessful,shortlisted\nPending,maybe\n").unwrap();
        let option = format!("status={}", path.display());
        let err = ValueMaps::from_options(&[option], &[]).unwrap_err();
        assert!(matches!(err, Error::Usage(_)));
        assert!(err.to_string().contains("status.csv, line 3: 'maybe' is not a status meaning"), "{err}");
        std::fs::write(&path, "Pending,Applied\n").unwrap();
        let maps = ValueMaps::from_options(&[format!("status={}", path.display())], &[]).unwrap();
        assert_eq!(maps.status("pending"), StatusReading::Known(Stage::Applied));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
