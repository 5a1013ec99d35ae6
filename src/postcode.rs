//! UK postcodes: normalisation to the official "OUTWARD INWARD" form and validation of its shape.

use std::fmt;

/// A syntactically valid UK postcode, stored compactly (no space, upper case) in one `u64`.
///
/// Validation checks the shape only (outward code `A9`, `A99`, `AA9`, `AA99`, `A9A` or `AA9A`,
/// inward code `9AA`, plus `GIR 0AA`), not Royal Mail's letter restrictions, so that
/// NHS pseudo-postcodes such as `ZZ99 3VZ` count as valid-looking (and then *unknown* to a
/// postcode directory) rather than *invalid*.
///
/// ```
/// use anchormap::postcode::Postcode;
/// assert_eq!(Postcode::parse(" wr5  1dd ").unwrap().to_string(), "WR5 1DD");
/// assert_eq!(Postcode::parse("WR51DD"), Postcode::parse("WR5 1DD"));
/// assert!(Postcode::parse("NOT A POSTCODE").is_none());
/// assert!(Postcode::parse("ZZ99 3VZ").is_some());
/// // A no-break space, in UTF-8 or in Windows-1252, is a space.
/// assert_eq!(Postcode::parse("WR5\u{a0}1DD"), Postcode::parse("WR5 1DD"));
/// assert_eq!(Postcode::parse_bytes(b"WR5\xa01DD"), Postcode::parse("WR5 1DD"));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Postcode(u64);

impl Postcode {
    /// Normalises and validates free text; `None` when it is not shaped like a UK postcode.
    pub fn parse(text: &str) -> Option<Postcode> {
        Self::parse_bytes(text.as_bytes())
    }

    /// As [`Postcode::parse`], on raw bytes (input files need not be UTF-8).
    pub fn parse_bytes(text: &[u8]) -> Option<Postcode> {
        let mut compact = [0u8; 7];
        let mut len = 0;
        let mut rest = text;
        while let Some((&b, tail)) = rest.split_first() {
            rest = tail;
            if b.is_ascii_alphanumeric() {
                if len == 7 {
                    return None;
                }
                compact[len] = b.to_ascii_uppercase();
                len += 1;
            } else if b.is_ascii_whitespace() || b == b'"' {
                continue;
            } else if b == 0xC2 && rest.first() == Some(&0xA0) {
                rest = &rest[1..]; // U+00A0 no-break space, common in spreadsheet exports
            } else if b == 0xA0 {
                continue; // the same no-break space in Windows-1252 (Excel's "CSV" on Windows)
            } else {
                return None;
            }
        }
        let code = &compact[..len];
        if len < 5 || !is_valid_shape(code) {
            return None;
        }
        let mut packed = 0u64;
        for &b in code {
            packed = (packed << 8) | b as u64;
        }
        Some(Postcode((packed << 8) | len as u64))
    }

    /// The packed form (the key of a prepared store), and back; `from_bits` checks the shape again.
    pub fn bits(self) -> u64 {
        self.0
    }

    /// The postcode packed in `bits` by [`Postcode::bits`], if they hold one.
    pub fn from_bits(bits: u64) -> Option<Postcode> {
        let postcode = Postcode(bits);
        let (bytes, len) = postcode.compact_bytes_checked()?;
        Postcode::parse_bytes(&bytes[..len]).filter(|p| *p == postcode)
    }

    fn compact_bytes_checked(self) -> Option<([u8; 7], usize)> {
        ((5..=7).contains(&(self.0 & 0xff))).then(|| self.compact_bytes())
    }

    fn compact_bytes(self) -> ([u8; 7], usize) {
        let len = (self.0 & 0xff) as usize;
        let mut out = [0u8; 7];
        let mut packed = self.0 >> 8;
        for i in (0..len).rev() {
            out[i] = (packed & 0xff) as u8;
            packed >>= 8;
        }
        (out, len)
    }

