//! What the analysis commands share: the run folder, the reference data and its areas, sites, warnings, the batch loop, and finishing a run.

pub mod community;

use std::cell::RefCell;
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context as _};
use serde::Serialize;

use crate::analysis::Areas;
use crate::cli::{AreaNameArgs, OutputDirArgs, ReferenceArgs, SiteArgs, ValueArgs};
use crate::columns::{ColumnMap, ColumnSpec};
use crate::geocoder::{Geocoder, Vintages};
use crate::input::home_postcode;
use crate::input::sites::{read_sites, Site};
use crate::input::value_maps::ValueMaps;
use crate::io::csv_input::Row;
use crate::io::progress;
use crate::io::CsvInput;
use crate::output::disclosure::Disclosure;
use crate::output::formats::Formats;
use crate::output::run_folder::RunFolder;
use crate::output::run_summary::{AreaNamesSummary, DataZoneNamesSummary};
use crate::output::summary::write_run_summaries;
use crate::output::table::Table;
use crate::reference::area_names::{AreaNames, OPEN_PARLIAMENT_ATTRIBUTION};
use crate::reference::Geography;
use crate::reference::Population;

/// Rows handed to the parallel placement at a time.
const BATCH_ROWS: usize = 32_768;

/// An analysis's file of people, one a row (staff, applications): opened, its columns found, the
/// vocabularies of its coded values read, and which column is the home postcode.
pub(crate) struct PeopleFile<C> {
    pub input: CsvInput,
    pub columns: C,
    pub maps: ValueMaps,
    /// Which column was read as the home postcode (a sentence for the summary's decisions), and
    /// how many other postcode columns were not.
    pub postcode_column: (String, usize),
}

impl<C> PeopleFile<C> {
    /// Stops with `needs_deprivation` without `--deprivation` (a run by deprivation decile); reads
    /// `--values`, opens `path` and finds its columns with `resolve` (`map` naming them, `spec` the
    /// home postcode's role, at `postcode(columns)`).
    pub fn open(
        (reference, needs_deprivation): (&ReferenceArgs, &str),
        values: &ValueArgs,
        (path, map, spec): (&Path, &ColumnMap, &ColumnSpec),
        resolve: impl FnOnce(&CsvInput, &ColumnMap) -> crate::Result<C>,
        postcode: impl FnOnce(&C) -> usize,
    ) -> anyhow::Result<PeopleFile<C>> {
        if reference.deprivation.is_none() {
            bail!(crate::Error::usage(needs_deprivation));
        }
        let maps = values.maps()?;
        let input = CsvInput::open(path)?;
        let columns = resolve(&input, map)?;
        let postcode_column = home_postcode::decision(&input.headers, spec, postcode(&columns), map);
        Ok(PeopleFile { input, columns, maps, postcode_column })
    }
}

/// A run of `gaps` or `emissions` in progress: where it writes, what it loaded, what it will warn about.
pub struct RunContext {
    pub started: Instant,
    pub quiet: bool,
    pub disclosure: Disclosure,
    folder: RunFolder,
    pub geocoder: Geocoder,
    pub areas: Areas,
    /// The population column used, if a population was given.
    pub population_column: Option<String>,
    /// The vintage of each reference input, in words.
    pub vintages: Vintages,
    /// Printed and recorded in the exact summary when the run finishes, in the order found.
    pub warnings: Vec<String>,
    /// The names people know attached to the areas, if the run was given any.
    pub names: Option<AreaNamesSummary>,
    /// Scotland's data zones named from `--data-zone-lookup`, if given.
    pub zone_names: Option<DataZoneNamesSummary>,
    /// Every table written so far, by file name, for the workbook (written from memory, not re-read).
    tables: RefCell<Vec<(String, Table)>>,
    /// The formats the tables and area layers are written in (`--format`).
    pub formats: Formats,
    /// A folder inside the run folder the tables go to for now ([`RunContext::enter`]).
    inside: Option<std::path::PathBuf>,
}

