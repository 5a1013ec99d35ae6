//! Outpatient appointments: patient postcode or area, site, attendance mode (words or NHS Data Dictionary codes), count, specialty, first/follow-up.

use std::path::Path;

use crate::columns::ColumnMap;
use crate::error::{Error, Location, Result};
use crate::input::home_postcode;
use crate::input::unrecognised::{ColumnInFile, ColumnSpread, UnrecognisedValues};
use crate::input::value_maps::{ValueMaps, ValueRole};
use crate::io::csv_input::Row;
use crate::io::CsvInput;

/// The most appointments one row may stand for (a year of every outpatient appointment in
/// England is about 130 million); more is a mistake, counted as an invalid count.
pub const MAX_COUNT: f64 = 1e9;

pub use crate::dictionary::APPOINTMENTS as APPOINTMENT_COLUMNS;

/// How an appointment took place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    FaceToFace,
    /// Telephone, video (telemedicine), talk type, email or text: no patient travel.
    Virtual,
    /// Blank or not recognised; treated as face to face (counted in the summary).
    NotRecorded,
}

impl Attendance {
    /// Plain words or the NHS Data Dictionary "consultation medium used" codes: 01 face to face,
    /// 02 telephone, 03 telemedicine, 04 talk type for a person unable to speak, 05 email, 06 SMS.
    ///
    /// ```
    /// use anchormap::input::appointments::Attendance;
    /// assert_eq!(Attendance::parse("01"), Attendance::FaceToFace);
    /// assert_eq!(Attendance::parse("Face to face"), Attendance::FaceToFace);
    /// assert_eq!(Attendance::parse("3"), Attendance::Virtual);
    /// assert_eq!(Attendance::parse("Video"), Attendance::Virtual);
    /// assert_eq!(Attendance::parse(""), Attendance::NotRecorded);
    /// ```
    pub fn parse(text: &str) -> Attendance {
        let word: String =
            text.trim().chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
        match word.trim_start_matches('0') {
            "1" | "facetoface" | "f2f" | "inperson" | "faceface" => Attendance::FaceToFace,
            "2" | "3" | "4" | "5" | "6" | "telephone" | "phone" | "tel" | "video" | "telemedicine" | "videocall"
            | "virtual" | "talktype" | "email" | "sms" | "text" | "smstext" | "remote" => Attendance::Virtual,
            _ => Attendance::NotRecorded,
        }
    }
}

/// First or follow-up attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visit {
    First,
    FollowUp,
    Unknown,
}

impl Visit {
    /// Words, or the Data Dictionary "first attendance" codes (1 and 3 first, 2 and 4 follow-up).
    ///
    /// ```
    /// use anchormap::input::appointments::Visit;
    /// assert_eq!(Visit::parse("Follow-up"), Visit::FollowUp);
    /// assert_eq!(Visit::parse("2"), Visit::FollowUp);
    /// assert_eq!(Visit::parse("new"), Visit::First);
    /// assert_eq!(Visit::parse("5"), Visit::Unknown);
    /// ```
    pub fn parse(text: &str) -> Visit {
        let word: String =
            text.trim().chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
        match word.trim_start_matches('0') {
            "1" | "3" | "first" | "new" | "firstattendance" | "f" => Visit::First,
            "2" | "4" | "followup" | "fu" | "fup" | "review" | "subsequent" => Visit::FollowUp,
            _ => Visit::Unknown,
        }
    }
}

/// Whether the patient travelled: the Data Dictionary "attended or did not attend" codes (5 and 6
/// attended, 7 arrived late and could not be seen, but still travelled; 2 and 4 cancelled by the
/// patient or the provider, 3 did not attend, 0 not yet held: no journey), or plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attended {
    Travelled,
    NoJourney(NoJourney),
    /// Blank or not recognised: counted as travelled, and listed in the run's warnings.
    Unrecognised,
}

/// Why an appointment involved no journey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoJourney {
    DidNotAttend,
    CancelledByPatient,
    CancelledByProvider,
    NotYetHeld,
}

impl NoJourney {
    pub fn as_str(self) -> &'static str {
        match self {
            NoJourney::DidNotAttend => "did_not_attend",
            NoJourney::CancelledByPatient => "cancelled_by_patient",
            NoJourney::CancelledByProvider => "cancelled_by_provider",
            NoJourney::NotYetHeld => "not_yet_held",
        }
    }
}

