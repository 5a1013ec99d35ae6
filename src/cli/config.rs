//! Settings from files — the project's `anchormap.toml` and the reference data `fetch` recorded — turned into command-line options, which flags then override.
//!
//! A settings file is TOML. Each table is either a subcommand (`[gaps]`, `[emissions]`, …),
//! whose keys are that subcommand's long options, or a shared table (`[reference]`,
//! `[inputs]`, `[community]`, `[disclosure]`, `[travel]`, `[output]`), whose keys apply to every
//! subcommand that has the option. Values: a string or number is the option's value; `true`
//! sets a flag; a list repeats the option; a table is a column map (`{ postcode = "Home
//! Postcode" }` is `postcode=Home Postcode`). Relative paths are relative to the file.
//!
//! `[values.ROLE]` tables say what the values of a coded column mean (`"Interviewed -
//! Unsuccessful" = "shortlisted"`); each entry becomes `--value-meaning ROLE:VALUE=MEANING` for every
//! command that reads values, entries of all files together (a `--values ROLE=FILE` map wins).
//!
//! Precedence, lowest first: the reference data recorded by `anchormap fetch` (its
//! `reference.toml`), then `anchormap.toml` (shared tables, then the subcommand's table), then
//! the command line. An option given on the command line replaces the file's value whole, lists
//! included.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clap::builder::ValueHint;
use clap::{ArgAction, CommandFactory};
use toml::Spanned;

use crate::error::{Error, Location, Result};

/// The project file read from the current folder when `--config` is not given.
pub const PROJECT_FILE: &str = "anchormap.toml";
/// The options of this run whose file came from the fetched reference set (`reference.toml`),
/// named neither on the command line nor in the project file (set once, by [`expand_args`]).
static FROM_REFERENCE_SET: OnceLock<BTreeSet<String>> = OnceLock::new();

/// Whether the file of `--LONG` (e.g. `msoa-lookup`) came from the fetched reference set rather
/// than from the user, so that a run may leave out an optional one that does not fit its
/// boundaries (with a note); a file the user named always stops the run on a mismatch.
pub fn from_reference_set(long: &str) -> bool {
    FROM_REFERENCE_SET.get().is_some_and(|options| options.contains(long))
}

/// The file `fetch` writes beside the data it fetched: a `[reference]` table.
pub const REFERENCE_FILE: &str = "reference.toml";
/// Tables whose keys apply to every subcommand that has the option.
const SHARED_TABLES: [&str; 6] = ["reference", "inputs", "community", "disclosure", "travel", "output"];
/// `[values.ROLE]` tables: what the values of a coded column mean, for every command that reads them.
const VALUES_TABLE: &str = "values";
/// The option a `[values.ROLE]` entry becomes.
const VALUE_OPTION: &str = "value-meaning";

/// Where anchormap keeps fetched reference data: `$ANCHORMAP_HOME`; else, on Windows,
/// `%LOCALAPPDATA%\anchormap`; elsewhere `$XDG_DATA_HOME/anchormap`, else `~/.local/share/anchormap`.
pub fn home() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(home) = var("ANCHORMAP_HOME") {
        return Some(home);
    }
    if cfg!(windows) {
        return var("LOCALAPPDATA").map(|data| data.join("anchormap"));
    }
    if let Some(data) = var("XDG_DATA_HOME") {
        return Some(data.join("anchormap"));
    }
    var("HOME").map(|home| home.join(".local").join("share").join("anchormap"))
}

/// The default reference set: written by `fetch` when it fetches into its default folder.
pub fn default_reference_file() -> Option<PathBuf> {
    home().map(|h| h.join(REFERENCE_FILE))
}

/// One setting: the option's values (none for a flag), relative paths already resolved.
#[derive(Debug, Clone)]
struct Setting {
    values: Vec<String>,
}

/// The settings for one subcommand, by long option name.
type Settings = BTreeMap<String, Setting>;

