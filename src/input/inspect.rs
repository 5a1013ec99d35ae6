//! What a file is taken to be (staff, vacancies, sites, appointments, a reference table), the role of each column, value profiles and the settings that name the columns: the engine of `anchormap inspect`.

use std::io::Read;
use std::path::Path;

use serde::Serialize;

use crate::columns::ColumnSpec;
use crate::dictionary::{self, normalise};
use crate::error::{Error, Location, Result};
use crate::input::date_columns;
use crate::input::home_postcode;
use crate::input::value_maps::ValueMaps;
use crate::input::value_profile::{ProfileBuilder, ValueProfile, ValueRule};
use crate::io::CsvInput;

/// The rows profiled by default; the rest of a larger file is not read.
pub const DEFAULT_MAX_ROWS: u64 = 1_000_000;

/// The roles of a population file: its area code and its population.
static POPULATION_ROLES: [ColumnSpec; 2] = [dictionary::AREA_CODE, dictionary::WORKING_AGE_POPULATION];
/// The role of a lookup table anchormap names: its area code (the others are filtered on).
static LOOKUP_ROLES: [ColumnSpec; 1] = [dictionary::AREA_CODE];
/// The role given to a lookup's columns of larger areas (ICB, local authority, …).
pub const LARGER_AREA: &str = "larger_area";

/// The kinds of file anchormap reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Staff,
    Vacancies,
    Applications,
    Sites,
    Appointments,
    DistanceMatrix,
    Postcodes,
    Deprivation,
    Population,
    Lookup,
    Boundaries,
}

impl FileKind {
    /// The kinds a CSV may be, in the order ties are broken.
    pub const TABLES: [FileKind; 10] = [
        FileKind::Staff,
        FileKind::Vacancies,
        FileKind::Applications,
        FileKind::Sites,
        FileKind::Appointments,
        FileKind::DistanceMatrix,
        FileKind::Postcodes,
        FileKind::Deprivation,
        FileKind::Population,
        FileKind::Lookup,
    ];

    /// Every kind, in the order `inspect --as` lists them: the tables, then boundaries.
    pub const ALL: [FileKind; 11] = {
        let mut all = [FileKind::Boundaries; 11];
        let mut i = 0;
        while i < FileKind::TABLES.len() {
            all[i] = FileKind::TABLES[i];
            i += 1;
        }
        all
    };

