//! `anchormap map`: the SVG's shapes, classes and legend checked, and the PNG decoded and looked at.

use crate::util::*;

/// The data-codes of the paths inside the group with this class.
fn codes_in_group(svg: &str, class: &str) -> Vec<String> {
    let Some(start) = svg.find(&format!("<g class=\"{class}\"")) else { return Vec::new() };
    let end = start + svg[start..].find("</g>").unwrap();
    svg[start..end].split("data-code=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
}

fn legend_entries(svg: &str) -> Vec<String> {
    svg.split("class=\"legend-entry")
        .skip(1)
        .map(|s| {
            let text = &s[s.find('>').unwrap() + 1..];
            text[..text.find('<').unwrap()].trim().to_string()
        })
        .collect()
}

fn map(args: &[&std::ffi::OsStr]) -> String {
    let mut all: Vec<std::ffi::OsString> = vec!["map".into()];
    all.extend(args.iter().map(|a| a.to_os_string()));
    all.push("-q".into());
    anchormap_ok(all)
}

/// Runs `gaps` on the fixtures (community: the fixture code list) and returns its area GeoJSON.
fn fixture_gaps_by_area(dir: &std::path::Path, extra: &[&str]) -> std::path::PathBuf {
    let out = dir.join("gaps");
    let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), fixture("staff.csv").into()];
    args.extend(fixture_reference_args());
    args.extend(["--community-codes".into(), fixture("community_codes.txt").into()]);
    args.extend(["--out".into(), out.clone().into(), "-q".into()]);
    args.extend(extra.iter().map(std::ffi::OsString::from));
    anchormap_ok(args);
    out.join("gaps_by_area.geojson")
}

#[test]
fn decile_map_of_boundaries_with_an_iod_file() {
    let dir = temp_dir();
    let out = dir.path().join("deciles.svg");
    map(&[
        fixture("areas.geojson").as_os_str(),
        "--deprivation".as_ref(),
        fixture("imd.csv").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    let svg = std::fs::read_to_string(&out).unwrap();
    assert_eq!(codes_in_group(&svg, "class-1"), ["E01900001"]);
    assert_eq!(codes_in_group(&svg, "class-2"), ["E01900004"]);
    assert_eq!(codes_in_group(&svg, "class-4"), ["E01900002"]);
    assert_eq!(codes_in_group(&svg, "class-10"), ["E01900003"]);
    assert!(codes_in_group(&svg, "no-data").contains(&"W01900001".to_string()), "Wales has no English decile");
    let legend = legend_entries(&svg);
    assert_eq!(legend.len(), 11, "{legend:?}");
    assert_eq!(
        (legend[0].as_str(), legend[9].as_str(), legend[10].as_str()),
        ("1 (most deprived)", "10 (least deprived)", "no data")
    );
    assert!(svg.contains("Index of Multiple Deprivation"), "title");
    assert!(svg.contains("Open Government Licence v3.0") && svg.contains("Crown copyright"), "attribution");
    assert!(svg.contains("class=\"scale-bar\"") && svg.contains("class=\"outline\""));
}

/// Gaps output with the default disclosure rule: suppressed areas are drawn as suppressed, not zero.
#[test]
fn suppressed_values_are_drawn_as_suppressed_and_sites_are_marked() {
    let dir = temp_dir();
    let input = fixture_gaps_by_area(dir.path(), &[]);
    let out = dir.path().join("staff.svg");
    map(&[
        input.as_os_str(),
        "--value".as_ref(),
        "staff_per_1000".as_ref(),
        "--sites".as_ref(),
        fixture("sites.csv").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    let svg = std::fs::read_to_string(&out).unwrap();
    let suppressed = codes_in_group(&svg, "suppressed");
    assert_eq!(suppressed.len(), 5, "every fixture area has fewer than 8 staff: {suppressed:?}");
    assert!(legend_entries(&svg).contains(&"suppressed (small count)".to_string()));
    assert!(svg.contains("Testtown General"), "site label");
}

#[test]
fn representation_map_diverges_around_the_community_rate_and_renders_to_png() {
    let dir = temp_dir();
    let input = fixture_gaps_by_area(dir.path(), &["--min-count", "0", "--round-to", "1"]);
    let svg_path = dir.path().join("rate.svg");
    map(&[input.as_os_str(), "--value".as_ref(), "staff_per_1000".as_ref(), "-o".as_ref(), svg_path.as_os_str()]);
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    // 8 staff placed over 6,000 working-age residents: 1.33 per 1,000; 3.00 is 2.25 times that.
    assert!(svg.contains("middle: about 1.3 (the community rate)"), "{}", &svg[..svg.len().min(3000)]);
    assert_eq!(codes_in_group(&svg, "class-7"), ["E01900001"], "more than twice the rate");
    assert_eq!(codes_in_group(&svg, "class-1"), ["E01900003"], "under half the rate");
    let png_path = dir.path().join("rate.png");
    map(&[input.as_os_str(), "--value".as_ref(), "staff_per_1000".as_ref(), "-o".as_ref(), png_path.as_os_str()]);
    let pixmap = resvg::tiny_skia::Pixmap::load_png(&png_path).unwrap();
    assert!(pixmap.width() >= 1000);
    let colours: std::collections::HashSet<[u8; 4]> =
        pixmap.pixels().iter().map(|p| [p.red(), p.green(), p.blue(), p.alpha()]).collect();
    assert!(colours.len() > 20, "the PNG is blank or nearly so: {} colours", colours.len());
    let err = anchormap_err([
        "map".as_ref(),
        input.as_os_str(),
        "--value".as_ref(),
        "no_such".as_ref(),
        "-o".as_ref(),
        svg_path.as_os_str(),
    ]);
    assert!(err.contains("no property 'no_such' to map") && err.contains("staff_per_1000"), "{err}");
    let err = anchormap_err([
        "map".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        dir.path().join("map.pdf").as_os_str(),
        "--value".as_ref(),
        "staff".as_ref(),
    ]);
    assert!(err.contains("must end in .svg or .png"), "{err}");
}

/// The national decile map: every LSOA drawn, each decile's areas in its class.
#[test]
fn national_decile_map() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let out = dir.path().join("national.svg");
    let boundaries = reference.join("LSOA_2011_EW_BSC.geojson");
    let file_1 = reference.join("File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv");
    map(&[boundaries.as_os_str(), "--deprivation".as_ref(), file_1.as_os_str(), "-o".as_ref(), out.as_os_str()]);
    let svg = std::fs::read_to_string(&out).unwrap();
    let per_class: Vec<usize> = (1..=10).map(|d| codes_in_group(&svg, &format!("class-{d}")).len()).collect();
    assert_eq!(per_class.iter().sum::<usize>(), 32_844);
    assert!(per_class.iter().all(|n| (3284..=3285).contains(n)), "{per_class:?}");
    assert!(codes_in_group(&svg, "class-1").iter().all(|c| c.starts_with("E01")));
    assert_eq!(codes_in_group(&svg, "no-data").len(), 34_753 - 32_844, "the Welsh LSOAs");
    assert!(svg.len() < 8_000_000, "{} bytes", svg.len());
}
