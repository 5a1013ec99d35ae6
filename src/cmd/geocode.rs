//! `anchormap geocode`: stream a CSV, add each row's postcode point, area, deprivation and match status.

use std::io::Write;
use std::time::Instant;

use anyhow::{bail, Context};
use rayon::prelude::*;
use serde::Serialize;

use crate::cli::GeocodeArgs;
use crate::columns::ColumnSpec;
use crate::error::Error;
use crate::geocoder::nations::{NationTally, NationsSummary};
use crate::geocoder::{DirectoryAgreement, Geocoded, Geocoder, MatchCounts, ReferencePaths, ReferenceSummary};
use crate::io::csv_input::Row;
use crate::io::csv_output;
use crate::io::format::thousands;
use crate::io::CsvInput;
use crate::io::OutputFile;
use crate::output::summary::write_json;
use crate::output::table::neutralise_formula;
use crate::reference::deprivation::Coverage;
use crate::run::each_batch;
use crate::run::say;

/// The columns `geocode` adds, in order (the contract in PRODUCT.md).
pub const ADDED_COLUMNS: [&str; 9] = [
    "postcode_normalised",
    "easting",
    "northing",
    "area_code",
    "area_name",
    "imd_decile",
    "imd_rank",
    "match",
    "distance_m",
];

/// The columns `geocode` adds after those when the run names Wales's or Scotland's index or
/// zones: each row's nation, and its area's decile in that nation's own index (never pooled).
pub const NATION_COLUMNS: [&str; 3] = ["nation", "deprivation_index", "deprivation_decile"];

/// Header names taken as the postcode column when `--postcode-column` is not given.
const POSTCODE_COLUMN: &ColumnSpec = &crate::dictionary::GEOCODE_INPUT[0];

const CHUNK_ROWS: usize = 4_096;

/// Serialised chunks that may wait for the writer thread (two batches' worth).
const WRITTEN_AHEAD: usize = 16;

/// What `--summary-json` holds.
#[derive(Serialize)]
struct Summary {
    input: String,
    output: String,
    rows: u64,
    /// Rows with fewer fields than the header (padded with blanks, still in the output).
    short_rows: u64,
    #[serde(rename = "match")]
    by_match: MatchCounts,
    max_distance_m: f64,
    /// With a directory that has the LSOA column of the boundaries' vintage: its assignment
    /// against the spatial join, in rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    directory_assignment: Option<DirectoryAgreement>,
    #[serde(flatten)]
    reference: ReferenceSummary,
    /// With Wales's or Scotland's index or zones: the indices and the rows by nation.
    #[serde(skip_serializing_if = "Option::is_none")]
    nations: Option<NationsSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by_nation: Option<NationTally>,
    warnings: Vec<String>,
}

pub fn run(args: GeocodeArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let input = CsvInput::open(&args.input)?;
    let postcode_column = postcode_column(&args, &input)?;
    check_outputs(&args)?;
    let mut output = OutputFile::create(&args.output)?;
    let (geocoder, mut warnings) = load(&args, started)?;
    let (input, (counts, tally), agreement) = geocode_rows(input, postcode_column, &geocoder, &mut output, &args)?;
    output.commit()?;
    let rows = counts.total();
    if let Some(note) = tally.northern_ireland_note() {
        eprintln!("anchormap: warning: {note}");
        warnings.push(note);
    }
    if input.short_rows > 0 {
        warnings
            .push(format!("{} rows had fewer fields than the header; they were padded with blanks", input.short_rows));
        eprintln!("anchormap: warning: {}", warnings.last().map_or("", String::as_str));
    }
    let directory_assignment =
        geocoder.directory_column().map(|column| DirectoryAgreement { column: column.to_string(), ..agreement });
    if !args.terminal.quiet {
        print_summary(rows, &counts, started);
        if let Some(a) = &directory_assignment {
            print_directory_assignment(a);
        }
    }
    if let Some(path) = &args.summary_json {
        let summary = Summary {
            input: args.input.display().to_string(),
            output: args.output.display().to_string(),
            rows,
            short_rows: input.short_rows,
            by_match: counts,
            max_distance_m: geocoder.max_distance_m,
            directory_assignment,
            reference: geocoder.reference_summary(),
            nations: geocoder.nations.as_ref().map(|n| n.summary()),
            by_nation: geocoder.nations.as_ref().map(|_| tally),
            warnings,
        };
        write_json(path, &summary)?;
    }
    Ok(())
}

