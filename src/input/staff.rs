//! Staff records (an ESR extract): home postcode, and optionally staff group and pay band, read row by row.

use crate::columns::ColumnMap;
use crate::error::Result;
use crate::input::band::Band;
use crate::input::demography::{AgeBand, EthnicGroup, Sex};
use crate::input::value_maps::ValueMaps;
use crate::io::csv_input::Row;
use crate::io::CsvInput;

pub use crate::dictionary::STAFF as STAFF_COLUMNS;

/// Where the staff fields are in the file.
#[derive(Debug, Clone, Copy)]
pub struct StaffColumns {
    pub postcode: usize,
    pub staff_group: Option<usize>,
    pub band: Option<usize>,
    pub start_date: Option<usize>,
    pub ethnic_group: Option<usize>,
    pub sex: Option<usize>,
    pub age_band: Option<usize>,
    pub date_of_birth: Option<usize>,
}

impl StaffColumns {
    pub fn resolve(input: &CsvInput, columns: &ColumnMap) -> Result<StaffColumns> {
        let columns = &columns.named("--staff-columns");
        let [postcode, staff_group, band, start_date, ..] = &STAFF_COLUMNS;
        let role = |key| crate::dictionary::role(&STAFF_COLUMNS, key);
        Ok(StaffColumns {
            postcode: crate::input::home_postcode::require(input, postcode, columns, "--staff-columns")?,
            staff_group: input.find(staff_group, columns)?,
            band: input.find(band, columns)?,
            start_date: crate::input::date_columns::find(input, start_date, columns, "--staff-columns")?,
            ethnic_group: input.find(role("ethnic_group"), columns)?,
            sex: input.find(role("sex"), columns)?,
            age_band: input.find(role("age_band"), columns)?,
            date_of_birth: input.find(role("date_of_birth"), columns)?,
        })
    }

    /// The text of a column, trimmed (blank without the column).
    pub fn text(&self, column: Option<usize>, row: &Row) -> String {
        column.and_then(|i| row.record.get(i)).map_or(String::new(), |b| String::from_utf8_lossy(b).trim().to_string())
    }

    /// The ethnic group; `None` when the value is not recognised (blank or no column: not stated).
    pub fn ethnic_group(&self, row: &Row, maps: &ValueMaps) -> Option<EthnicGroup> {
        maps.ethnic_group(&self.text(self.ethnic_group, row))
    }

    /// The sex; `None` when the value is not recognised.
    pub fn sex(&self, row: &Row, maps: &ValueMaps) -> Option<Sex> {
        maps.sex(&self.text(self.sex, row))
    }

    /// The age band from the age band column, else from the date of birth on `age_on`; `None`
    /// when the value is not recognised.
    pub fn age_band(&self, row: &Row, age_on: Option<Date>) -> Option<AgeBand> {
        if self.age_band.is_some() {
            return AgeBand::parse(&self.text(self.age_band, row));
        }
        let (Some(_), Some(on)) = (self.date_of_birth, age_on) else { return Some(AgeBand::NotRecorded) };
        let text = self.text(self.date_of_birth, row);
        if text.is_empty() {
            return Some(AgeBand::NotRecorded);
        }
        Date::parse(&text).map(|born| AgeBand::from_age(born.years_to(on)))
    }

    pub fn postcode<'a>(&self, row: &'a Row) -> &'a [u8] {
        row.record.get(self.postcode).unwrap_or_default()
    }

    /// The staff group as written (trimmed), or "Not recorded".
    pub fn staff_group(&self, row: &Row) -> String {
        let text = self.staff_group.and_then(|i| row.record.get(i)).map(String::from_utf8_lossy).unwrap_or_default();
        let text = text.trim();
        if text.is_empty() {
            "Not recorded".to_string()
        } else {
            crate::postcode::publishable(text.to_string())
        }
    }

    /// The pay band or grade (through the user's value maps); staff whose staff group is
    /// "Medical and Dental" are in the medical group whatever the band column says (ESR gives
    /// doctors grades, not bands).
    pub fn band(&self, row: &Row, maps: &ValueMaps) -> Band {
        if self.is_medical_group(row) {
            return Band::Medical;
        }
        maps.band(&self.band_text(row))
    }

    /// The band column's text, trimmed (blank without a band column).
    pub fn band_text(&self, row: &Row) -> String {
        self.band
            .and_then(|i| row.record.get(i))
            .map_or(String::new(), |b| String::from_utf8_lossy(b).trim().to_string())
    }

    fn is_medical_group(&self, row: &Row) -> bool {
        let group = self.staff_group.and_then(|i| row.record.get(i)).unwrap_or_default();
        let group = String::from_utf8_lossy(group).to_ascii_lowercase();
        group.contains("medical") && (group.contains("dental") || group.trim() == "medical")
    }
}

impl StaffColumns {
    /// The start date as (year, month, day), if recorded in a form we read.
    pub fn start_date(&self, row: &Row) -> Option<Date> {
        Date::parse(&String::from_utf8_lossy(row.record.get(self.start_date?)?))
    }
}

/// A calendar date, ordered (year, month, day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub u16, pub u8, pub u8);

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0, self.1, self.2)
    }
}

impl Date {
    /// Whole years from this date to `on` (an age; 0 if `on` is earlier).
    ///
    /// ```
    /// use anchormap::input::staff::Date;
    /// assert_eq!(Date(1980, 6, 15).years_to(Date(2025, 6, 14)), 44);
    /// assert_eq!(Date(1980, 6, 15).years_to(Date(2025, 6, 15)), 45);
    /// ```
    pub fn years_to(self, on: Date) -> u32 {
        let years = on.0 as i32 - self.0 as i32 - i32::from((on.1, on.2) < (self.1, self.2));
        years.max(0) as u32
    }

    /// Reads `2024-03-01` (ISO, optionally with a time after it) or `01/03/2024` (UK day first);
    /// a day the month does not have is not a date.
    ///
    /// ```
    /// use anchormap::input::staff::Date;
    /// assert_eq!(Date::parse("2024-03-01"), Some(Date(2024, 3, 1)));
    /// assert_eq!(Date::parse("2024-03-01 00:00:00"), Some(Date(2024, 3, 1)));
    /// assert_eq!(Date::parse("01/03/2024"), Some(Date(2024, 3, 1)));
    /// assert_eq!(Date::parse("March"), None);
    /// assert_eq!(Date::parse("31/02/2026"), None);
    /// assert_eq!(Date::parse("2026-04-31"), None);
    /// assert_eq!(Date::parse("29/02/2024"), Some(Date(2024, 2, 29)));
    /// assert_eq!(Date::parse("29/02/2026"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let day_part = text.split([' ', 'T']).next()?;
        let numbers: Vec<u32> = day_part.split(['-', '/']).map(|p| p.parse().ok()).collect::<Option<_>>()?;
        let (year, month, day) = match (numbers.as_slice(), day_part.contains('/')) {
            ([y, m, d], false) => (*y, *m, *d),
            ([d, m, y], true) => (*y, *m, *d),
            _ => return None,
        };
        ((1900..=2200).contains(&year) && (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day))
            .then_some(Date(year as u16, month as u8, day as u8))
    }
}

/// The days of a month of the Gregorian calendar.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}
