//! Job applications (NHS Jobs and TRAC exports): applicant postcode, vacancy, equality monitoring fields and the stage reached, read row by row.

use std::fmt;

use crate::columns::ColumnMap;
use crate::dictionary::role;
use crate::error::Result;
use crate::input::band::Band;
use crate::io::csv_input::Row;
use crate::input::demography::{EthnicGroup, Sex};
use crate::io::CsvInput;

pub use crate::dictionary::APPLICATIONS as APPLICATION_COLUMNS;

/// The furthest stage of recruitment an application reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Applied, and not shortlisted (rejected at shortlisting, withdrawn, or not yet shortlisted).
    Applied,
    /// Shortlisted (invited to interview), and not appointed.
    Shortlisted,
    /// Offered the post (appointed).
    Appointed,
}

/// Status words, first match wins (matched in the status lower-cased, with `-`, `_` and `/` as
/// spaces): the negatives before the words they contain ("not shortlisted" before "shortlisted",
/// "unsuccessful at interview" before "interview", "offer declined" before "offer").
pub const STAGE_WORDS: [(&str, Stage); 43] = [
    ("not shortlisted", Stage::Applied),
    ("not short listed", Stage::Applied),
    ("rejected at shortlisting", Stage::Applied),
    ("shortlisting rejected", Stage::Applied),
    ("unsuccessful at shortlisting", Stage::Applied),
    ("rejected at sift", Stage::Applied),
    ("not appointed", Stage::Shortlisted),
    ("unsuccessful at interview", Stage::Shortlisted),
    ("unsuccessful after interview", Stage::Shortlisted),
    ("interview unsuccessful", Stage::Shortlisted),
    ("rejected at interview", Stage::Shortlisted),
    ("rejected after interview", Stage::Shortlisted),
    ("offer declined", Stage::Shortlisted),
    ("declined offer", Stage::Shortlisted),
    ("offer withdrawn", Stage::Shortlisted),
    ("offer rejected", Stage::Shortlisted),
    ("withdrawn after interview", Stage::Shortlisted),
    ("shortlisted unsuccessful", Stage::Shortlisted),
    ("appointed", Stage::Appointed),
    ("offer", Stage::Appointed),
    ("pre employment", Stage::Appointed),
    ("recruited", Stage::Appointed),
    ("hired", Stage::Appointed),
    ("started", Stage::Appointed),
    ("unsuccessful", Stage::Applied),
    ("successful", Stage::Appointed),
    ("shortlisted", Stage::Shortlisted),
    ("short listed", Stage::Shortlisted),
    ("interview", Stage::Shortlisted),
    ("assessment", Stage::Shortlisted),
    ("reserve", Stage::Shortlisted),
    ("rejected", Stage::Applied),
    ("not progressed", Stage::Applied),
    ("withdrawn", Stage::Applied),
    ("withdrew", Stage::Applied),
    ("applied", Stage::Applied),
    ("submitted", Stage::Applied),
    ("received", Stage::Applied),
    ("application", Stage::Applied),
    ("under review", Stage::Applied),
    ("longlisted", Stage::Applied),
    ("sift", Stage::Applied),
    ("new", Stage::Applied),
];

