//! Equality monitoring fields as ESR, NHS Jobs, TRAC and the census write them: ethnic group (mapped to the five Census 2021 groups), sex and age band.
//!
//! The mapping is METHOD.md's table "Ethnic group: from the NHS codes to the census groups".

use std::fmt;

/// The five high-level ethnic groups of Census 2021, and "not stated" (counted, never in a share).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EthnicGroup {
    Asian,
    Black,
    Mixed,
    White,
    Other,
    NotStated,
}

/// The Workforce Race Equality Standard's split: BME is every stated group but White.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WresGroup {
    White,
    Bme,
    NotStated,
}

/// Words that say the person did not state an ethnic group or sex.
const NOT_STATED_WORDS: [&str; 12] = [
    "not stated",
    "not known",
    "unknown",
    "prefer not",
    "not declared",
    "do not wish",
    "undisclosed",
    "not given",
    "no answer",
    "declined",
    "not disclosed",
    "unspecified",
];

impl EthnicGroup {
    /// The census groups, in the order tables show them.
    pub const CENSUS: [EthnicGroup; 5] =
        [EthnicGroup::Asian, EthnicGroup::Black, EthnicGroup::Mixed, EthnicGroup::White, EthnicGroup::Other];

    /// Reads an NHS Data Dictionary ethnic category code (`A`–`Z`, `99`; ESR's two-character
    /// sub-codes by their first letter), ESR's "code label" form, or a 2001/2021 census label.
    /// Blank is not stated; `None` is a value not recognised.
    ///
    /// Chinese (`R`) is Asian, as in the 2021 census (the 2001-based NHS codes put it under "other").
    ///
    /// ```
    /// use anchormap::input::demography::EthnicGroup;
    /// assert_eq!(EthnicGroup::parse("A White - British"), Some(EthnicGroup::White));
    /// assert_eq!(EthnicGroup::parse("N Black or Black British - African"), Some(EthnicGroup::Black));
    /// assert_eq!(EthnicGroup::parse("R Chinese"), Some(EthnicGroup::Asian));
    /// assert_eq!(EthnicGroup::parse("LH Asian British"), Some(EthnicGroup::Asian));
    /// assert_eq!(EthnicGroup::parse("C3 White Unspecified"), Some(EthnicGroup::White));
    /// assert_eq!(EthnicGroup::parse("Z Not Stated"), Some(EthnicGroup::NotStated));
    /// assert_eq!(EthnicGroup::parse("99"), Some(EthnicGroup::NotStated));
    /// assert_eq!(EthnicGroup::parse("Mixed or Multiple ethnic groups - White and Asian"), Some(EthnicGroup::Mixed));
    /// assert_eq!(EthnicGroup::parse("White - English, Welsh, Scottish, Northern Irish or British"), Some(EthnicGroup::White));
    /// assert_eq!(EthnicGroup::parse("Other ethnic group - Arab"), Some(EthnicGroup::Other));
    /// assert_eq!(EthnicGroup::parse("Martian"), None);
    /// ```
    pub fn parse(text: &str) -> Option<EthnicGroup> {
        let text = text.trim().trim_matches('"').trim();
        let lower = text.to_lowercase();
        if let Some(group) = nhs_code(text) {
            return Some(group);
        }
        if lower.is_empty() || lower == "99" || NOT_STATED_WORDS.iter().any(|w| lower.contains(w)) {
            return Some(EthnicGroup::NotStated);
        }
        from_label(&lower)
    }

    /// The group's name in tables.
    pub fn label(self) -> &'static str {
        match self {
            EthnicGroup::Asian => "Asian",
            EthnicGroup::Black => "Black",
            EthnicGroup::Mixed => "Mixed",
            EthnicGroup::White => "White",
            EthnicGroup::Other => "Other",
            EthnicGroup::NotStated => "Not stated",
        }
    }

    pub fn wres(self) -> WresGroup {
        match self {
            EthnicGroup::White => WresGroup::White,
            EthnicGroup::NotStated => WresGroup::NotStated,
            _ => WresGroup::Bme,
        }
    }
}

impl fmt::Display for EthnicGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// An NHS Data Dictionary code at the start of the text: one capital letter, optionally an ESR
/// sub-code character (a capital or a digit), then the end, a space or a dash.
fn nhs_code(text: &str) -> Option<EthnicGroup> {
    let bytes = text.as_bytes();
    let sub_code = |c: &u8| c.is_ascii_uppercase() || c.is_ascii_digit();
    let is_code = match bytes {
        [_] | [_, b' ' | b'-', ..] => true,
        [_, c] | [_, c, b' ' | b'-', ..] => sub_code(c),
        _ => false,
    };
    if !is_code {
        return None;
    }
    Some(match bytes[0] {
        b'A' | b'B' | b'C' => EthnicGroup::White,
        b'D' | b'E' | b'F' | b'G' => EthnicGroup::Mixed,
        b'H' | b'J' | b'K' | b'L' | b'R' => EthnicGroup::Asian,
        b'M' | b'N' | b'P' => EthnicGroup::Black,
        b'S' => EthnicGroup::Other,
        b'Z' => EthnicGroup::NotStated,
        _ => return None,
    })
}

