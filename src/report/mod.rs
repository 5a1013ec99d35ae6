//! `anchormap report`: one self-contained HTML file for a board — headline figures, decile tables and charts, interactive maps, targets, emissions and the scenario, assumptions and sources.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;
use serde_json::Value as Json;

use crate::cli::ReportArgs;
use crate::geocoder::{ReferenceSummary, Vintages};
use crate::io::atomic::write_file;
use crate::io::format::{date_in_words, mass, quantity, thousands};
use crate::output::charts::{grouped_bars, Series};
use crate::output::choropleth::{self, MapContext, MapOptions};
use crate::output::classes::{MapValue, CHART_COMPARED, CHART_MAGNITUDE, CHART_OURS};
use crate::output::disclosure::{Cell, Disclosure};
use crate::output::run_summary::{self, DateRange, EmissionsSummary, GapsSummary, Range, TripStarts};
use crate::run::say;

mod change;
mod commute;
mod inclusion;
mod network;

const TEMPLATE: &str = include_str!("report.html");

/// A table as shown: caption, column headings, cells as text.
#[derive(Serialize)]
struct HtmlTable {
    caption: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    /// A column shown short, each row's cell opening to its full text (a target's list of jobs).
    expand: Option<Expand>,
}

/// The column of an `HtmlTable` whose short cells open to `full[row]`.
#[derive(Serialize)]
struct Expand {
    column: usize,
    full: Vec<String>,
}

#[derive(Serialize)]
struct Figure {
    value: String,
    label: String,
}

/// Everything the report's template reads, typed: a key the template names but this does not is an
/// error when the report renders (strict undefined), not a silently blank part of a board paper.
#[derive(Serialize)]
struct ReportContext {
    title: String,
    subtitle: String,
    /// With a network run: its partners beside the pool.
    network: Option<network::NetworkSection>,
    gaps: Option<GapsSection>,
    demography: Option<inclusion::DemographySection>,
    funnel: Option<inclusion::FunnelSection>,
    emissions: Option<EmissionsSection>,
    commute: Option<commute::CommuteSection>,
    /// The executive summary: the key figure of each analysis in a sentence.
    summary: Vec<String>,
    /// With a network run: whose figures the summary's sentences are (the pool's).
    summary_note: Option<String>,
    /// The period of each extract the figures come from.
    periods: Vec<String>,
    /// With `--previous`: each headline figure then and now.
    changes: Option<change::Changes>,
    assumptions: Vec<String>,
    sources: Vec<String>,
    attribution: Vec<String>,
    version: &'static str,
    /// The maps' hover rows, a JSON object escaped for a script element (marked safe in the template).
    tooltips: String,
}

/// "Where do our staff live?": the headline, figures, decile table and chart, map and targets.
#[derive(Serialize)]
struct GapsSection {
    headline: Option<String>,
    community: String,
    figures: Vec<Figure>,
    deciles: HtmlTable,
    cuts: Vec<HtmlTable>,
    targets: Option<HtmlTable>,
    top_target: Option<String>,
    targets_by_msoa: Option<HtmlTable>,
    radius_km: f64,
    /// Inline SVG (marked safe in the template), as are the maps.
    chart: String,
    map: Option<String>,
    targets_map: Option<String>,
}

/// "What does patient travel cost?": the scenario's headline, figures, tables, chart and map.
#[derive(Serialize)]
struct EmissionsSection {
    /// The total and the period, in one sentence (the executive summary's).
    total: Option<String>,
    headline: Option<String>,
    figures: Vec<Figure>,
    deciles: HtmlTable,
    sites: HtmlTable,
    chart: String,
    /// What the chart shows, under it.
    chart_caption: String,
    map: Option<String>,
}

/// A CSV output read whole: headers and rows.
struct Csv {
    path: std::path::PathBuf,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(path: &Path) -> anyhow::Result<Csv> {
        let mut reader = csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
        let headers = reader.headers()?.iter().map(str::to_string).collect();
        let rows = reader
            .records()
            .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
            .collect::<Result<_, _>>()
            .with_context(|| format!("reading {}", path.display()))?;
        Ok(Csv { path: path.to_path_buf(), headers, rows })
    }

    fn cell<'a>(&self, row: &'a [String], column: &str) -> &'a str {
        self.headers.iter().position(|h| h == column).and_then(|i| row.get(i)).map_or("", String::as_str)
    }

    /// Chosen columns, relabelled and formatted. A column the table does not have is an error:
    /// a board report never silently drops what it was asked to show.
    fn table(
        &self,
        caption: &str,
        columns: &[(&str, &str, Format)],
        rows: &[&Vec<String>],
    ) -> anyhow::Result<HtmlTable> {
        if let Some((missing, _, _)) = columns.iter().find(|(c, _, _)| !self.headers.iter().any(|h| h == c)) {
            anyhow::bail!(
                "{}: no column '{missing}' for the report's table '{caption}' (written by another version of anchormap?)",
                self.path.display()
            );
        }
        Ok(HtmlTable {
            caption: caption.to_string(),
            headers: columns.iter().map(|(_, label, _)| label.to_string()).collect(),
            rows: rows.iter().map(|row| columns.iter().map(|(c, _, f)| f.apply(self.cell(row, c))).collect()).collect(),
            expand: None,
        })
    }
}

/// How a cell is shown.
#[derive(Clone, Copy)]
enum Format {
    Text,
    /// A whole number with thousands separated.
    Count,
    /// A share (0-1) as a percentage.
    Percent,
    /// A number to this many decimals.
    Fixed(usize),
    /// Kilograms as whole tonnes, thousands separated.
    Tonnes,
}

impl Format {
    fn apply(self, text: &str) -> String {
        let Ok(v) = text.parse::<f64>() else { return text.to_string() };
        match self {
            Format::Text => text.to_string(),
            Format::Count => thousands(v.round().max(0.0) as u64),
            Format::Percent => format!("{:.1}%", v * 100.0),
            Format::Fixed(0) if v.round() >= 0.0 => thousands(v.round() as u64),
            Format::Fixed(d) => crate::output::table::fixed(Some(v), d),
            Format::Tonnes => thousands((v / 1000.0).round().max(0.0) as u64),
        }
    }
}

/// A count of people as the run's disclosure rule (recorded in its summary) publishes it; the
/// summaries already publish counts under the rule, with `None` for a suppressed one.
fn published(rule: &Disclosure, count: Option<f64>) -> String {
    match count.map(|c| rule.cell(c)) {
        Some(Cell::Count(v)) => thousands(v as u64),
        Some(Cell::Suppressed) | None => "*".to_string(),
    }
}