/// The input's postcode column; an input that already has a column geocode adds is refused.
fn postcode_column(args: &GeocodeArgs, input: &CsvInput) -> anyhow::Result<usize> {
    let mut named = args.input_columns.named("--input-columns");
    if let Some(name) = &args.postcode_column {
        named.insert("postcode", name);
    }
    let postcode_column = input.require(POSTCODE_COLUMN, &named)?;
    let nations = args.reference.paths().nations.any();
    let added = |h: &str| ADDED_COLUMNS.contains(&h) || (nations && NATION_COLUMNS.contains(&h));
    if let Some(clash) = input.headers.iter().find(|h| added(h.trim())) {
        bail!(Error::invalid(
            crate::error::Location::line(&args.input, 1).with_column(format!("'{clash}'")),
            format!("the input already has a '{clash}' column, which geocode adds; rename or drop it first"),
        ));
    }
    Ok(postcode_column)
}

/// Neither the output nor the summary may replace an input, or each other.
fn check_outputs(args: &GeocodeArgs) -> anyhow::Result<()> {
    let mut inputs = args.reference.files();
    inputs.push(&args.input);
    for output in [Some(&args.output), args.summary_json.as_ref()].into_iter().flatten() {
        crate::io::atomic::check_not_an_input(output, &inputs)?;
    }
    if args.summary_json.as_ref().is_some_and(|s| s == &args.output && s.as_os_str() != "-") {
        bail!(Error::invalid(crate::error::Location::file(&args.output), "is given as both -o and --summary-json"));
    }
    Ok(())
}

/// The reference data, with its warnings printed (and returned for the summary).
fn load(args: &GeocodeArgs, started: Instant) -> anyhow::Result<(Geocoder, Vec<String>)> {
    // Geocode writes no shapes and places only directory postcodes.
    let paths = ReferencePaths { area_shapes: false, ..args.reference.paths() };
    let geocoder = Geocoder::load(&paths).context("loading reference data")?;
    let mut warnings = geocoder.notes.clone();
    warnings.extend(geocoder.coverage().as_ref().and_then(Coverage::warning));
    if geocoder.boundaries.features_without_geometry > 0 {
        warnings.push(format!(
            "{} boundary features have no geometry and can match nothing",
            geocoder.boundaries.features_without_geometry
        ));
    }
    for warning in &warnings {
        eprintln!("anchormap: warning: {warning}");
    }
    say(
        args.terminal.quiet,
        format_args!(
            "loaded {} postcodes, {} areas{} in {:.1} s{}",
            thousands(geocoder.directory.len() as u64),
            thousands(geocoder.boundaries.distinct_codes() as u64),
            geocoder.deprivation.as_ref().map_or(String::new(), |d| format!(", {} {}", d.edition, d.geography)),
            started.elapsed().as_secs_f64(),
            geocoder.store.as_ref().map_or(String::new(), |s| format!(" (the prepared store {})", s.display()))
        ),
    );
    Ok((geocoder, warnings))
}

