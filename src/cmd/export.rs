//! `anchormap export lookups`: the vintage-consistent lookups a data platform joins row data to (postcode → area and deprivation, the areas, LSOA 2011 → 2021 weights, area × site trips by the travel model of `emissions`), as typed Parquet with a manifest and the method.

use std::path::Path;

use anyhow::bail;
use polars::prelude::{Column, DataFrame};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::analysis::travel::TravelModel;
use crate::analysis::{AreaFacts, OwnDecile};
use crate::geocoder::nations::nation_name;
use crate::reference::Country;
use crate::cli::ExportArgs;
use crate::columns::ColumnMap;
use crate::error::{Error, Location};
use crate::geocoder::Vintages;
use crate::input::sites::Site;
use crate::output::disclosure::Disclosure;
use crate::output::parquet::{polars_error, write_frame};
use crate::reference::bridge::{shares, AreaBridge};
use crate::reference::lookup::GroupLookup;
use crate::reference::population::TOTAL_POPULATION_COLUMN;
use crate::reference::table::ReferenceTable;
use crate::reference::Population;
use crate::run::RunContext;

/// The manifest: every file written, its rows and columns, and what was not written and why.
pub const MANIFEST: &str = "lookups_manifest.json";
/// The method, in words, beside the files.
pub const README: &str = "README.txt";
/// Postcodes looked up at a time.
const BATCH: usize = 65_536;

/// One column of a file: its name, its Parquet type, what it means.
#[derive(Debug, Serialize)]
struct ColumnEntry {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    meaning: &'static str,
}

/// One file written.
#[derive(Debug, Serialize)]
struct FileEntry {
    file: String,
    rows: usize,
    description: &'static str,
    columns: Vec<ColumnEntry>,
}

/// A file not written, and what it needs.
#[derive(Debug, Serialize)]
struct NotWritten {
    file: &'static str,
    needs: String,
}

#[derive(Debug, Serialize)]
struct Manifest<'a> {
    anchormap_version: &'static str,
    command: &'static str,
    vintages: Vintages,
    files: Vec<FileEntry>,
    not_written: Vec<NotWritten>,
    #[serde(skip_serializing_if = "Option::is_none")]
    travel_model: Option<&'a TravelModel>,
    warnings: Vec<String>,
}

/// What each area is: its row's MSOA and ICB codes, and its populations.
struct AreaCodes {
    msoa: Vec<Option<String>>,
    icb: Vec<Option<String>>,
    total_population: Vec<Option<f64>>,
}

/// Writes the lookups into `--out`.
pub fn run(args: ExportArgs) -> anyhow::Result<()> {
    if args.reference.deprivation.is_none() {
        bail!(Error::usage("export lookups needs --deprivation (an IoD file): the lookups carry each area's decile"));
    }
    refuse_area_travel(&args)?;
    let model = match args.sites.sites {
        Some(_) => Some(crate::emissions::travel_model(&args.travel)?),
        None => None,
    };
    let inputs: Vec<&Path> =
        [&args.population.population, &args.icb_lookup, &args.bridge.area_bridge, &args.sites.sites]
            .into_iter()
            .flatten()
            .map(|p| p.as_path())
            .chain(args.names.paths())
            .collect();
    // Each nation on its own index (`--wimd`, `--simd`): the lookups carry each area's.
    let rule = (Disclosure::NONE, true);
    let mut run = RunContext::open_with_nations(&args.output, &args.reference, rule, &inputs, || {
        args.population
            .population
            .as_deref()
            .map(|p| Population::load(p, &args.population.population_columns))
            .transpose()
    })?;
    run.attach_names(&args.names)?;
    let sites = run.sites(&args.sites)?;
    let codes = area_codes(&args, &run)?;
    run.warnings.extend(empty_columns(&args));
    let mut manifest = Manifest {
        anchormap_version: env!("CARGO_PKG_VERSION"),
        command: "anchormap export lookups",
        vintages: run.vintages.clone(),
        files: Vec::new(),
        not_written: Vec::new(),
        travel_model: model.as_ref(),
        warnings: Vec::new(),
    };
    let out = run.out().to_path_buf();
    manifest.files.push(write(&out, "postcodes.parquet", POSTCODES, postcode_frame(&run, &codes)?)?);
    manifest.files.push(write(&out, "areas.parquet", AREAS, area_frame(&run, &codes)?)?);
    bridge_file(&args, &run, &codes, &mut manifest)?;
    match &model {
        Some(model) => {
            let trips = trip_frame(&run.areas.facts, &sites, model)?;
            manifest.files.push(write(&out, "site_trips.parquet", TRIPS, trips)?);
        }
        None => manifest.not_written.push(NotWritten {
            file: "site_trips.parquet",
            needs: "a sites file (--sites SITES.csv: site_code, and postcode or easting, northing)".into(),
        }),
    }
    finish(run, manifest, (&out, &args.output.out), args.output.terminal.quiet)
}

