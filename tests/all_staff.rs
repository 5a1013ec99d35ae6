//! Issue 24: the all-staff tables a WRES or EDS return needs: every staff row, wherever they live
//! (outside the community, unplaced), by band group, sex and new starters, each by the five census
//! ethnic groups and not stated, against hand counts; published under the rule, exact for the analyst.

use std::path::{Path, PathBuf};

use crate::util::*;

/// (pay band, staff group, ethnic origin, gender, start date, postcode, how many).
const STAFF: [(&str, &str, &str, &str, &str, &str, usize); 6] = [
    ("Band 3", "Nursing", "A White - British", "Female", "2025-05-01", "XX1 1AA", 4),
    ("Band 5", "Nursing", "N Black or Black British - African", "Female", "2019-01-01", "XX1 1AD", 3),
    // An unknown postcode: placed nowhere, still staff.
    ("Band 6", "Nursing", "H Asian or Asian British - Indian", "Male", "2025-07-01", "XX9 9ZZ", 2),
    // Not a postcode at all; ethnic origin not stated.
    ("Band 8a", "Estates", "", "Male", "2010-01-01", "NOT A POSTCODE", 1),
    // In Wales: outside the community's deciles; no start date.
    ("Band 2", "Estates", "D Mixed - White and Black Caribbean", "Female", "", "XX1 1AG", 2),
    ("Consultant", "Medical and Dental", "S Any other ethnic group", "Male", "2025-04-01", "XX1 1AA", 1),
];

fn write_staff(dir: &Path) -> PathBuf {
    let mut text = String::from("Employee Number,Home Postcode,Staff Group,Pay Band,Ethnic Origin,Gender,Start Date\n");
    let mut id = 0;
    for (band, group, ethnic, sex, start, postcode, n) in STAFF {
        for _ in 0..n {
            id += 1;
            text.push_str(&format!("E{id},{postcode},{group},{band},{ethnic},{sex},{start}\n"));
        }
    }
    let path = dir.join("staff.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn gaps(staff: &Path, out: &Path, extra: &[&str]) {
    let mut args: Vec<std::ffi::OsString> = vec!["gaps".into(), "--staff".into(), staff.into()];
    args.extend(fixture_reference_args());
    args.extend([
        "--out".into(),
        out.into(),
        "-q".into(),
        "--community-codes".into(),
        fixture("community_codes.txt").into(),
    ]);
    for by in ["band", "ethnic-group", "sex", "starter"] {
        args.extend(["--by".into(), by.into()]);
    }
    args.extend(["--new-starters-since", "2025-04-01"].map(std::ffi::OsString::from));
    args.extend(extra.iter().map(std::ffi::OsString::from));
    anchormap_ok(args);
}

/// A table as (group → its cells by header).
fn table(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(path.is_file(), "{} not written", path.display());
    read_csv(path)
}

fn row(table: &(Vec<String>, Vec<Vec<String>>), group: &str) -> Vec<String> {
    table.1.iter().find(|r| r[0] == group).unwrap_or_else(|| panic!("no row '{group}' in {:?}", table.1)).clone()
}

#[test]
fn every_staff_row_is_tabled_by_band_group_sex_and_new_starters_by_ethnic_group() {
    let dir = temp_dir();
    let staff = write_staff(dir.path());
    let out = dir.path().join("exact");
    gaps(&staff, &out, &["--min-count", "0", "--round-to", "1"]);

    let bands = table(&out.join("staff_all_by_band_group.csv"));
    assert_eq!(bands.0, ["band_group", "asian", "black", "mixed", "white", "other", "not_stated", "all_staff"]);
    // Hand counts: asian, black, mixed, white, other, not stated, all.
    assert_eq!(row(&bands, "Bands 1-4")[1..], ["0", "0", "2", "4", "0", "0", "6"]);
    assert_eq!(row(&bands, "Bands 5-7")[1..], ["2", "3", "0", "0", "0", "0", "5"]);
    assert_eq!(row(&bands, "Bands 8a-9")[1..], ["0", "0", "0", "0", "0", "1", "1"]);
    assert_eq!(row(&bands, "Medical and dental")[1..], ["0", "0", "0", "0", "1", "0", "1"]);
    assert_eq!(row(&bands, "Band not recorded")[1..], ["0", "0", "0", "0", "0", "0", "0"]);
    assert_eq!(row(&bands, "All staff")[1..], ["2", "3", "2", "4", "1", "1", "13"]);
    let sex = table(&out.join("staff_all_by_sex.csv"));
    assert_eq!(row(&sex, "Female")[1..], ["0", "3", "2", "4", "0", "0", "9"]);
    assert_eq!(row(&sex, "Male")[1..], ["2", "0", "0", "0", "1", "1", "4"]);
    let starters = table(&out.join("staff_all_by_starter.csv"));
    assert_eq!(row(&starters, "New starters")[1..], ["2", "0", "0", "4", "1", "0", "7"]);
    assert_eq!(row(&starters, "Existing staff")[1..], ["0", "3", "0", "0", "0", "1", "4"]);
    assert_eq!(row(&starters, "Start date not recorded")[1..], ["0", "0", "2", "0", "0", "0", "2"]);

    // Listed in the summary (with the all-staff new-starter total) and the workbook; exact copies for the analyst.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("gaps_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["all_staff"]["starter"]["New starters"].as_f64(), Some(7.0), "{}", summary["all_staff"]);
    assert_eq!(summary["all_staff"]["band"]["All staff"].as_f64(), Some(13.0));
    for name in ["staff_all_by_band_group.csv", "staff_all_by_sex.csv", "staff_all_by_starter.csv"] {
        assert!(summary["outputs"].to_string().contains(name), "{name} not in {}", summary["outputs"]);
        let exact = table(&out.join("not-for-publication").join(name));
        assert_eq!(exact, table(&out.join(name)), "{name}: published as the exact counts under --min-count 0");
    }
    let workbook = zip::ZipArchive::new(std::fs::File::open(out.join("gaps.xlsx")).unwrap()).unwrap();
    let mut workbook = workbook;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut workbook.by_name("xl/workbook.xml").unwrap(), &mut text).unwrap();
    assert!(text.contains("staff_all_by_band_group") || text.contains("all by band group"), "{text}");

    // Under the default rule: no count of 1-7 shown, and WRES indicator 1 agrees with the band table.
    let published = dir.path().join("published");
    gaps(&staff, &published, &[]);
    for name in ["staff_all_by_band_group.csv", "staff_all_by_sex.csv", "staff_all_by_starter.csv"] {
        for r in table(&published.join(name)).1 {
            for cell in &r[1..] {
                assert!(!cell.starts_with('-'), "{name}: {r:?} has a negative count");
                let small = cell.parse::<f64>().is_ok_and(|n| n > 0.0 && n < 8.0);
                assert!(!small, "{name}: {r:?} shows a count under the rule's minimum");
            }
        }
        let exact = table(&published.join("not-for-publication").join(name));
        assert_eq!(row(&exact, "All staff")[7], "13", "{name}: exact for the analyst");
    }
    // Every breakdown's exact table for the analyst, the community comparison by ethnic group too:
    // the 4 White staff living in the community (and the 1 of another group), hidden when published.
    let by_ethnic = |dir: &Path| table(&dir.join("gaps_by_ethnic_group.csv"));
    let exact = by_ethnic(&published.join("not-for-publication"));
    assert_eq!((row(&exact, "White")[1].as_str(), row(&exact, "Other")[1].as_str()), ("4", "1"), "{exact:?}");
    assert_eq!(row(&by_ethnic(&published), "White")[1], "*");
}
