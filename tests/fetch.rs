//! `anchormap fetch`: from a local mirror (the national reference data), from a web mirror on a loopback HTTP server (resume, checksums, paged feature services), and offline.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::util::*;

/// A small HTTP/1.1 file server on 127.0.0.1: serves files of `root` by name, honours
/// `Range: bytes=N-`, answers `HEAD`, and emulates an ArcGIS query (`/service/query?...resultOffset=N`)
/// over a GeoJSON file, two features per page. Every request line and Range header is logged.
struct Server {
    url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(root: PathBuf, service: Option<PathBuf>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&log);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = answer(stream, &root, service.as_deref(), &seen);
            }
        });
        Server { url, log }
    }

    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn answer(mut stream: TcpStream, root: &Path, service: Option<&Path>, log: &Mutex<Vec<String>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    let mut range_start = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        if line.trim().is_empty() {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
            range_start = value.trim().trim_end_matches('-').parse::<usize>().ok();
            log.lock().unwrap().push(format!("Range {}", value.trim()));
        }
    }
    log.lock().unwrap().push(request.trim().to_string());
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let (status, body): (&str, Vec<u8>) =
        if let (Some(query), Some(geojson)) = (target.strip_prefix("/service/query?"), service) {
            ("200 OK", page(geojson, query))
        } else {
            match std::fs::read(root.join(target.trim_start_matches('/'))) {
                Ok(bytes) if target.len() > 1 => match range_start {
                    Some(start) if start < bytes.len() => ("206 Partial Content", bytes[start..].to_vec()),
                    Some(_) => ("416 Range Not Satisfiable", Vec::new()),
                    None => ("200 OK", bytes),
                },
                _ if target == "/" => ("200 OK", b"mirror".to_vec()),
                _ => ("404 Not Found", b"not found".to_vec()),
            }
        };
    write!(stream, "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

/// Two features from `resultOffset`, with `exceededTransferLimit` while more remain.
fn page(geojson: &Path, query: &str) -> Vec<u8> {
    let collection: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(geojson).unwrap()).unwrap();
    let features = collection["features"].as_array().unwrap();
    let offset: usize =
        query.split('&').find_map(|p| p.strip_prefix("resultOffset=")).and_then(|v| v.parse().ok()).unwrap_or(0);
    let end = (offset + 2).min(features.len());
    let page = serde_json::json!({
        "type": "FeatureCollection",
        "features": features[offset.min(end)..end],
        "properties": { "exceededTransferLimit": end < features.len() }
    });
    serde_json::to_vec(&page).unwrap()
}

fn sha256(path: &Path) -> String {
    anchormap::reference::download::sha256_of(path).unwrap()
}