/// A parsed settings file: table name → key → value, with positions for error messages.
type Tables = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<toml::Value>>>;

/// What the command line says before clap reads it: the subcommand and the options given after it.
struct Invocation {
    /// Index of the subcommand in the arguments.
    position: usize,
    subcommand: String,
    config: Option<PathBuf>,
}

/// The command line clap should parse: `args` with the settings files' options inserted after the subcommand.
pub fn expand_args(args: Vec<OsString>) -> Result<Vec<OsString>> {
    let Some(invocation) = find_subcommand(&args) else { return Ok(args) };
    let command = super::Cli::command();
    let Some(sub) = command.find_subcommand(&invocation.subcommand) else { return Ok(args) };
    let options = Options::of(sub);
    let (files, reference_files) = settings_files(&invocation)?;
    let settings = settings_of(&files, &invocation.subcommand, &options)?;
    let reference = settings_of(&files[..reference_files], &invocation.subcommand, &options)?;
    let project = settings_of(&files[reference_files..], &invocation.subcommand, &options)?;
    let given = options.given(&args[invocation.position + 1..]);
    let defaulted = reference.into_keys().filter(|long| !project.contains_key(long) && !given.contains(long));
    let _ = FROM_REFERENCE_SET.set(defaulted.collect());
    Ok(insert_settings(&args, invocation.position, &options, &settings))
}

/// The settings files that apply, lowest precedence first: the reference set named in the
/// project file (else the one fetched by default), then the project file; and how many of them
/// (0 or 1, first) are the reference set.
fn settings_files(invocation: &Invocation) -> Result<(Vec<SettingsFile>, usize)> {
    let project = match &invocation.config {
        Some(path) => Some(SettingsFile::read(path)?),
        None => {
            let path = PathBuf::from(PROJECT_FILE);
            path.is_file().then(|| SettingsFile::read(&path)).transpose()?
        }
    };
    let reference_dir = match &project {
        Some(file) => file.reference_dir()?,
        None => None,
    };
    let reference_file = match reference_dir {
        Some(dir) => Some(dir.join(REFERENCE_FILE)),
        None => default_reference_file().filter(|p| p.is_file()),
    };
    let reference = reference_file.map(|path| SettingsFile::read(&path)).transpose()?;
    let count = usize::from(reference.is_some());
    Ok((reference.into_iter().chain(project).collect(), count))
}

/// The settings of `files` for `subcommand`, a later file overriding an earlier one.
fn settings_of(files: &[SettingsFile], subcommand: &str, options: &Options) -> Result<Settings> {
    let mut settings = Settings::new();
    for file in files {
        file.apply(subcommand, options, &mut settings)?;
    }
    Ok(settings)
}

/// `args` with each setting not given on the command line inserted after the subcommand.
fn insert_settings(args: &[OsString], position: usize, options: &Options, settings: &Settings) -> Vec<OsString> {
    let given = options.given(&args[position + 1..]);
    let mut expanded: Vec<OsString> = args[..=position].to_vec();
    for (long, setting) in settings {
        if given.contains(long) {
            continue;
        }
        if setting.values.is_empty() {
            expanded.push(format!("--{long}").into());
        }
        for value in &setting.values {
            // One token, so that a value starting with '-' is not read as an option.
            expanded.push(format!("--{long}={value}").into());
        }
    }
    expanded.extend_from_slice(&args[position + 1..]);
    expanded
}

fn find_subcommand(args: &[OsString]) -> Option<Invocation> {
    let mut config = None;
    let mut position = None;
    let mut i = 1;
    while i < args.len() {
        let text = args[i].to_str().unwrap_or_default();
        if text == "--" {
            break;
        }
        if text == "--config" {
            config = args.get(i + 1).map(PathBuf::from);
            i += 2;
            continue;
        }
        if let Some(path) = text.strip_prefix("--config=") {
            config = Some(PathBuf::from(path));
        } else if position.is_none() {
            if text.starts_with('-') {
                return None; // --help, --version, or an unknown option: clap answers.
            }
            position = Some(i);
        }
        i += 1;
    }
    let position = position?;
    Some(Invocation { position, subcommand: args[position].to_str()?.to_string(), config })
}

