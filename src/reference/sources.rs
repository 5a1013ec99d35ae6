//! The list of official reference files (`data/reference_sources.toml`): sets, files, where they come from and their pinned checksums; and which files make up a set from a given source.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Location, Result};

/// The list built into the binary.
pub const BUILT_IN: &str = include_str!("../../data/reference_sources.toml");

/// What a set needs, in the order the settings file lists them.
pub const ROLES: [&str; 4] = ["postcodes", "boundaries", "deprivation", "population"];
/// What a set may have besides, fetched where the source has it: the Census 2021 travel and economic
/// activity tables and the LSOA 2011 → 2021 lookup; the Census 2021 ethnic group, sex and age tables
/// (options of `gaps`); the MSOA and ward lookups with the MSOA names.
pub const OPTIONAL_ROLES: [&str; 10] = [
    "car_availability",
    "travel_to_work",
    "area_bridge",
    "economic_activity",
    "msoa_lookup",
    "msoa_names",
    "ward_lookup",
    "ethnic_group_population",
    "sex_population",
    "age_population",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sources {
    #[serde(rename = "set")]
    pub sets: Vec<Set>,
    #[serde(rename = "file")]
    pub files: Vec<SourceFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Set {
    pub name: String,
    pub title: String,
    pub page: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    /// The file's name, in the fetched folder and in a mirror.
    pub name: String,
    pub roles: Vec<String>,
    pub sets: Vec<String>,
    pub title: String,
    pub release: Option<String>,
    pub publisher: Option<String>,
    pub licence: Option<String>,
    /// A plain download.
    pub url: Option<String>,
    /// An ArcGIS feature service query, fetched in pages.
    pub service: Option<String>,
    /// With `service`: the fields to ask for.
    pub fields: Option<String>,
    /// With `service`: how many features there are.
    pub features: Option<u64>,
    pub bytes: Option<u64>,
    pub sha256: Option<String>,
}

/// Where files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The publishers' own locations (`url` or `service`).
    Publishers,
    /// A local folder holding files under their names.
    Folder(PathBuf),
    /// A web folder holding files under their names.
    WebFolder(String),
}

impl Origin {
    pub fn parse(text: &str) -> Origin {
        if text.starts_with("http://") || text.starts_with("https://") {
            Origin::WebFolder(text.trim_end_matches('/').to_string())
        } else {
            Origin::Folder(PathBuf::from(text))
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Publishers => write!(f, "the publishers"),
            Origin::Folder(dir) => write!(f, "{}", dir.display()),
            Origin::WebFolder(url) => write!(f, "{url}"),
        }
    }
}

impl Sources {
    pub fn built_in() -> Sources {
        Sources::parse(BUILT_IN, Path::new("data/reference_sources.toml")).expect("the built-in source list parses")
    }

    pub fn read(path: &Path) -> Result<Sources> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Sources::parse(&text, path)
    }

    fn parse(text: &str, path: &Path) -> Result<Sources> {
        let sources: Sources = toml::from_str(text).map_err(|err| {
            let at = err.span().map_or_else(|| Location::file(path), |s| Location::at_offset(path, text, s.start));
            Error::invalid(at, err.message().replace('\n', " ").trim().to_string())
        })?;
        let invalid = |message: String| Error::invalid(Location::file(path), message);
        if sources.sets.is_empty() {
            return Err(invalid("lists no [[set]]; fetch needs at least one set to fetch".into()));
        }
        if sources.files.is_empty() {
            return Err(invalid("lists no [[file]]; fetch needs the files of each set".into()));
        }
        for (i, set) in sources.sets.iter().enumerate() {
            if set.name.trim().is_empty() {
                return Err(invalid(format!("set {} has an empty name", i + 1)));
            }
            if sources.sets[..i].iter().any(|s| s.name == set.name) {
                return Err(invalid(format!("the set '{}' is listed twice", set.name)));
            }
        }
        for file in &sources.files {
            check_file_name(&file.name).map_err(|why| invalid(format!("file name '{}' {why}", file.name)))?;
            if file.roles.is_empty() || file.sets.is_empty() {
                return Err(invalid(format!("{}: needs at least one role and one set", file.name)));
            }
            if let Some(role) =
                file.roles.iter().find(|r| !ROLES.contains(&r.as_str()) && !OPTIONAL_ROLES.contains(&r.as_str()))
            {
                return Err(Error::invalid(Location::file(path), format!("{}: unknown role '{role}'", file.name)));
            }
            if let Some(set) = file.sets.iter().find(|s| !sources.sets.iter().any(|x| &x.name == *s)) {
                return Err(Error::invalid(Location::file(path), format!("{}: unknown set '{set}'", file.name)));
            }
        }
        Ok(sources)
    }

    pub fn set(&self, name: &str) -> Result<&Set> {
        self.sets.iter().find(|s| s.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.sets.iter().map(|s| s.name.as_str()).collect();
            Error::invalid(
                Location::file(Path::new("--set")),
                format!("no set '{name}'; the sets are {}", names.join(", ")),
            )
        })
    }

    /// The files of `set` to fetch from a source that has the files `available` says it has:
    /// for each role, the first file that serves it (optional roles where one does). Err names the
    /// required roles no file serves.
    pub fn plan<'a>(
        &'a self,
        set: &str,
        available: impl Fn(&SourceFile) -> bool,
    ) -> std::result::Result<Vec<&'a SourceFile>, Vec<&'static str>> {
        let mut chosen: Vec<&SourceFile> = Vec::new();
        let mut missing = Vec::new();
        for role in ROLES {
            if chosen.iter().any(|f| f.roles.iter().any(|r| r == role)) {
                continue;
            }
            match self
                .files
                .iter()
                .find(|f| f.sets.iter().any(|s| s == set) && f.roles.iter().any(|r| r == role) && available(f))
            {
                Some(file) => chosen.push(file),
                None => missing.push(role),
            }
        }
        for role in OPTIONAL_ROLES {
            let serves = |f: &&SourceFile| f.roles.iter().any(|r| r == role);
            if chosen.iter().any(serves) {
                continue;
            }
            if let Some(file) =
                self.files.iter().filter(serves).find(|f| f.sets.iter().any(|s| s == set) && available(f))
            {
                chosen.push(file);
            }
        }
        if missing.is_empty() {
            Ok(chosen)
        } else {
            Err(missing)
        }
    }
}