impl Stage {
    /// The stage a status reached; `None` when no word of [`STAGE_WORDS`] is in it.
    ///
    /// ```
    /// use anchormap::input::applications::Stage;
    /// assert_eq!(Stage::parse("Not Shortlisted"), Some(Stage::Applied));
    /// assert_eq!(Stage::parse("Shortlisted"), Some(Stage::Shortlisted));
    /// assert_eq!(Stage::parse("Interview - Unsuccessful"), Some(Stage::Shortlisted));
    /// assert_eq!(Stage::parse("Conditional offer made"), Some(Stage::Appointed));
    /// assert_eq!(Stage::parse("Offer declined"), Some(Stage::Shortlisted));
    /// assert_eq!(Stage::parse("Unsuccessful"), Some(Stage::Applied));
    /// assert_eq!(Stage::parse("Pending"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Stage> {
        let lower: String = text.trim().to_lowercase().chars().map(|c| if matches!(c, '-' | '_' | '/') { ' ' } else { c }).collect();
        let lower = lower.split_whitespace().collect::<Vec<_>>().join(" ");
        if lower.is_empty() {
            return None;
        }
        STAGE_WORDS.iter().find(|(word, _)| lower.contains(word)).map(|(_, stage)| *stage)
    }

    /// Whether an application at this stage counts at `stage` of the funnel (an appointed
    /// application was also shortlisted, and applied).
    pub fn reached(self, stage: Stage) -> bool {
        self >= stage
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Applied => "applied, not shortlisted",
            Stage::Shortlisted => "shortlisted, not appointed",
            Stage::Appointed => "appointed",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where the application fields are in the file.
#[derive(Debug, Clone, Copy)]
pub struct ApplicationColumns {
    pub postcode: usize,
    pub stage: usize,
    pub vacancy: Option<usize>,
    pub ethnic_group: Option<usize>,
    pub sex: Option<usize>,
    pub band: Option<usize>,
}

impl ApplicationColumns {
    pub fn resolve(input: &CsvInput, columns: &ColumnMap) -> Result<ApplicationColumns> {
        let columns = &columns.named("--application-columns");
        let spec = |key| role(&APPLICATION_COLUMNS, key);
        Ok(ApplicationColumns {
            postcode: input.require(spec("postcode"), columns)?,
            stage: input.require(spec("stage"), columns)?,
            vacancy: input.find(spec("vacancy"), columns)?,
            ethnic_group: input.find(spec("ethnic_group"), columns)?,
            sex: input.find(spec("sex"), columns)?,
            band: input.find(spec("band"), columns)?,
        })
    }

    pub fn postcode<'a>(&self, row: &'a Row) -> &'a [u8] {
        row.record.get(self.postcode).unwrap_or_default()
    }

    /// The text of a column, trimmed (blank without the column).
    pub fn text(&self, column: Option<usize>, row: &Row) -> String {
        column.and_then(|i| row.record.get(i)).map_or(String::new(), |b| String::from_utf8_lossy(b).trim().to_string())
    }

    pub fn stage_text(&self, row: &Row) -> String {
        self.text(Some(self.stage), row)
    }

    /// The ethnic group; `None` when the value is not recognised.
    pub fn ethnic_group(&self, row: &Row) -> Option<EthnicGroup> {
        EthnicGroup::parse(&self.text(self.ethnic_group, row))
    }

    /// The sex; `None` when the value is not recognised.
    pub fn sex(&self, row: &Row) -> Option<Sex> {
        Sex::parse(&self.text(self.sex, row))
    }

    /// The band of the post, from the application's band column.
    pub fn band(&self, row: &Row) -> Band {
        Band::parse(&self.text(self.band, row))
    }

    pub fn vacancy(&self, row: &Row) -> String {
        self.text(self.vacancy, row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nhs_jobs_and_trac_statuses() {
        let expect = [
            ("Application submitted", Stage::Applied),
            ("Rejected at shortlisting", Stage::Applied),
            ("Shortlisting - Rejected", Stage::Applied),
            ("Withdrawn", Stage::Applied),
            ("Invited to interview", Stage::Shortlisted),
            ("Interviewed", Stage::Shortlisted),
            ("Not appointed", Stage::Shortlisted),
            ("Unsuccessful at interview", Stage::Shortlisted),
            ("Offer accepted", Stage::Appointed),
            ("Unconditional offer", Stage::Appointed),
            ("Pre-employment checks", Stage::Appointed),
            ("Appointed", Stage::Appointed),
            ("Successful", Stage::Appointed),
            ("Unsuccessful", Stage::Applied),
            ("Offer withdrawn", Stage::Shortlisted),
        ];
        for (status, stage) in expect {
            assert_eq!(Stage::parse(status), Some(stage), "{status}");
        }
        assert_eq!(Stage::parse(""), None);
        assert!(Stage::Appointed.reached(Stage::Shortlisted) && !Stage::Applied.reached(Stage::Shortlisted));
    }
}