/// A subcommand's options as clap declares them.
struct Options {
    /// Long name → (takes a value, is a path, short name).
    by_long: BTreeMap<String, OptionInfo>,
}

#[derive(Clone, Copy)]
struct OptionInfo {
    takes_value: bool,
    is_path: bool,
    short: Option<char>,
}

impl Options {
    fn of(sub: &clap::Command) -> Options {
        let by_long = sub
            .get_arguments()
            .filter_map(|arg| {
                let long = arg.get_long()?;
                let takes_value =
                    !matches!(arg.get_action(), ArgAction::SetTrue | ArgAction::SetFalse | ArgAction::Count);
                let is_path =
                    matches!(arg.get_value_hint(), ValueHint::AnyPath | ValueHint::FilePath | ValueHint::DirPath);
                Some((long.to_string(), OptionInfo { takes_value, is_path, short: arg.get_short() }))
            })
            .filter(|(long, _)| !matches!(long.as_str(), "help" | "version" | "config"))
            .collect();
        Options { by_long }
    }

    /// The long names of the options given in these arguments.
    fn given(&self, args: &[OsString]) -> Vec<String> {
        let mut given = Vec::new();
        for arg in args.iter().filter_map(|a| a.to_str()) {
            if arg == "--" {
                break;
            }
            if let Some(long) = arg.strip_prefix("--") {
                given.push(long.split('=').next().unwrap_or(long).to_string());
            } else if let Some(shorts) =
                arg.strip_prefix('-').filter(|s| !s.is_empty() && !s.starts_with(|c: char| c.is_ascii_digit()))
            {
                for c in shorts.chars() {
                    let Some((long, info)) = self.by_long.iter().find(|(_, info)| info.short == Some(c)) else { break };
                    given.push(long.clone());
                    if info.takes_value {
                        break; // the rest of the token is the value
                    }
                }
            }
        }
        given
    }
}

/// A settings file read and parsed.
struct SettingsFile {
    path: PathBuf,
    text: String,
    tables: Tables,
}

