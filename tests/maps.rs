//! Every default map of the demo (the static maps and the report's), read as a board would: a title in words with the community or period, a legend with its unit and rounded breaks, the top targets numbered and named, suppressed areas hatched, one colour language.

use std::path::Path;

use crate::util::*;

/// The text of every element with this class attribute (`class="NAME"` or `class="NAME …"`),
/// its tags stripped and its lines joined by spaces.
fn texts(svg: &str, class: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in [format!("class=\"{class}\""), format!("class=\"{class} ")] {
        for (at, _) in svg.match_indices(&marker) {
            let rest = &svg[at..];
            let open = rest.find('>').map_or(rest.len(), |i| i + 1);
            let close = rest.find("</text>").or_else(|| rest.find("</g>")).unwrap_or(rest.len()).max(open);
            found.push(words(&rest[open..close]));
        }
    }
    found
}

/// Text with its tags removed and whitespace collapsed.
fn words(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The fill of the group of areas with this class (`class-1`, `suppressed`), if drawn.
fn group_fill(svg: &str, class: &str) -> Option<String> {
    let at = svg.find(&format!("<g class=\"{class}\""))?;
    let rest = &svg[at..at + svg[at..].find('>')?];
    let fill = &rest[rest.find("fill=\"")? + 6..];
    Some(fill[..fill.find('"')?].to_string())
}

/// The area codes drawn in the group of areas with this class.
fn codes_in(svg: &str, class: &str) -> Vec<String> {
    let Some(start) = svg.find(&format!("<g class=\"{class}\"")) else { return Vec::new() };
    let end = start + svg[start..].find("</g>").unwrap();
    svg[start..end].split("data-code=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
}

/// The report's maps, by element id: the SVG inside each `<div class="map" id=…>`.
fn report_maps(html: &str) -> Vec<(String, String)> {
    html.split("<div class=\"map\" id=\"")
        .skip(1)
        .map(|part| {
            let id = part[..part.find('"').unwrap()].to_string();
            let svg = &part[part.find("<svg").unwrap()..];
            (id, svg[..svg.find("</svg>").unwrap() + 6].to_string())
        })
        .collect()
}

/// A legend break's significant figures, at most two as a reader rounds them.
fn significant_digits(number: &str) -> usize {
    number.chars().filter(char::is_ascii_digit).collect::<String>().trim_start_matches('0').trim_end_matches('0').len()
}

/// Title, unit and legend of one map, checked as a board member reads them.
fn check_reads_in_words(name: &str, svg: &str, title_words: &[&str], unit: &str, whole: bool) {
    let title = texts(svg, "title").join(" ");
    for word in title_words {
        assert!(title.contains(word), "{name}: title {title:?} lacks {word:?}");
    }
    assert!(!title.contains('_'), "{name}: a raw column name in the title {title:?}");
    assert_eq!(texts(svg, "legend-unit").join(" "), unit, "{name}: the legend's unit");
    let entries = texts(svg, "legend-entry");
    assert!(entries.len() >= 3, "{name}: {entries:?}");
    for entry in &entries {
        for number in entry.split(' ').filter(|w| w.chars().any(|c| c.is_ascii_digit())) {
            assert!(significant_digits(number) <= 2, "{name}: {entry:?} is not rounded as a reader would");
            assert!(!(whole && number.contains('.')), "{name}: {entry:?} in fractions of a whole unit");
        }
    }
}

fn run_demo(out: &Path) {
    anchormap_ok(["demo".as_ref(), "--out".as_ref(), out.as_os_str(), "-q".as_ref()]);
}

#[test]
fn every_default_map_of_the_demo_reads_without_the_table() {
    let dir = temp_dir();
    let out = dir.path().join("demo");
    run_demo(&out);
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    let community = "Anchorshire Integrated Care Board (fictional)";
    let period = "appointments from 1 April 2025 to 31 March 2026";

    // The static maps: in words, with the community; a north arrow and a scale bar on each.
    let staff = read("maps/staff_per_1000.svg");
    let staff_words = ["Staff per 1,000 working-age residents, by neighbourhood", community];
    check_reads_in_words("staff map", &staff, &staff_words, "Staff per 1,000 working-age residents", false);
    let deprivation = read("maps/deprivation.svg");
    check_reads_in_words("deprivation map", &deprivation, &["national decile"], "National IMD decile", true);
    let commute = read("maps/commute_kgco2e_per_staff.svg");
    check_reads_in_words("commute map", &commute, &["kg CO2e a year"], "kg CO2e a year per member of staff", true);
    for (name, svg) in [("staff", &staff), ("deprivation", &deprivation), ("commute", &commute)] {
        assert_eq!(texts(svg, "north-arrow"), ["N"], "{name}: north arrow");
        assert_eq!(texts(svg, "scale-bar").len(), 1, "{name}: scale bar");
        assert!(svg.contains("ColorBrewer"), "{name}: the palette's source");
    }
    // The emissions map was drawn as PNG; the same map as SVG says the period of the appointments.
    let emissions = out.join("emissions-map.svg");
    anchormap_ok([
        "map".as_ref(),
        out.join("emissions/emissions_by_area.geojson").as_os_str(),
        "--value".as_ref(),
        "kgco2e_per_1000_population".as_ref(),
        "-o".as_ref(),
        emissions.as_os_str(),
        "-q".as_ref(),
    ]);
    let emissions = std::fs::read_to_string(&emissions).unwrap();
    check_reads_in_words(
        "emissions map",
        &emissions,
        &["kg CO2e per 1,000 residents", period],
        "kg CO2e per 1,000 residents",
        true,
    );
    // So does the commute map drawn without a title: the date of the staff file (`as_at`).
    let commute = out.join("commute-map.svg");
    anchormap_ok([
        "map".as_ref(),
        out.join("commute/commute_by_area.geojson").as_os_str(),
        "--value".as_ref(),
        "kgco2e_per_staff".as_ref(),
        "-o".as_ref(),
        commute.as_os_str(),
        "-q".as_ref(),
    ]);
    let commute = std::fs::read_to_string(&commute).unwrap();
    let commute_words = ["kg CO2e a year per member of staff", "staff file of 31 March 2026"];
    check_reads_in_words("commute map", &commute, &commute_words, "kg CO2e a year per member of staff", true);

    // Suppressed areas hatched and labelled, never a colour of their own.
    assert_eq!(group_fill(&staff, "suppressed").as_deref(), Some("url(#suppressed)"));
    assert!(!codes_in(&staff, "suppressed").is_empty(), "the demo has suppressed areas");
    assert!(texts(&staff, "legend-entry").contains(&"suppressed (small count)".to_string()));

    // The report's maps: the same titles, and the top 10 targets numbered and named in the key.
    let html = read("report.html");
    let maps = report_maps(&html);
    let ids: Vec<&str> = maps.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["gaps-map", "targets-map", "emissions-map"]);
    check_reads_in_words("report gaps map", &maps[0].1, &staff_words, "Staff per 1,000 working-age residents", false);
    check_reads_in_words("report emissions map", &maps[2].1, &[period], "kg CO2e per 1,000 residents", true);
    let targets = &maps[1].1;
    check_reads_in_words(
        "report targets map",
        targets,
        &["Target neighbourhoods", community],
        "Priority score (higher = approach first)",
        false,
    );
    let (headers, rows) = read_csv(&out.join("gaps/targets.csv"));
    let name = headers.iter().position(|h| h == "neighbourhood").unwrap();
    let top: Vec<String> = rows.iter().take(10).map(|r| r[name].clone()).collect();
    assert_eq!(texts(targets, "target-key"), top, "the key names the top 10 in rank order");
    let discs = texts(targets, "target-label");
    assert_eq!(discs.len(), 2 * top.len(), "a disc on the map and one in the key for each: {discs:?}");
    assert!(discs.contains(&format!("1. {} 1", top[0])), "{discs:?}");
    assert!(texts(targets, "legend-entry").contains(&"not a target".to_string()));
    assert!(texts(targets, "outline-key").join(" ").contains("Anchorshire Integrated"));
}

#[test]
fn under_represented_is_orange_on_every_map_compared_with_the_community() {
    let dir = temp_dir();
    let out = dir.path().join("demo");
    run_demo(&out);
    let shortfall = out.join("shortfall.svg");
    anchormap_ok([
        "map".as_ref(),
        out.join("gaps/gaps_by_area.geojson").as_os_str(),
        "--value".as_ref(),
        "shortfall".as_ref(),
        "-o".as_ref(),
        shortfall.as_os_str(),
        "-q".as_ref(),
    ]);
    let shortfall = std::fs::read_to_string(&shortfall).unwrap();
    let staff = std::fs::read_to_string(out.join("maps/staff_per_1000.svg")).unwrap();
    // PuOr's oranges for the lowest staff rates and the largest shortfalls (+ = fewer staff), its
    // purples for the highest rates and the largest excesses.
    const ORANGES: [&str; 3] = ["#b35806", "#f1a340", "#fee0b6"];
    const PURPLES: [&str; 3] = ["#542788", "#998ec3", "#d8daeb"];
    let fills = |svg: &str, classes: [usize; 3]| -> Vec<String> {
        classes.iter().filter_map(|c| group_fill(svg, &format!("class-{c}"))).collect()
    };
    for (name, svg, under, over) in
        [("staff", &staff, [1, 2, 3], [5, 6, 7]), ("shortfall", &shortfall, [5, 6, 7], [1, 2, 3])]
    {
        let (under, over) = (fills(svg, under), fills(svg, over));
        assert!(!under.is_empty() && under.iter().all(|f| ORANGES.contains(&f.as_str())), "{name}: {under:?}");
        assert!(!over.is_empty() && over.iter().all(|f| PURPLES.contains(&f.as_str())), "{name}: {over:?}");
    }
    assert_eq!(group_fill(&staff, "class-1").as_deref(), Some("#b35806"));
    assert!(texts(&shortfall, "legend-note").iter().any(|n| n.starts_with("orange: fewer staff")));
    assert!(texts(&staff, "legend-note").iter().any(|n| n.starts_with("orange: fewer staff")));
    // An area far below the community rate is orange on both maps.
    let orange = |svg: &str| -> Vec<String> {
        (1..=7)
            .filter(|c| {
                group_fill(svg, &format!("class-{c}")).is_some_and(|f| ["#b35806", "#f1a340"].contains(&f.as_str()))
            })
            .flat_map(|c| codes_in(svg, &format!("class-{c}")))
            .collect()
    };
    let lowest = codes_in(&staff, "class-1");
    assert!(!lowest.is_empty());
    let short = orange(&shortfall);
    let both = lowest.iter().filter(|c| short.contains(c)).count();
    assert!(both * 2 > lowest.len(), "{both} of {} of the lowest-rate areas orange on the shortfall map", lowest.len());
    // Whole people in the shortfall legend.
    check_reads_in_words(
        "shortfall map",
        &shortfall,
        &["Staff short of"],
        "People (+ fewer staff than the rate gives)",
        true,
    );
}

/// Issue 30, item 5: a decile map of a community across nations (Cheshire West and Chester,
/// Wrexham, Dumfries and Galloway) colours each nation's areas by their decile in their own
/// nation's index, each nation on a palette and with a legend of its own ("Wales: WIMD 2025
/// decile"), never one pooled scale: every area's class is its own nation's section and its
/// decile in that nation's file (read here), and no colour is shared between nations. The same
/// for the default map (`imd_decile`, England's alone, would leave Wales and Scotland blank) and
/// `--value deprivation_decile`; drawn as PNG too.
#[test]
fn a_map_across_nations_has_a_legend_per_nation_never_one_pooled_scale() {
    use crate::nations::*;
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let (out, community) =
        gaps_across_three_nations(&reference, dir.path(), "gaps", &[("--data-zone-lookup", DATA_ZONE_LOOKUP)]);
    let layer = out.join("gaps_by_area.geojson");
    let own: Vec<(&str, &str, std::collections::HashMap<String, String>)> = vec![
        ("England", "IMD 2025", deciles(&reference.join(IMD2025), 0, 5)),
        ("Wales", "WIMD 2025", deciles(&reference.join(WIMD2025), 0, 5)),
        ("Scotland", "SIMD 2020v2", deciles(&reference.join(SIMD), 0, 3)),
    ];
    let headings: Vec<String> = own.iter().map(|(n, i, _)| format!("{n}: {i} decile")).collect();
    for value in [None, Some("deprivation_decile")] {
        let svg_path = dir.path().join(format!("map-{}.svg", value.unwrap_or("default")));
        let mut args: Vec<std::ffi::OsString> = vec!["map".into(), layer.clone().into(), "-q".into()];
        args.extend(value.into_iter().flat_map(|v| ["--value".into(), v.into()]));
        args.extend(["-o".into(), svg_path.clone().into()]);
        anchormap_ok(&args);
        let svg = std::fs::read_to_string(&svg_path).unwrap();
        let what = value.unwrap_or("the default map");
        assert_eq!(texts(&svg, "legend-section"), headings, "{what}: a legend per nation, England first");
        let notes = texts(&svg, "legend-note").join(" ");
        assert!(!notes.contains("areas in England"), "{what}: no one national scale: {notes}");
        assert!(notes.contains("not comparable across a border"), "{what}: {notes}");
        let title = texts(&svg, "title").join(" ");
        assert!(title.contains("each nation on its own index"), "{what}: {title}");
        // Each area in its own nation's section of classes, at its decile in that nation's file.
        let mut drawn = 0;
        for class in 1..=30 {
            let (nation, index, file) = &own[(class - 1) / 10];
            let decile = ((class - 1) % 10 + 1).to_string();
            for code in codes_in(&svg, &format!("class-{class}")) {
                let nation_of_code = match &code[..1] {
                    "E" => "England",
                    "W" => "Wales",
                    _ => "Scotland",
                };
                assert_eq!(nation_of_code, *nation, "{what}: {code} drawn on {index}'s scale");
                assert_eq!(file[&code], decile, "{what}: {code}'s {index} decile");
                drawn += 1;
            }
        }
        assert_eq!(drawn, community.len(), "{what}: every area of the community coloured by its own index");
        assert!(codes_in(&svg, "no-data").is_empty(), "{what}: no area left without its decile");
        let fills = |range: std::ops::RangeInclusive<usize>| -> Vec<String> {
            range.filter_map(|c| group_fill(&svg, &format!("class-{c}"))).collect()
        };
        let (england, wales, scotland) = (fills(1..=10), fills(11..=20), fills(21..=30));
        assert!(!england.is_empty() && !wales.is_empty() && !scotland.is_empty(), "{what}");
        for (a, b) in [(&england, &wales), (&england, &scotland), (&wales, &scotland)] {
            assert!(a.iter().all(|f| !b.contains(f)), "{what}: a colour shared across nations: {a:?} {b:?}");
        }
        let credits = &svg[svg.find("class=\"attribution\"").unwrap()..];
        assert!(credits.contains("Welsh Government") && credits.contains("Scottish Government"), "{what}");
        assert!(!credits.contains("Open Parliament"), "{what}: no House of Commons Library names on this map");
    }
    let png = dir.path().join("map.png");
    anchormap_ok(["map".as_ref(), layer.as_os_str(), "-o".as_ref(), png.as_os_str(), "-q".as_ref()]);
    assert!(std::fs::metadata(&png).unwrap().len() > 100_000, "the PNG is drawn");
}