/// A file name fetch may write: one plain name inside the fetch folder, never a path.
///
/// ```
/// use anchormap::reference::sources::check_file_name;
/// assert!(check_file_name("codepo_gb.zip").is_ok());
/// assert!(check_file_name("../../.bashrc").is_err());
/// assert!(check_file_name("/etc/passwd").is_err());
/// assert!(check_file_name("Data\\x.csv").is_err());
/// ```
pub fn check_file_name(name: &str) -> std::result::Result<(), &'static str> {
    let mut components = Path::new(name).components();
    let plain = matches!((components.next(), components.next()), (Some(std::path::Component::Normal(_)), None));
    if name.is_empty() || name.trim() != name {
        Err("is empty or has spaces around it")
    } else if !plain || name.contains(['/', '\\', ':']) || name.starts_with('.') {
        Err("is not a plain file name (no folders, '..', absolute paths or leading dots): fetch writes only inside its folder")
    } else if name.chars().any(char::is_control) {
        Err("has control characters")
    } else {
        Ok(())
    }
}

impl SourceFile {
    /// Whether the publishers' location is known.
    pub fn from_publishers(&self) -> bool {
        self.url.is_some() || self.service.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_list_plans_each_set_from_the_publishers() {
        let sources = Sources::built_in();
        for set in &sources.sets {
            let plan = sources.plan(&set.name, SourceFile::from_publishers).expect("every role has a public location");
            let roles: Vec<&str> = plan.iter().flat_map(|f| f.roles.iter().map(String::as_str)).collect();
            for role in ROLES {
                assert!(roles.contains(&role), "{}: {role}", set.name);
            }
        }
    }

    #[test]
    fn issue_11_odd_source_lists_are_refused_not_panics() {
        let file = |name: &str| {
            format!("[[set]]\nname = \"a\"\ntitle = \"A\"\n[[file]]\nname = {name:?}\nroles = [\"postcodes\"]\nsets = [\"a\"]\ntitle = \"t\"\nurl = \"https://x\"\n")
        };
        assert!(Sources::parse(&file("codepo_gb.zip"), Path::new("s.toml")).is_ok());
        for name in ["../evil.zip", "/tmp/evil.zip", "sub/evil.zip", "..", ".hidden", "", "a\\b.zip", "C:evil"] {
            let err = Sources::parse(&file(name), Path::new("s.toml")).unwrap_err().to_string();
            assert!(err.starts_with("s.toml: file name"), "{name}: {err}");
        }
        let err = Sources::parse("set = []\nfile = []\n", Path::new("s.toml")).unwrap_err().to_string();
        assert!(err.contains("lists no [[set]]"), "{err}");
    }

    #[test]
    fn a_mirror_without_file_7_uses_files_1_and_6() {
        let sources = Sources::built_in();
        let has = [
            "codepo_gb.zip",
            "LSOA_2011_EW_BSC.geojson",
            "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv",
            "File_6_-_IoD2019_Population_Denominators.csv",
        ];
        let plan = sources.plan("iod2019", |f| has.contains(&f.name.as_str())).unwrap();
        let names: Vec<&str> = plan.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, has);
        assert_eq!(
            sources.plan("iod2025", |f| has.contains(&f.name.as_str())).unwrap_err(),
            ["boundaries", "deprivation", "population"]
        );
    }
}
