//! The prepared store: byte-identical answers with and without it (national data), and never used
//! when its sources changed, when it is damaged, or for other options.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::national::{postcodes_near, synthetic_staff};
use crate::util::*;

/// Every file under `dir` (relative path, bytes), sorted.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Runs `args` (ending in `--out DIR` or `-o FILE`) with the store in `store`, keeps what it wrote
/// aside, runs it again with `--no-store`, and asserts every file is byte-identical. Returns the
/// first run's stderr.
fn same_with_and_without(args: &[OsString], written: &Path, store: &Path) -> String {
    let mut with = args.to_vec();
    with.extend(["--store".into(), store.into()]);
    let stderr = anchormap_ok(&with);
    let kept = written.with_extension("with-store");
    std::fs::rename(written, &kept).unwrap();
    let mut without = args.to_vec();
    without.push("--no-store".into());
    let no_store_stderr = anchormap_ok(&without);
    assert!(!no_store_stderr.contains("prepared store"), "{no_store_stderr}");
    let (a, b) = if written.is_dir() {
        (files_under(&kept), files_under(written))
    } else {
        (vec![(kept.clone(), std::fs::read(&kept).unwrap())], vec![(kept, std::fs::read(written).unwrap())])
    };
    assert!(!a.is_empty() && a.len() == b.len(), "{} files with the store, {} without", a.len(), b.len());
    for ((name, with), (other, without)) in a.iter().zip(&b) {
        assert_eq!(name, other);
        assert!(with == without, "{} differs with the prepared store", name.display());
    }
    stderr
}

fn os(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

fn prepare(reference: &[OsString], store: &Path) -> String {
    let mut args = os(&["prepare"]);
    args.extend(reference.iter().cloned());
    args.extend(["--store".into(), store.into()]);
    anchormap_ok(&args)
}

#[test]
fn national_geocode_is_byte_identical_with_the_prepared_2019_store() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let store = dir.path().join("store");
    let files = [
        ("--postcodes", "codepo_gb.zip"),
        ("--boundaries", "LSOA_2011_EW_BSC.geojson"),
        ("--deprivation", "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"),
    ];
    let reference_args: Vec<OsString> =
        files.iter().flat_map(|(flag, file)| [OsString::from(flag), reference.join(file).into()]).collect();
    let said = prepare(&reference_args[..4], &store);
    assert!(said.contains("1,743,449 postcodes, 34,753 areas (LSOA 2011)"), "{said}");
    // Every Code-Point postcode, and some text that is no postcode or no known one.
    let mut input = String::from("id,postcode\n1,ZZ99 3VZ\n2,not a postcode\n3,\n");
    let mut n = 3;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(reference.join("codepo_gb.zip")).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        if entry.name().starts_with("Data/CSV/") {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
            for line in text.lines() {
                n += 1;
                input.push_str(&format!("{n},{}\n", line.split(',').next().unwrap().trim_matches('"')));
            }
        }
    }
    let input_path = dir.path().join("postcodes.csv");
    std::fs::write(&input_path, input).unwrap();
    let out = dir.path().join("geocoded.csv");
    for max_distance in ["1000", "250"] {
        let mut args = os(&["geocode"]);
        args.push(input_path.clone().into());
        args.extend(reference_args.iter().cloned());
        args.extend(os(&["--max-distance", max_distance, "-o"]));
        args.push(out.clone().into());
        let said = same_with_and_without(&args, &out, &store);
        assert!(said.contains("(the prepared store"), "{said}");
        let geocoded = std::fs::read_to_string(out.with_extension("with-store")).unwrap();
        assert_eq!(geocoded.lines().count(), 1 + n, "every row is written");
        let nearest = geocoded.lines().filter(|l| l.contains(",nearest,")).count();
        assert!(nearest > 1000, "{nearest} nearest at {max_distance} m: the store's and the live fallback both");
        std::fs::remove_file(out.with_extension("with-store")).unwrap();
    }
}

