//! `anchormap inspect`: for each file, what it is taken to be, the role of each column, value profiles and the `anchormap.toml` lines that name them.

use std::io::Write;

use anyhow::{bail, Context};
use serde::Serialize;

use crate::cli::InspectArgs;
use crate::input::inspect::{inspect_file, settings_text, Inspection};

/// What `--json` prints.
#[derive(Serialize)]
struct InspectReport<'a> {
    files: &'a [Inspection],
    /// The `anchormap.toml` text for all the files together.
    settings: String,
}

pub fn run(args: InspectArgs) -> anyhow::Result<()> {
    let maps = args.values.maps()?;
    let mut inspections = Vec::new();
    for path in &args.files {
        inspections.push(inspect_file(path, args.as_kind, args.max_rows, &maps)?);
    }
    let lines: Vec<_> = inspections.iter().flat_map(|i| i.settings.iter().cloned()).collect();
    let settings = settings_text(&lines);
    if let Some(config) = &args.write_config {
        write_config(&args, config, &settings)?;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &InspectReport { files: &inspections, settings })?;
        writeln!(out)?;
    } else {
        for inspection in &inspections {
            out.write_all(crate::output::inspection::render(inspection).as_bytes())?;
        }
        if let Some(config) = &args.write_config {
            writeln!(out, "wrote {}", config.display())?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Writes the settings, refusing to replace an existing file without `--force`, or an input ever.
fn write_config(args: &InspectArgs, config: &std::path::Path, settings: &str) -> anyhow::Result<()> {
    let inputs: Vec<&std::path::Path> = args.files.iter().map(|p| p.as_path()).collect();
    crate::io::atomic::check_not_an_input(config, &inputs)?;
    if config.exists() && !args.force {
        bail!("{}: exists; use --force to replace it", config.display());
    }
    if lines_are_empty(settings) {
        bail!("{}: not written: no column of these files was given a role", config.display());
    }
    crate::io::atomic::write_file(config, settings.as_bytes()).context("writing the settings")?;
    Ok(())
}

fn lines_are_empty(settings: &str) -> bool {
    settings.lines().all(|l| l.trim().is_empty() || l.starts_with('#'))
}