/// Writes the README and the manifest, and moves the folder into place.
fn finish(run: RunContext, mut manifest: Manifest, (out, out_dir): (&Path, &Path), quiet: bool) -> anyhow::Result<()> {
    manifest.warnings = run.warnings.clone();
    crate::io::atomic::write_file(&out.join(README), readme(&manifest).as_bytes())?;
    crate::output::summary::write_json(&out.join(MANIFEST), &manifest)?;
    let files: Vec<String> = manifest.files.iter().map(|f| format!("{} ({} rows)", f.file, f.rows)).collect();
    run.commit()?;
    crate::run::say(quiet, format_args!("written to {}: {}", out_dir.display(), files.join(", ")));
    Ok(())
}

/// The area-level travel options of `emissions` have no place in an area × site table yet: they stop the run.
fn refuse_area_travel(args: &ExportArgs) -> anyhow::Result<()> {
    let travel = &args.travel;
    for (given, flag) in [
        (travel.car_availability.is_some(), "--car-availability"),
        (travel.travel_to_work.is_some(), "--travel-to-work"),
        (travel.distance_matrix.is_some(), "--distance-matrix"),
    ] {
        if given {
            bail!(Error::usage(format!(
                "export lookups uses the national mode share and straight-line distance × circuity; leave out {flag} \
                 (join your own matrix on the platform instead)"
            )));
        }
    }
    Ok(())
}

/// The columns left empty for want of a file, each with the option that fills it.
fn empty_columns(args: &ExportArgs) -> Vec<String> {
    [
        (
            args.population.population.is_none(),
            "population and population_total",
            "--population (the gaps recipe needs it)",
        ),
        (args.names.msoa_lookup.is_none(), "msoa_code", "--msoa-lookup"),
        (args.icb_lookup.is_none(), "icb_code", "--icb-lookup (a community by ICB needs it)"),
    ]
    .into_iter()
    .filter(|(missing, _, _)| *missing)
    .map(|(_, columns, option)| format!("{columns} left empty: give {option}"))
    .collect()
}

/// Each area's MSOA (from `--msoa-lookup`), ICB (from `--icb-lookup`) and total population.
fn area_codes(args: &ExportArgs, run: &RunContext) -> anyhow::Result<AreaCodes> {
    let facts = &run.areas.facts;
    let msoa = facts.iter().map(|a| a.msoa.map(|m| run.areas.msoas[m].code.clone())).collect();
    let icb = match &args.icb_lookup {
        Some(path) => icb_of_areas(path, args.icb_column.as_deref(), run)?,
        None => vec![None; facts.len()],
    };
    let total_population = match &args.population.population {
        Some(path) => {
            match Population::load_column(path, &args.population.population_columns, &TOTAL_POPULATION_COLUMN) {
                Ok(total) => facts.iter().map(|a| total.get(&a.code)).collect(),
                Err(_) => facts.iter().map(|a| a.population).collect(),
            }
        }
        None => vec![None; facts.len()],
    };
    Ok(AreaCodes { msoa, icb, total_population })
}