    /// Its value for `inspect --as`.
    ///
    /// ```
    /// use anchormap::input::inspect::FileKind;
    /// assert_eq!(FileKind::DistanceMatrix.as_value(), "distance-matrix");
    /// ```
    pub fn as_value(self) -> &'static str {
        match self {
            FileKind::Staff => "staff",
            FileKind::Vacancies => "vacancies",
            FileKind::Applications => "applications",
            FileKind::Sites => "sites",
            FileKind::Appointments => "appointments",
            FileKind::DistanceMatrix => "distance-matrix",
            FileKind::Postcodes => "postcodes",
            FileKind::Deprivation => "deprivation",
            FileKind::Population => "population",
            FileKind::Lookup => "lookup",
            FileKind::Boundaries => "boundaries",
        }
    }

    /// What people call it.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Staff => "staff",
            FileKind::Vacancies => "vacancies",
            FileKind::Applications => "applications",
            FileKind::Sites => "sites",
            FileKind::Appointments => "appointments",
            FileKind::DistanceMatrix => "distance matrix",
            FileKind::Postcodes => "postcode directory",
            FileKind::Deprivation => "deprivation (IoD)",
            FileKind::Population => "population",
            FileKind::Lookup => "area lookup",
            FileKind::Boundaries => "boundaries (GeoJSON)",
        }
    }

    /// The column roles of the header dictionary for this kind.
    pub fn roles(self) -> &'static [ColumnSpec] {
        match self {
            FileKind::Staff => &dictionary::STAFF,
            FileKind::Vacancies => &dictionary::VACANCIES,
            FileKind::Applications => &dictionary::APPLICATIONS,
            FileKind::Sites => &dictionary::SITES,
            FileKind::Appointments => &dictionary::APPOINTMENTS,
            FileKind::DistanceMatrix => &dictionary::DISTANCE_MATRIX,
            FileKind::Postcodes => &dictionary::POSTCODE_DIRECTORY,
            FileKind::Deprivation => &dictionary::DEPRIVATION,
            FileKind::Population => &POPULATION_ROLES,
            FileKind::Lookup => &LOOKUP_ROLES,
            FileKind::Boundaries => &[],
        }
    }

    /// The flag that names its columns (`--staff-columns`).
    pub fn flag(self) -> &'static str {
        if let Some((_, flag, _)) = dictionary::USER_FILES.iter().find(|(name, _, _)| *name == self.name()) {
            return flag;
        }
        match self {
            FileKind::Postcodes => "--postcode-columns",
            FileKind::Deprivation => "--deprivation-columns",
            FileKind::Population => "--population-columns",
            FileKind::Lookup => "--community-lookup-columns",
            _ => "--code-property and --name-property",
        }
    }

    /// Where its column map goes in `anchormap.toml`: (table, key).
    pub fn setting(self) -> (&'static str, &'static str) {
        match self {
            FileKind::Staff => ("gaps", "staff_columns"),
            FileKind::Vacancies => ("gaps", "vacancy_columns"),
            FileKind::Applications => ("funnel", "application_columns"),
            FileKind::Sites => ("inputs", "site_columns"),
            FileKind::Appointments => ("emissions", "appointment_columns"),
            FileKind::DistanceMatrix => ("travel", "distance_matrix_columns"),
            FileKind::Postcodes => ("reference", "postcode_columns"),
            FileKind::Deprivation => ("reference", "deprivation_columns"),
            FileKind::Population => ("reference", "population_columns"),
            FileKind::Lookup => ("community", "community_lookup_columns"),
            FileKind::Boundaries => ("reference", "code_property"),
        }
    }

    /// What a file of this kind must have, in words.
    pub fn needs(self) -> &'static str {
        match self {
            FileKind::Staff => "a home postcode column",
            FileKind::Vacancies => "a site column and a band or vacancy reference column",
            FileKind::Applications => "an applicant postcode column and an application status or stage column",
            FileKind::Sites => "a site code column and a postcode or easting and northing columns",
            FileKind::Appointments => {
                "site, consultation medium (or first-attendance codes) and patient postcode or LSOA columns"
            }
            FileKind::DistanceMatrix => "area, site and distance or time columns",
            FileKind::Postcodes => "postcode and easting/northing or latitude/longitude columns",
            FileKind::Deprivation => "an area code and an IMD rank, decile or score column",
            FileKind::Population => "an area code and a population column",
            FileKind::Lookup => "an area code and codes of larger areas",
            FileKind::Boundaries => "a GeoJSON FeatureCollection",
        }
    }

    /// Whether the roles found are enough for a file of this kind.
    fn has_required(self, found: &[ColumnRole]) -> bool {
        let has = |key: &str| found.iter().any(|c| c.role == key);
        match self {
            FileKind::Staff => has("postcode"),
            FileKind::Vacancies => has("site") && (has("band") || has("id")),
            FileKind::Applications => has("postcode") && has("stage"),
            FileKind::Sites => has("code") && (has("postcode") || (has("easting") && has("northing"))),
            FileKind::Appointments => crate::input::appointments::missing_role(has).is_none(),
            FileKind::DistanceMatrix => has("area") && has("site") && (has("distance_km") || has("time_min")),
            FileKind::Postcodes => {
                has("postcode") && ((has("easting") && has("northing")) || (has("latitude") && has("longitude")))
            }
            FileKind::Deprivation => has("code") && (has("rank") || has("decile") || has("score")),
            FileKind::Population => has("code") && has("population"),
            FileKind::Lookup => has("code") && has(LARGER_AREA),
            FileKind::Boundaries => false,
        }
    }

    /// How strongly the roles found point to this kind: the roles of its dictionary recognised
    /// (a lookup's larger areas are evidence, not score: any table has codes).
    fn score(self, found: &[ColumnRole]) -> usize {
        found.iter().filter(|c| c.role != LARGER_AREA).count()
    }
}