/// JSON made safe to place inside an HTML `<script>` element: `<`, `>` and `&` (which could
/// close the element or open `<!--`) and U+2028/U+2029 (line ends to older JavaScript) written as
/// `\u` escapes. They occur only inside JSON strings, where the escape means the same character.
///
/// ```
/// # use anchormap::report::json_for_script;
/// let json = "{\"n\":\"<!--<script></script>&\u{2028}\"}";
/// let safe = r#"{"n":"\u003c!--\u003cscript\u003e\u003c/script\u003e\u0026\u2028"}"#;
/// assert_eq!(json_for_script(json), safe);
/// ```
pub fn json_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The run folders a report reads, each found among `--from` by the file its analysis writes (a
/// network's pool folder stands for its gaps run, its funnel when the partners gave applications
/// and its commute with `--commute`).
struct Folders {
    /// A network's folder and its pool's.
    network: Option<(PathBuf, PathBuf)>,
    gaps: Option<PathBuf>,
    emissions: Option<PathBuf>,
    funnel: Option<PathBuf>,
    commute: Option<PathBuf>,
}

impl Folders {
    fn find(from: &[PathBuf]) -> anyhow::Result<Folders> {
        let with = |file: &str| from.iter().find(|d| d.join(file).is_file()).cloned();
        let network = network::network_folders(from);
        let pool = network.as_ref().map(|(_, pool)| pool.clone());
        let pool_has = |file: &str| pool.clone().filter(|p| p.join(file).is_file());
        let (pool_funnel, pool_commute) =
            (pool_has(crate::funnel::SUMMARY), pool_has(crate::commute::summary::SUMMARY));
        let folders = Folders {
            gaps: pool.or_else(|| with("gaps_by_decile.csv")),
            emissions: with("emissions_by_decile.csv"),
            funnel: with(crate::funnel::SUMMARY).or(pool_funnel),
            commute: with(crate::commute::summary::SUMMARY).or(pool_commute),
            network,
        };
        if folders.gaps.is_none()
            && folders.emissions.is_none()
            && folders.funnel.is_none()
            && folders.commute.is_none()
        {
            bail!(
                "no anchormap outputs found in {} (expected gaps_by_decile.csv from `anchormap gaps`, funnel_summary.json from \
                 `anchormap funnel` or emissions_by_decile.csv from `anchormap emissions`)",
                from.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
            );
        }
        Ok(folders)
    }

    /// Whose staff the commute folder counts: the network's pool's when it is the pool's folder.
    fn commute_whose(&self, network: Option<&network::NetworkSection>) -> commute::Whose {
        let pool = self.network.as_ref().map(|(_, pool)| pool);
        match network {
            Some(n) if pool.is_some() && self.commute.as_ref() == pool => commute::Whose::Network(n.partners_count),
            _ => commute::Whose::Employer,
        }
    }
}

pub(crate) fn run(args: ReportArgs) -> anyhow::Result<()> {
    let folders = Folders::find(&args.from)?;
    let (network_dirs, gaps_dir, emissions_dir) = (&folders.network, folders.gaps.as_ref(), folders.emissions.as_ref());
    let (funnel_dir, commute_dir) = (folders.funnel.as_deref(), folders.commute.as_deref());
    let mut tooltips = serde_json::Map::new();
    let mut assumptions = Vec::new();
    let mut sources = Vec::new();
    let gaps =
        gaps_dir.map(|dir| gaps_section(dir, &args, &mut tooltips, &mut assumptions, &mut sources)).transpose()?;
    let demography = gaps_dir.map(|dir| inclusion::demography_section(dir)).transpose()?.flatten();
    let funnel = funnel_dir.map(|dir| inclusion::funnel_section(dir, &mut assumptions)).transpose()?;
    let emissions = emissions_dir
        .map(|dir| emissions_section(dir, &args, &mut tooltips, &mut assumptions, &mut sources))
        .transpose()?;
    let network = network_dirs.as_ref().map(|(dir, _)| network::network_section(dir)).transpose()?;
    let whose = folders.commute_whose(network.as_ref());
    let commute = commute_dir.map(|dir| commute::commute_section(dir, whose, &mut assumptions)).transpose()?;
    one_vintages_line(&mut sources);

    let changes = change::changes(&args.from, &args.previous)?;
    let periods = periods(gaps_dir, emissions_dir)?;
    let mut summary =
        executive_summary(gaps.as_ref(), demography.as_ref(), funnel.as_ref(), emissions.as_ref(), commute.as_ref());
    summary.extend(network.iter().flat_map(|n| n.widest.iter().map(|w| format!("{w}."))));
    let summary_note = network.as_ref().map(network::NetworkSection::summary_note);
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_template("report.html", TEMPLATE)?;
    let context = ReportContext {
        network,
        title: args.title.clone(),
        subtitle: args
            .subtitle
            .clone()
            .unwrap_or_else(|| "Workforce and patient travel by neighbourhood and deprivation".to_string()),
        gaps,
        demography,
        funnel,
        emissions,
        commute,
        summary,
        summary_note,
        periods,
        changes,
        assumptions,
        sources,
        attribution: report_attribution(&args.attribution, gaps_dir, emissions_dir),
        version: env!("CARGO_PKG_VERSION"),
        tooltips: json_for_script(&serde_json::to_string(&tooltips)?),
    };
    let html = env.get_template("report.html")?.render(&context)?;
    let mut inputs: Vec<&Path> = args.from.iter().map(|p| p.as_path()).collect();
    inputs.extend(args.markers.sites.as_deref());
    crate::io::atomic::check_not_an_input(&args.output, &inputs)?;
    write_file(&args.output, html.as_bytes())?;
    say(args.terminal.quiet, format_args!("report: {} ({} KB)", args.output.display(), html.len() / 1024));
    Ok(())
}

/// Four to six sentences for the top of the paper: each analysis's key figure as its section
/// states it.
fn executive_summary(
    gaps: Option<&GapsSection>,
    demography: Option<&inclusion::DemographySection>,
    funnel: Option<&inclusion::FunnelSection>,
    emissions: Option<&EmissionsSection>,
    commute: Option<&commute::CommuteSection>,
) -> Vec<String> {
    let mut sentences: Vec<String> = Vec::new();
    sentences.extend(gaps.and_then(|g| g.headline.clone()));
    sentences.extend(gaps.and_then(|g| g.top_target.clone()));
    sentences.extend(demography.and_then(|d| d.wres1_sentence.clone()));
    sentences.extend(funnel.and_then(|f| f.sentences.first().cloned()));
    sentences.extend(emissions.and_then(|e| e.total.clone()));
    sentences.extend(emissions.and_then(|e| e.headline.clone()));
    sentences.extend(commute.and_then(|c| c.headline.clone()));
    sentences.into_iter().map(|s| if s.ends_with('.') { s } else { s + "." }).collect()
}

/// "Staff file esr.csv as at 31 March 2026", "Outpatient appointments from 1 April 2025 to 31 March 2026".
fn periods(gaps: Option<&std::path::PathBuf>, emissions: Option<&std::path::PathBuf>) -> anyhow::Result<Vec<String>> {
    let mut periods = Vec::new();
    if let Some(dir) = gaps {
        let summary: GapsSummary = run_summary::read(&dir.join(crate::gaps::SUMMARY))?;
        periods.push(match &summary.staff_as_at {
            Some(date) => format!("Staff: {} as at {}", summary.staff_file, date_in_words(date)),
            None => format!("Staff: {} (the extract's date was not given: gaps --as-at)", summary.staff_file),
        });
    }
    if let Some(dir) = emissions {
        let summary: EmissionsSummary = run_summary::read(&dir.join(crate::emissions::SUMMARY))?;
        if let Some(dates) = &summary.dates {
            let last = dates.last.as_deref().unwrap_or(&dates.first);
            periods.push(format!(
                "Outpatient appointments: {}, from {} to {}",
                summary.appointments_file,
                date_in_words(&dates.first),
                date_in_words(last)
            ));
        }
    }
    Ok(periods)
}

/// The notices the reference data's licences require, with the Open Parliament Licence's when a run
/// named its areas with the House of Commons Library's names.
fn report_attribution(
    given: &[String],
    gaps: Option<&std::path::PathBuf>,
    emissions: Option<&std::path::PathBuf>,
) -> Vec<String> {
    let mut lines = choropleth::attribution(given);
    let gaps = gaps
        .and_then(|d| run_summary::read::<GapsSummary>(&d.join(crate::gaps::SUMMARY)).ok())
        .and_then(|s| s.area_names);
    let emissions = emissions
        .and_then(|d| run_summary::read::<EmissionsSummary>(&d.join(crate::emissions::SUMMARY)).ok())
        .and_then(|s| s.area_names);
    if let Some(line) = gaps.into_iter().chain(emissions).find_map(|n| n.attribution) {
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines
}

/// The reference files a run read, named as publications, and the vintage of each as a line for
/// `what` analysis ("workforce"), merged with the other analyses' by `one_vintages_line`.
fn reference_sources(what: &str, reference: &ReferenceSummary, vintages: &Vintages, sources: &mut Vec<String>) {
    let name = |p: &str| Path::new(p).file_name().map_or(p.to_string(), |n| n.to_string_lossy().into_owned());
    let postcodes = &reference.postcodes;
    let boundaries = &reference.boundaries;
    let mut lines = vec![
        format!(
            "Postcode locations: {}, {} postcodes; file {}.",
            postcodes.format,
            thousands(postcodes.stats.postcodes as u64),
            name(&postcodes.path)
        ),
        format!(
            "Neighbourhood boundaries: {}, {} areas, Office for National Statistics; file {}.",
            boundaries.geography,
            thousands(boundaries.areas as u64),
            name(&boundaries.path)
        ),
    ];
    if let Some(deprivation) = &reference.deprivation {
        lines.push(format!(
            "English Indices of Deprivation: {}, Ministry of Housing, Communities and Local Government; file {}.",
            deprivation.edition,
            name(&deprivation.path)
        ));
    }
    if let Some(population) = &vintages.population {
        lines.push(format!("Population ({what}): {population}, Office for National Statistics."));
    }
    let mut vintage = format!("{VINTAGES} ({what}): boundaries {}", vintages.boundaries);
    for (what, v) in [("deprivation", &vintages.deprivation), ("population", &vintages.population)] {
        if let Some(v) = v {
            vintage.push_str(&format!("; {what} {v}"));
        }
    }
    lines.push(format!("{vintage}; postcodes {}.", vintages.postcodes));
    for line in lines {
        if !sources.contains(&line) {
            sources.push(line);
        }
    }
}

const VINTAGES: &str = "Vintages";

/// The analyses' vintage lines as one: what every analysis shares once, what differs labelled by
/// analysis ("population Census 2021, ages 16–64 (workforce); Census 2021, all usual residents
/// (patient travel)").
fn one_vintages_line(sources: &mut Vec<String>) {
    let (lines, rest): (Vec<String>, Vec<String>) =
        sources.drain(..).partition(|l| l.starts_with(&format!("{VINTAGES} (")));
    *sources = rest;
    let mut parts: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in &lines {
        let Some((label, body)) = line.split_once("): ") else { continue };
        let what = label.trim_start_matches(VINTAGES).trim_start_matches(" (").to_string();
        for part in body.trim_end_matches('.').split("; ") {
            let (key, value) = part.split_once(' ').unwrap_or((part, ""));
            match parts.iter_mut().find(|(k, _)| k == key) {
                Some((_, values)) => values.push((what.clone(), value.to_string())),
                None => parts.push((key.to_string(), vec![(what.clone(), value.to_string())])),
            }
        }
    }
    if parts.is_empty() {
        return;
    }
    let words: Vec<String> = parts
        .iter()
        .map(|(key, values)| {
            let same = values.len() == lines.len() && values.iter().all(|(_, v)| *v == values[0].1);
            if same {
                format!("{key} {}", values[0].1)
            } else {
                let each: Vec<String> = values.iter().map(|(what, v)| format!("{v} ({what})")).collect();
                format!("{key} {}", each.join(", "))
            }
        })
        .collect();
    sources.push(format!("{VINTAGES}: {}.", words.join("; ")));
}

/// An interactive map of one column of an output's area GeoJSON, when the folder has it.
struct MapRequest<'a> {
    file: &'a str,
    /// The same map by MSOA, drawn instead where the run wrote it (unless `--lsoa-maps`); empty for none.
    msoa_file: &'a str,
    /// The element id, which keys the tooltips.
    id: &'a str,
    column: &'a str,
    /// Properties shown on hover: property, label, format.
    tooltip: &'a [(&'a str, &'a str, Format)],
    /// Which areas the map is fitted to.
    extent: choropleth::MapExtent,
}

impl MapRequest<'_> {
    /// The map as inline SVG (its areas' tooltip rows added to `tooltips`), or `None`.
    fn draw(
        &self,
        dir: &Path,
        args: &ReportArgs,
        tooltips: &mut serde_json::Map<String, Json>,
        context: MapContext,
    ) -> anyhow::Result<Option<String>> {
        let by_msoa = !args.lsoa_maps && !self.msoa_file.is_empty() && dir.join(self.msoa_file).is_file();
        let input = dir.join(if by_msoa { self.msoa_file } else { self.file });
        if !input.is_file() {
            return Ok(None);
        }
        let options = MapOptions {
            context: MapContext { msoa: by_msoa, ..context },
            attribution: args.attribution.clone(),
            markers: (&args.markers).into(),
            extent: self.extent,
            ..MapOptions::new(input, self.column)
        };
        let (spec, boundaries) = choropleth::build(&options)?;
        let mut rows = serde_json::Map::new();
        for area in &boundaries.areas {
            let label = match area.properties.get("neighbourhood") {
                Some(Json::String(n)) => format!("{n} {}", area.code),
                _ => format!("{} {}", area.code, area.name),
            };
            let mut pairs = vec![Json::from(vec![Json::from("Area"), Json::from(label.trim())])];
            for (key, label, format) in self.tooltip {
                let text = match area.properties.get(*key) {
                    Some(Json::String(s)) => s.clone(),
                    Some(Json::Null) | None => String::new(),
                    Some(v) => v.to_string(),
                };
                if !text.is_empty() {
                    pairs.push(Json::from(vec![Json::from(*label), Json::from(format.apply(&text))]));
                }
            }
            rows.insert(area.code.clone(), Json::from(pairs));
        }
        tooltips.insert(self.id.to_string(), Json::Object(rows));
        Ok(Some(spec.to_svg()))
    }
}