impl Attended {
    /// ```
    /// use anchormap::input::appointments::{Attended, NoJourney};
    /// assert_eq!(Attended::parse("5"), Attended::Travelled);
    /// assert_eq!(Attended::parse("7"), Attended::Travelled);
    /// assert_eq!(Attended::parse("3"), Attended::NoJourney(NoJourney::DidNotAttend));
    /// assert_eq!(Attended::parse("DNA"), Attended::NoJourney(NoJourney::DidNotAttend));
    /// assert_eq!(Attended::parse("Cancelled by hospital"), Attended::NoJourney(NoJourney::CancelledByProvider));
    /// assert_eq!(Attended::parse("maybe"), Attended::Unrecognised);
    /// ```
    pub fn parse(text: &str) -> Attended {
        let word: String =
            text.trim().chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
        let code = word.trim_start_matches('0');
        let code = if code.is_empty() && !word.is_empty() { "0" } else { code };
        match code {
            "5" | "6" | "7" | "attended" | "yes" | "y" | "seen" | "attendedontime" | "arrivedlate" | "late" => {
                Attended::Travelled
            }
            "3" | "dna" | "didnotattend" | "no" | "n" | "notattended" => Attended::NoJourney(NoJourney::DidNotAttend),
            "2" | "cancelledbypatient" | "patientcancelled" => Attended::NoJourney(NoJourney::CancelledByPatient),
            "4" | "cancelledbyprovider" | "cancelledbyhospital" | "hospitalcancelled" | "cancelled" => {
                Attended::NoJourney(NoJourney::CancelledByProvider)
            }
            "0" | "future" | "notyetheld" => Attended::NoJourney(NoJourney::NotYetHeld),
            _ => Attended::Unrecognised,
        }
    }
}

/// The consultation medium a Data Dictionary "first attendance" code implies: 1 and 2 face to
/// face, 3 and 4 by telephone or telemedicine (used when the file has no consultation medium).
pub fn medium_of_first_attendance(text: &str) -> Attendance {
    match text.trim().trim_start_matches('0') {
        "1" | "2" => Attendance::FaceToFace,
        "3" | "4" => Attendance::Virtual,
        _ => Attendance::NotRecorded,
    }
}

/// What an appointments file must have, by the roles found (`has(key)`): a site, a
/// consultation medium or first-attendance codes, and a patient postcode or area code. The
/// command and `inspect` both ask this; `None` when the file has them, else the role missing
/// (`site`, `mode` or `postcode`).
///
/// ```
/// use anchormap::input::appointments::missing_role;
/// let hes = ["area", "site", "first_follow_up"];
/// assert_eq!(missing_role(|key| hes.contains(&key)), None);
/// assert_eq!(missing_role(|key| ["area", "site"].contains(&key)), Some("mode"));
/// ```
pub fn missing_role(has: impl Fn(&str) -> bool) -> Option<&'static str> {
    if !has("site") {
        Some("site")
    } else if !has("mode") && !has("first_follow_up") {
        Some("mode")
    } else if !has("postcode") && !has("area") {
        Some("postcode")
    } else {
        None
    }
}

/// Where the appointment fields are in the file.
#[derive(Debug, Clone, Copy)]
pub struct AppointmentColumns {
    pub postcode: Option<usize>,
    pub area: Option<usize>,
    pub site: usize,
    /// The consultation medium; without it, first-attendance codes 3 and 4 mark virtual appointments.
    pub mode: Option<usize>,
    pub attended: Option<usize>,
    pub count: Option<usize>,
    pub specialty: Option<usize>,
    pub first_follow_up: Option<usize>,
    pub date: Option<usize>,
}

impl AppointmentColumns {
    pub fn resolve(input: &CsvInput, columns: &ColumnMap) -> Result<AppointmentColumns> {
        let columns = &columns.named("--appointment-columns");
        let [postcode, area, site, mode, count, specialty, first_follow_up, attended, date] = &APPOINTMENT_COLUMNS;
        if let Some(key) = columns.unknown_keys(&APPOINTMENT_COLUMNS).next() {
            return Err(Error::invalid(
                Location::file(&input.path),
                format!(
                    "--appointment-columns names '{key}', which is not one of postcode, area, site, mode, count, specialty, first_follow_up, attended, date"
                ),
            ));
        }
        let at = Location::file(&input.path);
        let site_found = input.find(site, columns)?;
        let found = AppointmentColumns {
            postcode: home_postcode::resolve(&input.headers, postcode, columns, "--appointment-columns", &at)?,
            area: input.find(area, columns)?,
            site: site_found.unwrap_or_default(),
            mode: input.find(mode, columns)?,
            attended: input.find(attended, columns)?,
            count: input.find(count, columns)?,
            specialty: input.find(specialty, columns)?,
            first_follow_up: input.find(first_follow_up, columns)?,
            date: input.find(date, columns)?,
        };
        let missing = missing_role(|key| match key {
            "site" => site_found.is_some(),
            "mode" => found.mode.is_some(),
            "first_follow_up" => found.first_follow_up.is_some(),
            "postcode" => found.postcode.is_some(),
            _ => found.area.is_some(),
        });
        match missing {
            Some("site") => return input.require(site, columns).map(|_| found),
            Some("mode") => return input.require(mode, columns).map(|_| found),
            _ => {}
        }
        if missing.is_some() {
            return Err(Error::invalid(
                Location::file(&input.path),
                format!(
                    "appointments need a patient postcode or patient area code column (name it with --appointment-columns postcode=HEADER or area=HEADER); the header has {}",
                    crate::columns::list_headers(&input.headers)
                ),
            ));
        }
        Ok(found)
    }

