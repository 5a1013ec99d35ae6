//! Property tests (proptest) of the parsers that take untrusted input: the postcode parser, the CSV
//! input path and the GeoJSON boundary reader never panic, and lose or invent nothing (issue 11).
//! `PROPTEST_CASES` sets how many cases each runs (CI runs them briefly, at the default 256).

use std::io::Write;

use anchormap::io::CsvInput;
use anchormap::postcode::Postcode;
use anchormap::reference::boundaries::{Boundaries, BoundaryProperties};
use proptest::prelude::*;

/// A well-formed postcode in one of the six outward shapes, as (canonical text, compact text).
fn postcode() -> impl Strategy<Value = (String, String)> {
    let letter = || proptest::char::range('A', 'Z');
    let digit = || proptest::char::range('0', '9');
    let outward = prop_oneof![
        (letter(), digit()).prop_map(|(a, b)| format!("{a}{b}")),
        (letter(), digit(), digit()).prop_map(|(a, b, c)| format!("{a}{b}{c}")),
        (letter(), letter(), digit()).prop_map(|(a, b, c)| format!("{a}{b}{c}")),
        (letter(), letter(), digit(), digit()).prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
        (letter(), digit(), letter()).prop_map(|(a, b, c)| format!("{a}{b}{c}")),
        (letter(), letter(), digit(), letter()).prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}")),
    ];
    (outward, digit(), letter(), letter()).prop_map(|(o, d, x, y)| (format!("{o} {d}{x}{y}"), format!("{o}{d}{x}{y}")))
}

fn temp_file(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(bytes).unwrap();
    file.flush().unwrap();
    file
}

/// Every row of a CSV file, through the one reading path all user files take.
fn read_all(path: &std::path::Path) -> anchormap::Result<Vec<Vec<Vec<u8>>>> {
    let input = CsvInput::open(path)?;
    let mut rows = Vec::new();
    input.for_each_batch(3, |batch| -> anchormap::Result<()> {
        rows.extend(batch.iter().map(|r| r.record.iter().map(<[u8]>::to_vec).collect::<Vec<_>>()));
        Ok(())
    })?;
    Ok(rows)
}

proptest! {
    #[test]
    fn postcodes_normalise_whatever_the_spacing_and_case((canonical, compact) in postcode(), lower in any::<bool>(), spaces in 0usize..3) {
        let text = if lower { compact.to_lowercase() } else { compact.clone() };
        let spaced = format!("{}{}{}", " ".repeat(spaces), text, " ".repeat(spaces));
        let parsed = Postcode::parse(&spaced).expect("a well-formed postcode parses");
        prop_assert_eq!(parsed.to_string(), canonical.clone());
        prop_assert_eq!(Postcode::parse(&canonical), Some(parsed));
    }

    #[test]
    fn the_postcode_parser_never_panics_and_only_accepts_what_it_can_print(bytes in proptest::collection::vec(any::<u8>(), 0..24)) {
        if let Some(p) = Postcode::parse_bytes(&bytes) {
            // Whatever it accepted prints as a canonical postcode that parses to itself.
            prop_assert_eq!(Postcode::parse(&p.to_string()), Some(p));
        }
    }

    #[test]
    fn csv_input_loses_no_row(rows in proptest::collection::vec(proptest::collection::vec("[a-z ,\"\n\r\u{e9}]{0,6}", 3), 0..40)) {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(["a", "b", "c"]).unwrap();
        for row in &rows {
            writer.write_record(row).unwrap();
        }
        let bytes = writer.into_inner().unwrap();
        let file = temp_file(&bytes);
        let read = read_all(file.path()).expect("a well-formed CSV reads");
        // Blank lines are not rows; every other row comes back exactly.
        let expected: Vec<Vec<Vec<u8>>> = rows
            .iter()
            .filter(|r| !(r.len() == 1 && r[0].is_empty()))
            .map(|r| r.iter().map(|f| f.as_bytes().to_vec()).collect())
            .collect();
        let read: Vec<Vec<Vec<u8>>> = read.into_iter().filter(|r| !(r.len() == 1 && r[0].is_empty())).collect();
        prop_assert_eq!(read.len(), expected.len());
        prop_assert_eq!(read, expected);
    }

    #[test]
    fn csv_input_never_panics_on_any_bytes(bytes in proptest::collection::vec(prop_oneof![Just(b'"'), Just(b','), Just(b'\n'), Just(b'\r'), any::<u8>()], 0..200)) {
        let mut text = b"postcode,site\n".to_vec();
        text.extend(bytes);
        let file = temp_file(&text);
        let _ = read_all(file.path());
    }

    #[test]
    fn the_geojson_reader_never_panics(
        coordinates in proptest::collection::vec(prop_oneof![any::<f64>().prop_filter("finite", |v| v.is_finite()), -1e3f64..1e6, Just(1e200), Just(-1e300)], 0..12),
        code in "[A-Z0-9<>\"]{0,8}",
        kind in prop_oneof![Just("Polygon"), Just("MultiPolygon"), Just("Point"), Just("LineString")],
        bom in any::<bool>(),
    ) {
        let points: Vec<String> = coordinates.chunks(2).map(|c| format!("[{:?},{:?}]", c[0], c.get(1).copied().unwrap_or(0.0))).collect();
        let ring = format!("[{}]", points.join(","));
        let geometry = match kind {
            "Polygon" => format!("[{ring}]"),
            "MultiPolygon" => format!("[[{ring}]]"),
            "Point" => points.first().cloned().unwrap_or_else(|| "[]".to_string()),
            _ => ring,
        };
        let code = serde_json::to_string(&code).unwrap();
        let text = format!(
            "{}{{\"type\":\"FeatureCollection\",\"features\":[{{\"type\":\"Feature\",\"properties\":{{\"LSOA11CD\":{code}}},\"geometry\":{{\"type\":\"{kind}\",\"coordinates\":{geometry}}}}}]}}",
            if bom { "\u{feff}" } else { "" }
        );
        let file = temp_file(text.as_bytes());
        let _ = Boundaries::load(file.path(), &BoundaryProperties::default());
        // Cut short anywhere: an error, never a panic.
        let cut = temp_file(&text.as_bytes()[..text.len() / 2]);
        prop_assert!(Boundaries::load(cut.path(), &BoundaryProperties::default()).is_err());
    }

    #[test]
    fn a_square_area_loads_with_its_code(x in 100_000f64..600_000.0, y in 100_000f64..600_000.0, size in 10f64..5_000.0) {
        let ring = format!("[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]", x + size, x + size, y + size, y + size);
        let text = format!(
            "{{\"type\":\"FeatureCollection\",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}}}},\"features\":[{{\"type\":\"Feature\",\"properties\":{{\"LSOA11CD\":\"E01000001\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[{ring}]}}}}]}}"
        );
        let file = temp_file(text.as_bytes());
        let boundaries = Boundaries::load(file.path(), &BoundaryProperties::default()).unwrap();
        prop_assert_eq!(boundaries.areas.len(), 1);
    }
}