    /// The outward code (the part before the space), e.g. "WR5".
    pub fn outward(self) -> String {
        let (bytes, len) = self.compact_bytes();
        String::from_utf8_lossy(&bytes[..len - 3]).into_owned()
    }
    /// The nation its postcode area lies in, by the area's letters alone (no directory): areas
    /// that cross the England–Wales or England–Scotland border are named as such.
    ///
    /// ```
    /// use anchormap::postcode::Postcode;
    /// assert_eq!(Postcode::parse("EH1 1YZ").unwrap().nation_by_area(), "Scotland");
    /// assert_eq!(Postcode::parse("CF10 1EP").unwrap().nation_by_area(), "Wales");
    /// assert_eq!(Postcode::parse("WR5 1DD").unwrap().nation_by_area(), "England");
    /// assert_eq!(Postcode::parse("SY1 1AA").unwrap().nation_by_area(), "England or Wales (border area)");
    /// assert_eq!(Postcode::parse("BT1 1AA").unwrap().nation_by_area(), "Northern Ireland");
    /// ```
    pub fn nation_by_area(self) -> &'static str {
        let area: String = self.outward().chars().take_while(char::is_ascii_alphabetic).collect();
        match area.as_str() {
            "AB" | "DD" | "DG" | "EH" | "FK" | "G" | "HS" | "IV" | "KA" | "KW" | "KY" | "ML" | "PA" | "PH" | "ZE" => {
                "Scotland"
            }
            "TD" => "England or Scotland (border area)",
            "CF" | "LL" | "SA" => "Wales",
            "CH" | "HR" | "LD" | "NP" | "SY" => "England or Wales (border area)",
            "BT" => "Northern Ireland",
            "GY" | "JE" => "Channel Islands",
            "IM" => "Isle of Man",
            _ => "England",
        }
    }
}

/// What a published table shows instead of a label shaped like a full postcode.
pub const WITHHELD_POSTCODE: &str = "(a postcode: withheld)";

static WITHHELD: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A label for a published output (a staff group, a site name or code, a vacancy id): itself,
/// unless it is shaped like a full UK postcode, which no published output may hold; then
/// [`WITHHELD_POSTCODE`], counted for the run's warnings ([`withheld_postcodes`]).
///
/// ```
/// use anchormap::postcode::{publishable, WITHHELD_POSTCODE};
/// assert_eq!(publishable("Nursing".to_string()), "Nursing");
/// assert_eq!(publishable("wr5 1dd".to_string()), WITHHELD_POSTCODE);
/// assert_eq!(publishable("WR5".to_string()), "WR5"); // a district is not a person's postcode
/// ```
pub fn publishable(label: String) -> String {
    if Postcode::parse(&label).is_some() {
        WITHHELD.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        WITHHELD_POSTCODE.to_string()
    } else {
        label
    }
}

/// Whether a longer text holds a postcode among its words ("12 High Street WR1 2AB", "WR12AB
/// Worcester"): any word, or two words side by side, shaped like a full postcode.
///
/// ```
/// use anchormap::postcode::contains_postcode;
/// assert!(contains_postcode("12 High Street, WR1 2AB"));
/// assert!(contains_postcode("wr12ab worcester"));
/// assert!(!contains_postcode("Interviewed - Unsuccessful"));
/// assert!(!contains_postcode("Band 5"));
/// ```
pub fn contains_postcode(text: &str) -> bool {
    let words: Vec<&str> =
        text.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|w| !w.is_empty()).collect();
    let one = words.iter().any(|w| Postcode::parse(w).is_some());
    one || words.windows(2).any(|pair| {
        pair.iter().all(|w| w.chars().all(|c| c.is_ascii_alphanumeric()))
            && Postcode::parse(&format!("{} {}", pair[0], pair[1])).is_some()
    })
}

/// How many labels [`publishable`] has withheld in this process.
pub fn withheld_postcodes() -> u64 {
    WITHHELD.load(std::sync::atomic::Ordering::Relaxed)
}

/// The warning for a run's summary when labels were withheld, else `None`.
pub fn withheld_warning() -> Option<String> {
    let n = withheld_postcodes();
    (n > 0).then(|| {
        format!(
            "{n} labels (staff group, site or vacancy) were shaped like a postcode and are published as '{WITHHELD_POSTCODE}'"
        )
    })
}