    pub fn text<'a>(&self, row: &'a Row, column: Option<usize>) -> &'a str {
        column.and_then(|i| row.record.get(i)).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default().trim()
    }

    pub fn postcode<'a>(&self, row: &'a Row) -> &'a [u8] {
        self.postcode.and_then(|i| row.record.get(i)).unwrap_or_default()
    }

    pub fn area<'a>(&self, row: &'a Row) -> &'a str {
        self.text(row, self.area)
    }

    pub fn site<'a>(&self, row: &'a Row) -> &'a str {
        self.text(row, Some(self.site))
    }

    /// The consultation medium (through the user's value maps), or what the first-attendance code
    /// implies when the file gives none.
    pub fn attendance(&self, row: &Row, maps: &ValueMaps) -> Attendance {
        match self.mode.map(|_| maps.medium(self.text(row, self.mode))) {
            Some(medium) if medium != Attendance::NotRecorded => medium,
            from_mode => match medium_of_first_attendance(self.text(row, self.first_follow_up)) {
                Attendance::NotRecorded => from_mode.unwrap_or(Attendance::NotRecorded),
                implied => implied,
            },
        }
    }

    /// The raw consultation medium text, for listing values that are not recognised.
    pub fn mode_text<'a>(&self, row: &'a Row) -> &'a str {
        self.text(row, self.mode)
    }

    /// Whether the patient travelled (always, without an attendance column), through the user's
    /// value maps.
    pub fn attended(&self, row: &Row, maps: &ValueMaps) -> Attended {
        match self.attended {
            None => Attended::Travelled,
            Some(_) => maps.attended(self.text(row, self.attended)),
        }
    }

    pub fn attended_text<'a>(&self, row: &'a Row) -> &'a str {
        self.text(row, self.attended)
    }

    /// The number of appointments the row stands for: 1 without a count column; `None` when the
    /// count is blank, negative, not a whole number or beyond [`MAX_COUNT`].
    pub fn count(&self, row: &Row) -> Option<f64> {
        if self.count.is_none() {
            return Some(1.0);
        }
        let text = self.text(row, self.count);
        text.parse::<f64>().ok().filter(|n| (0.0..=MAX_COUNT).contains(n) && n.fract() == 0.0)
    }

    pub fn specialty<'a>(&self, row: &'a Row) -> &'a str {
        self.text(row, self.specialty)
    }

    pub fn visit(&self, row: &Row) -> Visit {
        self.first_follow_up.map_or(Visit::Unknown, |_| Visit::parse(self.text(row, self.first_follow_up)))
    }

    pub fn date(&self, row: &Row) -> Option<crate::input::staff::Date> {
        crate::input::staff::Date::parse(self.text(row, self.date))
    }
}

/// The coded values of an appointments file that could not be read, by column, and how varied
/// each coded column is (a column blank or one value on every row is degenerate).
#[derive(Debug, Default)]
pub struct UnrecognisedAppointmentValues {
    mode: UnrecognisedValues,
    attended: UnrecognisedValues,
    first_follow_up: UnrecognisedValues,
    mode_spread: ColumnSpread,
    attended_spread: ColumnSpread,
    visit_spread: ColumnSpread,
    /// Rows whose medium came from the first-attendance code, the medium column blank.
    mode_from_first_attendance: u64,
}

impl UnrecognisedAppointmentValues {
    /// Counts the row's coded values that are written but not recognised (blank ones are "not
    /// recorded", counted in the summary, not here).
    pub fn add(&mut self, row: &Row, columns: &AppointmentColumns, maps: &ValueMaps) {
        let mode = columns.mode_text(row);
        let medium = columns.attendance(row, maps);
        if !mode.is_empty() && medium == Attendance::NotRecorded {
            self.mode.add(mode);
        }
        if columns.mode.is_some() {
            let mapped_blank = mode.is_empty() && maps.meaning(ValueRole::Medium, mode).is_some();
            self.mode_spread.add(if mapped_blank { "(blank, mapped)" } else { mode });
            let implied = medium_of_first_attendance(columns.text(row, columns.first_follow_up));
            self.mode_from_first_attendance += u64::from(mode.is_empty() && implied != Attendance::NotRecorded);
        }
        let attended = columns.attended_text(row);
        if columns.attended.is_some() {
            self.attended_spread.add(attended);
        }
        if !attended.is_empty() && columns.attended(row, maps) == Attended::Unrecognised {
            self.attended.add(attended);
        }
        let visit = columns.text(row, columns.first_follow_up);
        if columns.first_follow_up.is_some() {
            self.visit_spread.add(visit);
        }
        if !visit.is_empty() && columns.visit(row) == Visit::Unknown {
            self.first_follow_up.add(visit);
        }
    }