/// The role given to one column.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnRole {
    pub column: String,
    #[serde(skip)]
    pub index: usize,
    /// The key of the role (`postcode`), as the `--X-columns` flag names it.
    pub role: &'static str,
    pub description: &'static str,
}

/// Gives each role of `kind` the column the readers would give it; a column goes to the
/// first role that finds it.
pub fn assign_roles(kind: FileKind, headers: &[String]) -> Vec<ColumnRole> {
    let mut found: Vec<ColumnRole> = Vec::new();
    for spec in kind.roles() {
        let Some(index) = find_role(kind, spec, headers) else { continue };
        if found.iter().all(|c| c.index != index) {
            found.push(ColumnRole {
                column: headers[index].clone(),
                index,
                role: spec.key,
                description: spec.description,
            });
        }
    }
    if kind == FileKind::Lookup && !found.is_empty() {
        for (index, header) in headers.iter().enumerate() {
            if is_area_code_header(header) && found.iter().all(|c| c.index != index) {
                let description = "code of a larger area (to filter on with --community-filter)";
                found.push(ColumnRole { column: header.clone(), index, role: LARGER_AREA, description });
            }
        }
    }
    found.sort_by_key(|c| c.index);
    found
}

/// Where the readers would find a role: a person's postcode by what the headers say (as
/// [`home_postcode::choose`]; of two that could each be it, the first, with a note from
/// [`home_postcode_note`]), the others by the dictionary's order.
fn find_role(kind: FileKind, spec: &ColumnSpec, headers: &[String]) -> Option<usize> {
    if reads_date_role(kind, spec) {
        return date_columns::choose(headers, spec).first().copied();
    }
    if !reads_home_postcode(kind, spec) {
        return spec.find_in(headers);
    }
    match home_postcode::choose(headers, spec) {
        home_postcode::Choice::One { index, .. } => Some(index),
        home_postcode::Choice::Ambiguous(columns) => columns.first().copied(),
        home_postcode::Choice::None => None,
    }
}

/// Whether this role is a person's home postcode, chosen by [`home_postcode`].
fn reads_home_postcode(kind: FileKind, spec: &ColumnSpec) -> bool {
    spec.key == "postcode" && matches!(kind, FileKind::Staff | FileKind::Applications | FileKind::Appointments)
}

/// Whether this role is a staff date chosen by [`date_columns`].
fn reads_date_role(kind: FileKind, spec: &ColumnSpec) -> bool {
    kind == FileKind::Staff && date_columns::DATE_ROLES.contains(&spec.key)
}

/// The lines the commands stop with when two columns could each be one date role.
fn date_notes(kind: FileKind, headers: &[String], path: &Path) -> Vec<String> {
    let at = Location::file(path);
    let map = crate::columns::ColumnMap::default();
    kind.roles()
        .iter()
        .filter(|spec| reads_date_role(kind, spec))
        .filter_map(|spec| date_columns::resolve(headers, spec, &map, kind.flag(), &at).err())
        .map(|stop| format!("{stop}; the commands stop until it is named (the settings below leave it out)"))
        .collect()
}

/// The line the commands stop with when two columns could each be the home postcode.
fn home_postcode_note(kind: FileKind, headers: &[String], path: &Path) -> Option<String> {
    let spec = kind.roles().iter().find(|s| reads_home_postcode(kind, s))?;
    let at = Location::file(path);
    let stop = home_postcode::resolve(headers, spec, &crate::columns::ColumnMap::default(), kind.flag(), &at).err()?;
    Some(format!("{stop}; the commands stop until it is named (the settings below leave it out)"))
}

