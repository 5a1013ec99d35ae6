//! Job applications (NHS Jobs and TRAC exports): applicant postcode, vacancy, equality monitoring fields and the stage reached, read row by row.

use std::fmt;

use crate::columns::ColumnMap;
use crate::dictionary::role;
use crate::error::Result;
use crate::input::band::Band;
use crate::input::demography::{EthnicGroup, Sex};
use crate::input::value_maps::ValueMaps;
use crate::io::csv_input::Row;
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

/// What an application's status says: the stage it reached, or not clear enough to count.
///
/// A status is read by meaning, not by its first keyword: the steps of recruitment it names
/// (the application; shortlisting as a process; shortlisted or interview; offer or appointment)
/// and the outcome words beside them (unsuccessful, not successful, rejected, declined,
/// withdrawn; successful, passed). "Interviewed - Unsuccessful" was interviewed, so shortlisted
/// and not appointed; "Unsuccessful at shortlisting" was not shortlisted. A status that names
/// nothing, or points two ways, is [`StatusReading::Unclear`]: never guessed.
///
/// ```
/// use anchormap::input::applications::{Stage, StatusReading};
/// let read = |s| StatusReading::of(s).stage();
/// // NHS Jobs, TRAC and other ATS wordings.
/// assert_eq!(read("Interviewed - Unsuccessful"), Some(Stage::Shortlisted));
/// assert_eq!(read("Interview - not successful"), Some(Stage::Shortlisted));
/// assert_eq!(read("Successful at shortlisting"), Some(Stage::Shortlisted));
/// assert_eq!(read("Unsuccessful at shortlisting"), Some(Stage::Applied));
/// assert_eq!(read("Not shortlisted for interview"), Some(Stage::Applied));
/// assert_eq!(read("Not invited to interview"), Some(Stage::Applied));
/// assert_eq!(read("Did not attend interview"), Some(Stage::Shortlisted));
/// assert_eq!(read("Interviewed - not appointed"), Some(Stage::Shortlisted));
/// assert_eq!(read("Not Shortlisted"), Some(Stage::Applied));
/// assert_eq!(read("Shortlisted"), Some(Stage::Shortlisted));
/// assert_eq!(read("Interview - Unsuccessful"), Some(Stage::Shortlisted));
/// assert_eq!(read("Conditional offer made"), Some(Stage::Appointed));
/// assert_eq!(read("Pre-employment checks"), Some(Stage::Appointed));
/// assert_eq!(read("Offer declined"), Some(Stage::Shortlisted));
/// assert_eq!(read("Unsuccessful"), Some(Stage::Applied));
/// assert_eq!(read("Successful"), Some(Stage::Appointed));
/// // Nothing named, or a success that could be the interview or the appointment: unclear.
/// assert_eq!(StatusReading::of("Pending"), StatusReading::Unclear);
/// assert_eq!(StatusReading::of("Successful at interview"), StatusReading::Unclear);
/// assert_eq!(StatusReading::of(""), StatusReading::Unclear);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusReading {
    Known(Stage),
    /// Blank, naming no step or outcome, or pointing two ways.
    Unclear,
}

impl StatusReading {
    pub fn of(text: &str) -> StatusReading {
        let (mentions, outcomes) = StatusWords::read(text).mentions_and_outcomes();
        if mentions.is_empty() {
            return match outcomes.iter().fold(Outcome::Silent, |o, (n, _)| o.with(*n)) {
                Outcome::Failed => StatusReading::Known(Stage::Applied),
                Outcome::Passed => StatusReading::Known(Stage::Appointed),
                Outcome::Silent | Outcome::Conflicting => StatusReading::Unclear,
            };
        }
        let mut attached = vec![Outcome::Silent; mentions.len()];
        for (outcome, position) in &outcomes {
            let nearest = (0..mentions.len()).min_by_key(|&i| mentions[i].position.abs_diff(*position));
            if let Some(i) = nearest {
                attached[i] = attached[i].with(*outcome);
            }
        }
        let readings: Vec<(Step, StatusReading)> =
            mentions.iter().zip(&attached).map(|(m, o)| (m.step, m.reading(*o))).collect();
        let top = readings.iter().map(|(step, _)| *step).max().unwrap_or(Step::Application);
        if readings.iter().any(|(step, r)| *step == top && *r == StatusReading::Unclear) {
            return StatusReading::Unclear;
        }
        readings.iter().filter_map(|(_, r)| r.stage()).max().map_or(StatusReading::Unclear, StatusReading::Known)
    }

    pub fn stage(self) -> Option<Stage> {
        match self {
            StatusReading::Known(stage) => Some(stage),
            StatusReading::Unclear => None,
        }
    }
}

/// The steps of recruitment a status can name, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    /// The application itself: submitted, received, under review, longlisted.
    Application,
    /// Shortlisting as a process (shortlisting, sift, screening): its outcome decides.
    Sifting,
    /// Shortlisted, or at interview or assessment.
    Interview,
    /// An offer or appointment: offer, appointed, hired, pre-employment checks, started.
    Offer,
}