/// Each area's ICB code from the lookup: its column named, else the first header like `icb24_code`;
/// a lookup of the other LSOA vintage than the boundaries stops the run.
fn icb_of_areas(path: &Path, column: Option<&str>, run: &RunContext) -> anyhow::Result<Vec<Option<String>>> {
    let column = match column {
        Some(c) => c.to_string(),
        None => {
            let table = ReferenceTable::read(path)?;
            let is_icb = |h: &&String| {
                let h = h.to_ascii_lowercase();
                h.starts_with("icb") && (h.ends_with("code") || h.ends_with("cd"))
            };
            match table.headers.iter().find(is_icb) {
                Some(h) => h.clone(),
                None => bail!(Error::invalid(
                    Location::file(path),
                    format!(
                        "has no ICB code column (like icb24_code or ICB23CD); name it with --icb-column; the header has {}",
                        crate::columns::list_headers(&table.headers)
                    )
                )),
            }
        }
    };
    let lookup = GroupLookup::load(path, &column, &ColumnMap::default())?;
    let boundaries = &run.geocoder.boundaries.geography;
    if lookup.geography != *boundaries
        && matches!(lookup.geography, crate::reference::Geography::Lsoa2011 | crate::reference::Geography::Lsoa2021)
    {
        bail!(Error::invalid(
            Location::file(path),
            format!(
                "is a lookup of {} areas, but the boundaries are {boundaries}: use one of the boundaries' vintage",
                lookup.geography
            )
        ));
    }
    let mut of: FxHashMap<&str, &str> = FxHashMap::default();
    for (area, group) in &lookup.members {
        of.entry(area.as_str()).or_insert(lookup.groups[*group].0.as_str());
    }
    Ok(run.areas.facts.iter().map(|a| of.get(a.code.as_str()).map(|g| g.to_string())).collect())
}

/// The LSOA bridge when `--area-bridge` is given; else a note of the file it needs.
fn bridge_file(args: &ExportArgs, run: &RunContext, codes: &AreaCodes, manifest: &mut Manifest) -> anyhow::Result<()> {
    let Some(path) = &args.bridge.area_bridge else {
        manifest.not_written.push(NotWritten {
            file: "lsoa_bridge.parquet",
            needs: "the ONS LSOA (2011) to LSOA (2021) lookup, LSOA11_LSOA21_LAD22_EW_LU.csv, given with --area-bridge"
                .into(),
        });
        return Ok(());
    };
    let geography = &run.geocoder.boundaries.geography;
    let bridge = AreaBridge::load(path, geography, &args.bridge.area_bridge_columns)?;
    let frame = bridge_frame(&bridge, &run.areas.facts, &codes.total_population)?;
    manifest.files.push(write(run.out(), "lsoa_bridge.parquet", BRIDGE, frame)?);
    Ok(())
}

/// Writes `frame` as `dir/name` and describes it.
fn write(dir: &Path, name: &str, described: Described, mut frame: DataFrame) -> anyhow::Result<FileEntry> {
    let path = dir.join(name);
    write_frame(&path, &mut frame, None)?;
    let columns = frame
        .columns()
        .iter()
        .map(|c| ColumnEntry {
            name: c.name().to_string(),
            kind: parquet_type(c.dtype()),
            meaning: described.1.iter().find(|(n, _)| *n == c.name().as_str()).map_or("", |(_, m)| *m),
        })
        .collect();
    Ok(FileEntry { file: name.to_string(), rows: frame.height(), description: described.0, columns })
}

/// A column's type as Parquet readers name it.
fn parquet_type(dtype: &polars::prelude::DataType) -> String {
    use polars::prelude::DataType;
    match dtype {
        DataType::String => "string".into(),
        DataType::Int64 => "int64".into(),
        DataType::Float64 => "double".into(),
        DataType::Boolean => "boolean".into(),
        other => other.to_string(),
    }
}

/// A file's description and each column's meaning.
type Described = (&'static str, &'static [(&'static str, &'static str)]);

const POSTCODES: Described = (
    "Every postcode of the directory placed in the boundaries as every anchormap command places it.",
    &[
        ("postcode", "The postcode as published (outward and inward code, one space)."),
        ("postcode_key", "The postcode in capitals without spaces: join on upper(regexp_replace(postcode, '[^A-Za-z0-9]', '')) of your rows."),
        ("area_code", "The area (LSOA) the postcode's point is in; null when it is not placed."),
        ("match", "within, nearest (outside every area but within the tolerance), directory, outside or no_coordinates."),
        ("distance_m", "For nearest: metres from the point to the area."),
        ("imd_decile", "The area's national IMD decile (1 = most deprived 10%)."),
        ("imd_quintile", "The area's IMD quintile: deciles 1-2 are quintile 1."),
        ("msoa_code", "The area's MSOA (with --msoa-lookup)."),
        ("icb_code", "The area's integrated care board (with --icb-lookup)."),
        NATION,
        DEPRIVATION_INDEX,
        DEPRIVATION_DECILE,
    ],
);