/// `LAD22CD`, `icb24_code`, `Local Authority District code (2019)`: a column of area codes.
fn is_area_code_header(header: &str) -> bool {
    let name = normalise(header);
    let name = name.trim_end_matches(|c: char| c.is_ascii_digit());
    name.ends_with("cd") || name.contains("code")
}

/// How well the headers fit one kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindFit {
    pub kind: FileKind,
    /// Roles of the kind recognised.
    pub roles: usize,
    /// The roles a file of this kind must have are there.
    pub complete: bool,
}

/// What a file is taken to be.
#[derive(Debug, Clone, Serialize)]
pub struct Classification {
    /// `None` when no kind has the columns it needs.
    pub kind: Option<FileKind>,
    /// Given with `--as`.
    pub forced: bool,
    /// Other kinds that fit exactly as well.
    pub ambiguous_with: Vec<FileKind>,
    /// Every kind that recognised at least one role, best first.
    pub fits: Vec<KindFit>,
}

/// The best kind for these headers: among kinds whose required roles are there, the one with
/// the most roles recognised (ties: the first in [`FileKind::TABLES`], and ambiguous).
pub fn classify(headers: &[String]) -> Classification {
    let mut fits: Vec<KindFit> = FileKind::TABLES
        .iter()
        .map(|&kind| {
            let found = assign_roles(kind, headers);
            KindFit { kind, roles: kind.score(&found), complete: kind.has_required(&found) }
        })
        .filter(|fit| fit.roles > 0)
        .collect();
    fits.sort_by_key(|fit| (!fit.complete, std::cmp::Reverse(fit.roles)));
    let best = fits.first().filter(|fit| fit.complete).cloned();
    let ambiguous_with = match &best {
        Some(best) => fits.iter().skip(1).filter(|f| f.complete && f.roles == best.roles).map(|f| f.kind).collect(),
        None => Vec::new(),
    };
    Classification { kind: best.map(|b| b.kind), forced: false, ambiguous_with, fits }
}

/// One line of `anchormap.toml`, with the table it belongs in.
#[derive(Debug, Clone, Serialize)]
pub struct SettingLine {
    pub table: &'static str,
    pub line: String,
}

/// The settings that name these columns, so that runs read them whatever the dictionary holds.
/// A header with a comma cannot be named in a column map; it is left out (and said in `notes`).
pub fn setting_lines(kind: FileKind, columns: &[ColumnRole], notes: &mut Vec<String>) -> Vec<SettingLine> {
    let (table, key) = kind.setting();
    let mut pairs = Vec::new();
    for column in columns.iter().filter(|c| c.role != LARGER_AREA) {
        if column.column.contains(',') {
            notes.push(format!(
                "the header '{}' has a comma, which a column map cannot hold: rename it to use it as {}",
                column.column, column.role
            ));
            continue;
        }
        pairs.push(format!("{} = {}", column.role, toml::Value::String(column.column.trim().to_string())));
    }
    if pairs.is_empty() {
        return Vec::new();
    }
    vec![SettingLine { table, line: format!("{key} = {{ {} }}", pairs.join(", ")) }]
}

/// `anchormap.toml` text from the lines of several files: one table each, a key given twice
/// kept from the first file (the others as comments).
pub fn settings_text(lines: &[SettingLine]) -> String {
    let mut tables: Vec<&str> = Vec::new();
    for line in lines {
        if !tables.contains(&line.table) {
            tables.push(line.table);
        }
    }
    let mut out = String::from(
        "# Written by `anchormap inspect`: the columns of your files, named for every run, and in [values.ROLE] what\n\
         # each value of a coded column is read as (edit a meaning to change it; complete the commented ones).\n",
    );
    for table in tables {
        out.push_str(&format!("\n[{table}]\n"));
        let mut keys: Vec<&str> = Vec::new();
        for line in lines.iter().filter(|l| l.table == table) {
            let key = line.line.split(" = ").next().unwrap_or_default();
            if keys.contains(&key) {
                out.push_str(&format!("# (another file) {}\n", line.line));
            } else {
                keys.push(key);
                out.push_str(&format!("{}\n", line.line));
            }
        }
    }
    out
}