/// A source list for the test fixtures, pinned to their real checksums (or imd.csv to a wrong one).
/// With `publisher` (a server's URL) every file has a `url` there and the boundaries come from its
/// paged feature service; without, the files are for mirrors only.
fn fixture_sources(dir: &Path, publisher: Option<&str>, wrong_pin: bool) -> PathBuf {
    let mut text = String::from("[[set]]\nname = \"test\"\ntitle = \"fixtures\"\n");
    for (name, role) in [
        ("postcodes.csv", "postcodes"),
        ("areas.geojson", "boundaries"),
        ("imd.csv", "deprivation"),
        ("population.csv", "population"),
    ] {
        text.push_str(&format!(
            "\n[[file]]\nname = \"{name}\"\nroles = [\"{role}\"]\nsets = [\"test\"]\ntitle = \"{name}\"\n"
        ));
        match publisher {
            Some(base) if role == "boundaries" => {
                text.push_str(&format!(
                    "service = \"{base}/service/query\"\nfields = \"LSOA11CD,LSOA11NM\"\nfeatures = 6\n"
                ));
                continue;
            }
            Some(base) => text.push_str(&format!("url = \"{base}/{name}\"\n")),
            None => {}
        }
        let pin = if wrong_pin && name == "imd.csv" { "0".repeat(64) } else { sha256(&fixture(name)) };
        text.push_str(&format!("sha256 = \"{pin}\"\n"));
    }
    let path = dir.join("sources.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// `fetch --from SERVER --dir DIR/ref --sources SOURCES`, plus `extra`, with DIR/home as the anchormap folder.
fn fetch_fixtures(server: &Server, dir: &Path, sources: &Path, extra: &[&str]) -> std::process::Output {
    let target = dir.join("ref");
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "--from".as_ref(),
        server.url.as_ref(),
        "--dir".as_ref(),
        target.as_os_str(),
        "--sources".as_ref(),
        sources.as_os_str(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    fetch(&dir.join("home"), &args)
}

fn fetch(home: &Path, args: &[&std::ffi::OsStr]) -> std::process::Output {
    anchormap_command().env("ANCHORMAP_HOME", home).arg("fetch").args(args).output().unwrap()
}

/// The national reference data as a mirror folder: the newest complete set (IoD2025) is chosen, copied, checked
/// against the pinned checksums, and every command then finds it with no reference flags.
#[test]
fn fetch_from_the_shared_reference_then_geocode_without_flags() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let home = dir.path().join("home");
    let out = fetch(&home, &["--from".as_ref(), reference.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The current geography (issue 14): the mirror's IoD2025 File 1, LSOA 2021 boundaries and census population.
    assert!(stderr.contains("iod2025 from"), "{stderr}");
    // The four the set needs, the census travel tables and the LSOA lookup for emissions (issue 17), the
    // census ethnic group, sex and age tables (issue 16), and the MSOA and ward lookups, the MSOA names
    // and the census economic activity for gaps (issue 15).
    assert_eq!(stderr.matches("SHA-256 matches the pinned checksum").count(), 14, "{stderr}");
    let folder = home.join("reference/iod2025");
    for name in [
        "codepo_gb.zip",
        "LSOA_2021_EW_BSC_V4.geojson",
        "File_1_IoD2025_Index_of_Multiple_Deprivation.csv",
        "census2021_lsoa21_age6_16to64.csv",
        "census2021-ts045-lsoa.csv",
        "census2021-ts061-lsoa.csv",
        "LSOA11_LSOA21_LAD22_EW_LU.csv",
        "census2021-ts021-lsoa.csv",
        "census2021-ts008-lsoa.csv",
        "census2021-ts007a-lsoa.csv",
        "lsoa21_to_msoa21.csv",
        "MSOA-Names-2.2.csv",
        "LSOA21_WD24_LAD24_EW_LU.csv",
        "census2021_ts066_lsoa21_economic_activity_5groups.csv",
    ] {
        assert_eq!(sha256(&folder.join(name)), sha256(&reference.join(name)), "{name}");
    }
    let recorded = std::fs::read_to_string(folder.join("reference.toml")).unwrap();
    assert!(recorded.contains("car_availability = ") && recorded.contains("travel_to_work = "), "{recorded}");
    assert!(recorded.contains("ethnic_group_population = ") && recorded.contains("age_population = "), "{recorded}");
    for role in ["msoa_lookup", "msoa_names", "ward_lookup", "economic_activity"] {
        assert!(recorded.contains(&format!("{role} = ")), "{role}: {recorded}");
    }
    // The next command needs no reference flags: two hospital postcodes land in their LSOAs.
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "postcode\nWR5 1DD\nCB2 0QQ\nCO15 2JG\n").unwrap();
    let output = dir.path().join("out.csv");
    let run = anchormap_command()
        .env("ANCHORMAP_HOME", &home)
        .args(["geocode".as_ref(), input.as_os_str(), "-q".as_ref(), "-o".as_ref(), output.as_os_str()])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (headers, rows) = read_csv(&output);
    let (code, decile) = (
        headers.iter().position(|h| h == "area_code").unwrap(),
        headers.iter().position(|h| h == "imd_decile").unwrap(),
    );
    assert_eq!((rows[0][code].as_str(), rows[0][decile].as_str()), ("E01032309", "6"), "IMD 2025");
    assert_eq!((rows[1][code].as_str(), rows[1][decile].as_str()), ("E01017995", "10"));
    assert_eq!((rows[2][code].as_str(), rows[2][decile].as_str()), ("E01021988", "1"), "Tendring 018A, rank 1");
    // Emissions needs no travel flags either: the census tables vary the mode share by area (issue 17).
    std::fs::write(dir.path().join("a.csv"), "patient_postcode,site_code,mode\nWR5 1DD,WR,01\nCB2 0QQ,WR,01\n")
        .unwrap();
    std::fs::write(
        dir.path().join("s.csv"),
        "site_code,site_name,postcode\nWR,Worcestershire Royal Hospital,WR5 1DD\n",
    )
    .unwrap();
    let run = anchormap_command()
        .env("ANCHORMAP_HOME", &home)
        .current_dir(dir.path())
        .args(["emissions", "--appointments", "a.csv", "--sites", "s.csv", "--out", "e", "-q"])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("e/emissions_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["assumptions"]["mode_share_by_area"]["applied"], true, "{}", summary["assumptions"]);
    assert_eq!(summary["assumptions"]["mode_share_by_area"]["travel_to_work"], "census2021-ts061-lsoa.csv");
    // Gaps by ethnic group needs no census flag either (issue 16).
    std::fs::write(dir.path().join("staff.csv"), "postcode,ethnic origin\nWR5 1DD,A White - British\n").unwrap();
    std::fs::write(dir.path().join("codes.txt"), "E01032309\n").unwrap();
    let run = anchormap_command()
        .env("ANCHORMAP_HOME", &home)
        .current_dir(dir.path())
        .args([
            "gaps",
            "--staff",
            "staff.csv",
            "--community-codes",
            "codes.txt",
            "--by",
            "ethnic-group",
            "--out",
            "g",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("g/gaps_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["demography"][0]["population_file"], "census2021-ts021-lsoa.csv");
    // A second fetch transfers nothing.
    let again = fetch(&home, &["--from".as_ref(), reference.as_os_str()]);
    assert_eq!(String::from_utf8_lossy(&again.stderr).matches("already there").count(), 14);
}

/// The same national files served over HTTP on loopback, with the built-in pins.
#[test]
fn fetch_the_national_files_from_a_web_mirror() {
    let Some(reference) = reference_dir() else { return };
    let server = Server::start(reference, None);
    let dir = temp_dir();
    let target = dir.path().join("ref");
    let out = fetch(
        &dir.path().join("home"),
        &["--from".as_ref(), server.url.as_ref(), "--dir".as_ref(), target.as_os_str()],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // And the census ethnic group, sex and age tables (issue 16), names and MSOA files (issue 15).
    assert_eq!(stderr.matches("SHA-256 matches the pinned checksum").count(), 14, "{stderr}");
    assert!(stderr.contains("dir = "), "says how to use a folder that is not the default: {stderr}");
    let written = std::fs::read_to_string(target.join("reference.toml")).unwrap();
    assert!(written.contains("postcodes = \"codepo_gb.zip\""), "{written}");
    assert!(!dir.path().join("home/reference.toml").exists(), "not made the default unless asked");
}

#[test]
fn an_interrupted_download_resumes_with_a_range_request() {
    let server = Server::start(fixture(""), None);
    let dir = temp_dir();
    let sources = fixture_sources(dir.path(), None, false);
    let target = dir.path().join("ref");
    std::fs::create_dir_all(&target).unwrap();
    let whole = std::fs::read(fixture("postcodes.csv")).unwrap();
    std::fs::write(target.join("postcodes.csv.part"), &whole[..whole.len() / 2]).unwrap();
    let out = fetch_fixtures(&server, dir.path(), &sources, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("resumed after"), "{stderr}");
    assert!(server.requests().contains(&format!("Range {}-", whole.len() / 2)), "{:?}", server.requests());
    assert_eq!(std::fs::read(target.join("postcodes.csv")).unwrap(), whole);
    assert!(!target.join("postcodes.csv.part").exists());
}

#[test]
fn a_checksum_mismatch_is_refused_unless_no_verify() {
    let server = Server::start(fixture(""), None);
    let dir = temp_dir();
    let sources = fixture_sources(dir.path(), None, true);
    let target = dir.path().join("ref");
    let out = fetch_fixtures(&server, dir.path(), &sources, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.lines().last().unwrap().contains("imd.csv: checksum mismatch"), "{stderr}");
    assert!(!target.join("imd.csv").exists() && !target.join("imd.csv.part").exists(), "nothing kept");
    let out = fetch_fixtures(&server, dir.path(), &sources, &["--no-verify"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("differs from the pinned checksum (kept: --no-verify)"), "{stderr}");
}

/// A paged feature service: pages of two features joined into one collection of all six.
#[test]
fn a_paged_feature_service_is_joined() {
    let server = Server::start(fixture(""), Some(fixture("areas.geojson")));
    let dir = temp_dir();
    // From "the publishers": plain URLs and a paged service, all on the loopback server.
    let sources = fixture_sources(dir.path(), Some(&server.url), false);
    let target = dir.path().join("ref");
    let out = fetch(
        &dir.path().join("home"),
        &["--dir".as_ref(), target.as_os_str(), "--sources".as_ref(), sources.as_os_str()],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let pages = server.requests().iter().filter(|r| r.contains("/service/query?")).count();
    assert_eq!(pages, 3, "{:?}", server.requests());
    let joined: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(target.join("areas.geojson")).unwrap()).unwrap();
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("areas.geojson")).unwrap()).unwrap();
    assert_eq!(joined["features"], original["features"]);
    // The joined boundaries work: geocode with the fetched set.
    let output = dir.path().join("out.csv");
    let config = dir.path().join("anchormap.toml");
    std::fs::write(&config, format!("[reference]\ndir = {:?}\n", target)).unwrap();
    let run = anchormap_command()
        .args(["--config".as_ref(), config.as_os_str(), "geocode".as_ref(), fixture("staff.csv").as_os_str()])
        .args(["-q".as_ref(), "-o".as_ref(), output.as_os_str()])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));

    // A service that gives a different number of features than the list says is refused.
    let text = std::fs::read_to_string(&sources).unwrap().replace("features = 6", "features = 7");
    std::fs::write(&sources, text).unwrap();
    std::fs::remove_file(target.join("areas.geojson")).unwrap();
    let out = fetch(
        &dir.path().join("home"),
        &["--dir".as_ref(), target.as_os_str(), "--sources".as_ref(), sources.as_os_str()],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the service gave 6 features, expected 7"), "{stderr}");
    assert!(!target.join("areas.geojson").exists());
}

#[test]
fn offline_and_missing_files_get_clear_errors() {
    let dir = temp_dir();
    // Nothing listens on a port just released.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = fetch(dir.path(), &["--from".as_ref(), format!("http://127.0.0.1:{port}/").as_ref()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("cannot reach 127.0.0.1") && stderr.contains("offline"), "{stderr}");

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let err =
        anchormap_err(["fetch".as_ref(), "--from".as_ref(), empty.as_os_str(), "--vintage".as_ref(), "2019".as_ref()]);
    assert!(err.contains("has no postcodes, boundaries, deprivation, population file for iod2019"), "{err}");
    let err = anchormap_err(["fetch", "--vintage", "1999"]);
    assert!(err.contains("no set 'iod1999'"), "{err}");
}

#[test]
fn list_shows_every_set_and_its_locations() {
    let out = anchormap(["fetch", "--list"]);
    let mut text = String::new();
    out.stdout.as_slice().read_to_string(&mut text).unwrap();
    for expected in
        ["iod2025", "iod2019", "codepo_gb.zip", "api.os.uk", "assets.publishing.service.gov.uk", "services1.arcgis.com"]
    {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

/// The whole second step on real data: fetch the national set, then a trust's monthly run is
/// `anchormap gaps` with an `anchormap.toml` naming the extracts and the ICB community.
#[test]
fn after_fetch_the_monthly_run_is_one_short_command_on_national_data() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let home = dir.path().join("home");
    assert!(fetch(&home, &["--from".as_ref(), reference.as_os_str(), "-q".as_ref()]).status.success());
    let project = dir.path().join("trust");
    std::fs::create_dir(&project).unwrap();
    // Staff living near the two Herefordshire and Worcestershire hospitals, one from Cambridge (outside the ICB).
    std::fs::write(
        project.join("esr.csv"),
        "Home Postcode,Pay Band\nWR5 1DD,Band 2\nWR5 1DD,Band 5\nHR1 2ER,Band 3\nCB2 0QQ,Band 6\n",
    )
    .unwrap();
    std::fs::write(
        project.join("sites.csv"),
        "site_code,site_name,postcode\nWR,Worcestershire Royal Hospital,WR5 1DD\n",
    )
    .unwrap();
    let settings = format!(
        "[inputs]\nsites = \"sites.csv\"\n\n[community]\ncommunity_lookup = {:?}\ncommunity_filter = \"icb24_code=E54000019\"\n\n\
         [gaps]\nstaff = \"esr.csv\"\nstaff_columns = {{ postcode = \"Home Postcode\", band = \"Pay Band\" }}\nout = \"out/gaps\"\nquiet = true\n",
        reference.join("lsoa21_to_sicbl24_icb24.csv")
    );
    std::fs::write(project.join("anchormap.toml"), settings).unwrap();
    let run = anchormap_command().env("ANCHORMAP_HOME", &home).current_dir(&project).arg("gaps").output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(project.join("out/gaps/gaps_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["community"]["areas"], 491, "the ICB's LSOAs of 2021");
    assert!(summary["staff"]["placed_in_community"].is_null(), "3 staff: suppressed in the published summary");
    let exact: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(project.join("out/gaps/not-for-publication/gaps_summary_exact.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(exact["staff"]["placed_in_community"], 3);
    assert_eq!(exact["staff"]["placed_outside_community"], 1);
    assert_eq!(summary["deprivation"]["edition"], "IoD2025");
    assert_eq!(summary["community"]["population_column"], "aged_16_to_64", "Census 2021 working age");
    assert!(
        summary["reference"]["postcodes"]["path"].as_str().unwrap().starts_with(home.to_str().unwrap()),
        "the fetched files were used"
    );
    // Fetch prepared the set; the run used its store, and reading the files instead gives the same tables.
    let set =
        std::fs::read_dir(home.join("reference")).unwrap().map(|e| e.unwrap().path()).find(|p| p.is_dir()).unwrap();
    let stores: Vec<_> = std::fs::read_dir(set.join("prepared")).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(stores.len() == 1 && stores[0].extension().is_some_and(|e| e == "amstore"), "{stores:?}");
    let rerun = |extra: &str, out: &str| {
        let run = anchormap_command()
            .env("ANCHORMAP_HOME", &home)
            .current_dir(&project)
            .args(["gaps", "--out", out, extra])
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        std::fs::read(project.join(out).join("gaps_by_area.csv")).unwrap()
    };
    assert_eq!(rerun("--no-store", "out/files"), std::fs::read(project.join("out/gaps/gaps_by_area.csv")).unwrap());
}

/// Issue 14: a mirror that holds only the 2019 set gives it, and says why the 2025 set was not taken.
#[test]
fn a_set_passed_over_is_named_with_what_it_lacked() {
    let Some(reference) = reference_dir() else { return };
    let dir = temp_dir();
    let mirror = dir.path().join("mirror");
    std::fs::create_dir(&mirror).unwrap();
    for name in [
        "codepo_gb.zip",
        "LSOA_2011_EW_BSC.geojson",
        "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv",
        "File_6_-_IoD2019_Population_Denominators.csv",
    ] {
        std::fs::copy(reference.join(name), mirror.join(name)).unwrap();
    }
    let out = fetch(&dir.path().join("home"), &["--from".as_ref(), mirror.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("iod2025 not taken") && stderr.contains("has no boundaries, deprivation, population file"),
        "{stderr}"
    );
    assert!(stderr.contains("iod2019 from"), "{stderr}");
}
