//! `anchormap prepare`: reads a postcode directory and boundaries once, places every postcode, and keeps the result as a prepared store that later runs map instead of parsing.

use std::time::Instant;

use anyhow::{bail, Context as _};

use crate::cli::PrepareArgs;
use crate::geocoder::store::PreparedStore;
use crate::geocoder::{Geocoder, ReferencePaths};
use crate::run::say;

pub fn run(args: PrepareArgs) -> anyhow::Result<()> {
    let Some(dir) = args.placement.store_dir() else {
        bail!("--no-store: there is no store folder to prepare into (give --store DIR)");
    };
    let path = prepare(&args.placement.paths(), &dir, args.terminal.quiet)?;
    say(args.terminal.quiet, format!("later runs with these files read {}", path.display()));
    Ok(())
}

/// Reads the files (never an older store), places every postcode and writes the store into `dir`.
pub fn prepare(paths: &ReferencePaths, dir: &std::path::Path, quiet: bool) -> anyhow::Result<std::path::PathBuf> {
    let started = Instant::now();
    let paths = ReferencePaths { store: None, store_named: false, ..paths.clone() };
    let geocoder = Geocoder::load(&paths).context("loading reference data")?;
    let path = PreparedStore::write(dir, &paths, &geocoder).context("writing the prepared store")?;
    let store = PreparedStore::open(&path).map_err(|why| anyhow::anyhow!("{}: {why}", path.display()))?;
    say(
        quiet,
        format!("prepared {} in {:.1} s: {}", path.display(), started.elapsed().as_secs_f64(), store.describe()),
    );
    Ok(path)
}