impl SettingsFile {
    fn read(path: &Path) -> Result<SettingsFile> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        SettingsFile::parse(path, text)
    }

    /// The file's text parsed; `path` names it in errors and anchors its relative paths.
    fn parse(path: &Path, text: String) -> Result<SettingsFile> {
        let tables: Tables = toml::from_str(&text).map_err(|err| {
            let at =
                err.span().map_or_else(|| Location::file(path), |span| Location::at_offset(path, &text, span.start));
            Error::invalid(at, err.message().replace('\n', " ").trim().to_string())
        })?;
        Ok(SettingsFile { path: path.to_path_buf(), text, tables })
    }

    fn at(&self, offset: usize) -> Location {
        Location::at_offset(&self.path, &self.text, offset)
    }

    fn folder(&self) -> &Path {
        self.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
    }

    /// `[reference] dir = "…"`: a folder written by `anchormap fetch`.
    fn reference_dir(&self) -> Result<Option<PathBuf>> {
        let Some((_, table)) = self.tables.iter().find(|(name, _)| name.get_ref() == "reference") else {
            return Ok(None);
        };
        let Some((_, value)) = table.iter().find(|(key, _)| key.get_ref() == "dir") else { return Ok(None) };
        match value.get_ref() {
            toml::Value::String(dir) => {
                let dir = self.folder().join(dir);
                if !dir.join(REFERENCE_FILE).is_file() {
                    return Err(Error::invalid(
                        self.at(value.span().start),
                        format!(
                            "{} has no {REFERENCE_FILE}; fetch into it first (anchormap fetch --dir {})",
                            dir.display(),
                            dir.display()
                        ),
                    ));
                }
                Ok(Some(dir))
            }
            _ => Err(Error::invalid(self.at(value.span().start), "'dir' is a folder name in quotes")),
        }
    }

    /// Adds this file's settings for `subcommand` (shared tables first, then its own table),
    /// checking every table's keys, so that a mistyped option is reported whichever command runs.
    fn apply(&self, subcommand: &str, options: &Options, settings: &mut Settings) -> Result<()> {
        let command = super::Cli::command();
        let all_options = all_long_options();
        let mut shared = Vec::new();
        let mut own = Vec::new();
        let mut value_entries = Vec::new();
        for (name, table) in &self.tables {
            let name_text = name.get_ref().as_str();
            if name_text == VALUES_TABLE {
                value_entries.extend(self.value_entries(table)?);
            } else if SHARED_TABLES.contains(&name_text) {
                for key in table.keys() {
                    let long = key.get_ref().replace('_', "-");
                    if long != "dir" && !all_options.contains(&long) {
                        return Err(self.unknown_option(key, "no command has"));
                    }
                }
                shared.push(table);
            } else if let Some(sub) = command.find_subcommand(name_text) {
                let known = Options::of(sub);
                for key in table.keys() {
                    if !known.by_long.contains_key(&key.get_ref().replace('_', "-")) {
                        return Err(self.unknown_option(key, &format!("{name_text} has no")));
                    }
                }
                if name_text == subcommand {
                    own.push(table);
                }
            } else {
                let subcommands: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
                return Err(Error::invalid(
                    self.at(name.span().start),
                    format!(
                        "unknown table [{name_text}]; use a subcommand ({}), [values.ROLE] or one of {}",
                        subcommands.join(", "),
                        SHARED_TABLES.map(|t| format!("[{t}]")).join(", ")
                    ),
                ));
            }
        }
        for (key, value) in shared.iter().flat_map(|t| t.iter()).chain(own.iter().flat_map(|t| t.iter())) {
            let long = key.get_ref().replace('_', "-");
            if let Some(info) = options.by_long.get(&long) {
                set(settings, long, self.setting(value, *info)?);
            }
        }
        if !value_entries.is_empty() && options.by_long.contains_key(VALUE_OPTION) {
            settings
                .entry(VALUE_OPTION.to_string())
                .or_insert(Setting { values: Vec::new() })
                .values
                .extend(value_entries);
        }
        Ok(())
    }

    /// `[values.ROLE]` tables (`"Interviewed - Unsuccessful" = "shortlisted"`) as `--value-meaning
    /// ROLE:VALUE=MEANING` entries, every role and meaning checked (a usage error at its line).
    fn value_entries(&self, table: &BTreeMap<Spanned<String>, Spanned<toml::Value>>) -> Result<Vec<String>> {
        use crate::input::value_maps::ValueRole;
        let mut entries = Vec::new();
        for (role_name, map) in table {
            let at = |offset: usize| self.at(offset).to_string();
            let Some(role) = ValueRole::parse(role_name.get_ref()) else {
                let roles = ValueRole::ALL.map(ValueRole::name).join(", ");
                return Err(Error::usage(format!(
                    "{}: [values.{}] is not a role of values ({roles})",
                    at(role_name.span().start),
                    role_name.get_ref()
                )));
            };
            let toml::Value::Table(pairs) = map.get_ref() else {
                return Err(Error::usage(format!(
                    "{}: [values.{}] is a table of \"value\" = \"meaning\"",
                    at(map.span().start),
                    role.name()
                )));
            };
            for (value, meaning) in pairs {
                let line = self.line_of(value, map.span().start);
                let meaning = meaning.as_str().and_then(|m| role.meaning(m)).ok_or_else(|| {
                    Error::usage(format!(
                        "{}: [values.{}] \"{value}\": the meaning is one of {}",
                        Location::line(&self.path, line),
                        role.name(),
                        role.meanings().join(", ")
                    ))
                })?;
                entries.push(format!("{}:{value}={meaning}", role.name()));
            }
        }
        Ok(entries)
    }

    /// The line of a `[values.ROLE]` key, searched from the table's start (the TOML parser keeps
    /// no position for keys inside a table value).
    fn line_of(&self, key: &str, from: usize) -> u64 {
        let quoted = toml::Value::String(key.to_string()).to_string();
        let start = from.min(self.text.len());
        let found = self.text.get(start..).and_then(|rest| rest.find(&quoted).or_else(|| rest.find(key)));
        let offset = found.map_or(start, |i| start + i);
        self.text.get(..offset).unwrap_or_default().matches('\n').count() as u64 + 1
    }

    /// `who`: "gaps has no" or "no command has".
    fn unknown_option(&self, key: &Spanned<String>, who: &str) -> Error {
        Error::invalid(
            self.at(key.span().start),
            format!("{who} option --{} (see anchormap help)", key.get_ref().replace('_', "-")),
        )
    }

    /// The option's values; `None` for a flag set to false (which clears a lower file's `true`).
    fn setting(&self, value: &Spanned<toml::Value>, info: OptionInfo) -> Result<Option<Setting>> {
        let at = || self.at(value.span().start);
        let one = |v: &toml::Value| -> Result<String> {
            let text = match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Float(x) => x.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Datetime(d) => d.to_string(),
                toml::Value::Table(t) => t
                    .iter()
                    .map(|(k, v)| match v {
                        toml::Value::String(s) => Ok(format!("{k}={s}")),
                        _ => Err(Error::invalid(at(), format!("column '{k}': the header is text in quotes"))),
                    })
                    .collect::<Result<Vec<_>>>()?
                    .join(","),
                toml::Value::Array(_) => return Err(Error::invalid(at(), "lists inside lists are not options")),
            };
            Ok(if info.is_path && text != "-" {
                self.folder().join(&text).to_string_lossy().into_owned()
            } else {
                text
            })
        };
        match value.get_ref() {
            toml::Value::Boolean(flag) if !info.takes_value => Ok(flag.then(|| Setting { values: Vec::new() })),
            _ if !info.takes_value => Err(Error::invalid(at(), "this option is a flag: write true or false")),
            toml::Value::Array(items) => Ok(Some(Setting { values: items.iter().map(one).collect::<Result<_>>()? })),
            other => Ok(Some(Setting { values: vec![one(other)?] })),
        }
    }
}

