//! Treatment function names (NHS Data Dictionary), from the dated list built into the binary (`data/treatment_functions.csv`).

use std::collections::HashMap;
use std::sync::OnceLock;

const LIST: &str = include_str!("../../data/treatment_functions.csv");

/// The name of a treatment function code as the Data Dictionary gives it; "code N" for a code the
/// list does not have (a local code, a retired one), and "not recorded" for a blank.
///
/// ```
/// use anchormap::reference::treatment_functions::name;
/// assert_eq!(name("110"), "Trauma and Orthopaedics");
/// assert_eq!(name(" 130 "), "Ophthalmology");
/// assert_eq!(name("999"), "code 999");
/// assert_eq!(name(""), "not recorded");
/// ```
pub fn name(code: &str) -> String {
    let code = code.trim();
    if code.is_empty() {
        return "not recorded".to_string();
    }
    names().get(code).map_or_else(|| format!("code {code}"), |name| name.clone())
}

/// The list read once: code → name.
fn names() -> &'static HashMap<String, String> {
    static NAMES: OnceLock<HashMap<String, String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        csv::Reader::from_reader(LIST.as_bytes())
            .records()
            .flatten()
            .filter_map(|r| Some((r.get(0)?.to_string(), r.get(1)?.to_string())))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_list_has_one_name_per_code() {
        let rows: Vec<csv::StringRecord> =
            csv::Reader::from_reader(super::LIST.as_bytes()).records().collect::<Result<_, _>>().unwrap();
        assert!(rows.len() > 150);
        assert!(rows.windows(2).all(|w| w[0][0] < w[1][0]), "codes sorted, each once");
        assert_eq!(super::name("215"), "Paediatric Ear, Nose and Throat");
        assert_eq!(super::names().len(), rows.len());
    }
}