/// Everything `inspect` says about one file.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub file: String,
    pub classification: Classification,
    pub columns: Vec<ColumnRole>,
    pub unused: Vec<String>,
    pub profiles: Vec<ValueProfile>,
    /// Data rows read (profiling stops at the row cap).
    pub rows_read: u64,
    /// The file has more rows than were read.
    pub rows_capped: bool,
    pub settings: Vec<SettingLine>,
    pub notes: Vec<String>,
}

/// Inspects one file: a CSV (streamed, at most `max_rows` rows profiled) or a GeoJSON.
pub fn inspect_file(path: &Path, forced: Option<FileKind>, max_rows: u64, maps: &ValueMaps) -> Result<Inspection> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    if matches!(extension.as_str(), "geojson" | "json") || forced == Some(FileKind::Boundaries) {
        return inspect_geojson(path);
    }
    if extension == "zip" {
        return Ok(inspect_other(path, &extension));
    }
    let input = CsvInput::open(path)?;
    let mut classification = classify(&input.headers);
    if let Some(kind) = forced {
        classification.kind = Some(kind);
        classification.forced = true;
        classification.ambiguous_with.clear();
    }
    let columns = classification.kind.map(|kind| assign_roles(kind, &input.headers)).unwrap_or_default();
    let unused =
        input.headers.iter().enumerate().filter(|(i, _)| columns.iter().all(|c| c.index != *i)).map(|(_, h)| h.clone());
    let unused = unused.collect();
    let mut notes = Vec::new();
    if let (Some(kind), true) = (classification.kind, classification.forced) {
        if !kind.has_required(&columns) {
            notes.push(format!("taken as {} (--as), but a {} file needs {}", kind.name(), kind.name(), kind.needs()));
        }
    }
    let mut named = columns.clone();
    if let Some(kind) = classification.kind {
        notes.extend(second_matches(kind, &input.headers, &columns));
        if let Some(note) = home_postcode_note(kind, &input.headers, path) {
            notes.push(note);
            named.retain(|c| c.role != "postcode");
        }
        for note in date_notes(kind, &input.headers, path) {
            notes.push(note);
            named.retain(|c| !(kind == FileKind::Staff && date_columns::DATE_ROLES.contains(&c.role)));
        }
    }
    let mut settings = classification.kind.map(|k| setting_lines(k, &named, &mut notes)).unwrap_or_default();
    let (profiles, rows_read, rows_capped) = profile_rows(input, &columns, max_rows, maps)?;
    settings.extend(profiles.iter().flat_map(value_map_lines));
    notes.extend(profiles.iter().filter_map(degenerate_note));
    notes.extend(profiles.iter().filter_map(area_vintage_note));
    Ok(Inspection {
        file: path.display().to_string(),
        classification,
        columns,
        unused,
        profiles,
        rows_read,
        rows_capped,
        settings,
        notes,
    })
}