#[test]
fn trust_gaps_and_emissions_are_byte_identical_with_the_prepared_2021_store() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let store = dir.path().join("store");
    let file = |flag: &str, name: &str| [OsString::from(flag), reference.join(name).into()];
    let geography =
        [file("--postcodes", "codepo_gb.zip"), file("--boundaries", "LSOA_2021_EW_BSC_V4.geojson")].concat();
    let said = prepare(&geography, &store);
    assert!(said.contains("areas (LSOA 2021)"), "{said}");
    let common = [
        geography.clone(),
        file("--deprivation", "File_1_IoD2025_Index_of_Multiple_Deprivation.csv").to_vec(),
        file("--msoa-lookup", "lsoa21_to_msoa21.csv").to_vec(),
        file("--msoa-names", "MSOA-Names-2.2.csv").to_vec(),
        file("--ward-lookup", "LSOA21_WD24_LAD24_EW_LU.csv").to_vec(),
    ]
    .concat();

    let staff = synthetic_staff(&reference, dir.path(), 3_000);
    let out = dir.path().join("gaps");
    let mut gaps = os(&["gaps", "--staff"]);
    gaps.push(staff.into());
    gaps.extend(common.iter().cloned());
    gaps.extend(file("--population", "census2021_lsoa21_age6_16to64.csv"));
    gaps.extend(file("--community-lookup", "lsoa21_to_sicbl24_icb24.csv"));
    gaps.extend(os(&["--community-filter", "icb24_code=E54000019", "--out"]));
    gaps.push(out.clone().into());
    let said = same_with_and_without(&gaps, &out, &store);
    assert!(said.contains("reference data: the prepared store"), "{said}");
    let by_area = std::fs::read_to_string(out.with_extension("with-store").join("gaps_by_area.csv")).unwrap();
    assert_eq!(by_area.lines().count(), 1 + 491, "the ICB's 491 areas");

    let mut appointments = String::from("id,patient_postcode,site_code,consultation_medium_used,first_follow_up\n");
    for (i, (postcode, _, _)) in postcodes_near(&reference, (387_714.0, 254_789.0), 2_000, 7).iter().enumerate() {
        let mode = ["face_to_face", "telephone"][i % 2];
        appointments.push_str(&format!("{i},{postcode},WR,{mode},{}\n", ["First", "Follow-up"][i % 3 / 2]));
    }
    let appointments_path = dir.path().join("appointments.csv");
    std::fs::write(&appointments_path, appointments).unwrap();
    let out = dir.path().join("emissions");
    let mut emissions = os(&["emissions", "--appointments"]);
    emissions.push(appointments_path.into());
    emissions.extend(common.iter().cloned());
    emissions.extend(file("--sites", "hospital_sites.csv"));
    emissions.extend(os(&["--shift-to-virtual", "0.2", "--out"]));
    emissions.push(out.clone().into());
    same_with_and_without(&emissions, &out, &store);
}

/// Fixture reference files copied where the test may change them.
fn copied_reference(dir: &Path) -> Vec<OsString> {
    let mut args = Vec::new();
    for (flag, file) in [("--postcodes", "postcodes.csv"), ("--boundaries", "areas.geojson")] {
        let copy = dir.join(file);
        std::fs::copy(fixture(file), &copy).unwrap();
        args.extend([OsString::from(flag), copy.into()]);
    }
    args
}

fn geocode_fixture(reference: &[OsString], store: &Path, out: &Path) -> String {
    let mut args = os(&["geocode"]);
    args.push(fixture("staff.csv").into());
    args.extend(reference.iter().cloned());
    args.extend(["--store".into(), store.into(), "-o".into(), out.into()]);
    anchormap_ok(&args)
}