/// Writes the header and every row with its added columns: each chunk of a batch is geocoded
/// and serialised in parallel while a writer thread writes the chunks before it, in input order.
fn geocode_rows(
    input: CsvInput,
    postcode_column: usize,
    geocoder: &Geocoder,
    output: &mut OutputFile,
    args: &GeocodeArgs,
) -> anyhow::Result<(CsvInput, (MatchCounts, NationTally), DirectoryAgreement)> {
    write_header(&input, geocoder, output, args)?;
    let mut counts = MatchCounts::default();
    let mut tally = NationTally::default();
    let mut agreement = DirectoryAgreement::default();
    let input = std::thread::scope(|scope| -> anyhow::Result<CsvInput> {
        let (chunks_out, written) = std::sync::mpsc::sync_channel::<Vec<u8>>(WRITTEN_AHEAD);
        let (spent, reusable) = std::sync::mpsc::channel::<Vec<u8>>();
        let writer = scope.spawn(move || -> crate::Result<()> {
            for bytes in written {
                output.writer().write_all(&bytes).map_err(|e| Error::io(&args.output, e))?;
                let _ = spent.send(bytes); // the geocoding may have stopped
            }
            Ok(())
        });
        let geocoded = each_batch(input, "geocoding", |batch| {
            let buffers = batch.chunks(CHUNK_ROWS).map(|_| reusable.try_recv().unwrap_or_default()).collect();
            for (bytes, (chunk_counts, chunk_tally), chunk_agreement) in
                geocode_batch(geocoder, batch, postcode_column, buffers)
            {
                // The writer stopped on an error: stop here, and return its error below.
                chunks_out.send(bytes).map_err(|_| anyhow::anyhow!("the output's writer stopped"))?;
                counts.merge(&chunk_counts);
                tally.merge(&chunk_tally);
                agreement.merge(&chunk_agreement);
            }
            Ok(())
        });
        drop(chunks_out);
        writer.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        geocoded
    })?;
    Ok((input, (counts, tally), agreement))
}

/// The input's header with the added columns.
fn write_header(
    input: &CsvInput,
    geocoder: &Geocoder,
    output: &mut OutputFile,
    args: &GeocodeArgs,
) -> crate::Result<()> {
    let mut header = csv::ByteRecord::new();
    let nation_columns = if geocoder.nations.is_some() { &NATION_COLUMNS[..] } else { &[] };
    for h in input.headers.iter().map(String::as_str).chain(ADDED_COLUMNS).chain(nation_columns.iter().copied()) {
        header.push_field(h.as_bytes());
    }
    neutralise_formulas(&mut header);
    output.writer().write_all(&csv_bytes(std::iter::once(&header))?).map_err(|e| Error::io(&args.output, e))
}

/// A batch geocoded, its chunks serialised in parallel into the (reused) buffers, in order.
fn geocode_batch(
    geocoder: &Geocoder,
    batch: &[Row],
    postcode_column: usize,
    buffers: Vec<Vec<u8>>,
) -> Vec<(Vec<u8>, (MatchCounts, NationTally), DirectoryAgreement)> {
    let texts: Vec<&[u8]> = batch.iter().map(|row| row.record.get(postcode_column).unwrap_or_default()).collect();
    let results = geocoder.geocode_many(&texts);
    batch
        .par_chunks(CHUNK_ROWS)
        .zip(results.par_chunks(CHUNK_ROWS))
        .zip(buffers)
        .map(|((chunk, results), buffer)| write_chunk(geocoder, chunk, results, buffer))
        .collect()
}

fn print_directory_assignment(a: &DirectoryAgreement) {
    eprintln!(
        "directory: {} rows placed by the directory's {} column (the spatial join agrees for {}, differs for {}, finds no area for {}); \
         by the spatial join: {} with a blank code, {} with a code not among the boundaries",
        thousands(a.assigned),
        a.column,
        thousands(a.spatial_join_agrees),
        thousands(a.spatial_join_disagrees),
        thousands(a.spatial_join_outside),
        thousands(a.blank_code_spatial_join),
        thousands(a.code_not_in_boundaries_spatial_join),
    );
}

/// Serialises a chunk of rows with their results added, into a (reused) buffer.
fn write_chunk(
    geocoder: &Geocoder,
    chunk: &[Row],
    results: &[Geocoded],
    mut out: Vec<u8>,
) -> (Vec<u8>, (MatchCounts, NationTally), DirectoryAgreement) {
    let mut counts = MatchCounts::default();
    let mut tally = NationTally::default();
    let mut agreement = DirectoryAgreement::default();
    out.clear();
    for (row, result) in chunk.iter().zip(results) {
        counts.add(result.status);
        agreement.add(geocoder, result);
        csv_output::push_record(&mut out, &row.record, neutralise_formula);
        append_fields(geocoder, result, &mut out);
        if geocoder.nations.is_some() {
            append_nation(geocoder, result, &mut out, &mut tally);
        }
        out.push(b'\n');
    }
    (out, (counts, tally), agreement)
}