/// The workforce map: staff per 1,000 working-age residents, with each area's figures on hover.
const GAPS_MAP: MapRequest<'static> = MapRequest {
    file: "gaps_by_area.geojson",
    msoa_file: "gaps_by_msoa.geojson",
    id: "gaps-map",
    column: "staff_per_1000",
    tooltip: &[
        ("imd_decile", "IMD decile", Format::Text),
        ("deprivation_index", "Its nation's index", Format::Text),
        ("deprivation_decile", "Decile of its nation's index", Format::Text),
        ("lsoas_in_deciles_1_2", "LSOAs in IMD deciles 1-2", Format::Text),
        ("staff", "Staff", Format::Text),
        ("population", "Working-age population", Format::Count),
        ("staff_per_1000", "Staff per 1,000", Format::Fixed(2)),
        ("expected_staff", "Expected at the community rate", Format::Fixed(1)),
        ("shortfall", "Shortfall (+) / excess (-)", Format::Fixed(1)),
    ],
    extent: choropleth::MapExtent::Data,
};

/// The targets map: each target neighbourhood by its score, the sites marked, its jobs on hover.
const TARGETS_MAP: MapRequest<'static> = MapRequest {
    file: "targets.geojson",
    msoa_file: "",
    id: "targets-map",
    column: "score",
    tooltip: &[
        ("rank", "Rank", Format::Text),
        ("imd_decile", "IMD decile", Format::Text),
        ("shortfall", "Shortfall (people)", Format::Fixed(1)),
        ("nearest_site_name", "Nearest site", Format::Text),
        ("distance_km", "Distance (km)", Format::Fixed(1)),
        ("entry_level_vacancies_within_radius", "Entry-level jobs in reach", Format::Text),
        ("entry_level_job_titles", "Jobs", Format::Text),
        ("residents_out_of_work", "Residents out of work", Format::Count),
    ],
    extent: choropleth::MapExtent::All,
};

