//! A network's tables gathered: each table of the pool and the partners in one, an `employer` column first; the workbook with a sheet per employer.

use crate::gaps::Shared;
use crate::output::table::Table;
use crate::run::RunContext;

use super::{Gathered, POOL};

/// The tables every folder wrote with the same columns, each gathered into one file of the same
/// name in the network's folder (the pool's rows first, `employer` "All employers"); their names.
/// The partners `without_applications` have no funnel tables: those are gathered without them
/// (absent, never rows of zeros).
pub(crate) fn write_combined(
    run: &RunContext,
    gathered: &Gathered,
    without_applications: &[String],
) -> anyhow::Result<Vec<String>> {
    let Some((_, pool)) = gathered.first() else { return Ok(Vec::new()) };
    let mut written = Vec::new();
    for (name, first) in pool {
        if !name.ends_with(".csv") {
            continue;
        }
        let tables: Vec<(&str, &Table)> = gathered
            .iter()
            .filter_map(|(employer, tables)| {
                tables
                    .iter()
                    .find(|(n, t)| n == name && t.headers == first.headers)
                    .map(|(_, t)| (employer.as_str(), t))
            })
            .collect();
        let absent = if name.starts_with("funnel_") {
            gathered.iter().filter(|(employer, _)| without_applications.contains(employer)).count()
        } else {
            0
        };
        if tables.len() + absent < gathered.len() {
            continue;
        }
        run.write_table(name, &combined(&tables))?;
        written.push(name.clone());
    }
    Ok(written)
}

/// One table of several, each row headed by its employer.
pub fn combined(tables: &[(&str, &Table)]) -> Table {
    let Some((_, first)) = tables.first() else { return Table::new(&["employer"]) };
    let mut columns = vec![("employer".to_string(), crate::output::schema::Kind::Text)];
    columns.extend(first.headers.iter().cloned().zip(first.kinds.iter().copied()));
    let mut table = Table::with_kinds(&columns);
    for (employer, t) in tables {
        for row in &t.rows {
            let mut cells = vec![employer.to_string()];
            cells.extend(row.iter().cloned());
            table.push(cells);
        }
    }
    table
}

/// `network.xlsx`: a sheet per employer and one for the pool (each its staff against the
/// community by decile), then every gathered table; its file name.
pub(crate) fn write_workbook(run: &RunContext, gathered: &Gathered, shared: &Shared) -> anyhow::Result<String> {
    let name = "network.xlsx";
    let by_decile: Vec<(String, &Table)> = gathered
        .iter()
        .filter_map(|(employer, tables)| {
            let (_, t) = tables.iter().find(|(n, _)| n == "gaps_by_decile.csv")?;
            Some((sheet(employer), t))
        })
        .collect();
    let community = shared.community_name.as_deref().unwrap_or(&shared.community.description);
    let notes = [
        format!("Community: {community}."),
        format!("One sheet per employer and one for the pool ({POOL}): staff against the community by decile."),
    ];
    let mut sheets = dedup_names(by_decile);
    let written = run.take_written();
    for (file, table) in &written {
        sheets.push((crate::output::workbook::sheet_name(file, "gaps"), table));
    }
    let mut all_notes =
        crate::output::workbook::notes("An anchor network's staff against its community", &run.disclosure);
    all_notes.extend(notes);
    let facts = &run.areas.facts;
    if !crate::gaps::published::other_nations(facts, |i| shared.community.contains(i)).is_empty() {
        all_notes.push(crate::gaps::NATIONS_NOT_POOLED.to_string());
    }
    crate::output::workbook::write(&run.out().join(name), &dedup_names(sheets), &all_notes)?;
    Ok(name.to_string())
}

/// A sheet name from an employer's: at most 31 characters, none of those Excel refuses.
fn sheet(employer: &str) -> String {
    employer.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect()
}

/// Sheet names made unique (a number added to a repeated one).
fn dedup_names<'a>(sheets: Vec<(String, &'a Table)>) -> Vec<(String, &'a Table)> {
    let mut seen = std::collections::BTreeSet::new();
    sheets
        .into_iter()
        .map(|(name, t)| {
            let mut unique = name.clone();
            let mut n = 2;
            while !seen.insert(unique.to_lowercase()) {
                let suffix = format!(" {n}");
                unique = name.chars().take(31 - suffix.len()).collect::<String>() + &suffix;
                n += 1;
            }
            (unique, t)
        })
        .collect()
}