/// The words that name a step (after `StatusWords::read` has joined "short listed" and
/// "pre employment").
pub const STEP_WORDS: [(&str, &str); 4] = [
    ("the application", "application, applied, submitted, received, new, review, longlisted"),
    ("shortlisting (its outcome decides)", "shortlisting, sift, sifting, screening"),
    ("shortlisted or interview", "shortlisted, shortlist, interview, interviewed, assessment, assessed, reserve"),
    ("offer or appointment", "offer, offered, appointed, appoint, hired, hire, recruited, started, starter, preemployment, conditional, unconditional"),
];

/// Outcome words: failed at the step they are nearest to, or passed it.
pub const FAILED_WORDS: [&str; 17] = [
    "unsuccessful",
    "rejected",
    "reject",
    "rejection",
    "declined",
    "decline",
    "withdrawn",
    "withdrew",
    "withdraw",
    "failed",
    "fail",
    "regret",
    "regretted",
    "cancelled",
    "dna",
    "unsuitable",
    "ineligible",
];
pub const PASSED_WORDS: [&str; 4] = ["successful", "passed", "pass", "recommended"];
/// After "not", these are an outcome ("not successful at interview": interviewed, failed) rather
/// than a step not reached ("not invited to interview").
const NOT_OUTCOME_WORDS: [&str; 6] = ["successful", "passed", "attend", "attended", "suitable", "eligible"];

fn step_of(word: &str) -> Option<Step> {
    STEP_WORDS
        .iter()
        .zip([Step::Application, Step::Sifting, Step::Interview, Step::Offer])
        .find_map(|((_, words), step)| words.split(", ").any(|w| w == word).then_some(step))
}

/// The outcome a step's mention carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Silent,
    Passed,
    Failed,
    Conflicting,
}

impl Outcome {
    fn with(self, other: Outcome) -> Outcome {
        match (self, other) {
            (Outcome::Silent, o) | (o, Outcome::Silent) => o,
            (a, b) if a == b => a,
            _ => Outcome::Conflicting,
        }
    }
}

/// A step named in a status, at a word position, and whether "not" negates it.
#[derive(Debug, Clone, Copy)]
struct Mention {
    step: Step,
    negated: bool,
    position: usize,
}

impl Mention {
    /// What the mention says with its outcome: a step not reached is the stage before it; a
    /// failed shortlisting was not shortlisted, a failed interview or offer was shortlisted; a
    /// passed interview (or application) could mean more than one stage.
    fn reading(self, outcome: Outcome) -> StatusReading {
        use StatusReading::{Known, Unclear};
        if outcome == Outcome::Conflicting {
            return Unclear;
        }
        match (self.step, self.negated, outcome) {
            (Step::Offer, true, _) => Known(Stage::Shortlisted),
            (_, true, _) => Known(Stage::Applied),
            (Step::Application, _, Outcome::Passed) | (Step::Interview, _, Outcome::Passed) => Unclear,
            (Step::Application, ..) => Known(Stage::Applied),
            (Step::Sifting, _, Outcome::Passed) => Known(Stage::Shortlisted),
            (Step::Sifting, ..) => Known(Stage::Applied),
            (Step::Interview, ..) => Known(Stage::Shortlisted),
            (Step::Offer, _, Outcome::Failed) => Known(Stage::Shortlisted),
            (Step::Offer, ..) => Known(Stage::Appointed),
        }
    }
}

/// A status as words in clauses (split at " - ", commas, slashes, brackets and the like).
struct StatusWords {
    clauses: Vec<Vec<String>>,
}

impl StatusWords {
    fn read(text: &str) -> StatusWords {
        let chars: Vec<char> = text.to_lowercase().chars().collect();
        let mut clauses: Vec<Vec<String>> = vec![Vec::new()];
        let mut word = String::new();
        for (i, c) in chars.iter().enumerate() {
            if c.is_alphanumeric() {
                word.push(*c);
                continue;
            }
            let last = clauses.len() - 1;
            if !word.is_empty() {
                clauses[last].push(std::mem::take(&mut word));
            }
            let joins_words =
                i > 0 && chars[i - 1].is_alphanumeric() && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
            let boundary = !c.is_whitespace() && !joins_words && !matches!(c, '&' | '\'');
            if boundary && !clauses[last].is_empty() {
                clauses.push(Vec::new());
            }
        }
        let last = clauses.len() - 1;
        if !word.is_empty() {
            clauses[last].push(word);
        }
        StatusWords { clauses: clauses.into_iter().map(join_pairs).collect() }
    }