impl RunContext {
    /// Checks the destination (no input is ever replaced), loads the reference data and the
    /// population, and refuses a population or deprivation file of another geography than the
    /// boundaries.
    pub fn open(
        output: &OutputDirArgs,
        reference: &ReferenceArgs,
        disclosure: Disclosure,
        inputs: &[&Path],
        population: impl FnOnce() -> crate::Result<Option<Population>>,
    ) -> anyhow::Result<RunContext> {
        RunContext::open_with_nations(output, reference, (disclosure, false), inputs, population)
    }

    /// As [`RunContext::open`]; with `compare_nations` (gaps), Wales's and Scotland's files
    /// (`--wimd`, `--simd`, `--scotland-boundaries`) are read, each area given its own nation's
    /// decile, and Scotland's data zones SIMD's working-age population; without, they are set
    /// aside with a warning.
    pub fn open_with_nations(
        output: &OutputDirArgs,
        reference: &ReferenceArgs,
        (disclosure, compare_nations): (Disclosure, bool),
        inputs: &[&Path],
        population: impl FnOnce() -> crate::Result<Option<Population>>,
    ) -> anyhow::Result<RunContext> {
        let started = Instant::now();
        let mut files = reference.files();
        files.extend(inputs);
        let folder = RunFolder::create(&output.out, output.force, &files)?;
        let mut paths = reference.paths();
        let nations_note =
            if compare_nations { None } else { crate::geocoder::nations::set_aside_for_analyses(&mut paths) };
        let geocoder = Geocoder::load(&paths).context("loading reference data")?;
        if let Some(store) = &geocoder.store {
            crate::run::say(
                output.terminal.quiet,
                format_args!("reference data: the prepared store {}", store.display()),
            );
        }
        let population = population().context("loading population")?;
        if let Some(population) = &population {
            population.check_vintage(&geocoder.boundaries.geography)?;
        }
        let population_warning = population.as_ref().and_then(Population::warning);
        let areas = Areas::collect(&geocoder, population.as_ref());
        let vintages = geocoder.vintages(population.as_ref());
        let mut warnings = folder.notes.clone();
        warnings.extend(geocoder.notes.iter().cloned());
        warnings.extend(nations_note);
        warnings.extend(population_warning);
        if let (Some(coverage), Some(path)) = (geocoder.coverage(), &reference.deprivation) {
            coverage.check_same_vintage(path)?;
            warnings.extend(coverage.warning());
        }
        Ok(RunContext {
            tables: RefCell::default(),
            formats: Formats::new(&output.formats),
            started,
            quiet: output.terminal.quiet,
            disclosure,
            folder,
            geocoder,
            areas,
            population_column: population.map(|p| p.column),
            vintages,
            warnings,
            names: None,
            zone_names: None,
            inside: None,
        })
    }

    /// Gives each area its MSOA, neighbourhood name and ward from the lookups given (if any);
    /// lookups of the other LSOA vintage than the boundaries are refused when the user named
    /// them, and left out with a note when they came from the fetched reference set.
    pub fn attach_names(&mut self, args: &AreaNameArgs) -> anyhow::Result<()> {
        if let Some(path) = &args.data_zone_lookup {
            let zones = crate::reference::area_names::DataZones::load(path)?;
            let named = self.areas.attach_zones(&zones);
            if named == 0 {
                self.warnings.push(format!(
                    "no area of the boundaries is a data zone of {}: Scotland's zones are placed with \
                     --scotland-boundaries (and ranked with --simd)",
                    crate::output::summary::file_name(path)
                ));
            }
            self.zone_names =
                Some(DataZoneNamesSummary { file: crate::output::summary::file_name(path), zones_named: named });
        }
        let Some(names) = AreaNames::load(args.files())? else { return Ok(()) };
        let names = match self.other_vintage(&names) {
            None => names,
            Some(_) if args.named_by_user().paths().eq(args.paths()) => bail!(self.vintage_error(&names)),
            Some(vintage) => {
                let files: Vec<String> = names.files.iter().map(|p| crate::output::summary::file_name(p)).collect();
                let boundaries = &self.geocoder.boundaries.geography;
                self.warnings.push(format!(
                    "{} (from the fetched reference set) not used: lookups of {vintage} areas, and the boundaries are \
                     {boundaries}; areas are shown by their own names (name lookups of {boundaries} with --msoa-lookup \
                     or --ward-lookup)",
                    files.join(" and ")
                ));
                match AreaNames::load(args.named_by_user().files())? {
                    Some(names) if self.other_vintage(&names).is_some() => bail!(self.vintage_error(&names)),
                    Some(names) => names,
                    None => return Ok(()),
                }
            }
        };
        let (with_msoa, with_ward) = self.areas.attach_names(&names);
        if with_msoa + with_ward == 0 {
            self.warnings.push(
                "no area of the boundaries is in the MSOA or ward lookups: areas are shown by their own names".into(),
            );
        }
        self.names = Some(AreaNamesSummary {
            files: names.files.iter().map(|p| crate::output::summary::file_name(p)).collect(),
            areas_with_msoa: with_msoa,
            areas_with_ward: with_ward,
            msoas: self.areas.msoas.len(),
            attribution: names.uses_library_names().then(|| OPEN_PARLIAMENT_ATTRIBUTION.to_string()),
        });
        Ok(())
    }

