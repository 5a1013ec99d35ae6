//! Outpatient appointments: patient postcode or area, site, attendance mode (words or NHS Data Dictionary codes), count, specialty, first/follow-up.

use crate::columns::ColumnMap;
use crate::error::{Error, Location, Result};
use crate::input::csv_input::Row;
use crate::input::CsvInput;

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

/// Where the appointment fields are in the file.
#[derive(Debug, Clone, Copy)]
pub struct AppointmentColumns {
    pub postcode: Option<usize>,
    pub area: Option<usize>,
    pub site: usize,
    pub mode: usize,
    pub count: Option<usize>,
    pub specialty: Option<usize>,
    pub first_follow_up: Option<usize>,
    pub date: Option<usize>,
}

impl AppointmentColumns {
    pub fn resolve(input: &CsvInput, columns: &ColumnMap) -> Result<AppointmentColumns> {
        let columns = &columns.named("--appointment-columns");
        let [postcode, area, site, mode, count, specialty, first_follow_up, _attended, date] = &APPOINTMENT_COLUMNS;
        if let Some(key) = columns.unknown_keys(&APPOINTMENT_COLUMNS).next() {
            return Err(Error::invalid(
                Location::file(&input.path),
                format!(
                    "--appointment-columns names '{key}', which is not one of postcode, area, site, mode, count, specialty, first_follow_up, date"
                ),
            ));
        }
        let found = AppointmentColumns {
            postcode: input.find(postcode, columns)?,
            area: input.find(area, columns)?,
            site: input.require(site, columns)?,
            mode: input.require(mode, columns)?,
            count: input.find(count, columns)?,
            specialty: input.find(specialty, columns)?,
            first_follow_up: input.find(first_follow_up, columns)?,
            date: input.find(date, columns)?,
        };
        if found.postcode.is_none() && found.area.is_none() {
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

    fn text<'a>(&self, row: &'a Row, column: Option<usize>) -> &'a str {
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

    pub fn attendance(&self, row: &Row) -> Attendance {
        Attendance::parse(self.text(row, Some(self.mode)))
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