/// A census or NHS Jobs label, lower case: mixed first (its labels name other groups), then
/// Asian (with Chinese), Black, White, Other.
fn from_label(lower: &str) -> Option<EthnicGroup> {
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["mixed", "multiple", "white and "]) {
        Some(EthnicGroup::Mixed)
    } else if has(&["asian", "chinese", "indian", "pakistani", "bangladeshi"]) {
        Some(EthnicGroup::Asian)
    } else if has(&["black", "african", "caribbean"]) {
        Some(EthnicGroup::Black)
    } else if has(&["white", "british", "irish", "gypsy", "traveller", "roma", "english", "welsh", "scottish"]) {
        Some(EthnicGroup::White)
    } else if has(&["arab", "other"]) {
        Some(EthnicGroup::Other)
    } else {
        None
    }
}

impl WresGroup {
    pub const ALL: [WresGroup; 3] = [WresGroup::White, WresGroup::Bme, WresGroup::NotStated];

    pub fn label(self) -> &'static str {
        match self {
            WresGroup::White => "White",
            WresGroup::Bme => "BME",
            WresGroup::NotStated => "Not stated",
        }
    }
}

/// Sex as the census counts it; anything else (not stated, another identity) is counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sex {
    Female,
    Male,
    NotStated,
}

impl Sex {
    pub const CENSUS: [Sex; 2] = [Sex::Female, Sex::Male];

    /// ```
    /// use anchormap::input::demography::Sex;
    /// assert_eq!(Sex::parse("F"), Some(Sex::Female));
    /// assert_eq!(Sex::parse("Male"), Some(Sex::Male));
    /// assert_eq!(Sex::parse("Prefer not to say"), Some(Sex::NotStated));
    /// assert_eq!(Sex::parse("Z"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Sex> {
        let lower = text.trim().to_lowercase();
        match lower.as_str() {
            "f" | "female" | "woman" | "women" | "2" => Some(Sex::Female),
            "m" | "male" | "man" | "men" | "1" => Some(Sex::Male),
            "" | "u" | "x" | "i" | "9" | "0" | "other" | "non-binary" | "nonbinary" | "indeterminate" => {
                Some(Sex::NotStated)
            }
            _ if NOT_STATED_WORDS.iter().any(|w| lower.contains(w)) => Some(Sex::NotStated),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sex::Female => "Female",
            Sex::Male => "Male",
            Sex::NotStated => "Other or not stated",
        }
    }
}

/// Working-age bands as the census publishes them (16-24, 25-34, 35-49, 50-64), and the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgeBand {
    From16To24,
    From25To34,
    From35To49,
    From50To64,
    /// Under 16 or 65 and over: outside the working-age community.
    Outside,
    NotRecorded,
}

impl AgeBand {
    pub const CENSUS: [AgeBand; 4] =
        [AgeBand::From16To24, AgeBand::From25To34, AgeBand::From35To49, AgeBand::From50To64];

    pub fn from_age(age: u32) -> AgeBand {
        match age {
            16..=24 => AgeBand::From16To24,
            25..=34 => AgeBand::From25To34,
            35..=49 => AgeBand::From35To49,
            50..=64 => AgeBand::From50To64,
            _ => AgeBand::Outside,
        }
    }

