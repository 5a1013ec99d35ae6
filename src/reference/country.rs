//! The UK countries, read from GSS codes, so that an area in one country is never given to a postcode in another.

/// A UK country (or Crown dependency) as coded by the ONS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Country {
    England,
    Wales,
    Scotland,
    NorthernIreland,
    ChannelIslands,
    IsleOfMan,
}

impl Country {
    /// From a country code as in Code-Point Open or the ONSPD: `E92000001`, `W92000004`,
    /// `S92000003`, `N92000002`, `L93000001`, `M83000003`.
    pub fn from_country_code(code: &str) -> Option<Country> {
        let code = code.trim().trim_matches('"');
        if code.len() != 9 {
            return None;
        }
        Self::from_prefix(code.as_bytes()[0])
    }

    /// From any GSS area code (`E01000001`, `W01001958`, `S01006506`, `95AA01S1`-style codes are not GSS).
    /// `None` when the code is not a GSS code, as in custom neighbourhood files.
    pub fn of_area_code(code: &str) -> Option<Country> {
        let bytes = code.as_bytes();
        if bytes.len() == 9 && bytes[1..].iter().all(u8::is_ascii_digit) {
            Self::from_prefix(bytes[0])
        } else {
            None
        }
    }

    fn from_prefix(first: u8) -> Option<Country> {
        match first.to_ascii_uppercase() {
            b'E' => Some(Country::England),
            b'W' => Some(Country::Wales),
            b'S' => Some(Country::Scotland),
            b'N' => Some(Country::NorthernIreland),
            b'L' => Some(Country::ChannelIslands),
            b'M' => Some(Country::IsleOfMan),
            _ => None,
        }
    }

    /// True unless both are known and differ.
    pub fn compatible(a: Option<Country>, b: Option<Country>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_country_and_area_codes() {
        assert_eq!(Country::from_country_code("\"S92000003\""), Some(Country::Scotland));
        assert_eq!(Country::from_country_code("E92000001"), Some(Country::England));
        assert_eq!(Country::from_country_code(""), None);
        assert_eq!(Country::of_area_code("W01001958"), Some(Country::Wales));
        assert_eq!(Country::of_area_code("E01000001"), Some(Country::England));
        assert_eq!(Country::of_area_code("DEMO0001"), None);
        assert_eq!(Country::of_area_code("Exx000001"), None);
    }

    #[test]
    fn compatibility_only_refuses_known_differences() {
        assert!(Country::compatible(Some(Country::England), Some(Country::England)));
        assert!(!Country::compatible(Some(Country::Scotland), Some(Country::England)));
        assert!(Country::compatible(None, Some(Country::England)));
    }
}