/// With `--wimd` or `--simd`, the postcode's nation (its area's, else the directory's) and the area's
/// own nation's index and decile: never comparable across nations, never pooled.
const NATION: (&str, &str) = ("nation", "England, Wales or Scotland (with --wimd or --simd).");
const DEPRIVATION_INDEX: (&str, &str) =
    ("deprivation_index", "The area's own nation's index: IMD 2025, WIMD 2025, SIMD 2020v2 (with --wimd or --simd).");
const DEPRIVATION_DECILE: (&str, &str) = (
    "deprivation_decile",
    "The area's decile in its own nation's index (1 = most deprived 10% of that nation's areas; never compare or \
     pool across nations; with --wimd or --simd).",
);

/// With `--wimd` or `--simd`: each row's nation, and its area's own nation's index and decile in it.
fn nation_columns(run: &RunContext, rows: &[(Option<Country>, Option<OwnDecile>)]) -> Vec<Column> {
    let Some(nations) = run.geocoder.nations.as_ref() else { return Vec::new() };
    let index = |o: &Option<OwnDecile>| o.and_then(|o| nations.index_of(o.nation).map(str::to_string));
    vec![
        Column::new("nation".into(), rows.iter().map(|(n, _)| n.map(nation_name)).collect::<Vec<_>>()),
        Column::new("deprivation_index".into(), rows.iter().map(|(_, o)| index(o)).collect::<Vec<_>>()),
        Column::new(
            "deprivation_decile".into(),
            rows.iter().map(|(_, o)| o.map(|o| i64::from(o.decile))).collect::<Vec<_>>(),
        ),
    ]
}

/// The postcode lookup: every directory postcode, sorted, through the run's geocoder.
fn postcode_frame(run: &RunContext, codes: &AreaCodes) -> anyhow::Result<DataFrame> {
    let mut postcodes: Vec<String> = run.geocoder.directory.entries().iter().map(|(p, _)| p.to_string()).collect();
    postcodes.sort_unstable();
    let n = postcodes.len();
    let (mut area, mut status, mut distance) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    let mut nation = Vec::with_capacity(n);
    for batch in postcodes.chunks(BATCH) {
        let texts: Vec<&[u8]> = batch.iter().map(|p| p.as_bytes()).collect();
        for g in run.geocoder.geocode_many(&texts) {
            let row = g.status.is_placed().then(|| run.areas.of(&g)).flatten();
            nation.push(g.area.and_then(|id| run.geocoder.area(id).country).or(g.country));
            area.push(row);
            status.push(g.status.as_str());
            distance.push(g.distance_m.filter(|_| row.is_some()));
        }
    }
    let facts = &run.areas.facts;
    let decile: Vec<Option<i64>> = area.iter().map(|a| a.and_then(|a| facts[a].decile).map(i64::from)).collect();
    let text = |of: &dyn Fn(usize) -> Option<String>| area.iter().map(|a| a.and_then(of)).collect::<Vec<_>>();
    let columns = vec![
        Column::new("postcode".into(), &postcodes),
        Column::new("postcode_key".into(), postcodes.iter().map(|p| p.replace(' ', "")).collect::<Vec<_>>()),
        Column::new("area_code".into(), text(&|a| Some(facts[a].code.clone()))),
        Column::new("match".into(), status),
        Column::new("distance_m".into(), distance),
        Column::new("imd_decile".into(), &decile),
        Column::new("imd_quintile".into(), quintiles(&decile)),
        Column::new("msoa_code".into(), text(&|a| codes.msoa[a].clone())),
        Column::new("icb_code".into(), text(&|a| codes.icb[a].clone())),
    ];
    let own: Vec<(Option<Country>, Option<OwnDecile>)> =
        nation.into_iter().zip(&area).map(|(n, a)| (n, a.and_then(|a| facts[a].own))).collect();
    let columns = columns.into_iter().chain(nation_columns(run, &own)).collect();
    frame(Path::new("postcodes.parquet"), n, columns)
}

/// A data frame of `columns`, each `height` long (`file` names it in an error).
fn frame(file: &Path, height: usize, columns: Vec<Column>) -> anyhow::Result<DataFrame> {
    Ok(DataFrame::new(height, columns).map_err(|e| polars_error(file, e))?)
}