impl Postcode {
    /// Appends the postcode as [`Display`](fmt::Display) writes it ("WR5 1DD"), without formatting machinery.
    pub fn write_to(self, out: &mut Vec<u8>) {
        let (bytes, len) = self.compact_bytes();
        out.extend_from_slice(&bytes[..len - 3]);
        out.push(b' ');
        out.extend_from_slice(&bytes[len - 3..len]);
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (bytes, len) = self.compact_bytes();
        // Only ASCII letters and digits were stored.
        let text = std::str::from_utf8(&bytes[..len]).unwrap_or_default();
        write!(f, "{} {}", &text[..len - 3], &text[len - 3..])
    }
}

fn is_valid_shape(code: &[u8]) -> bool {
    let (outward, inward) = code.split_at(code.len() - 3);
    let inward_ok = inward[0].is_ascii_digit() && inward[1].is_ascii_alphabetic() && inward[2].is_ascii_alphabetic();
    if !inward_ok {
        return false;
    }
    if outward == b"GIR" {
        return inward == b"0AA";
    }
    // Shapes: A9, A99, AA9, AA99, A9A, AA9A (A = letter, 9 = digit); the outward code has 2 to 4 characters.
    let mut shape = [0u8; 4];
    for (s, b) in shape.iter_mut().zip(outward) {
        *s = if b.is_ascii_digit() { b'9' } else { b'A' };
    }
    matches!(&shape[..outward.len().min(4)], b"A9" | b"A99" | b"AA9" | b"AA99" | b"A9A" | b"AA9A")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str) -> Option<String> {
        Postcode::parse(text).map(|p| p.to_string())
    }

    #[test]
    fn written_as_displayed() {
        for text in ["wr51dd", "M1 1AA", "EC1A 1BB", "GIR0AA", "b338th", "CR26XH"] {
            let postcode = Postcode::parse(text).unwrap();
            let mut written = Vec::new();
            postcode.write_to(&mut written);
            assert_eq!(String::from_utf8(written).unwrap(), postcode.to_string());
        }
    }

    #[test]
    fn normalises_case_and_spacing() {
        assert_eq!(norm("wr51dd").as_deref(), Some("WR5 1DD"));
        assert_eq!(norm(" WR5  1DD ").as_deref(), Some("WR5 1DD"));
        assert_eq!(norm("sw1a1aa").as_deref(), Some("SW1A 1AA"));
        assert_eq!(norm("M1 1AE").as_deref(), Some("M1 1AE"));
        assert_eq!(norm("B33 8TH").as_deref(), Some("B33 8TH"));
        assert_eq!(norm("CR2 6XH").as_deref(), Some("CR2 6XH"));
        assert_eq!(norm("DN55 1PT").as_deref(), Some("DN55 1PT"));
        assert_eq!(norm("W1A 0AX").as_deref(), Some("W1A 0AX"));
        assert_eq!(norm("EC1A 1BB").as_deref(), Some("EC1A 1BB"));
        assert_eq!(norm("gir0aa").as_deref(), Some("GIR 0AA"));
        assert_eq!(norm("\"WR5 1DD\"").as_deref(), Some("WR5 1DD"));
        assert_eq!(norm("WR5\u{a0}1DD").as_deref(), Some("WR5 1DD"));
    }

    #[test]
    fn nhs_pseudo_postcodes_are_valid_shapes() {
        assert_eq!(norm("ZZ99 3VZ").as_deref(), Some("ZZ99 3VZ"));
        assert_eq!(norm("zz993wz").as_deref(), Some("ZZ99 3WZ"));
    }

    #[test]
    fn rejects_what_is_not_a_postcode() {
        for bad in [
            "",
            "   ",
            "NOT A POSTCODE",
            "WR5",
            "1DD",
            "WR5-1DD",
            "WR5 1D",
            "WR5 DDD",
            "12345",
            "WR555 1DD",
            "W 1DD",
            "WR5 1DDX",
            "É1 1AA",
            "WRXX 1DD",
            "GIR 1AA",
        ] {
            assert_eq!(norm(bad), None, "{bad:?} should be invalid");
        }
    }

    #[test]
    fn equal_postcodes_are_equal_keys_and_outward_is_kept() {
        let a = Postcode::parse("wr5 1dd").unwrap();
        let b = Postcode::parse("WR51DD").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.outward(), "WR5");
        assert_ne!(Postcode::parse("WR5 1DD"), Postcode::parse("WR51 1DD"));
    }
}