/// The emissions map: kg CO2e per 1,000 residents, with each area's figures on hover.
const EMISSIONS_MAP: MapRequest<'static> = MapRequest {
    file: "emissions_by_area.geojson",
    msoa_file: "emissions_by_msoa.geojson",
    id: "emissions-map",
    column: "kgco2e_per_1000_population",
    tooltip: &[
        ("imd_decile", "IMD decile", Format::Text),
        ("appointments", "Appointments", Format::Text),
        ("face_to_face", "Face to face", Format::Text),
        ("kgco2e", "kg CO2e", Format::Fixed(1)),
        ("kgco2e_per_1000_population", "kg CO2e per 1,000", Format::Fixed(1)),
        ("scenario_kgco2e_saved", "Scenario saving (kg)", Format::Fixed(1)),
    ],
    extent: choropleth::MapExtent::MostOf(&["appointments"]),
};

/// The columns every emissions table shows after its first.
const MEASURE_COLUMNS: [(&str, &str, Format); 7] = [
    ("appointments", "Appointments", Format::Count),
    ("face_to_face", "Face to face", Format::Count),
    ("virtual", "Virtual", Format::Count),
    ("patient_km", "Patient km", Format::Count),
    ("kgco2e", "kg CO2e", Format::Count),
    ("kgco2e_avoided", "kg CO2e avoided (virtual)", Format::Count),
    ("scenario_kgco2e_saved", "Scenario: kg CO2e saved", Format::Count),
];

fn gaps_section(
    dir: &Path,
    args: &ReportArgs,
    tooltips: &mut serde_json::Map<String, Json>,
    assumptions: &mut Vec<String>,
    sources: &mut Vec<String>,
) -> anyhow::Result<GapsSection> {
    let summary: GapsSummary = run_summary::read(&dir.join(crate::gaps::SUMMARY))?;
    reference_sources("workforce", &summary.reference, &summary.vintages, sources);
    let deciles = Csv::read(&dir.join("gaps_by_decile.csv"))?;
    let map = GAPS_MAP.draw(dir, args, tooltips, MapContext::of_gaps(&summary))?;
    gaps_notes(&summary, assumptions);
    assumptions.extend(audit_note(dir, "Workforce")?);
    let targets = Targets::read(dir)?;
    let any_target = targets.as_ref().is_some_and(|t| !t.0.rows.is_empty());
    let targets_map =
        if any_target { TARGETS_MAP.draw(dir, args, tooltips, MapContext::of_gaps(&summary))? } else { None };
    Ok(GapsSection {
        headline: summary.headline.clone(),
        community: community_in_words(&summary),
        figures: gaps_figures(&summary),
        deciles: gaps_decile_table(&deciles)?,
        cuts: gaps_cuts(dir)?,
        targets: targets.as_ref().map(Targets::table).transpose()?,
        top_target: targets.as_ref().and_then(Targets::top),
        targets_by_msoa: targets_by_msoa_table(dir)?,
        radius_km: summary.travel_radius_km,
        chart: gaps_chart(&deciles),
        map,
        targets_map,
    })
}