/// The quintile of each decile: deciles 1-2 are quintile 1.
fn quintiles(deciles: &[Option<i64>]) -> Vec<Option<i64>> {
    deciles.iter().map(|d| d.map(|d| (d + 1) / 2)).collect()
}

const AREAS: Described = (
    "Every area of the boundaries with its deprivation, MSOA, ICB and population: the denominators of the gaps tables.",
    &[
        ("area_code", "The area (LSOA) code."),
        ("area_name", "The area's name."),
        ("imd_rank", "The national IMD rank (1 = most deprived)."),
        ("imd_decile", "The national IMD decile (1 = most deprived 10%)."),
        ("imd_quintile", "The IMD quintile: deciles 1-2 are quintile 1."),
        ("msoa_code", "The area's MSOA (with --msoa-lookup)."),
        ("icb_code", "The area's integrated care board (with --icb-lookup)."),
        ("population", "Working-age population (the population gaps compares staff with; with --population)."),
        ("population_total", "Total population (what emissions shares a bridged area's count by; with --population)."),
        ("centroid_easting", "The area's centroid, British National Grid metres (what site_trips measures from)."),
        ("centroid_northing", "The area's centroid, British National Grid metres."),
        NATION,
        DEPRIVATION_INDEX,
        DEPRIVATION_DECILE,
    ],
);

/// The areas table.
fn area_frame(run: &RunContext, codes: &AreaCodes) -> anyhow::Result<DataFrame> {
    let facts = &run.areas.facts;
    let decile: Vec<Option<i64>> = facts.iter().map(|a| a.decile.map(i64::from)).collect();
    let columns = vec![
        Column::new("area_code".into(), facts.iter().map(|a| a.code.as_str()).collect::<Vec<_>>()),
        Column::new("area_name".into(), facts.iter().map(|a| a.name.as_str()).collect::<Vec<_>>()),
        Column::new("imd_rank".into(), facts.iter().map(|a| a.rank.map(i64::from)).collect::<Vec<_>>()),
        Column::new("imd_decile".into(), &decile),
        Column::new("imd_quintile".into(), quintiles(&decile)),
        Column::new("msoa_code".into(), &codes.msoa),
        Column::new("icb_code".into(), &codes.icb),
        Column::new("population".into(), facts.iter().map(|a| a.population).collect::<Vec<_>>()),
        Column::new("population_total".into(), &codes.total_population),
        Column::new("centroid_easting".into(), facts.iter().map(|a| a.centroid.map(|c| c.x)).collect::<Vec<_>>()),
        Column::new("centroid_northing".into(), facts.iter().map(|a| a.centroid.map(|c| c.y)).collect::<Vec<_>>()),
    ];
    let own: Vec<(Option<Country>, Option<OwnDecile>)> = facts.iter().map(|a| (a.own.map(|o| o.nation), a.own)).collect();
    let columns = columns.into_iter().chain(nation_columns(run, &own)).collect();
    frame(Path::new("areas.parquet"), facts.len(), columns)
}

const BRIDGE: Described = (
    "Each area code of the other LSOA vintage with the areas of this one it became, and the share of its count each gets.",
    &[
        ("other_code", "An area code of the other LSOA vintage (LSOA 2011 when the boundaries are LSOA 2021)."),
        ("area_code", "An area of the boundaries' vintage it became (or is part of)."),
        ("change", "The ONS change indicator in words: unchanged, split, merged, irregular."),
        ("weight", "The share of the old area's count this area gets: by total population where the old area split (equal where unknown), 1 otherwise; each other_code's weights add up to 1."),
    ],
);

/// The bridge: one row per (old code, new area), with the weight `emissions` shares a count by.
fn bridge_frame(bridge: &AreaBridge, areas: &[AreaFacts], population: &[Option<f64>]) -> anyhow::Result<DataFrame> {
    let row_of: FxHashMap<&str, usize> = areas.iter().enumerate().map(|(i, a)| (a.code.as_str(), i)).collect();
    let (mut other, mut area, mut change, mut weight) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (code, how, parts) in bridge.entries() {
        let populations: Vec<Option<f64>> =
            parts.iter().map(|p| row_of.get(p.as_str()).and_then(|r| population[*r])).collect();
        for (part, share) in parts.iter().zip(shares(&populations)) {
            other.push(code);
            area.push(part.as_str());
            change.push(how.as_str());
            weight.push(share);
        }
    }
    let height = other.len();
    let columns = vec![
        Column::new("other_code".into(), other),
        Column::new("area_code".into(), area),
        Column::new("change".into(), change),
        Column::new("weight".into(), weight),
    ];
    frame(Path::new("lsoa_bridge.parquet"), height, columns)
}