/// What the commands would say of a coded column that is blank, or one value, on every row.
fn degenerate_note(profile: &ValueProfile) -> Option<String> {
    let coded = matches!(profile.role, "stage" | "mode" | "attended" | "band" | "staff_group" | "first_follow_up");
    if !coded || profile.rows < 2 {
        return None;
    }
    let rows = crate::io::format::thousands(profile.rows);
    if profile.blank == profile.rows {
        let consequence = match profile.role {
            "mode" => {
                "; emissions stops unless the first-attendance codes give the medium (every appointment would be face to face)"
            }
            "band" => "; gaps --by band stops (every staff member would be 'not recorded')",
            "staff_group" => "; gaps --by staff-group stops (every staff member would be 'not recorded')",
            "first_follow_up" => "; an emissions scenario limited to follow-ups stops (it would move none)",
            _ => "",
        };
        return Some(format!(
            "'{}' ({}) is blank on all {rows} rows{consequence}",
            profile.column.trim(),
            profile.role
        ));
    }
    match (profile.values.as_slice(), profile.unrecognised_values.as_slice()) {
        ([only], []) | ([], [only]) if profile.blank == 0 && profile.more_values == 0 => {
            Some(format!("'{}' ({}) is '{}' on all {rows} rows", profile.column.trim(), profile.role, only.value))
        }
        _ => None,
    }
}

/// What the commands do with a patient area column of one LSOA vintage (as `emissions` does):
/// read as they are on boundaries of that vintage, bridged with `--area-bridge` on the other.
fn area_vintage_note(profile: &ValueProfile) -> Option<String> {
    use crate::reference::Geography;
    if profile.role != "area" {
        return None;
    }
    let (vintage, other) = match Geography::from_code_name(profile.column.trim()) {
        Geography::Lsoa2011 => ("LSOA 2011", "LSOA 2021"),
        Geography::Lsoa2021 => ("LSOA 2021", "LSOA 2011"),
        Geography::Other(_) => return None,
    };
    let rows = profile.rows - profile.blank;
    Some(format!(
        "'{}' holds {vintage} codes (by its header), on {} row{}: on {vintage} boundaries they are read as they are; \
         on {other} boundaries (the IoD of the other edition) they are bridged to its areas with --area-bridge \
         (the ONS LSOA 2011 to 2021 lookup; a split area's count shared by population), and the run counts them by change",
        profile.column.trim(),
        crate::io::format::thousands(rows),
        if rows == 1 { "" } else { "s" }
    ))
}

/// The `[values.ROLE]` table of a coded column: every value seen with how it is read; a value
/// not read is a comment to complete (it is left out, or stops the run, until it is).
fn value_map_lines(profile: &ValueProfile) -> Vec<SettingLine> {
    let Some((role, values)) = &profile.value_map else { return Vec::new() };
    let rows = |n: u64| format!("{} row{}", crate::io::format::thousands(n), if n == 1 { "" } else { "s" });
    values
        .iter()
        .map(|v| {
            let key = toml::Value::String(v.value.clone()).to_string();
            let line = match v.meaning {
                Some(meaning) => format!("{key} = \"{meaning}\"  # {}", rows(v.rows)),
                None => format!(
                    "# {key} = \"\"  # {}: NOT READ; give it one of {} and remove the '#'",
                    rows(v.rows),
                    role.meanings().join(", ")
                ),
            };
            SettingLine { table: role.table(), line }
        })
        .collect()
}

/// Unused columns that a role would also have taken (`Grade` beside `Pay Band`): said, since
/// the other may be the one to read.
fn second_matches(kind: FileKind, headers: &[String], columns: &[ColumnRole]) -> Vec<String> {
    let mut notes = Vec::new();
    let unused = headers.iter().enumerate().filter(|(i, _)| columns.iter().all(|c| c.index != *i));
    for (_, header) in unused {
        let name = normalise(header);
        let Some(spec) = kind.roles().iter().find(|s| s.aliases.iter().any(|a| dictionary::alias_matches(a, &name)))
        else {
            continue;
        };
        let ambiguous = || matches!(home_postcode::choose(headers, spec), home_postcode::Choice::Ambiguous(_));
        if reads_home_postcode(kind, spec) && ambiguous() {
            continue; // said by home_postcode_note
        }
        if reads_date_role(kind, spec) && date_columns::choose(headers, spec).len() > 1 {
            continue; // said by date_notes
        }
        if let Some(taken) = columns.iter().find(|c| c.role == spec.key) {
            notes.push(format!(
                "'{}' is also a {} column; '{}' is read (to read the other: {} {}={})",
                header.trim(),
                spec.description,
                taken.column.trim(),
                kind.flag(),
                spec.key,
                header.trim()
            ));
        }
    }
    notes
}

