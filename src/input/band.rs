//! Agenda for Change pay bands as written in real extracts ("Band 2", "2", "8a", "8A", "Medical"), normalised and grouped.

use std::fmt;

/// Words of the medical and dental grades as ESR and rotas write them.
const MEDICAL_GRADE_WORDS: [&str; 19] = [
    "medical",
    "m&d",
    "consultant",
    "doctor",
    "dental",
    "junior doctor",
    "trainee",
    "foundation year",
    "foundation",
    "registrar",
    "specialty doctor",
    "speciality doctor",
    "associate specialist",
    "core train",
    "clinical fellow",
    "trust grade",
    "staff grade",
    "house officer",
    "general practitioner",
];

/// Short codes of medical training grades (FY1, CT2, ST3, SpR, SHO).
const MEDICAL_GRADE_CODES: [&str; 14] =
    ["fy1", "fy2", "f1", "f2", "ct1", "ct2", "ct3", "st1", "st2", "st3", "st4", "spr", "sho", "gp"];

/// A pay band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Band {
    /// Agenda for Change band 1–9; band 8 has ranges a–d.
    AgendaForChange { band: u8, range: Option<char> },
    /// Medical and dental staff (not on Agenda for Change).
    Medical,
    /// Blank or not recognised.
    Unknown,
}

impl Band {
    /// ```
    /// use anchormap::input::band::Band;
    /// assert_eq!(Band::parse("Band 8A"), Band::AgendaForChange { band: 8, range: Some('a') });
    /// assert_eq!(Band::parse(" 2 "), Band::AgendaForChange { band: 2, range: None });
    /// assert_eq!(Band::parse("Medical & Dental"), Band::Medical);
    /// assert_eq!(Band::parse("Foundation Year 1"), Band::Medical);
    /// assert_eq!(Band::parse("Specialty Registrar"), Band::Medical);
    /// assert_eq!(Band::parse("Core Training"), Band::Medical);
    /// assert_eq!(Band::parse("ST3"), Band::Medical);
    /// assert_eq!(Band::parse("Band 8 - Range A"), Band::AgendaForChange { band: 8, range: Some('a') });
    /// ```
    pub fn parse(text: &str) -> Band {
        let lower = text.trim().to_ascii_lowercase();
        if lower.is_empty() {
            return Band::Unknown;
        }
        if MEDICAL_GRADE_WORDS.iter().any(|w| lower.contains(w)) {
            return Band::Medical;
        }
        if lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| MEDICAL_GRADE_CODES.contains(&w)) {
            return Band::Medical;
        }
        let mut rest = lower.as_str();
        for prefix in ["agenda for change", "afc", "band", "-", ":"] {
            rest = rest.trim_start().strip_prefix(prefix).unwrap_or(rest);
        }
        let compact: String = rest.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        let compact = compact.replace("range", "");
        let digits: String = compact.chars().take_while(char::is_ascii_digit).collect();
        let Ok(band) = digits.parse::<u8>() else { return Band::Unknown };
        let suffix = &compact[digits.len()..];
        match (band, suffix) {
            (1..=9, "") => Band::AgendaForChange { band, range: None },
            (8, r) if r.len() == 1 && matches!(r, "a" | "b" | "c" | "d") => {
                Band::AgendaForChange { band, range: r.chars().next() }
            }
            _ => Band::Unknown,
        }
    }

    /// Entry-level posts, where local recruitment is most realistic: bands 2–4.
    pub fn is_entry_level(self) -> bool {
        matches!(self, Band::AgendaForChange { band: 2..=4, .. })
    }

    /// The reporting group: bands 1–4, 5–7, 8–9, medical, unknown.
    pub fn group(self) -> BandGroup {
        match self {
            Band::AgendaForChange { band: 1..=4, .. } => BandGroup::Bands1To4,
            Band::AgendaForChange { band: 5..=7, .. } => BandGroup::Bands5To7,
            Band::AgendaForChange { .. } => BandGroup::Bands8To9,
            Band::Medical => BandGroup::Medical,
            Band::Unknown => BandGroup::Unknown,
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Band::AgendaForChange { band, range: Some(r) } => write!(f, "{band}{r}"),
            Band::AgendaForChange { band, range: None } => write!(f, "{band}"),
            Band::Medical => f.write_str("Medical"),
            Band::Unknown => Ok(()),
        }
    }
}

/// Bands grouped as boards read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BandGroup {
    Bands1To4,
    Bands5To7,
    Bands8To9,
    Medical,
    Unknown,
}

impl BandGroup {
    pub const ALL: [BandGroup; 5] =
        [BandGroup::Bands1To4, BandGroup::Bands5To7, BandGroup::Bands8To9, BandGroup::Medical, BandGroup::Unknown];
}

impl fmt::Display for BandGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BandGroup::Bands1To4 => "Bands 1-4",
            BandGroup::Bands5To7 => "Bands 5-7",
            BandGroup::Bands8To9 => "Bands 8a-9",
            BandGroup::Medical => "Medical and dental",
            BandGroup::Unknown => "Band not recorded",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_world_spellings() {
        let afc = |band, range| Band::AgendaForChange { band, range };
        assert_eq!(Band::parse("Band 2"), afc(2, None));
        assert_eq!(Band::parse("AfC Band 5"), afc(5, None));
        assert_eq!(Band::parse("8a"), afc(8, Some('a')));
        assert_eq!(Band::parse("8A"), afc(8, Some('a')));
        assert_eq!(Band::parse("Band 8 - Range C"), afc(8, Some('c')));
        assert_eq!(Band::parse("9"), afc(9, None));
        assert_eq!(Band::parse("Medical"), Band::Medical);
        assert_eq!(Band::parse("Consultant"), Band::Medical);
        assert_eq!(Band::parse(""), Band::Unknown);
        assert_eq!(Band::parse("10"), Band::Unknown);
        assert_eq!(Band::parse("8e"), Band::Unknown);
        assert_eq!(Band::parse("Bank"), Band::Unknown);
    }

    #[test]
    fn entry_level_and_groups() {
        assert!(Band::parse("Band 3").is_entry_level());
        assert!(!Band::parse("Band 5").is_entry_level());
        assert!(!Band::parse("Band 1").is_entry_level());
        assert_eq!(Band::parse("4").group(), BandGroup::Bands1To4);
        assert_eq!(Band::parse("8d").group(), BandGroup::Bands8To9);
        assert_eq!(Band::parse("7").group().to_string(), "Bands 5-7");
    }
}