/// The user's own cells pass through to the output: any that a spreadsheet would run as a
/// formula is neutralised (see [`neutralise_formula`]).
fn neutralise_formulas(record: &mut csv::ByteRecord) {
    if !record.iter().any(|cell| matches!(neutralise_formula(cell), std::borrow::Cow::Owned(_))) {
        return;
    }
    let cells: Vec<Vec<u8>> = record.iter().map(|cell| neutralise_formula(cell).into_owned()).collect();
    record.clear();
    for cell in &cells {
        record.push_field(cell);
    }
}

/// Records serialised as CSV (quoted where needed).
fn csv_bytes<'a>(records: impl ExactSizeIterator<Item = &'a csv::ByteRecord>) -> crate::Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::with_capacity(records.len() * 128));
    for record in records {
        writer.write_byte_record(record).map_err(|e| Error::csv(std::path::Path::new("-"), e))?;
    }
    writer.into_inner().map_err(|e| Error::io(std::path::Path::new("-"), e.into_error()))
}

fn print_summary(rows: u64, counts: &MatchCounts, started: Instant) {
    let mut parts = Vec::new();
    for status in crate::geocoder::MatchStatus::ALL {
        let n = counts.get(status);
        if n > 0 {
            parts.push(format!("{} {}", status.as_str(), thousands(n)));
        }
    }
    eprintln!("geocoded {} rows in {:.1} s: {}", thousands(rows), started.elapsed().as_secs_f64(), parts.join(", "));
}

/// Appends the contract's columns to a row, each after a comma.
fn append_fields(geocoder: &Geocoder, result: &Geocoded, out: &mut Vec<u8>) {
    out.push(b',');
    if let Some(p) = result.postcode {
        p.write_to(out);
    }
    out.push(b',');
    write_metres(out, result.location.map(|c| c.x));
    out.push(b',');
    write_metres(out, result.location.map(|c| c.y));
    let area = result.area.map(|id| (geocoder.area(id), geocoder.deprivation_of(id)));
    out.push(b',');
    push_text(out, area.map_or("", |(a, _)| a.code.as_str()));
    out.push(b',');
    push_text(out, area.map_or("", |(a, _)| a.name.as_str()));
    let imd = area.and_then(|(_, d)| d);
    out.push(b',');
    if let Some(d) = imd {
        out.extend_from_slice(itoa::Buffer::new().format(d.decile).as_bytes());
    }
    out.push(b',');
    if let Some(d) = imd {
        out.extend_from_slice(itoa::Buffer::new().format(d.rank).as_bytes());
    }
    out.push(b',');
    out.extend_from_slice(result.status.as_str().as_bytes());
    out.push(b',');
    write_metres(out, result.distance_m);
}

/// Appends a reference file's text (an area's code or name) as a cell: quoted where needed, and
/// neutralised if a spreadsheet would run it as a formula.
fn push_text(out: &mut Vec<u8>, text: &str) {
    csv_output::push_field(out, &neutralise_formula(text.as_bytes()));
}

/// Appends the row's nation (its area's, else the directory's) and its area's decile in that
/// nation's own index, and counts the row.
fn append_nation(geocoder: &Geocoder, result: &Geocoded, out: &mut Vec<u8>, tally: &mut NationTally) {
    let nation = result.area.and_then(|id| geocoder.area(id).country).or(result.country);
    out.push(b',');
    push_text(out, nation.map_or("", crate::geocoder::nations::nation_name));
    let own = result.area.and_then(|id| geocoder.own_index(id));
    out.push(b',');
    push_text(out, own.map_or("", |(name, _)| name));
    out.push(b',');
    if let Some((_, o)) = own {
        out.extend_from_slice(itoa::Buffer::new().format(o.decile).as_bytes());
    }
    tally.add(nation, result.status.is_placed(), own.is_some());
    let unknown = result.status == crate::geocoder::MatchStatus::UnknownPostcode;
    if unknown && result.postcode.is_some_and(|p| p.to_string().starts_with("BT")) {
        tally.northern_ireland_not_in_directory += 1;
    }
}

/// Metres as written: whole numbers without decimals, others to 0.1 m.
fn write_metres(out: &mut Vec<u8>, value: Option<f64>) {
    if let Some(v) = value {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            out.extend_from_slice(itoa::Buffer::new().format(v as i64).as_bytes());
        } else {
            let _ = write!(out, "{v:.1}");
        }
    }
}