fn set(settings: &mut Settings, long: String, setting: Option<Setting>) {
    match setting {
        Some(setting) => settings.insert(long, setting),
        None => settings.remove(&long),
    };
}

/// Every long option of every subcommand.
fn all_long_options() -> Vec<String> {
    super::Cli::command()
        .get_subcommands()
        .flat_map(|sub| sub.get_arguments().filter_map(|a| a.get_long().map(str::to_string)).collect::<Vec<_>>())
        .collect()
}

/// Quotes a path for a settings file.
pub fn toml_string(path: &OsStr) -> String {
    toml::Value::String(path.to_string_lossy().into_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The command line clap would parse for `argv`, given settings files (path, text), lowest
    /// precedence first; nothing is read from disk.
    fn expand(files: &[(&str, &str)], argv: &[&str]) -> Result<Vec<String>> {
        let args: Vec<OsString> =
            std::iter::once("anchormap").chain(argv.iter().copied()).map(OsString::from).collect();
        let invocation = find_subcommand(&args).expect("a subcommand");
        let command = crate::cli::Cli::command();
        let options = Options::of(command.find_subcommand(&invocation.subcommand).expect("a known subcommand"));
        let files: Vec<SettingsFile> = files
            .iter()
            .map(|(path, text)| SettingsFile::parse(Path::new(path), text.to_string()))
            .collect::<Result<_>>()?;
        let settings = settings_of(&files, &invocation.subcommand, &options)?;
        let expanded = insert_settings(&args, invocation.position, &options, &settings);
        Ok(expanded.iter().skip(1).map(|a| a.to_string_lossy().into_owned()).collect())
    }

    fn error(files: &[(&str, &str)], argv: &[&str]) -> String {
        expand(files, argv).expect_err("an error").to_string()
    }

    #[test]
    fn a_subcommand_table_overrides_a_shared_table_and_the_command_line_overrides_both() {
        let project = ("anchormap.toml", "[disclosure]\nmin_count = 5\nround_to = 5\n\n[gaps]\nmin_count = 10\n");
        assert_eq!(expand(&[project], &["gaps"]).unwrap(), ["gaps", "--min-count=10", "--round-to=5"]);
        assert_eq!(
            expand(&[project], &["gaps", "--min-count", "3"]).unwrap(),
            ["gaps", "--round-to=5", "--min-count", "3"]
        );
        assert_eq!(expand(&[project], &["gaps", "--min-count=3"]).unwrap(), ["gaps", "--round-to=5", "--min-count=3"]);
    }

    #[test]
    fn the_project_file_overrides_the_reference_file() {
        let reference = ("/data/reference.toml", "[disclosure]\nmin_count = 5\nround_to = 5\n");
        let project = ("anchormap.toml", "[disclosure]\nmin_count = 8\n");
        assert_eq!(expand(&[reference, project], &["gaps"]).unwrap(), ["gaps", "--min-count=8", "--round-to=5"]);
    }

    #[test]
    fn an_option_on_the_command_line_replaces_a_list_whole() {
        let project = ("anchormap.toml", "[map]\nattribution = [\"A\", \"B\"]\n");
        assert_eq!(expand(&[project], &["map"]).unwrap(), ["map", "--attribution=A", "--attribution=B"]);
        assert_eq!(expand(&[project], &["map", "--attribution", "C"]).unwrap(), ["map", "--attribution", "C"]);
    }

    #[test]
    fn relative_paths_are_relative_to_the_file_and_other_values_are_not() {
        let project = (
            "/project/anchormap.toml",
            "[gaps]\nstaff = \"extracts/staff.csv\"\nout = \"-\"\n\n[map]\ntitle = \"a/b\"\n",
        );
        assert_eq!(expand(&[project], &["gaps"]).unwrap(), ["gaps", "--out=-", "--staff=/project/extracts/staff.csv"]);
        assert_eq!(expand(&[project], &["map"]).unwrap(), ["map", "--title=a/b"]);
        let absolute = ("/project/anchormap.toml", "[gaps]\nstaff = \"/extracts/staff.csv\"\n");
        assert_eq!(expand(&[absolute], &["gaps"]).unwrap(), ["gaps", "--staff=/extracts/staff.csv"]);
        let here = ("anchormap.toml", "[gaps]\nstaff = \"staff.csv\"\n");
        assert_eq!(expand(&[here], &["gaps"]).unwrap(), ["gaps", "--staff=./staff.csv"]);
    }

    #[test]
    fn a_value_starting_with_a_dash_stays_one_token() {
        let project = ("anchormap.toml", "[map]\ncentre = -1.5\ntitle = \"-x\"\n");
        assert_eq!(expand(&[project], &["map"]).unwrap(), ["map", "--centre=-1.5", "--title=-x"]);
    }

    #[test]
    fn true_sets_a_flag_and_false_clears_a_lower_files_true() {
        let reference = ("/data/reference.toml", "[gaps]\nquiet = true\n");
        assert_eq!(expand(&[reference], &["gaps"]).unwrap(), ["gaps", "--quiet"]);
        assert_eq!(expand(&[reference], &["gaps", "-q"]).unwrap(), ["gaps", "-q"]);
        let project = ("anchormap.toml", "[gaps]\nquiet = false\n");
        assert_eq!(expand(&[reference, project], &["gaps"]).unwrap(), ["gaps"]);
        let wrong = ("anchormap.toml", "[gaps]\nquiet = \"yes\"\n");
        assert_eq!(
            error(&[wrong], &["gaps"]),
            "anchormap.toml, line 2, column 9: this option is a flag: write true or false"
        );
    }

    #[test]
    fn a_table_is_a_column_map() {
        let project =
            ("anchormap.toml", "[gaps]\nstaff_columns = { postcode = \"Home Postcode\", band = \"Grade\" }\n");
        assert_eq!(
            expand(&[project], &["gaps"]).unwrap(),
            ["gaps", "--staff-columns=band=Grade,postcode=Home Postcode"]
        );
        let wrong = ("anchormap.toml", "[gaps]\nstaff_columns = { postcode = 3 }\n");
        assert_eq!(
            error(&[wrong], &["gaps"]),
            "anchormap.toml, line 2, column 17: column 'postcode': the header is text in quotes"
        );
    }

    #[test]
    fn an_unknown_key_is_reported_with_its_line_and_column_whichever_command_runs() {
        let project = ("anchormap.toml", "[gaps]\nmin_count = 5\n  staf = \"s.csv\"\n");
        let expected = "anchormap.toml, line 3, column 3: gaps has no option --staf (see anchormap help)";
        assert_eq!(error(&[project], &["gaps"]), expected);
        assert_eq!(error(&[project], &["map"]), expected);
        let shared = ("anchormap.toml", "[inputs]\nstafff = \"s.csv\"\n");
        assert_eq!(
            error(&[shared], &["gaps"]),
            "anchormap.toml, line 2, column 1: no command has option --stafff (see anchormap help)"
        );
        let table = ("anchormap.toml", "\n[gap]\n");
        assert!(error(&[table], &["gaps"]).starts_with("anchormap.toml, line 2, column 2: unknown table [gap]"));
    }

    #[test]
    fn the_subcommand_is_found_after_config_and_not_after_help() {
        let args = |argv: &[&str]| argv.iter().map(OsString::from).collect::<Vec<_>>();
        let found = find_subcommand(&args(&["anchormap", "--config", "x.toml", "gaps", "--staff", "s.csv"])).unwrap();
        assert_eq!((found.position, found.subcommand.as_str()), (3, "gaps"));
        assert_eq!(found.config, Some(PathBuf::from("x.toml")));
        assert!(find_subcommand(&args(&["anchormap", "--help"])).is_none());
    }

    #[test]
    fn values_tables_become_value_entries_checked_at_their_line() {
        let project = (
            "anchormap.toml",
            "[values.status]\n\"Interviewed - Unsuccessful\" = \"shortlisted\"\nPending = \"Applied\"\n",
        );
        assert_eq!(
            expand(&[project], &["funnel"]).unwrap(),
            [
                "funnel",
                "--value-meaning=status:Interviewed - Unsuccessful=shortlisted",
                "--value-meaning=status:Pending=applied"
            ]
        );
        assert_eq!(expand(&[project], &["map"]).unwrap(), ["map"]);
        let wrong = ("anchormap.toml", "[values.status]\nShortlisted = \"applied\"\nPending = \"maybe\"\n");
        let err = expand(&[wrong], &["funnel"]).unwrap_err();
        assert!(matches!(err, Error::Usage(_)));
        assert!(
            err.to_string()
                .starts_with("anchormap.toml, line 3: [values.status] \"Pending\": the meaning is one of applied"),
            "{err}"
        );
        let role = ("anchormap.toml", "[values.colour]\nred = \"applied\"\n");
        assert!(error(&[role], &["funnel"]).contains("[values.colour] is not a role of values"));
    }
}
