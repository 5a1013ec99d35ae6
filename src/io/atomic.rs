//! `OutputFile`: an output written beside its destination and renamed into place only when complete (or standard output for `-`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Location, Result};

/// A file being written. Nothing appears at the destination until [`OutputFile::commit`], so a
/// failed run never leaves a half-written table that looks complete.
pub struct OutputFile {
    destination: Option<(PathBuf, PathBuf)>,
    writer: BufWriter<Box<dyn Write + Send>>,
}

impl OutputFile {
    /// Creates the temporary file now, so an unwritable destination fails before any work is done.
    ///
    /// Only regular files are replaced by renaming: a device or pipe (`/dev/null`, a FIFO) is
    /// written directly, and a symbolic link is followed so that its target, not the link, is replaced.
    pub fn create(path: &Path) -> Result<OutputFile> {
        if path == Path::new("-") {
            return Ok(OutputFile {
                destination: None,
                writer: BufWriter::with_capacity(1 << 17, Box::new(std::io::stdout())),
            });
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                return Err(Error::invalid(Location::file(path), "is a folder; give a file name for the output"));
            }
            Ok(meta) if !meta.is_file() => {
                let file = std::fs::OpenOptions::new().write(true).open(path).map_err(|e| Error::io(path, e))?;
                return Ok(OutputFile { destination: None, writer: BufWriter::with_capacity(1 << 17, Box::new(file)) });
            }
            _ => {}
        }
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let file_name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let partial = target.with_file_name(format!(".{file_name}.partial"));
        // Registered before it exists, so that an interrupt at any moment removes it.
        register(&partial);
        let file = File::create(&partial).map_err(|e| {
            unregister(&partial);
            Error::io(path, e)
        })?;
        Ok(OutputFile {
            destination: Some((partial, target)),
            writer: BufWriter::with_capacity(1 << 17, Box::new(file)),
        })
    }

    /// Where the output is written until it is complete.
    pub fn writer(&mut self) -> &mut (impl Write + Send) {
        &mut self.writer
    }

    /// Flushes and moves the file into place.
    pub fn commit(mut self) -> Result<()> {
        let shown = self.destination.as_ref().map_or_else(|| PathBuf::from("-"), |(_, d)| d.clone());
        self.writer.flush().map_err(|e| Error::io(&shown, e))?;
        if let Some((partial, destination)) = self.destination.take() {
            // Swapped with the file it replaces, the partial then holds the old output.
            let swapped = destination.is_file() && swap(&partial, &destination);
            let renamed = match swapped {
                true => Ok(()),
                false => std::fs::rename(&partial, &destination).map_err(|e| Error::io(&destination, e)),
            };
            if swapped || renamed.is_err() {
                let _ = std::fs::remove_file(&partial);
            }
            unregister(&partial);
            renamed?;
        }
        Ok(())
    }
}

/// Swaps `new` with `destination` (both exist) in one step, where the system can: the destination
/// is never missing, and `new` then names what it held. False where it cannot (not Linux, or a
/// file system without `RENAME_EXCHANGE`): nothing was done, rename instead.
///
/// Why not rename over the old file: ext4 then allocates every block of the new file before the
/// rename returns (`auto_da_alloc`, its guard for programs that replace files without `fsync`),
/// about 80 ms for the national geocode's 180 MB. anchormap promises an output whole or not at all
/// when a run stops or fails, not across a power cut (it never calls `fsync`).
pub fn swap(new: &Path, destination: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        renameat_with(CWD, new, CWD, destination, RenameFlags::EXCHANGE).is_ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (new, destination);
        false
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if let Some((partial, _)) = &self.destination {
            let _ = std::fs::remove_file(partial);
            unregister(partial);
        }
    }
}

/// Refuses an output path that names one of the run's inputs (it would be replaced by the output).
/// The tables and summaries inside an input folder (the report's `--from` runs) count as inputs too.
pub fn check_not_an_input(output: &Path, inputs: &[&Path]) -> Result<()> {
    if output == Path::new("-") {
        return Ok(());
    }
    let Ok(canonical) = std::fs::canonicalize(output) else { return Ok(()) };
    for input in inputs {
        if std::fs::canonicalize(input)
            .is_ok_and(|i| canonical == i || (i.is_dir() && canonical.starts_with(&i) && is_run_file(&canonical)))
        {
            return Err(Error::invalid(
                Location::file(output),
                format!("is an input of this run ({}); choose another output file", input.display()),
            ));
        }
    }
    Ok(())
}

fn is_run_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| ["csv", "json", "geojson"].iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Hidden partial files being written now (they may hold postcodes), for the interrupt handler.
/// A handful at a time: a plain list behind a lock.
static PARTIALS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn register(partial: &Path) {
    PARTIALS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(partial.to_path_buf());
}

fn unregister(partial: &Path) {
    let mut partials = PARTIALS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(i) = partials.iter().rposition(|p| p == partial) {
        partials.swap_remove(i);
    }
}

/// Exit code after an interrupt: 128 + SIGINT, as shells report it.
pub const INTERRUPTED_EXIT_CODE: i32 = 130;

/// On Ctrl-C or SIGTERM (and SIGHUP), removes every partial output being written, then exits
/// with [`INTERRUPTED_EXIT_CODE`], so no hidden `.NAME.partial` is left behind. Call once, from
/// the binary's `main`; an error means another handler was already installed.
pub fn remove_partials_on_interrupt() -> std::result::Result<(), ctrlc::Error> {
    ctrlc::set_handler(|| {
        // Held by the handler until exit: no new partial file can be registered meanwhile.
        let partials = PARTIALS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for partial in partials.iter() {
            let _ = std::fs::remove_file(partial);
        }
        std::process::exit(INTERRUPTED_EXIT_CODE);
    })
}

/// Writes a whole small file atomically.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut out = OutputFile::create(path)?;
    out.writer().write_all(bytes).map_err(|e| Error::io(path, e))?;
    out.commit()
}