    /// An age (`42`) or a band (`25-29`, ESR's `21-25`, `<=20 Years`, `>=71 Years`, `65+`): a band
    /// goes to the census band that holds most of its years (ESR's 21-25 to 16-24, 61-65 to
    /// 50-64). Blank is not recorded; `None` is a value not recognised.
    ///
    /// ```
    /// use anchormap::input::demography::AgeBand;
    /// assert_eq!(AgeBand::parse("42"), Some(AgeBand::From35To49));
    /// assert_eq!(AgeBand::parse("21-25"), Some(AgeBand::From16To24));
    /// assert_eq!(AgeBand::parse("31-35"), Some(AgeBand::From25To34));
    /// assert_eq!(AgeBand::parse("61-65"), Some(AgeBand::From50To64));
    /// assert_eq!(AgeBand::parse("<=20 Years"), Some(AgeBand::From16To24));
    /// assert_eq!(AgeBand::parse(">=71 Years"), Some(AgeBand::Outside));
    /// assert_eq!(AgeBand::parse("65+"), Some(AgeBand::Outside));
    /// assert_eq!(AgeBand::parse(""), Some(AgeBand::NotRecorded));
    /// assert_eq!(AgeBand::parse("adult"), None);
    /// ```
    pub fn parse(text: &str) -> Option<AgeBand> {
        let lower = text.trim().to_lowercase();
        if lower.is_empty() || NOT_STATED_WORDS.iter().any(|w| lower.contains(w)) {
            return Some(AgeBand::NotRecorded);
        }
        let numbers: Vec<u32> = lower
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.parse().ok())
            .collect();
        let below = lower.starts_with('<') || lower.contains("under") || lower.starts_with("up to");
        let above = lower.starts_with('>') || lower.ends_with('+') || lower.contains("over") || lower.contains("plus");
        match numbers.as_slice() {
            [age] if below => Some(if *age <= 24 { AgeBand::From16To24 } else { AgeBand::Outside }),
            [age] if above => Some(if *age >= 65 { AgeBand::Outside } else { AgeBand::NotRecorded }),
            [age] if *age <= 120 => Some(AgeBand::from_age(*age)),
            [low, high] if low <= high && *high <= 120 => Some(band_of_range(*low, *high)),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AgeBand::From16To24 => "16-24",
            AgeBand::From25To34 => "25-34",
            AgeBand::From35To49 => "35-49",
            AgeBand::From50To64 => "50-64",
            AgeBand::Outside => "Under 16 or 65 and over",
            AgeBand::NotRecorded => "Not recorded",
        }
    }
}

/// The band holding most of the years `low..=high` (ties: the younger).
fn band_of_range(low: u32, high: u32) -> AgeBand {
    let mut counts: Vec<(AgeBand, u32)> = Vec::new();
    for age in low..=high {
        let band = AgeBand::from_age(age);
        match counts.iter_mut().find(|(b, _)| *b == band) {
            Some((_, n)) => *n += 1,
            None => counts.push((band, 1)),
        }
    }
    counts.iter().fold(counts[0], |best, c| if c.1 > best.1 { *c } else { best }).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nhs_code_goes_to_its_census_group() {
        let expect = [
            ("A", "White"),
            ("B", "White"),
            ("C", "White"),
            ("D", "Mixed"),
            ("E", "Mixed"),
            ("F", "Mixed"),
            ("G", "Mixed"),
            ("H", "Asian"),
            ("J", "Asian"),
            ("K", "Asian"),
            ("L", "Asian"),
            ("M", "Black"),
            ("N", "Black"),
            ("P", "Black"),
            ("R", "Asian"),
            ("S", "Other"),
            ("Z", "Not stated"),
            ("99", "Not stated"),
            ("CA", "White"),
            ("C3", "White"),
            ("SC Filipino", "Other"),
            ("GF Any other mixed background", "Mixed"),
        ];
        for (code, group) in expect {
            assert_eq!(EthnicGroup::parse(code).map(|g| g.label()), Some(group), "{code}");
        }
    }

    #[test]
    fn labels_of_esr_nhs_jobs_and_the_census() {
        let expect = [
            ("White - Irish", "White"),
            ("White: Gypsy or Irish Traveller", "White"),
            ("White - Roma", "White"),
            ("Asian or Asian British - Chinese", "Asian"),
            ("Chinese", "Asian"),
            ("Black, Black British, Caribbean or African - Caribbean", "Black"),
            ("Mixed - White and Black Caribbean", "Mixed"),
            ("White and Black African", "Mixed"),
            ("Any other ethnic group", "Other"),
            ("Prefer not to say", "Not stated"),
            ("Not known", "Not stated"),
            ("", "Not stated"),
            ("Any other Asian background", "Asian"),
            ("Any other White background", "White"),
        ];
        for (label, group) in expect {
            assert_eq!(EthnicGroup::parse(label).map(|g| g.label()), Some(group), "{label}");
        }
        assert_eq!(EthnicGroup::parse("No"), None, "a word is not a code");
    }

    #[test]
    fn age_bands_from_ranges() {
        assert_eq!(AgeBand::parse("16-20"), Some(AgeBand::From16To24));
        assert_eq!(AgeBand::parse("46-50"), Some(AgeBand::From35To49));
        assert_eq!(AgeBand::parse("51-55"), Some(AgeBand::From50To64));
        assert_eq!(AgeBand::parse("66-70"), Some(AgeBand::Outside));
        assert_eq!(AgeBand::parse("Under 20"), Some(AgeBand::From16To24));
    }
}