/// Streams the rows (at most `max_rows`) through a profile of each coded column.
fn profile_rows(
    mut input: CsvInput,
    columns: &[ColumnRole],
    max_rows: u64,
    maps: &ValueMaps,
) -> Result<(Vec<ValueProfile>, u64, bool)> {
    let builder = |c: &ColumnRole, rule| (c.index, ProfileBuilder::new(&c.column, c.role, rule).with_maps(maps));
    let mut builders: Vec<(usize, ProfileBuilder)> =
        columns.iter().filter_map(|c| ValueRule::for_role(c.role).map(|rule| builder(c, rule))).collect();
    let mut rows_read = 0u64;
    let mut batch = Vec::new();
    let mut capped = false;
    while input.read_batch(&mut batch, 4096)? {
        for row in &batch {
            if rows_read == max_rows {
                capped = true;
                break;
            }
            rows_read += 1;
            for (index, builder) in &mut builders {
                builder.add(row.record.get(*index).unwrap_or_default());
            }
        }
        if capped {
            break;
        }
    }
    Ok((builders.into_iter().map(|(_, b)| b.finish()).collect(), rows_read, capped))
}

/// A file inspect does not open: named for what its extension says.
fn inspect_other(path: &Path, extension: &str) -> Inspection {
    let (kind, note) = if extension == "zip" {
        (
            Some(FileKind::Postcodes),
            "a zip: taken as OS Code-Point Open as published, whose columns are fixed (nothing to name)",
        )
    } else {
        (None, "inspect reads CSV, Parquet and GeoJSON")
    };
    Inspection {
        file: path.display().to_string(),
        classification: Classification { kind, forced: false, ambiguous_with: Vec::new(), fits: Vec::new() },
        columns: Vec::new(),
        unused: Vec::new(),
        profiles: Vec::new(),
        rows_read: 0,
        rows_capped: false,
        settings: Vec::new(),
        notes: vec![note.to_string()],
    }
}

/// The first bytes of a GeoJSON read for its first feature's properties (boundaries files run to gigabytes).
const GEOJSON_PREFIX_BYTES: u64 = 4 << 20;

/// A boundaries file: the properties of its first feature, and which hold the area code and name.
fn inspect_geojson(path: &Path) -> Result<Inspection> {
    let keys = first_feature_properties(path)?;
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let code = crate::reference::boundaries::detect_code_property(&key_refs);
    let name = code.as_deref().and_then(|c| crate::reference::boundaries::detect_name_property(&key_refs, c));
    let mut columns = Vec::new();
    let mut settings = Vec::new();
    for (role, description, property) in [("code_property", "area code", &code), ("name_property", "area name", &name)]
    {
        let Some(property) = property else { continue };
        let index = keys.iter().position(|k| k == property).unwrap_or_default();
        columns.push(ColumnRole { column: property.clone(), index, role, description });
        settings.push(SettingLine {
            table: "reference",
            line: format!("{role} = {}", toml::Value::String(property.clone())),
        });
    }
    let unused = keys.iter().filter(|k| columns.iter().all(|c| &c.column != *k)).cloned().collect();
    let mut notes = vec!["the properties of the first feature (the file is not read further)".to_string()];
    if code.is_none() {
        notes.push("no area-code property recognised: name it with --code-property".to_string());
    }
    Ok(Inspection {
        file: path.display().to_string(),
        classification: Classification {
            kind: Some(FileKind::Boundaries),
            forced: false,
            ambiguous_with: Vec::new(),
            fits: Vec::new(),
        },
        columns,
        unused,
        profiles: Vec::new(),
        rows_read: 0,
        rows_capped: false,
        settings,
        notes,
    })
}

