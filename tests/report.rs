//! `anchormap report`: one self-contained HTML file, checked as text and opened in real headless Chromium.

use std::path::{Path, PathBuf};

use crate::util::*;

/// Gaps (with vacancies and sites) and emissions on the fixtures, then the report.
fn build_report(dir: &Path) -> PathBuf {
    let mut gaps: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), fixture("staff.csv").into()];
    gaps.extend(["--vacancies".into(), fixture("vacancies.csv").into()]);
    gaps.extend(["--community-codes".into(), fixture("community_codes.txt").into()]);
    gaps.extend(fixture_reference_args());
    gaps.extend(["--min-count".into(), "0".into(), "--round-to".into(), "1".into()]);
    gaps.extend(["--out".into(), dir.join("gaps").into(), "-q".into()]);
    anchormap_ok(gaps);
    let mut emissions: Vec<std::ffi::OsString> =
        vec!["emissions".into(), "--appointments".into(), fixture("appointments.csv").into()];
    emissions.extend(fixture_reference_args());
    emissions.extend([
        "--shift-to-virtual".into(),
        "0.3".into(),
        "--out".into(),
        dir.join("emissions").into(),
        "-q".into(),
    ]);
    anchormap_ok(emissions);
    let report = dir.join("report.html");
    let mut args: Vec<std::ffi::OsString> = vec!["report".into()];
    args.extend(["--from".into(), dir.join("gaps").into(), "--from".into(), dir.join("emissions").into()]);
    args.extend(["--sites".into(), fixture("sites.csv").into(), "-o".into(), report.clone().into(), "-q".into()]);
    anchormap_ok(args);
    report
}

#[test]
fn the_report_is_one_self_contained_accessible_file() {
    let dir = temp_dir();
    let html = std::fs::read_to_string(build_report(dir.path())).unwrap();
    // Nothing is fetched at view time: no external scripts, styles, images or fonts.
    for banned in ["<script src", "<link", "<img", "@import", "url(http", "src=\"http"] {
        assert!(!html.contains(banned), "{banned}");
    }
    let without_namespaces = html.replace("http://www.w3.org/2000/svg", "");
    assert!(!without_namespaces.contains("http://") && !without_namespaces.contains("https://"), "a URL in the report");
    assert!(html.contains("66.7% of staff living in the community live in its most deprived areas"), "the headline");
    assert!(html.contains("<th scope=\"col\">IMD decile</th>") && html.contains("<th scope=\"row\">"));
    assert_eq!(html.matches("class=\"map\"").count(), 2, "the gaps and emissions maps");
    assert!(html.matches("role=\"img\"").count() >= 4, "charts and maps described for screen readers");
    assert!(html.contains("@media print"));
    // Each run's own disclosure audit, in one sentence.
    assert!(
        html.contains("Workforce, disclosure audit: ") && html.contains("Patient travel, disclosure audit: "),
        "the audits"
    );
    assert!(html.contains("Boundaries: areas.geojson") && html.contains("Postcodes: postcodes.csv"), "data sources");
    assert!(html.contains("Deprivation: imd.csv (IoD2019)"), "the deprivation vintage");
    assert!(html.contains("Vintages: boundaries LSOA 2011; deprivation IMD 2019, LSOA 2011"), "every input's vintage");
    for postcode in ["XX1 1AA", "XX11AA", "XX1 1AD", "ZZ99"] {
        assert!(!html.to_uppercase().contains(postcode), "{postcode} in the report");
    }
    let err = anchormap_err([
        "report".as_ref(),
        "--from".as_ref(),
        dir.path().as_os_str(),
        "-o".as_ref(),
        dir.path().join("r.html").as_os_str(),
    ]);
    assert!(err.contains("no anchormap outputs found"), "{err}");
}

/// Opens the report in headless Chromium: no console errors or exceptions, the maps draw every
/// area, the page is not blank, and pointing at an area shows its tooltip.
#[test]
fn the_report_opens_in_chromium_and_the_map_answers_a_hover() {
    let dir = temp_dir();
    let report = build_report(dir.path());
    let Some(page) = open_in_chromium(&report) else { return };
    let tab = &page.tab;
    tab.wait_for_element("#gaps-map svg").unwrap();

    let count = |js: &str| tab.evaluate(js, false).unwrap().value.and_then(|v| v.as_u64()).unwrap_or(0);
    assert_eq!(count("document.querySelectorAll('#gaps-map path[data-code]').length"), 5, "the community's areas");
    assert_eq!(count("document.querySelectorAll('#emissions-map path[data-code]').length"), 3);

    let area = tab.wait_for_element("#gaps-map path[data-code='E01900002']").unwrap();
    area.scroll_into_view().unwrap();
    area.move_mouse_over().unwrap();
    let tooltip = tab
        .evaluate("(function(){var t=document.querySelector('#gaps-map .tooltip');return t.style.display+'|'+t.textContent})()", false)
        .unwrap()
        .value
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    assert!(tooltip.starts_with("block|"), "the tooltip is not shown: {tooltip}");
    assert!(tooltip.contains("E01900002 Testtown 001B") && tooltip.contains("IMD decile4"), "{tooltip}");
    assert!(tooltip.contains("Working-age population1,500"), "{tooltip}");

    page.assert_not_blank_and_quiet();
}