/// Shares of staff and of the working-age population by decile, side by side.
fn gaps_chart(deciles: &Csv) -> String {
    // A run across nations: each nation's deciles of its own index, labelled with the nation.
    let across = deciles.headers.iter().any(|h| h == "deprivation_decile");
    let column = if across { "deprivation_decile" } else { "imd_decile" };
    let classes: Vec<&Vec<String>> = deciles.rows.iter().filter(|r| deciles.cell(r, column) != "total").collect();
    let label = |r: &Vec<String>| match across {
        true => format!("{} {}", deciles.cell(r, "nation"), deciles.cell(r, column)),
        false => deciles.cell(r, column).to_string(),
    };
    let share = |column: &str| -> Vec<MapValue> {
        classes.iter().map(|r| MapValue::from_text(deciles.cell(r, column))).collect()
    };
    let (title, axis) = match across {
        true => (
            "Staff and working-age population by each nation's own decile",
            "Decile of the nation's own index (1 = most deprived)",
        ),
        false => ("Staff and working-age population by IMD decile", "National IMD decile (1 = most deprived)"),
    };
    grouped_bars(
        title,
        &classes.iter().map(|r| label(r)).collect::<Vec<_>>(),
        &[
            Series { name: "Staff living in the community", colour: CHART_OURS, values: share("staff_share") },
            Series { name: "Working-age population", colour: CHART_COMPARED, values: share("population_share") },
        ],
        axis,
    )
}

fn gaps_decile_table(deciles: &Csv) -> anyhow::Result<HtmlTable> {
    let all_rows: Vec<&Vec<String>> = deciles.rows.iter().collect();
    if deciles.headers.iter().any(|h| h == "deprivation_decile") {
        let mut columns = vec![
            ("nation", "Nation", Format::Text),
            ("deprivation_index", "Index", Format::Text),
            ("deprivation_decile", "Decile", Format::Text),
        ];
        columns.extend(GAPS_DECILE_COLUMNS);
        let caption = "Staff and working-age population by decile of each nation's own index (never pooled)";
        return deciles.table(caption, &columns, &all_rows);
    }
    let mut columns = vec![("imd_decile", "IMD decile", Format::Text)];
    columns.extend(GAPS_DECILE_COLUMNS);
    deciles.table("Staff and working-age population by national IMD decile", &columns, &all_rows)
}

/// The columns of the decile table after the decile.
const GAPS_DECILE_COLUMNS: [(&str, &str, Format); 8] = [
    ("staff", "Staff", Format::Count),
    ("staff_share", "Share of staff", Format::Percent),
    ("staff_share_ci_low", "95% CI from", Format::Percent),
    ("staff_share_ci_high", "95% CI to", Format::Percent),
    ("population", "Working-age population", Format::Count),
    ("population_share", "Share of population", Format::Percent),
    ("representation_ratio", "Representation ratio", Format::Fixed(2)),
    ("gap_pp", "Gap (points)", Format::Fixed(1)),
];

/// The headline figures: staff in and outside the community, its areas, the Core20 shares.
fn gaps_figures(summary: &GapsSummary) -> Vec<Figure> {
    let staff = &summary.staff;
    let mut figures = vec![
        Figure {
            value: published(&summary.disclosure, staff.placed_in_community),
            label: " staff live in the community".into(),
        },
        Figure { value: thousands(summary.community.areas as u64), label: " neighbourhoods in the community".into() },
    ];
    if let (Some(s), Some(p)) = (summary.core20_staff_share, summary.core20_population_share) {
        figures.push(Figure {
            value: format!("{:.1}% vs {:.1}%", s * 100.0, p * 100.0),
            label: " staff vs residents in the most deprived fifth (Core20)".into(),
        });
    }
    if let Some(outside) = staff.placed_outside_community {
        figures.push(Figure {
            value: published(&summary.disclosure, Some(outside)),
            label: " staff live outside the community (counted, not compared)".into(),
        });
    }
    figures
}

/// The community as the report names it: its own name (with its areas), else how it was chosen.
fn community_in_words(summary: &GapsSummary) -> String {
    let community = &summary.community;
    match &community.name {
        Some(name) => format!("{name}, {} neighbourhoods", thousands(community.areas as u64)),
        None => community.definition.clone(),
    }
}

/// The director's cuts: for each breakdown the run has (pay band group, staff group, new starters),
/// how many of each group's staff live in the most deprived fifth against the working-age population.
fn gaps_cuts(dir: &Path) -> anyhow::Result<Vec<HtmlTable>> {
    let mut tables = Vec::new();
    for (dimension, label) in [("band", "Pay band group"), ("staff_group", "Staff group"), ("starter", "New starters")]
    {
        let path = dir.join(format!("gaps_by_quintile_by_{dimension}.csv"));
        if !path.is_file() {
            continue;
        }
        let csv = Csv::read(&path)?;
        // A run across nations: each nation's groups in its own most deprived fifth.
        let across = csv.headers.iter().any(|h| h == "deprivation_quintile");
        let quintile = if across { "deprivation_quintile" } else { "imd_quintile" };
        let core20: Vec<&Vec<String>> = csv.rows.iter().filter(|r| csv.cell(r, quintile) == "1").collect();
        let caption = match across {
            true => format!("{label}: staff living in their nation's most deprived fifth of neighbourhoods (deciles 1-2 of its own index)"),
            false => format!("{label}: staff living in the most deprived fifth of neighbourhoods (national deciles 1-2)"),
        };
        let mut columns = Vec::new();
        if across {
            columns.push(("nation", "Nation", Format::Text));
        }
        columns.extend([
            (dimension, label, Format::Text),
            ("staff", "Staff in deciles 1-2", Format::Count),
            ("staff_share", "Share of the group's staff", Format::Percent),
            ("population_share", "Share of working-age residents", Format::Percent),
            ("representation_ratio", "Representation ratio", Format::Fixed(2)),
        ]);
        tables.push(csv.table(&caption, &columns, &core20)?);
    }
    Ok(tables)
}

/// `targets.csv`, when the run had vacancies.
struct Targets(Csv);

impl Targets {
    fn read(dir: &Path) -> anyhow::Result<Option<Targets>> {
        let path = dir.join("targets.csv");
        path.is_file().then(|| Csv::read(&path).map(Targets)).transpose()
    }

