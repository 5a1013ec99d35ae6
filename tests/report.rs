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
    assert!(html.contains("areas, Office for National Statistics; file areas.geojson"), "data sources as publications");
    assert!(html.contains("postcodes; file postcodes.csv"), "the postcode directory");
    assert!(html.contains("English Indices of Deprivation: IoD2019,"), "the deprivation edition");
    assert!(html.contains("Vintages: boundaries LSOA 2011; deprivation IMD 2019, LSOA 2011"), "every input's vintage");
    assert_eq!(html.matches("Vintages:").count(), 1, "one vintages line for both analyses");
    let text = &html[..html.find("<script").unwrap_or(html.len())];
    assert!(!text.contains("aged_16_to_64") && !text.contains("))"), "no raw column name, no double parenthesis");
    // The executive summary leads, with each analysis's key figure.
    let summary = &html[html.find("id=\"summary\"").expect("a summary section")..html.find("id=\"workforce\"").unwrap()];
    assert!(summary.contains("66.7% of staff living in the community live in its most deprived areas"), "{summary}");
    assert!(summary.contains("outpatient appointments") && summary.contains("CO2e"), "{summary}");
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

/// `--previous`: each headline figure then and now, from two runs' published summaries; runs on
/// another deprivation edition are refused in one line.
#[test]
fn the_report_shows_the_change_since_a_previous_run_and_refuses_runs_that_differ() {
    let dir = temp_dir();
    build_report(dir.path());
    // The same run a month later: two staff have left.
    let (header, rows) = read_csv(&fixture("staff.csv"));
    let mut later = csv::Writer::from_path(dir.path().join("staff_later.csv")).unwrap();
    later.write_record(&header).unwrap();
    rows.iter().skip(2).for_each(|r| later.write_record(r).unwrap());
    later.flush().unwrap();
    let mut gaps: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), dir.path().join("staff_later.csv").into()];
    gaps.extend(["--community-codes".into(), fixture("community_codes.txt").into()]);
    gaps.extend(fixture_reference_args());
    gaps.extend(["--min-count".into(), "0".into(), "--round-to".into(), "1".into()]);
    gaps.extend(["--out".into(), dir.path().join("later").into(), "-q".into()]);
    anchormap_ok(gaps);
    let report = dir.path().join("later.html");
    let args = |previous: &Path| -> Vec<std::ffi::OsString> {
        let mut args: Vec<std::ffi::OsString> = vec!["report".into(), "--from".into(), dir.path().join("later").into()];
        args.extend(["--previous".into(), previous.into(), "-o".into(), report.clone().into(), "-q".into()]);
        args
    };
    anchormap_ok(args(&dir.path().join("gaps")));
    let html = std::fs::read_to_string(&report).unwrap();
    let before = read_csv(&dir.path().join("gaps/gaps_by_decile.csv"));
    let after = read_csv(&dir.path().join("later/gaps_by_decile.csv"));
    let total = |(h, rows): &(Vec<String>, Vec<Vec<String>>)| {
        let staff = h.iter().position(|c| c == "staff").unwrap();
        rows.iter().find(|r| r[0] == "total").unwrap()[staff].parse::<u64>().unwrap()
    };
    let (then, now) = (total(&before), total(&after));
    assert!(now < then, "the later run has fewer staff: {then} → {now}");
    let row = format!(
        "<th scope=\"row\">Staff living in the community</th><td>{then}</td><td>{now}</td><td>−{}</td>",
        then - now
    );
    assert!(html.contains("Change since the previous run") && html.contains(&row), "no row {row}");

    // An earlier run on another deprivation edition cannot be compared.
    let edited = dir.path().join("other_edition");
    std::fs::create_dir(&edited).unwrap();
    let summary = std::fs::read_to_string(dir.path().join("gaps/gaps_summary.json")).unwrap();
    let summary = summary.replace("\"edition\": \"IoD2019\"", "\"edition\": \"IoD2025\"");
    assert!(summary.contains("IoD2025"), "the edition is in the summary");
    std::fs::write(edited.join("gaps_summary.json"), summary).unwrap();
    let err = anchormap_err(args(&edited));
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("cannot be compared") && err.contains("deprivation edition is IoD2025"), "{err}");
}

/// Print → PDF gives an A4 board paper: every section's heading on its pages, sections from a new
/// page, the summary first (Chromium prints, poppler's pdftotext reads it back).
#[test]
fn the_demo_report_prints_to_an_a4_board_paper() {
    let Some(chromium) = chromium() else { return };
    let Some(pdftotext) = pdftotext() else { return };
    let dir = temp_dir();
    let out = dir.path().join("demo");
    anchormap_ok(["demo".as_ref(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()]);
    let pdf = dir.path().join("report.pdf");
    let status = std::process::Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", out.join("report.html").display()))
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success() && pdf.is_file(), "chromium did not print");
    let text = std::process::Command::new(pdftotext).args(["-layout"]).arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert!((8..=40).contains(&pages.len()), "{} pages", pages.len());
    assert!(pages[0].contains("Summary"), "the summary on the first page");
    let mut last_page = 0;
    for heading in [
        "Does our workforce reflect the communities around us?",
        "Who applies, who is shortlisted, who is appointed",
        "Patient travel to outpatient clinics",
        "How our staff get to work",
        "Assumptions, sources and disclosure control",
    ] {
        let page = pages.iter().position(|p| p.contains(heading));
        let Some(page) = page else { panic!("no page has the heading {heading:?}") };
        assert!(page > last_page, "{heading:?} on page {} does not start a new page after the section before", page + 1);
        last_page = page;
    }
    let info = std::process::Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("(A4)"), "A4 pages: {info}");
}