    /// The LSOA vintage of the name lookups, when it is not the boundaries'.
    fn other_vintage(&self, names: &AreaNames) -> Option<Geography> {
        let boundaries = &self.geocoder.boundaries.geography;
        let lsoa = |g: &Geography| matches!(g, Geography::Lsoa2011 | Geography::Lsoa2021);
        names.geography.clone().filter(|g| lsoa(g) && lsoa(boundaries) && g != boundaries)
    }

    /// The error for name lookups the user named of the other LSOA vintage than the boundaries.
    fn vintage_error(&self, names: &AreaNames) -> crate::Error {
        let boundaries = &self.geocoder.boundaries.geography;
        let vintage = names.geography.as_ref().map(ToString::to_string).unwrap_or_default();
        let file = names.files.first().cloned().unwrap_or_default();
        crate::Error::invalid(
            crate::error::Location::file(&file),
            format!("is a lookup of {vintage} areas, but the boundaries are {boundaries}: use lookups of the boundaries' vintage"),
        )
    }

    /// The folder the tables are written to (renamed into place by [`RunContext::finish`]).
    pub fn out(&self) -> &Path {
        self.inside.as_deref().unwrap_or(self.folder.path())
    }

    /// Writes into the folder `name` inside the run folder from now on (`None`: the run folder
    /// again); returns the tables written since the last change, for tables that gather them.
    pub fn enter(&mut self, name: Option<&str>) -> anyhow::Result<Vec<(String, Table)>> {
        self.inside = name.map(|n| self.folder.path().join(n));
        if let Some(dir) = &self.inside {
            std::fs::create_dir_all(dir).map_err(|e| crate::error::Error::io(dir, e))?;
        }
        Ok(self.take_written())
    }

    /// The tables written since the folder was last [`RunContext::enter`]ed (and no longer kept).
    pub fn take_written(&self) -> Vec<(String, Table)> {
        self.tables.take()
    }

    /// Writes the summaries of the folder [`RunContext::enter`]ed (the run's own by [`RunContext::finish`]).
    pub fn write_summaries(
        &self,
        summary: (&str, &impl Serialize),
        exact: (&str, &impl Serialize),
    ) -> anyhow::Result<()> {
        Ok(write_run_summaries(self.out(), summary.0, summary.1, exact.0, exact.1)?)
    }

    /// The sites, located by coordinates or postcode; a warning for each that could not be.
    /// The sites of `--sites` (none without it).
    pub fn sites(&mut self, sites: &SiteArgs) -> anyhow::Result<Vec<Site>> {
        match &sites.sites {
            Some(path) => self.read_sites(path, &sites.site_columns),
            None => Ok(Vec::new()),
        }
    }