    /// A consultation medium column blank on every row stops the run (every appointment would
    /// silently be face to face), unless the first-attendance codes give the medium (then said);
    /// a medium or attendance column of one value on every row is a warning.
    fn check_degenerate(&self, path: &Path, headers: &[String], columns: &AppointmentColumns) -> Result<Vec<String>> {
        let mut warnings = Vec::new();
        if let Some(i) = columns.mode {
            let column = ColumnInFile::new(path, &headers[i], "consultation medium", "--appointment-columns", "mode");
            if self.mode_spread.all_blank() {
                if self.mode_from_first_attendance == 0 {
                    return Err(Error::invalid(
                        Location::file(path).with_column(format!("'{}'", column.header)),
                        format!(
                            "the consultation medium is blank on all {} rows, so every appointment would count as face to face; \
                             name the column that holds it with --appointment-columns mode=HEADER, or, if every appointment was \
                             face to face, say so with --values medium=FILE (a line: \"\",face-to-face)",
                            crate::io::format::thousands(self.mode_spread.rows())
                        ),
                    ));
                }
                warnings.push(format!(
                    "{}, column '{}': the consultation medium is blank on every row; the medium is taken from the first-attendance \
                     codes (1, 2 face to face; 3, 4 by telephone or telemedicine) of {} rows",
                    path.display(),
                    column.header,
                    crate::io::format::thousands(self.mode_from_first_attendance)
                ));
            }
            warnings.extend(self.mode_spread.single_value_warning(&column));
        }
        if let Some(i) = columns.attended {
            let column = ColumnInFile::new(path, &headers[i], "attendance", "--appointment-columns", "attended");
            warnings.extend(self.attended_spread.single_value_warning(&column));
        }
        if let Some(i) = columns.first_follow_up {
            let column =
                ColumnInFile::new(path, &headers[i], "first/follow-up", "--appointment-columns", "first_follow_up");
            if self.visit_spread.all_blank() {
                warnings.push(format!(
                    "{}, column '{}': the first/follow-up is blank on all {} rows, so no appointment is known to be a follow-up",
                    path.display(),
                    column.header,
                    crate::io::format::thousands(self.visit_spread.rows())
                ));
            }
            warnings.extend(self.visit_spread.single_value_warning(&column));
        }
        Ok(warnings)
    }

    /// The rows read when the first/follow-up column is blank on every one of them (a scenario
    /// limited to follow-ups would then silently move nothing).
    pub fn first_follow_up_all_blank(&self) -> Option<u64> {
        self.visit_spread.all_blank().then(|| self.visit_spread.rows())
    }

    /// Warnings for a few unrecognised values; an error when a column is mostly unreadable (see
    /// [`UNRECOGNISED_SHARE_LIMIT`](crate::input::unrecognised::UNRECOGNISED_SHARE_LIMIT)).
    pub fn check(
        &self,
        path: &Path,
        headers: &[String],
        columns: &AppointmentColumns,
        rows: u64,
        dates_not_read: u64,
    ) -> Result<Vec<String>> {
        let column = |i: Option<usize>, role, key| {
            i.map(|i| ColumnInFile::new(path, &headers[i], role, "--appointment-columns", key))
        };
        let mut warnings = self.check_degenerate(path, headers, columns)?;
        let checks = [
            (
                column(columns.mode, "consultation medium", "mode"),
                &self.mode,
                "face to face, telephone, video or codes 01-06",
            ),
            (
                column(columns.attended, "attendance", "attended"),
                &self.attended,
                "attended codes 5, 6, 7 (travelled), 2, 3, 4, 0 (no journey) or words",
            ),
            (
                column(columns.first_follow_up, "first/follow-up", "first_follow_up"),
                &self.first_follow_up,
                "first, follow-up, or codes 1-4",
            ),
        ];
        for (column, values, expected) in checks {
            if let Some(column) = column {
                warnings.extend(values.check(&column, rows, expected)?);
            }
        }
        if let Some(column) = column(columns.date, "date", "date") {
            let mut dates = UnrecognisedValues::default();
            (0..dates_not_read).for_each(|_| dates.add("a date not in dd/mm/yyyy or ISO form"));
            warnings.extend(dates.check(&column, rows, "dates as dd/mm/yyyy or yyyy-mm-dd")?);
        }
        Ok(warnings)
    }
}
