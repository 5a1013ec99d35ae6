//! `RunFolder`: an analysis's output folder, written as a hidden sibling and swapped into place whole; never over an earlier run without `--force`, never over anything else, never over an input.

use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};

/// Files that mark a folder as an anchormap run (or the demo), which `--force` may replace.
const RUN_MARKERS: [&str; 8] = [
    "gaps_summary.json",
    "lookups_manifest.json",
    "emissions_summary.json",
    "profile_summary.json",
    "summary.json",
    "anchormap.toml",
    "not-for-publication",
    "disclosure_audit.json",
];

/// A run's output folder being written. Nothing appears at the destination until
/// [`RunFolder::commit`], which replaces an earlier run whole, so that a folder never mixes the
/// tables of two runs (or of `gaps` and `emissions` given the same `--out`).
#[derive(Debug)]
pub struct RunFolder {
    destination: PathBuf,
    staging: tempfile::TempDir,
    /// What was found of earlier runs into the same place that never finished (killed), for the warnings.
    pub notes: Vec<String>,
}

impl RunFolder {
    /// Starts a run into `destination`. Refused when it holds files and `force` is not given, when
    /// `force` is given but the files are not an earlier run's, and when an input lies inside it.
    pub fn create(destination: &Path, force: bool, inputs: &[&Path]) -> Result<RunFolder> {
        check_destination(destination, force, inputs)?;
        let parent = match destination.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let name = destination.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let notes = remove_stale_partials(&parent, &name);
        // The process id in the name tells a later run whether the folder is still being written.
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}.{}.", std::process::id()))
            .suffix(".partial")
            .tempdir_in(&parent)
            .map_err(|e| Error::io(destination, e))?;
        Ok(RunFolder { destination: destination.to_path_buf(), staging, notes })
    }

    /// Where the run writes its files until it is committed.
    pub fn path(&self) -> &Path {
        self.staging.path()
    }

    /// Moves the finished run into place, replacing an earlier one.
    pub fn commit(self) -> Result<()> {
        let staging = self.staging.keep();
        let destination = &self.destination;
        if destination.is_dir() && crate::io::atomic::swap(&staging, destination) {
            // The staging folder now holds the earlier run.
            std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        } else if destination.exists() {
            let old = staging.with_extension("old");
            std::fs::rename(destination, &old).map_err(|e| Error::io(destination, e))?;
            std::fs::rename(&staging, destination).map_err(|e| Error::io(destination, e))?;
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        } else {
            std::fs::rename(&staging, destination).map_err(|e| Error::io(destination, e))?;
        }
        Ok(())
    }
}

/// Hidden folders a run into `parent/name` left when it was killed before it finished
/// (`.NAME.PID.XXXX.partial`, or `.old` from a replacement cut short; older ones have no PID):
/// removed when the process that wrote them is gone, named when it may still be running or
/// cannot be removed. One note per folder.
fn remove_stale_partials(parent: &Path, name: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(parent) else { return Vec::new() };
    let prefix = format!(".{name}.");
    let mut notes = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else { continue };
        let parts: Vec<&str> = rest.split('.').collect();
        // Another destination's folders (`.NAME.v2.…`) have more parts, or no number where the PID is.
        let pid = match parts.as_slice() {
            [_, "partial" | "old"] => None,
            [pid, _, "partial" | "old"] => match pid.parse::<u32>() {
                Ok(pid) => Some(pid),
                Err(_) => continue,
            },
            _ => continue,
        };
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if pid.is_some_and(process_may_be_running) {
            let pid = pid.unwrap_or_default();
            notes.push(format!("{} is being written by another run (process {pid}); left alone", path.display()));
            continue;
        }
        let shown = path.display();
        notes.push(match std::fs::remove_dir_all(&path) {
            Ok(()) => format!("removed {shown}, left by an earlier run into the same folder that did not finish"),
            Err(e) => format!("could not remove {shown}, left by a run that did not finish ({e}); it is not a result"),
        });
    }
    notes
}

/// Whether process `pid` may still be running: on systems with `/proc`, whether it is there;
/// elsewhere it cannot be told, so yes (the folder is named, not removed).
fn process_may_be_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// The checks of [`RunFolder::create`], also used by `demo`, which writes its folder in place.
pub fn check_destination(destination: &Path, force: bool, inputs: &[&Path]) -> Result<()> {
    let at = || Location::file(destination);
    if let Ok(canonical) = std::fs::canonicalize(destination) {
        for input in inputs {
            if std::fs::canonicalize(input).is_ok_and(|i| i.starts_with(&canonical)) {
                return Err(Error::invalid(
                    at(),
                    format!("holds the input {}, which the run would replace: choose another --out", input.display()),
                ));
            }
        }
    }
    match std::fs::metadata(destination) {
        Err(_) => Ok(()),
        Ok(meta) if !meta.is_dir() => Err(Error::invalid(at(), "is a file; --out takes a folder")),
        Ok(_) => {
            let mut entries = std::fs::read_dir(destination).map_err(|e| Error::io(destination, e))?;
            if entries.next().is_none() {
                return Ok(());
            }
            let is_run = RUN_MARKERS.iter().any(|m| destination.join(m).exists());
            match (is_run, force) {
                (true, true) => Ok(()),
                (true, false) => Err(Error::invalid(
                    at(),
                    "holds an earlier run: add --force to replace it whole, or choose another --out",
                )),
                (false, _) => Err(Error::invalid(
                    at(),
                    "holds files that are not an anchormap run; choose an empty or new folder for --out",
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_replaces_an_earlier_run_whole_only_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("run");
        let first = RunFolder::create(&out, false, &[]).unwrap();
        std::fs::write(first.path().join("gaps_summary.json"), "{}").unwrap();
        std::fs::write(first.path().join("old_table.csv"), "a").unwrap();
        first.commit().unwrap();
        assert!(RunFolder::create(&out, false, &[]).unwrap_err().to_string().contains("--force"));
        let second = RunFolder::create(&out, true, &[]).unwrap();
        std::fs::write(second.path().join("emissions_summary.json"), "{}").unwrap();
        second.commit().unwrap();
        assert!(!out.join("old_table.csv").exists(), "replaced whole");
        assert!(out.join("emissions_summary.json").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folder left behind");
    }

    #[test]
    fn never_over_other_files_or_an_input() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("staff.csv"), "postcode\n").unwrap();
        let err = RunFolder::create(dir.path(), true, &[]).unwrap_err().to_string();
        assert!(err.contains("not an anchormap run"), "{err}");
        std::fs::write(dir.path().join("gaps_summary.json"), "{}").unwrap();
        let staff = dir.path().join("staff.csv");
        let err = RunFolder::create(dir.path(), true, &[&staff]).unwrap_err().to_string();
        assert!(err.contains("holds the input"), "{err}");
    }
}