    pub fn read_sites(&mut self, path: &Path, columns: &ColumnMap) -> anyhow::Result<Vec<Site>> {
        let sites = read_sites(path, columns, Some(&self.geocoder.directory))?;
        for site in sites.iter().filter(|s| s.location.is_none()) {
            self.warnings.push(format!("site {} could not be located ({})", site.label, site.located_by));
        }
        Ok(sites)
    }

    /// Writes `table` as the CSV file `name` in the run folder (and in the other `--format`s), and
    /// keeps it for the workbook.
    pub fn write_table(&self, name: &str, table: &Table) -> anyhow::Result<()> {
        self.formats.write_table(self.out(), name, table)?;
        self.tables.borrow_mut().push((name.to_string(), table.clone()));
        Ok(())
    }

    /// Writes the area layer `name` (`X.geojson`, and in the other `--format`s): each area's
    /// shape with its row of `table` as properties.
    pub fn write_areas<'a>(
        &self,
        name: &str,
        table: &Table,
        features: impl Iterator<Item = (crate::spatial::Shape<'a>, geojson::JsonObject)>,
    ) -> anyhow::Result<()> {
        Ok(self.formats.write_areas(self.out(), name, table, features)?)
    }

    /// The run's workbook (`name`, e.g. `gaps.xlsx`): every CSV in `written` as a sheet, and a notes
    /// sheet with `what` the run is, the disclosure rule, `more` notes, the inputs' vintages and the
    /// attribution the names' licence asks for. Returns the file's name, for the list of outputs.
    pub fn write_workbook(
        &self,
        name: &str,
        what: &str,
        written: &[String],
        more: &[String],
    ) -> anyhow::Result<String> {
        let mut notes = crate::output::workbook::notes(what, &self.disclosure);
        notes.extend(more.iter().cloned());
        if let Ok(serde_json::Value::Object(vintages)) = serde_json::to_value(&self.vintages) {
            for (input, vintage) in vintages {
                notes.push(format!("Source, {input}: {}.", vintage.as_str().unwrap_or_default()));
            }
        }
        notes.extend(self.names.as_ref().and_then(|n| n.attribution.clone()));
        let prefix = name.trim_end_matches(".xlsx");
        let tables = self.tables.borrow();
        let sheets: Vec<(String, &Table)> = written
            .iter()
            .filter_map(|file| tables.iter().find(|(written, _)| written == file))
            .map(|(file, table)| (crate::output::workbook::sheet_name(file, prefix), table))
            .collect();
        crate::output::workbook::write(&self.out().join(name), &sheets, &notes)?;
        Ok(name.to_string())
    }

    /// Prints the warnings and moves the run folder into place: for a command with no counts of people (`export`).
    pub fn commit(self) -> anyhow::Result<()> {
        for w in &self.warnings {
            eprintln!("anchormap: warning: {w}");
        }
        Ok(self.folder.commit()?)
    }

    /// Prints the warnings, writes both summaries and moves the run folder into place.
    pub fn finish(self, summary: (&str, &impl Serialize), exact: (&str, &impl Serialize)) -> anyhow::Result<()> {
        for w in &self.warnings {
            eprintln!("anchormap: warning: {w}");
        }
        write_run_summaries(self.folder.path(), summary.0, summary.1, exact.0, exact.1)?;
        self.folder.commit()?;
        Ok(())
    }
}

/// Streams `input` in batches with a progress line on stderr; returns the input, read to its end
/// (for its count of short rows).
pub fn each_batch(
    input: CsvInput,
    label: &'static str,
    mut each: impl FnMut(&mut Vec<Row>) -> anyhow::Result<()>,
) -> anyhow::Result<CsvInput> {
    let bar = progress::counter(label);
    let input = input.for_each_batch(BATCH_ROWS, |batch| -> anyhow::Result<()> {
        each(batch)?;
        bar.inc(batch.len() as u64);
        Ok(())
    })?;
    bar.finish_and_clear();
    Ok(input)
}

/// Prints a line on stderr unless quiet.
pub(crate) fn say(quiet: bool, text: impl std::fmt::Display) {
    if !quiet {
        eprintln!("{text}");
    }
}
