//! `anchormap fetch`: the official reference data into a folder, checked against pinned checksums, and recorded so that later commands find it without flags.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

use crate::cli::config::{self, toml_string, REFERENCE_FILE};
use crate::cli::FetchArgs;
use crate::geocoder::ReferencePaths;
use crate::io::atomic::write_file;
use crate::reference::download::{FetchError, Fetched, Fetcher};
use crate::reference::sources::{Origin, SourceFile, Sources, OPTIONAL_ROLES, ROLES};
use crate::run::say;

pub fn run(args: FetchArgs) -> anyhow::Result<()> {
    let sources = match &args.sources {
        Some(path) => Sources::read(path)?,
        None => Sources::built_in(),
    };
    if args.list {
        print!("{}", listing(&sources));
        return Ok(());
    }
    let origin = args.from.as_deref().map_or(Origin::Publishers, Origin::parse);
    if let Origin::Folder(dir) = &origin {
        if !dir.is_dir() {
            bail!("{}: no such folder to fetch from", dir.display());
        }
    }
    let fetcher = Fetcher::new(!args.no_verify, args.terminal.quiet);
    fetcher.check_reachable(&origin).map_err(|e| failure(e, &origin.to_string()))?;
    let set = chosen_set(&args, &sources, &origin, &fetcher)?;
    let plan = sources.plan(&set, |f| fetcher.has(&origin, f)).map_err(|missing| {
        let wanted: Vec<&str> = sources
            .files
            .iter()
            .filter(|f| f.sets.contains(&set) && f.roles.iter().any(|r| missing.contains(&r.as_str())))
            .map(|f| f.name.as_str())
            .collect();
        anyhow::anyhow!("{origin} has no {} file for {set} (looked for {})", missing.join(", "), wanted.join(", "))
    })?;
    let default_dir = config::home().map(|h| h.join("reference").join(&set));
    let dir = match (&args.dir, &default_dir) {
        (Some(dir), _) => dir.clone(),
        (None, Some(dir)) => dir.clone(),
        (None, None) => bail!("no folder to fetch into: give --dir DIR or set ANCHORMAP_HOME (there is no home folder to keep anchormap's data in)"),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    say(args.terminal.quiet, format!("anchormap fetch: {set} from {origin} into {}", dir.display()));
    let mut fetched = Vec::new();
    for file in &plan {
        let got = fetcher.fetch(&origin, file, &dir).map_err(|e| failure(e, &format!("{} at {origin}", file.name)))?;
        say(args.terminal.quiet, format!("  {}", outcome(file, &got)));
        fetched.push((*file, got));
    }
    prepare_store(&fetched, &dir, args.terminal.quiet)?;
    write_file(&dir.join(REFERENCE_FILE), reference_file(&sources, &set, &origin, &fetched, None).as_bytes())?;
    let is_default = default_dir.as_deref().is_some_and(|d| same_folder(d, &dir));
    if is_default || args.make_default {
        make_default(&sources, &set, &origin, &fetched, &dir, args.terminal.quiet)
    } else {
        say(
            args.terminal.quiet,
            format!(
                "To use these files, add to anchormap.toml:\n  [reference]\n  dir = {}\nor fetch again with --make-default.",
                toml_string(dir.as_os_str())
            ),
        );
        Ok(())
    }
}

/// The set named by `--vintage`; else the newest (from the publishers) or the newest the mirror completes.
fn chosen_set(args: &FetchArgs, sources: &Sources, origin: &Origin, fetcher: &Fetcher) -> anyhow::Result<String> {
    Ok(match args.vintage.as_deref() {
        Some(name) => {
            let name = if name.starts_with("iod") { name.to_string() } else { format!("iod{name}") };
            sources.set(&name)?.name.clone()
        }
        None if *origin == Origin::Publishers => sources.sets[0].name.clone(),
        None => newest_complete_set(sources, origin, fetcher, args.terminal.quiet)?,
    })
}

/// Writes the settings file that makes commands use the fetched files unless told otherwise.
fn make_default(
    sources: &Sources,
    set: &str,
    origin: &Origin,
    fetched: &[(&SourceFile, Fetched)],
    dir: &Path,
    quiet: bool,
) -> anyhow::Result<()> {
    let home_file = config::default_reference_file().context("no anchormap data folder (set ANCHORMAP_HOME)")?;
    let absolute = std::fs::canonicalize(dir).unwrap_or(dir.to_path_buf());
    if let Some(parent) = home_file.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    write_file(&home_file, reference_file(sources, set, origin, fetched, Some(&absolute)).as_bytes())?;
    say(quiet, format!("Commands now use these files unless told otherwise ({}).", home_file.display()));
    Ok(())
}

/// The folder beside the fetched files that holds their prepared store.
const STORE_FOLDER: &str = "prepared";

/// Places every postcode of the fetched directory in the fetched boundaries once, into the store
/// beside them, so that later runs map it instead of parsing the files.
fn prepare_store(fetched: &[(&SourceFile, Fetched)], dir: &Path, quiet: bool) -> anyhow::Result<()> {
    let file_of =
        |role: &str| fetched.iter().find(|(f, _)| f.roles.iter().any(|r| r == role)).map(|(f, _)| dir.join(&f.name));
    let (Some(postcodes), Some(boundaries)) = (file_of("postcodes"), file_of("boundaries")) else { return Ok(()) };
    let paths = ReferencePaths::of_files(postcodes, boundaries);
    crate::cmd::prepare::prepare(&paths, &dir.join(STORE_FOLDER), quiet)?;
    Ok(())
}

/// The newest set the mirror holds every role of; a set passed over is named with what it lacked.
fn newest_complete_set(sources: &Sources, origin: &Origin, fetcher: &Fetcher, quiet: bool) -> anyhow::Result<String> {
    let mut skipped = Vec::new();
    for set in &sources.sets {
        match sources.plan(&set.name, |f| fetcher.has(origin, f)) {
            Ok(_) => {
                for line in &skipped {
                    say(quiet, format!("anchormap fetch: {line}"));
                }
                return Ok(set.name.clone());
            }
            Err(missing) => {
                skipped.push(format!("{} not taken: {origin} has no {} file", set.name, missing.join(", ")))
            }
        }
    }
    bail!("{origin} holds no complete set ({}); --list shows the files of each", skipped.join("; "))
}

/// A fetch error as one line; `what` names what was not found.
fn failure(e: FetchError, what: &str) -> anyhow::Error {
    match e {
        FetchError::NotThere => anyhow::anyhow!("{what}: not found"),
        FetchError::Failed(e) => e.into(),
    }
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// One line per file: what happened and how it was checked.
fn outcome(file: &SourceFile, got: &Fetched) -> String {
    let how = if got.already_there {
        "already there".to_string()
    } else if got.resumed_from > 0 {
        format!("resumed after {}", megabytes(got.resumed_from))
    } else {
        "fetched".to_string()
    };
    let check = if got.verified {
        "SHA-256 matches the pinned checksum".to_string()
    } else if file.sha256.is_some() {
        format!("SHA-256 {} differs from the pinned checksum (kept: --no-verify)", got.sha256)
    } else {
        format!("SHA-256 {} (no pinned checksum: pin it in the source list)", got.sha256)
    };
    format!("{:<70} {:>9}  {how}; {check}", file.name, megabytes(got.bytes))
}

/// The `reference.toml` written beside the files: a `[reference]` table naming the file of each role, with provenance in comments.
fn reference_file(
    sources: &Sources,
    set: &str,
    origin: &Origin,
    fetched: &[(&SourceFile, Fetched)],
    absolute: Option<&PathBuf>,
) -> String {
    let title = sources.set(set).map(|s| s.title.clone()).unwrap_or_default();
    let mut text = format!("# Written by anchormap fetch: {set}, {title}.\n# Fetched from {origin}.\n");
    for (file, got) in fetched {
        text.push_str(&format!(
            "#   {}: {} ({}); {}; SHA-256 {}\n",
            file.name,
            file.title,
            file.release.as_deref().unwrap_or("release not stated"),
            file.licence.as_deref().unwrap_or("licence not stated"),
            got.sha256
        ));
    }
    text.push_str("\n[reference]\n");
    for role in ROLES.into_iter().chain(OPTIONAL_ROLES) {
        if let Some((file, _)) = fetched.iter().find(|(f, _)| f.roles.iter().any(|r| r == role)) {
            let path = match absolute {
                Some(dir) => dir.join(&file.name),
                None => PathBuf::from(&file.name),
            };
            text.push_str(&format!("{role} = {}\n", toml_string(path.as_os_str())));
        }
    }
    let store = absolute.map_or(PathBuf::from(STORE_FOLDER), |dir| dir.join(STORE_FOLDER));
    text.push_str(&format!("store = {}\n", toml_string(store.as_os_str())));
    text
}

fn listing(sources: &Sources) -> String {
    let mut text = String::new();
    for set in &sources.sets {
        text.push_str(&format!("{}: {}\n", set.name, set.title));
        for file in sources.files.iter().filter(|f| f.sets.contains(&set.name)) {
            let location = file.url.as_deref().or(file.service.as_deref()).unwrap_or("(from a mirror only)");
            let pin = if file.sha256.is_some() { "pinned" } else { "not pinned" };
            text.push_str(&format!("  {:<12} {}  [{pin}]\n  {:<12} {location}\n", file.roles.join("+"), file.name, ""));
        }
    }
    text
}