#[test]
fn a_store_whose_sources_changed_is_not_used() {
    let dir = temp_dir();
    let reference = copied_reference(dir.path());
    let store = dir.path().join("store");
    prepare(&reference, &store);
    let out = dir.path().join("out.csv");
    let said = geocode_fixture(&reference, &store, &out);
    assert!(said.contains("(the prepared store") && !said.contains("warning"), "{said}");
    let before = std::fs::read(&out).unwrap();

    // Touched, not changed: the times differ, the checksum decides, the store is used.
    let boundaries = Path::new(&reference[3]);
    std::fs::write(boundaries, std::fs::read(boundaries).unwrap()).unwrap();
    let said = geocode_fixture(&reference, &store, &out);
    assert!(said.contains("(the prepared store") && !said.contains("warning"), "{said}");
    assert_eq!(std::fs::read(&out).unwrap(), before);

    // Changed to the same size (a coordinate's digit): the checksum catches it.
    let postcodes = Path::new(&reference[1]);
    let text = std::fs::read_to_string(postcodes).unwrap().replacen("400500,300500", "400500,300900", 1);
    std::fs::write(postcodes, &text).unwrap();
    let said = geocode_fixture(&reference, &store, &out);
    assert!(!said.contains("(the prepared store"), "{said}");
    assert!(
        said.contains("warning: the prepared store")
            && said.contains("postcodes.csv has changed since it was prepared (its SHA-256 differs)"),
        "{said}"
    );
    let fresh = dir.path().join("fresh.csv");
    let mut args = os(&["geocode"]);
    args.push(fixture("staff.csv").into());
    args.extend(reference.iter().cloned());
    args.extend(["--no-store".into(), "-o".into(), fresh.clone().into()]);
    anchormap_ok(&args);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&fresh).unwrap(), "the files are read instead");
    assert_ne!(std::fs::read(&out).unwrap(), before);

    // Prepared again, it is used again.
    prepare(&reference, &store);
    let said = geocode_fixture(&reference, &store, &out);
    assert!(said.contains("(the prepared store") && !said.contains("warning"), "{said}");
}

#[test]
fn a_damaged_store_is_not_used_and_nothing_panics() {
    let dir = temp_dir();
    let reference = copied_reference(dir.path());
    let store = dir.path().join("store");
    prepare(&reference, &store);
    let out = dir.path().join("out.csv");
    geocode_fixture(&reference, &store, &out);
    let good = std::fs::read(&out).unwrap();
    let file = std::fs::read_dir(&store).unwrap().next().unwrap().unwrap().path();
    let bytes = std::fs::read(&file).unwrap();
    let mut flipped_version = bytes.clone();
    flipped_version[8] = 99;
    // One bit of a point, in the middle of the postcode columns: caught by the store's own checksum.
    let mut flipped_point = bytes.clone();
    flipped_point[bytes.len() / 3] ^= 0x10;
    for (damage, expected) in [
        (bytes[..bytes.len() / 2].to_vec(), "it is damaged (its checksum differs)"),
        (flipped_point, "it is damaged (its checksum differs)"),
        (b"AMSTORE\0short".to_vec(), "not an anchormap store"),
        (flipped_version, "it is format 99"),
        (Vec::new(), "not an anchormap store"),
    ] {
        std::fs::write(&file, &damage).unwrap();
        let said = geocode_fixture(&reference, &store, &out);
        assert!(said.contains("warning: the prepared store") && said.contains(expected), "{expected}: {said}");
        assert_eq!(std::fs::read(&out).unwrap(), good);
    }
}

/// Issue 24: a store rewritten with its checksum recomputed, every postcode's area pointing past
/// the boundaries' areas: found on open (one warning naming the store and the slot), never a
/// panic, and the files are read instead.
#[test]
fn a_store_rewritten_with_a_recomputed_checksum_is_checked_section_by_section() {
    let dir = temp_dir();
    let reference = copied_reference(dir.path());
    let store = dir.path().join("store");
    prepare(&reference, &store);
    let out = dir.path().join("out.csv");
    geocode_fixture(&reference, &store, &out);
    let good = std::fs::read(&out).unwrap();
    let file = std::fs::read_dir(&store).unwrap().next().unwrap().unwrap().path();
    let mut bytes = std::fs::read(&file).unwrap();
    let word = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap()) as usize;
    let (offset, len) = (word(&bytes, 16), word(&bytes, 24));
    let manifest: serde_json::Value = serde_json::from_slice(&bytes[offset..offset + len]).unwrap();
    let section = manifest["sections"].as_array().unwrap().iter().find(|s| s["name"] == "postcode_points").unwrap();
    let start = section["offset"].as_u64().unwrap() as usize;
    let end = start + section["len"].as_u64().unwrap() as usize;
    // Each point: x, y (f64), then its place (status in the top 2 bits, country, area) and padding.
    let mut changed = 0;
    for point in bytes[start..end].chunks_exact_mut(24) {
        let place = u32::from_le_bytes(point[16..20].try_into().unwrap());
        if place >> 30 == 1 {
            point[16..20].copy_from_slice(&(place | 0xFFFF).to_le_bytes());
            changed += 1;
        }
    }
    assert!(changed > 0, "no point placed within an area to damage");
    let mut crc = crc32fast::Hasher::new();
    crc.update(&bytes[32..]);
    bytes[12..16].copy_from_slice(&crc.finalize().to_le_bytes());
    std::fs::write(&file, &bytes).unwrap();
    let said = geocode_fixture(&reference, &store, &out);
    assert!(said.contains("warning: the prepared store") && said.contains("points outside its tables ("), "{said}");
    assert!(!said.contains("panicked"), "{said}");
    assert_eq!(std::fs::read(&out).unwrap(), good, "the files are read instead");
}