/// What a feature's `"properties"` value opens with: an object, or `null` (a constant, so that
/// brace-counting tools measure [`first_feature_properties`] right).
const PROPERTIES_OPEN: [char; 2] = ['{', 'n'];

/// The property names of the first feature of a GeoJSON, from the start of the file.
fn first_feature_properties(path: &Path) -> Result<Vec<String>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut prefix = Vec::new();
    file.take(GEOJSON_PREFIX_BYTES).read_to_end(&mut prefix).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8_lossy(&prefix);
    let not_found = || {
        Error::invalid(
            Location::file(path),
            "no feature with properties in the first 4 MB; expected a GeoJSON FeatureCollection of areas",
        )
    };
    let start = text.find("\"properties\"").ok_or_else(not_found)?;
    let open = start + text[start..].find(PROPERTIES_OPEN).ok_or_else(not_found)?;
    let mut stream = serde_json::Deserializer::from_str(&text[open..])
        .into_iter::<Option<serde_json::Map<String, serde_json::Value>>>();
    match stream.next() {
        Some(Ok(properties)) => Ok(properties.unwrap_or_default().keys().cloned().collect()),
        _ => Err(not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn real_extracts_are_told_apart() {
        let esr = headers(&["Employee Number", "Staff Group", "Grade", "Postcode", "Latest Start Date"]);
        assert_eq!(classify(&esr).kind, Some(FileKind::Staff));
        let trac = headers(&["Vacancy Reference", "Job Title", "Site", "Band", "Closing Date"]);
        assert_eq!(classify(&trac).kind, Some(FileKind::Vacancies));
        let nhs_jobs =
            headers(&["Application ID", "Vacancy Reference", "Postcode", "Ethnicity", "Sex", "Application Status"]);
        assert_eq!(classify(&nhs_jobs).kind, Some(FileKind::Applications));
        let sus = headers(&["POSTCODE OF USUAL ADDRESS", "SITE CODE (OF TREATMENT)", "CONSULTATION MEDIUM USED"]);
        assert_eq!(classify(&sus).kind, Some(FileKind::Appointments));
        let sites = headers(&["site_code", "site_name", "postcode", "easting", "northing", "icb_code"]);
        assert_eq!(classify(&sites).kind, Some(FileKind::Sites));
        let lookup = headers(&["lsoa21_name", "lsoa21_code", "icb24_name", "icb24_code"]);
        assert_eq!(classify(&lookup).kind, Some(FileKind::Lookup));
        let population =
            headers(&["LSOA code (2011)", "Local Authority District code (2019)", "Working age population 18-59/64"]);
        assert_eq!(classify(&population).kind, Some(FileKind::Population));
    }

    #[test]
    fn ties_are_ambiguous_and_nothing_is_none() {
        let both = classify(&headers(&["postcode", "band"]));
        assert_eq!(both.kind, Some(FileKind::Staff));
        assert_eq!(both.ambiguous_with, vec![FileKind::Vacancies]);
        assert_eq!(classify(&headers(&["colour", "size"])).kind, None);
    }

    #[test]
    fn settings_name_every_role_and_repeat_no_key() {
        let columns = assign_roles(FileKind::Staff, &headers(&["Home Postcode", "Pay Band", "Notes"]));
        let lines = setting_lines(FileKind::Staff, &columns, &mut Vec::new());
        assert_eq!(lines[0].line, r#"staff_columns = { postcode = "Home Postcode", band = "Pay Band" }"#);
        let text = settings_text(&[lines[0].clone(), lines[0].clone()]);
        assert_eq!(text.matches("\nstaff_columns").count(), 1, "{text}");
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["gaps"]["staff_columns"]["band"].as_str(), Some("Pay Band"));
    }
}
