//! The house's floors, checked from the code: every `crate::` path in `src/` (outside `#[cfg(test)]`)
//! names a module on a lower floor of ARCHITECTURE.md's list, so there is no import cycle and no
//! arrow back up. The list is read from ARCHITECTURE.md itself, so the page and the check agree.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The floors as ARCHITECTURE.md states them: lines `N. \`a\`, \`b\`: ...` under "## Floors".
fn floors() -> BTreeMap<String, usize> {
    let page = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap();
    let section = page.split("## Floors").nth(1).expect("ARCHITECTURE.md has a '## Floors' section");
    let mut floors = BTreeMap::new();
    for line in section.lines().take_while(|l| !l.starts_with("## ")) {
        let Some((number, rest)) = line.split_once(". ") else { continue };
        let Ok(floor) = number.trim().parse::<usize>() else { continue };
        let names = rest.split(':').next().unwrap_or_default();
        for name in names.split(',').map(|n| n.trim().trim_matches('`')).filter(|n| !n.is_empty()) {
            floors.insert(name.trim_end_matches('/').trim_end_matches(".rs").to_string(), floor);
        }
    }
    floors
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The top-level modules a source file names through `crate::` (its tests left out).
fn imports(source: &str) -> BTreeSet<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let mut names = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let preceded_by_ident = code[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
        if preceded_by_ident {
            continue; // `anchormap::…` in a doc example is not this crate's `crate::`
        }
        let rest = &code[i + "crate::".len()..];
        let group = rest.strip_prefix('{').map(|g| g.split('}').next().unwrap_or_default());
        let heads: Vec<&str> = match group {
            Some(group) => group.split(',').map(str::trim).collect(),
            None => vec![rest],
        };
        for head in heads {
            let name: String = head.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
            if !name.is_empty() {
                names.insert(name);
            }
        }
    }
    names
}

#[test]
fn every_import_goes_down_a_floor() {
    let floors = floors();
    assert!(floors.len() >= 10, "ARCHITECTURE.md's floors were not read: {floors:?}");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let module = relative.iter().next().unwrap().to_string_lossy().trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(&floor) = floors.get(&module) else {
            wrong.push(format!("src/{} is in no floor of ARCHITECTURE.md", relative.display()));
            continue;
        };
        for name in imports(&std::fs::read_to_string(file).unwrap()) {
            if name == module || name == "Result" || name == "Error" {
                continue; // `crate::Result`/`crate::Error` are the error module's, re-exported at the root
            }
            match floors.get(&name) {
                Some(&other) if other < floor => {}
                Some(&other) => wrong.push(format!(
                    "src/{} ({module}, floor {floor}) imports {name} (floor {other})",
                    relative.display()
                )),
                None => wrong.push(format!("src/{} imports {name}, which is in no floor", relative.display())),
            }
        }
    }
    assert!(wrong.is_empty(), "imports that do not go down a floor:\n{}", wrong.join("\n"));
}

#[test]
fn imports_are_read_from_paths_and_groups() {
    let names = imports("use crate::io::CsvInput;\nuse crate::{error, spatial::Shape};\n/// anchormap::gaps::run\n#[cfg(test)]\nuse crate::cmd;");
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["error", "io", "spatial"]);
}