    /// The first 20 target neighbourhoods, readable at 1,280 px: rank and name, decile, shortfall,
    /// nearest site and distance, jobs as a count and the commonest titles (opening to the list),
    /// first closing date, residents out of work, households without a car. The score and the
    /// staff count stay in `targets.csv` and on the map.
    fn table(&self) -> anyhow::Result<HtmlTable> {
        use crate::output::schema::targets as t;
        let csv = &self.0;
        let needed = [t::RANK, t::NEIGHBOURHOOD, t::IMD_DECILE, t::SHORTFALL, t::NEAREST_SITE_NAME, t::DISTANCE_KM];
        let needed = needed.into_iter().chain([t::ENTRY_LEVEL_VACANCIES, t::JOB_TITLES, t::EARLIEST_CLOSING_DATE]);
        let needed = needed.chain([t::RESIDENTS_OUT_OF_WORK, t::HOUSEHOLDS_WITHOUT_CAR_SHARE]);
        if let Some(missing) = needed.into_iter().find(|c| !csv.headers.iter().any(|h| h == c)) {
            bail!(
                "{}: no column '{missing}' for the report's targets (written by another version of anchormap?)",
                csv.path.display()
            );
        }
        let top: Vec<&Vec<String>> = csv.rows.iter().take(TARGETS_SHOWN).collect();
        let rows = top
            .iter()
            .map(|row| {
                let cell = |c: &str| csv.cell(row, c);
                vec![
                    format!("{}. {}", cell(t::RANK), cell(t::NEIGHBOURHOOD)),
                    cell(t::IMD_DECILE).to_string(),
                    Format::Fixed(0).apply(cell(t::SHORTFALL)),
                    format!("{}, {} km", cell(t::NEAREST_SITE_NAME), Format::Fixed(1).apply(cell(t::DISTANCE_KM))),
                    jobs_in_short(cell(t::ENTRY_LEVEL_VACANCIES), cell(t::JOB_TITLES)),
                    date_in_words(cell(t::EARLIEST_CLOSING_DATE)),
                    Format::Count.apply(cell(t::RESIDENTS_OUT_OF_WORK)),
                    Format::Percent.apply(cell(t::HOUSEHOLDS_WITHOUT_CAR_SHARE)),
                ]
            })
            .collect();
        let caption = match csv.rows.len() {
            n if n > TARGETS_SHOWN => format!("Target neighbourhoods: the first {TARGETS_SHOWN} of {n}"),
            n => format!("Target neighbourhoods (all {n})"),
        };
        let headers = ["Neighbourhood", "IMD decile", "Shortfall (staff)", "Nearest site", "Entry-level jobs in reach"];
        let headers =
            headers.into_iter().chain(["First closing date", "Residents out of work", "Households without a car"]);
        Ok(HtmlTable {
            caption,
            headers: headers.map(String::from).collect(),
            rows,
            expand: Some(Expand {
                column: 4,
                full: top.iter().map(|r| csv.cell(r, t::JOB_TITLES).to_string()).collect(),
            }),
        })
    }

    /// "The first target is …: why", from the top row.
    fn top(&self) -> Option<String> {
        use crate::output::schema::targets as t;
        let row = self.0.rows.first()?;
        let reason = self.0.cell(row, t::REASON);
        let mut chars = reason.chars();
        let reason = chars.next().map_or(String::new(), |c| c.to_lowercase().chain(chars).collect());
        Some(format!("The first neighbourhood to recruit from is {}: {reason}", self.0.cell(row, t::NEIGHBOURHOOD)))
    }
}

/// How many target neighbourhoods the report's table shows (the CSV has them all).
const TARGETS_SHOWN: usize = 20;

/// A target's jobs in a few words: "29 jobs: Catering Assistant (6), Phlebotomist (4) and 6 more titles".
///
/// The titles arrive as `targets.csv` writes them, "title (n); title; …; and 3 more" (a title
/// without a count is one job); the two with most jobs are named.
///
/// ```
/// # use anchormap::report::jobs_in_short;
/// let titles = "Ward Clerk; Receptionist (6); Porter (2); and 3 more";
/// assert_eq!(jobs_in_short("14", titles), "14 jobs: Receptionist (6), Porter (2) and 4 more titles");
/// assert_eq!(jobs_in_short("1", "Porter"), "1 job: Porter");
/// assert_eq!(jobs_in_short("0", ""), "0 jobs");
/// ```
pub fn jobs_in_short(count: &str, titles: &str) -> String {
    let mut more = 0;
    let mut named: Vec<(&str, u32)> = Vec::new();
    for item in titles.split("; ").filter(|t| !t.is_empty()) {
        if let Some(n) = item.strip_prefix("and ").and_then(|r| r.strip_suffix(" more")) {
            more += n.parse::<usize>().unwrap_or(0);
            continue;
        }
        let counted =
            item.strip_suffix(')').and_then(|r| r.rsplit_once(" (")).and_then(|(t, n)| Some((t, n.parse().ok()?)));
        named.push(counted.unwrap_or((item, 1)));
    }
    named.sort_by(|a, b| b.1.cmp(&a.1));
    let jobs = if count == "1" { "1 job".to_string() } else { format!("{count} jobs") };
    let shown: Vec<String> =
        named.iter().take(2).map(|(t, n)| if *n > 1 { format!("{t} ({n})") } else { t.to_string() }).collect();
    more += named.len().saturating_sub(2);
    match (shown.is_empty(), more) {
        (true, _) => jobs,
        (false, 0) => format!("{jobs}: {}", shown.join(", ")),
        (false, 1) => format!("{jobs}: {} and 1 more title", shown.join(", ")),
        (false, n) => format!("{jobs}: {} and {n} more titles", shown.join(", ")),
    }
}

/// The targets grouped by MSOA (top 10), when the run had an LSOA → MSOA lookup.
fn targets_by_msoa_table(dir: &Path) -> anyhow::Result<Option<HtmlTable>> {
    use crate::output::schema::targets_by_msoa as m;
    let path = dir.join("targets_by_msoa.csv");
    if !path.is_file() {
        return Ok(None);
    }
    let csv = Csv::read(&path)?;
    let top: Vec<&Vec<String>> = csv.rows.iter().take(10).collect();
    let columns = [
        (m::MSOA_NAME, "Neighbourhood", Format::Text),
        (m::TARGET_AREAS, "Target areas", Format::Text),
        (m::SHORTFALL, "Shortfall", Format::Fixed(0)),
        (m::VACANCIES, "Entry-level vacancies in reach", Format::Text),
        (m::RESIDENTS_OUT_OF_WORK, "Residents out of work", Format::Count),
        (m::BEST_RANK, "Best rank", Format::Text),
    ];
    (!top.is_empty()).then(|| csv.table("Targets by neighbourhood (MSOA, top 10)", &columns, &top)).transpose()
}