#[test]
fn other_options_do_not_use_the_store_and_prepare_needs_a_folder() {
    let dir = temp_dir();
    let reference = copied_reference(dir.path());
    let store = dir.path().join("store");
    prepare(&reference, &store);
    let out = dir.path().join("out.csv");
    let mut args = os(&["geocode"]);
    args.push(fixture("staff.csv").into());
    args.extend(reference.iter().cloned());
    args.extend(os(&["--name-property", "LSOA11CD", "--store"]));
    args.extend([store.clone().into(), "-o".into(), out.into()]);
    let said = anchormap_ok(&args);
    assert!(
        !said.contains("(the prepared store") && said.contains("holds no prepared store of these reference files"),
        "another name property is another store: {said}"
    );

    // A store of other files under this store's name (renamed by hand) is not used.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let other_reference = copied_reference(&other);
    let other_store = dir.path().join("other-store");
    prepare(&other_reference, &other_store);
    let ours = std::fs::read_dir(&store).unwrap().next().unwrap().unwrap().path();
    let theirs = std::fs::read_dir(&other_store).unwrap().next().unwrap().unwrap().path();
    std::fs::copy(&theirs, &ours).unwrap();
    let said = geocode_fixture(&reference, &store, &dir.path().join("renamed.csv"));
    assert!(said.contains("it was not prepared from the postcodes"), "{said}");

    let mut args = os(&["prepare", "--no-store"]);
    args.extend(reference.iter().cloned());
    let error = anchormap_err(&args);
    assert!(error.contains("--no-store: there is no store folder to prepare into"), "{error}");
}

#[test]
fn the_same_files_named_from_another_folder_use_the_store() {
    let dir = temp_dir();
    let reference = copied_reference(dir.path());
    let store = dir.path().join("store");
    prepare(&reference, &store);
    let elsewhere = dir.path().join("project");
    std::fs::create_dir(&elsewhere).unwrap();
    let run = anchormap_command()
        .current_dir(&elsewhere)
        .args(["geocode", fixture("staff.csv").to_str().unwrap(), "--postcodes", "../postcodes.csv"])
        .args(["--boundaries", "../areas.geojson", "--store", "../store", "-o", "out.csv"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success() && said.contains("(the prepared store") && !said.contains("warning"), "{said}");
}

#[test]
fn a_code_point_folder_is_prepared_like_its_zip() {
    let dir = temp_dir();
    let store = dir.path().join("store");
    let reference: Vec<OsString> =
        vec!["--postcodes".into(), fixture("codepoint").into(), "--boundaries".into(), fixture("areas.geojson").into()];
    prepare(&reference, &store);
    let out = dir.path().join("out.csv");
    let mut args = os(&["geocode"]);
    args.push(fixture("staff.csv").into());
    args.extend(reference.iter().cloned());
    args.extend(["-o".into(), out.clone().into()]);
    let said = same_with_and_without(&args, &out, &store);
    assert!(said.contains("(the prepared store"), "{said}");
}

#[test]
fn a_named_store_folder_without_a_store_of_these_files_is_said() {
    let dir = temp_dir();
    let reference = copied_reference(dir.path());
    let typo = dir.path().join("prepraed");
    let said = geocode_fixture(&reference, &typo, &dir.path().join("out.csv"));
    assert!(said.contains("prepraed holds no prepared store of these reference files and options"), "{said}");
    // Interrupted or finished, prepare leaves no partial file behind.
    let store = dir.path().join("store");
    prepare(&reference, &store);
    let files: Vec<_> = std::fs::read_dir(&store).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(files.len() == 1 && !files[0].to_string_lossy().starts_with('.'), "{files:?}");
}