const TRIPS: Described = (
    "Every area × site: distance, car time and one appointment's return trip under the travel model of `anchormap emissions` (the national mode share), measured from the area's centroid as emissions measures a patient given by area code.",
    &[
        ("area_code", "The patient's area (LSOA)."),
        ("site_code", "The site, as the sites file codes it."),
        ("straight_line_km", "Straight line from the area's centroid to the site, one way."),
        ("road_km", "Straight line × the circuity factor, one way."),
        ("car_minutes", "One-way car minutes by the time model (9.5 + 1.04 × straight-line km unless --speed-kmh)."),
        ("trip_km", "One appointment's patient km, both ways (road_km × 2)."),
        ("trip_kgco2e", "One face-to-face appointment's kg CO2e, both ways, over the mode share."),
        ("trip_kgco2e_low", "The low estimate of trip_kgco2e."),
        ("trip_kgco2e_high", "The high estimate of trip_kgco2e."),
        ("trip_cost_gbp", "One appointment's car mileage cost, both ways (car share × HMRC rate)."),
        ("trip_hours", "One appointment's door-to-door travel hours, both ways, over the mode share."),
    ],
);

/// The area × site table: every area with a centroid and every located site.
fn trip_frame(areas: &[AreaFacts], sites: &[Site], model: &TravelModel) -> anyhow::Result<DataFrame> {
    let mut cells: [Vec<f64>; 9] = Default::default();
    let (mut area, mut site) = (Vec::new(), Vec::new());
    for a in areas {
        let Some(from) = a.centroid else { continue };
        for s in sites {
            let Some(to) = s.location else { continue };
            let straight_m = (from.x - to.x).hypot(from.y - to.y);
            let straight_km = straight_m / 1000.0;
            let road_km = straight_km * model.circuity;
            let trip = model.straight_line(straight_m);
            let values = [
                straight_km,
                road_km,
                model.time.car_minutes(straight_km, road_km),
                trip.km,
                trip.kgco2e,
                trip.kgco2e_low,
                trip.kgco2e_high,
                trip.cost_gbp,
                trip.hours,
            ];
            cells.iter_mut().zip(values).for_each(|(column, v)| column.push(v));
            area.push(a.code.as_str());
            site.push(s.code.as_str());
        }
    }
    let height = area.len();
    let mut columns = vec![Column::new("area_code".into(), area), Column::new("site_code".into(), site)];
    columns.extend(TRIPS.1[2..].iter().zip(cells).map(|((name, _), values)| Column::new((*name).into(), values)));
    frame(Path::new("site_trips.parquet"), height, columns)
}

/// The method, in words (the README's body).
const METHOD: [&str; 22] = [
    "These files let a data platform (Databricks/Spark, DuckDB) reproduce anchormap's tables on row data:",
    "join your rows to them as docs/warehouse.md shows (SQL for DuckDB and Spark). Every file is listed, with",
    "its rows and the meaning of each column, in lookups_manifest.json; a file not written is listed there with",
    "what it needs.",
    "",
    "Method",
    "- Postcodes are placed as every anchormap command places them: the directory's point, in the area whose",
    "  polygon holds it, else the nearest area within the tolerance (match = nearest). Deciles are the national",
    "  index's for the area (England's IMD; Welsh and Scottish areas keep their own index or none: never pooled).",
    "- Areas carry the working-age population `gaps` compares staff with, and the total population `emissions`",
    "  shares a bridged area's count by.",
    "- The LSOA bridge (when written) gives each code of the other vintage the areas it became: a split area's",
    "  count is shared by the parts' total population (equally where unknown), as `emissions` does.",
    "- Site trips are measured from the area's centroid (British National Grid) to the site: road km = straight",
    "  line x circuity, both ways for the trip; kg CO2e, cost and time by the travel model in lookups_manifest.json",
    "  (the national mode share). These are the figures `anchormap emissions` gives an appointment whose patient",
    "  is given by area code (as HES gives LSOA); from a postcode it measures from the postcode's own point, so",
    "  figures from postcodes differ by the distance within the area.",
    "",
    "Nothing here is personal data: every file is built from public reference data only. Tables made from your",
    "rows are exact counts of people: publish them only through `anchormap publish` (the disclosure rule).",
    "",
];