/// The run's disclosure audit in one sentence, when its folder has one (runs of earlier versions do not).
fn audit_note(dir: &Path, what: &str) -> anyhow::Result<Option<String>> {
    let path = dir.join(crate::output::disclosure::AUDIT_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let audit: crate::output::disclosure::RunAudit = run_summary::read(&path)?;
    Ok(Some(format!("{what}, disclosure audit: {}.", audit.summary)))
}

/// The community, the disclosure rule, the deprivation edition and the population, as notes and sources.
fn gaps_notes(summary: &GapsSummary, assumptions: &mut Vec<String>) {
    assumptions.push(format!("Community: {}.", community_in_words(summary)));
    assumptions.extend(summary.nations_not_pooled.clone());
    let rule = &summary.disclosure;
    assumptions.push(if rule.min_count <= 1 && rule.round_to <= 1 {
        "Counts are exact: no disclosure control was applied, so this report is for internal use only.".to_string()
    } else {
        format!(
            "Counts of people: 1 to {} shown as *, others rounded to the nearest {}, shares from the rounded numbers, with secondary suppression (NHS Digital's rule for HES).",
            rule.min_count.saturating_sub(1),
            rule.round_to
        )
    });
}

fn emissions_section(
    dir: &Path,
    args: &ReportArgs,
    tooltips: &mut serde_json::Map<String, Json>,
    assumptions: &mut Vec<String>,
    sources: &mut Vec<String>,
) -> anyhow::Result<EmissionsSection> {
    let summary: EmissionsSummary = run_summary::read(&dir.join(crate::emissions::SUMMARY))?;
    assumptions.extend(audit_note(dir, "Patient travel")?);
    reference_sources("patient travel", &summary.reference, &summary.vintages, sources);
    let deciles = Csv::read(&dir.join("emissions_by_decile.csv"))?;
    let across = deciles.headers.iter().any(|h| h == "nation");
    let mut decile_columns = match across {
        false => vec![("imd_decile", "IMD decile", Format::Text)],
        true => vec![
            ("nation", "Nation", Format::Text),
            ("deprivation_index", "Index", Format::Text),
            ("deprivation_decile", "Decile", Format::Text),
        ],
    };
    decile_columns.extend(MEASURE_COLUMNS);
    decile_columns.push(("share_of_scenario_kgco2e_saved", "Share of saving", Format::Percent));
    let all: Vec<&Vec<String>> = deciles.rows.iter().collect();
    let caption = match across {
        false => "Patient travel by national IMD decile of the patient's neighbourhood",
        true => "Patient travel by decile of each nation's own index (shares within each nation)",
    };
    let table = deciles.table(caption, &decile_columns, &all)?;
    let sites = Csv::read(&dir.join("emissions_by_site.csv"))?;
    let site_rows: Vec<&Vec<String>> = sites.rows.iter().filter(|r| sites.cell(r, "appointments") != "0").collect();
    let mut site_columns = vec![("site_name", "Site", Format::Text)];
    site_columns.extend(MEASURE_COLUMNS);
    let site_table = sites.table("Patient travel by site", &site_columns, &site_rows)?;
    let map = EMISSIONS_MAP.draw(dir, args, tooltips, MapContext::of_emissions(&summary))?;
    emissions_notes(&summary, assumptions, sources)?;
    Ok(EmissionsSection {
        total: emissions_total_sentence(&summary),
        headline: scenario_headline(&summary),
        figures: emissions_figures(&summary),
        deciles: table,
        sites: site_table,
        chart: emissions_chart(&deciles),
        chart_caption: match across {
            false => "Share of face-to-face appointments, and of the scenario's carbon saving, by national IMD decile of the patient's neighbourhood: who benefits.".to_string(),
            true => "Share of each nation's face-to-face appointments, and of the scenario's carbon saving in it, by decile of the nation's own index (E: England, W: Wales, S: Scotland; 1 = most deprived in that nation): who benefits, never pooled across nations.".to_string(),
        },
        map,
    })
}

/// Shares of face-to-face appointments and of the scenario's saving by decile, side by side.
fn emissions_chart(deciles: &Csv) -> String {
    // Across nations each nation's deciles of its own index, shares within the nation, side by side.
    let across = deciles.headers.iter().any(|h| h == "nation");
    let class = |r: &[String]| deciles.cell(r, if across { "deprivation_decile" } else { "imd_decile" }).to_string();
    let classes: Vec<&Vec<String>> =
        deciles.rows.iter().filter(|r| !matches!(class(r).as_str(), "total" | "none")).collect();
    let nation_f2f = |nation: &str| -> f64 {
        let of = classes.iter().filter(|r| deciles.cell(r, "nation") == nation);
        of.filter_map(|r| deciles.cell(r, "face_to_face").parse::<f64>().ok()).sum()
    };
    let f2f_share: Vec<MapValue> = classes
        .iter()
        .map(|r| match MapValue::from_text(deciles.cell(r, "face_to_face")) {
            MapValue::Value(v) if nation_f2f(deciles.cell(r, "nation")) > 0.0 => {
                MapValue::Value(v / nation_f2f(deciles.cell(r, "nation")))
            }
            MapValue::Value(_) => MapValue::NoData,
            other => other,
        })
        .collect();
    let saving_share: Vec<MapValue> =
        classes.iter().map(|r| MapValue::from_text(deciles.cell(r, "share_of_scenario_kgco2e_saved"))).collect();
    // Across nations "E1", "W1", "S1": the nation's initial and its own decile (the axis says which).
    let label = |r: &[String]| match across {
        false => class(r),
        true => format!("{}{}", deciles.cell(r, "nation").chars().next().unwrap_or(' '), class(r)),
    };
    let (title, axis) = match across {
        false => (
            "Face-to-face appointments and the scenario's saving by IMD decile",
            "National IMD decile of the patient's neighbourhood (1 = most deprived)",
        ),
        true => (
            "Face-to-face appointments and the scenario's saving by decile of each nation's own index (shares within each nation)",
            "E: England, W: Wales, S: Scotland, each on its own index (1 = most deprived in the nation)",
        ),
    };
    grouped_bars(
        title,
        &classes.iter().map(|r| label(r)).collect::<Vec<_>>(),
        &[
            Series { name: "Face-to-face appointments", colour: CHART_OURS, values: f2f_share },
            Series { name: "Carbon saved by the scenario", colour: CHART_MAGNITUDE, values: saving_share },
        ],
        axis,
    )
}

/// "Patient travel to 98,765 outpatient appointments from 1 April 2025 to 31 March 2026 came to 1,234 t CO2e."
fn emissions_total_sentence(summary: &EmissionsSummary) -> Option<String> {
    let kg = summary.kgco2e_total?;
    let period = summary.dates.as_ref().map_or(String::new(), |d| match &d.last {
        Some(last) if *last != d.first => format!(" from {} to {}", date_in_words(&d.first), date_in_words(last)),
        _ => format!(" on {}", date_in_words(&d.first)),
    });
    let appointments = match summary.appointments_placed {
        Some(n) => format!("{} outpatient appointments", thousands(n as u64)),
        None => "outpatient appointments".to_string(),
    };
    Some(format!("Patients' travel to {appointments}{period} came to {} CO2e.", mass(kg)))
}

fn tonnes(kg: Option<f64>) -> String {
    kg.map_or(String::new(), mass)
}

/// Appointments placed, emissions, emissions avoided and, with a scenario, its saving.
fn emissions_figures(summary: &EmissionsSummary) -> Vec<Figure> {
    let mut figures = vec![
        Figure {
            value: published(&summary.disclosure, summary.appointments_placed),
            label: " appointments placed".into(),
        },
        Figure {
            value: tonnes(summary.kgco2e_total),
            label: format!(
                " CO2e from patient travel to face-to-face appointments{}",
                match summary.kgco2e_range {
                    Range { low: Some(low), high: Some(high) } => format!(
                        " (somewhere between {} and {}, given how uncertain road distances, ways of travelling and fuel supply emissions are)",
                        mass(low),
                        mass(high)
                    ),
                    _ => String::new(),
                }
            ),
        },
        Figure {
            value: tonnes(summary.kgco2e_avoided),
            label: " CO2e avoided by appointments already held virtually".into(),
        },
    ];
    if summary.scenario.shift_to_virtual > 0.0 {
        figures
            .push(Figure { value: tonnes(summary.scenario_kgco2e_saved), label: " CO2e saved by the scenario".into() });
    }
    figures
}

/// What the scenario would save, in one sentence; `None` without a scenario.
fn scenario_headline(summary: &EmissionsSummary) -> Option<String> {
    let scenario = &summary.scenario;
    (scenario.shift_to_virtual > 0.0).then(|| {
        format!(
            "Moving {:.0}% of {} face-to-face appointments to video or telephone{} would save {} CO2e, {} patient miles, £{} and {} hours of patient travel {}{}.",
            scenario.shift_to_virtual * 100.0,
            scenario.applies_to.adjective(),
            match (scenario.appointments_shifted, scenario.appointments_eligible) {
                (Some(moved), Some(of)) => format!(" (about {} of {})", quantity(moved), quantity(of)),
                _ => String::new(),
            },
            tonnes(summary.scenario_kgco2e_saved),
            quantity(scenario.patient_miles_saved.unwrap_or(0.0)),
            quantity(scenario.cost_saved_gbp.unwrap_or(0.0)),
            quantity(scenario.hours_saved.unwrap_or(0.0)),
            match &summary.dates {
                Some(DateRange { first, last: Some(last) }) => {
                    format!("over the appointments from {} to {}", date_in_words(first), date_in_words(last))
                }
                _ => "over the appointments analysed".to_string(),
            },
            match summary.by_nation.as_slice() {
                [] => scenario.share_of_saving_to_deciles_1_2.map_or(String::new(), |s| format!(
                    "; {:.1}% of the saving would reach patients in the most deprived fifth of neighbourhoods, who make {:.1}% of face-to-face appointments",
                    s * 100.0,
                    scenario.share_of_face_to_face_from_deciles_1_2.unwrap_or(0.0) * 100.0
                )),
                // Across nations, each nation's most deprived fifth on its own index, never pooled.
                nations => nations
                    .iter()
                    .filter_map(|n| {
                        Some(format!(
                            "; in {}, {:.1}% of its saving would reach patients in its most deprived fifth of neighbourhoods ({} deciles 1-2), who make {:.1}% of its face-to-face appointments",
                            n.nation,
                            n.share_of_saving_to_deciles_1_2? * 100.0,
                            n.index,
                            n.share_of_face_to_face_from_deciles_1_2.unwrap_or(0.0) * 100.0
                        ))
                    })
                    .collect::<String>(),
            }
        )
    })
}

/// Where the run's trips started, as the run did it: postcode points, area centroids, bridged areas.
fn trip_start_words(starts: &TripStarts) -> String {
    let centroid = "the centre of the patient's neighbourhood";
    let mut words = match (starts.postcode, starts.area_centroid) {
        (true, true) => format!("the patient's postcode (or {centroid} where the file gives only an area code)"),
        (false, true) => format!("{centroid} (the file gives area codes, not postcodes)"),
        _ => "the patient's postcode".to_string(),
    };
    if starts.bridged {
        words.push_str(", an area code of the other census vintage being shared among the areas it became");
    }
    words
}

/// The travel model's assumptions as sentences a board member reads, and the emission factors' source.
fn emissions_notes(
    summary: &EmissionsSummary,
    assumptions: &mut Vec<String>,
    sources: &mut Vec<String>,
) -> anyhow::Result<()> {
    assumptions.extend(summary.nations_not_pooled.clone());
    let a = &summary.assumptions;
    let mut modes: Vec<(&String, &f64)> = a.mode_share.0.iter().collect();
    modes.sort_by(|x, y| y.1.total_cmp(x.1).then(x.0.cmp(y.0)));
    let shares: Vec<String> =
        modes.iter().map(|(mode, share)| format!("{:.0}% {}", *share * 100.0, mode.replace('_', " and "))).collect();
    let matrix = a.distance.starts_with("the distance matrix");
    assumptions.extend([
        format!(
            "Distance: road distance is taken as {:.2} times the straight line from {} to the site{}, and every trip is counted there and back.",
            a.circuity,
            trip_start_words(&summary.trip_starts),
            if matrix { " (the distance matrix's road distance where it has the area and site)" } else { "" }
        ),
        format!(
            "How patients travel: {}{}. Car and motorbike emissions assume {}.",
            shares.join(", "),
            if a.mode_share_by_area.applied {
                ", with fewer trips by car where the census finds more households without a car"
            } else {
                " everywhere"
            },
            a.car_occupancy
        ),
        format!(
            "Emissions: the UK government's conversion factors ({}), {}.",
            a.factors_source,
            if a.well_to_tank.included { "including fuel production and supply (well-to-tank)" } else { "direct emissions only" }
        ),
        format!("Low and high estimates: low assumes {}; high assumes {}.", a.range.low, a.range.high),
        format!("Travel time: {}.", a.travel_time_note),
        format!(
            "Patient cost: £{:.2} a mile for the trips by car (HMRC's approved mileage rate); fares for other ways of travelling are not estimated.",
            a.mileage_rate_gbp_per_mile
        ),
        format!("Appointments with no recorded mode are {}; {}.", a.unrecorded_mode, a.virtual_),
        format!("Published figures: {}.", a.published_figures),
    ]);
    if let Some(basis) = &summary.population_basis {
        assumptions.push(format!("Per 1,000 residents means per 1,000 {basis}."));
    }
    sources.push(format!("Emission factors: {}.", a.factors_source));
    Ok(())
}