    /// The steps named, and the outcome words with their positions.
    fn mentions_and_outcomes(&self) -> (Vec<Mention>, Vec<(Outcome, usize)>) {
        let (mut mentions, mut outcomes) = (Vec::new(), Vec::new());
        let mut position = 0;
        for clause in &self.clauses {
            let mut negated = false;
            let mut i = 0;
            while i < clause.len() {
                let (word, next) = (clause[i].as_str(), clause.get(i + 1).map(String::as_str));
                let at = position + i;
                i += 1;
                if matches!(word, "not" | "no" | "non") {
                    if next.is_some_and(|n| NOT_OUTCOME_WORDS.contains(&n)) {
                        outcomes.push((Outcome::Failed, at));
                        i += 1;
                    } else if clause[i..].iter().any(|w| step_of(w).is_some()) {
                        negated = true;
                    } else if word == "not" {
                        outcomes.push((Outcome::Failed, at));
                    }
                } else if let Some(step) = step_of(word) {
                    mentions.push(Mention { step, negated, position: at });
                } else if FAILED_WORDS.contains(&word) {
                    outcomes.push((Outcome::Failed, at));
                } else if PASSED_WORDS.contains(&word) {
                    outcomes.push((Outcome::Passed, at));
                }
            }
            position += clause.len() + 1;
        }
        (mentions, outcomes)
    }
}

/// Two-word spellings read as one word: "short listed", "pre employment", "long listed".
fn join_pairs(words: Vec<String>) -> Vec<String> {
    let mut joined: Vec<String> = Vec::with_capacity(words.len());
    for word in words {
        if let Some(last) = joined.last_mut() {
            let pair = format!("{last}{word}");
            if matches!(
                pair.as_str(),
                "shortlisted" | "shortlisting" | "shortlist" | "preemployment" | "longlisted" | "longlist"
            ) {
                *last = pair;
                continue;
            }
        }
        joined.push(word);
    }
    joined
}

impl Stage {
    /// The stage a status reached; `None` when it is unclear ([`StatusReading`]).
    ///
    /// ```
    /// use anchormap::input::applications::Stage;
    /// assert_eq!(Stage::parse("Interviewed - Unsuccessful"), Some(Stage::Shortlisted));
    /// assert_eq!(Stage::parse("Pending"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Stage> {
        StatusReading::of(text).stage()
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
    /// The application id (never published): rows repeating one are found.
    pub id: Option<usize>,
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
            postcode: crate::input::home_postcode::require(input, spec("postcode"), columns, "--application-columns")?,
            stage: input.require(spec("stage"), columns)?,
            id: input.find(spec("id"), columns)?,
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

    /// The stage the status says, through the user's value maps; unclear ones are never guessed.
    pub fn status(&self, row: &Row, maps: &ValueMaps) -> StatusReading {
        maps.status(&self.stage_text(row))
    }

    /// The ethnic group; `None` when the value is not recognised.
    pub fn ethnic_group(&self, row: &Row, maps: &ValueMaps) -> Option<EthnicGroup> {
        maps.ethnic_group(&self.text(self.ethnic_group, row))
    }

    /// The sex; `None` when the value is not recognised.
    pub fn sex(&self, row: &Row, maps: &ValueMaps) -> Option<Sex> {
        maps.sex(&self.text(self.sex, row))
    }

    /// The band of the post, from the application's band column.
    pub fn band(&self, row: &Row, maps: &ValueMaps) -> Band {
        maps.band(&self.text(self.band, row))
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

    #[test]
    fn statuses_are_read_by_meaning_not_first_keyword() {
        let expect = [
            ("Interviewed - Unsuccessful", Stage::Shortlisted),
            ("Interview - not successful", Stage::Shortlisted),
            ("Not successful at interview", Stage::Shortlisted),
            ("Successful at shortlisting", Stage::Shortlisted),
            ("Unsuccessful at shortlisting", Stage::Applied),
            ("Shortlisted - Unsuccessful", Stage::Shortlisted),
            ("Not short listed", Stage::Applied),
            ("Not selected for interview", Stage::Applied),
            ("Shortlisted, not interviewed", Stage::Shortlisted),
            ("Withdrawn after interview", Stage::Shortlisted),
            ("Assessment centre - failed", Stage::Shortlisted),
            ("Failed pre-employment checks", Stage::Shortlisted),
            ("Offer made - withdrawn by candidate", Stage::Shortlisted),
            ("Appointable - not appointed", Stage::Shortlisted),
            ("Not progressed", Stage::Applied),
            ("Application unsuccessful", Stage::Applied),
            ("Reserve list", Stage::Shortlisted),
            ("Interview successful - offer made", Stage::Appointed),
            ("Hired", Stage::Appointed),
        ];
        for (status, stage) in expect {
            assert_eq!(StatusReading::of(status), StatusReading::Known(stage), "{status}");
        }
        for unclear in [
            "Pending",
            "On hold",
            "Appointable",
            "Shortlisted - successful",
            "Successful - withdrawn",
            "Interview-successful",
        ] {
            assert_eq!(StatusReading::of(unclear), StatusReading::Unclear, "{unclear}");
        }
    }
}