/// The method, in words, with this export's own settings.
fn readme(manifest: &Manifest) -> String {
    let mut text = format!(
        "anchormap {} — lookups for a data platform (`{}`)\n\nBoundaries: {}. Deprivation: {}. Population: {}. Postcodes: {}.\n\n",
        manifest.anchormap_version,
        manifest.command,
        manifest.vintages.boundaries,
        manifest.vintages.deprivation.as_deref().unwrap_or("none"),
        manifest.vintages.population.as_deref().unwrap_or("none given"),
        manifest.vintages.postcodes,
    );
    text.push_str(&METHOD.join("\n"));
    text.push('\n');
    if let Some(model) = manifest.travel_model {
        text.push_str(&format!(
            "\nTravel model: circuity {}, factors {}, mileage £{}/mile, well-to-tank {}.\n",
            model.circuity,
            model.factors_source,
            model.mileage_gbp_per_mile,
            if model.include_wtt { "included" } else { "not included" }
        ));
    }
    for missing in &manifest.not_written {
        text.push_str(&format!("\nNot written: {} (needs {}).\n", missing.file, missing.needs));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::travel::{EmissionFactors, ModeShare, TimeModel};
    use crate::input::located_by::LocatedBy;

    fn area(code: &str, x: f64) -> AreaFacts {
        AreaFacts { code: code.into(), centroid: Some(geo::coord! { x: x, y: 0.0 }), ..AreaFacts::default() }
    }

    fn column(frame: &DataFrame, name: &str) -> Vec<f64> {
        let cells = frame.column(name).unwrap().f64().unwrap();
        (0..cells.len()).map(|i| cells.get(i).unwrap()).collect()
    }

    #[test]
    fn a_trip_is_the_travel_models_from_the_area_centroid_both_ways() {
        let model = TravelModel::new(
            1.3,
            ModeShare::default_national(),
            &EmissionFactors::uk_2025(),
            0.45,
            TimeModel::default(),
            1.8,
            false,
        )
        .unwrap();
        let site = Site {
            code: "S1".into(),
            label: "S1".into(),
            name: "Site".into(),
            location: Some(geo::coord! { x: 10_000.0, y: 0.0 }),
            located_by: LocatedBy::Coordinates,
            aliases: Vec::new(),
        };
        let frame = trip_frame(&[area("A", 0.0), AreaFacts::default()], &[site], &model).unwrap();
        assert_eq!(frame.height(), 1, "an area without a centroid has no trips");
        assert_eq!(column(&frame, "straight_line_km"), [10.0]);
        assert!((column(&frame, "road_km")[0] - 13.0).abs() < 1e-9);
        assert!((column(&frame, "car_minutes")[0] - 19.9).abs() < 1e-9, "9.5 + 1.04 x 10");
        assert!((column(&frame, "trip_km")[0] - 26.0).abs() < 1e-9);
        let trip = model.straight_line(10_000.0);
        assert_eq!(column(&frame, "trip_kgco2e"), [trip.kgco2e]);
        assert_eq!(column(&frame, "trip_hours"), [trip.hours]);
    }

    #[test]
    fn a_split_areas_weights_follow_population_and_add_up_to_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lu.csv");
        std::fs::write(&path, "LSOA11CD,CHGIND,LSOA21CD\nA11,S,B21\nA11,S,C21\nD11,M,B21\n").unwrap();
        let bridge = AreaBridge::load(&path, &crate::reference::Geography::Lsoa2021, &ColumnMap::default()).unwrap();
        let areas = [area("B21", 0.0), area("C21", 0.0)];
        let frame = bridge_frame(&bridge, &areas, &[Some(300.0), Some(100.0)]).unwrap();
        let other: Vec<&str> =
            (0..3).map(|i| frame.column("other_code").unwrap().str().unwrap().get(i).unwrap()).collect();
        assert_eq!(other, ["A11", "A11", "D11"]);
        assert_eq!(column(&frame, "weight"), [0.75, 0.25, 1.0]);
    }
}
