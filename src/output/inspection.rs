//! `anchormap inspect`'s report for people: what each file is taken to be, its columns, value profiles and settings, as plain text (never a postcode).

use std::fmt::Write;

use crate::input::inspect::{FileKind, Inspection, LARGER_AREA};
use crate::input::value_profile::{ValueCount, ValueProfile, ValueRule};
use crate::io::format::thousands;

/// The whole report for one file, ending with a blank line.
pub fn render(inspection: &Inspection) -> String {
    let mut out = String::new();
    render_kind(&mut out, inspection);
    render_columns(&mut out, inspection);
    render_profiles(&mut out, inspection);
    if !inspection.settings.is_empty() {
        out.push_str("  anchormap.toml (--write-config FILE writes it):\n");
        let text = crate::input::inspect::settings_text(&inspection.settings);
        for line in text.lines().skip(2) {
            let _ = writeln!(out, "    {line}");
        }
    }
    for note in &inspection.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    out.push('\n');
    out
}

fn render_kind(out: &mut String, inspection: &Inspection) {
    let c = &inspection.classification;
    let Some(kind) = c.kind else {
        let _ = writeln!(out, "{}: NOT RECOGNISED", inspection.file);
        for fit in c.fits.iter().take(3) {
            let _ = writeln!(
                out,
                "  closest: {} ({} role{}), but a {} file needs {}",
                fit.kind.name(),
                fit.roles,
                plural(fit.roles as u64),
                fit.kind.name(),
                fit.kind.needs()
            );
        }
        if c.fits.is_empty() && inspection.notes.is_empty() {
            out.push_str("  no column matches the header dictionary; say what the file is with --as KIND\n");
        }
        return;
    };
    let how = if c.forced { " (as told by --as)" } else { "" };
    let _ = writeln!(out, "{}: {}{how}", inspection.file, kind.name());
    if let Some(best) = c.fits.iter().find(|f| f.kind == kind) {
        let roles: Vec<&str> = inspection.columns.iter().map(|col| col.role).filter(|r| *r != LARGER_AREA).collect();
        let larger = inspection.columns.len() - roles.len();
        let larger = if larger > 0 {
            format!(", and {larger} code{} of larger areas", plural(larger as u64))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  evidence: {} {} role{} recognised ({}){larger}",
            best.roles,
            kind.name(),
            plural(best.roles as u64),
            roles.join(", ")
        );
    }
    for other in &c.ambiguous_with {
        let _ = writeln!(
            out,
            "  AMBIGUOUS: it fits {} exactly as well; say which with --as {}",
            other.name(),
            other.as_value()
        );
    }
    let others: Vec<String> = c
        .fits
        .iter()
        .filter(|f| f.complete && f.kind != kind && !c.ambiguous_with.contains(&f.kind))
        .map(|f| format!("{} ({} role{})", f.kind.name(), f.roles, plural(f.roles as u64)))
        .collect();
    if !others.is_empty() {
        let _ = writeln!(out, "  also fits, less well: {}", others.join(", "));
    }
}

fn render_columns(out: &mut String, inspection: &Inspection) {
    let Some(kind) = inspection.classification.kind else {
        if !inspection.unused.is_empty() {
            let _ = writeln!(out, "  columns: {}", quoted(&inspection.unused));
        }
        return;
    };
    if !inspection.columns.is_empty() {
        if kind == FileKind::Boundaries {
            out.push_str("  properties (named with --code-property and --name-property):\n");
        } else {
            let _ = writeln!(out, "  columns (named with {} KEY=HEADER):", kind.flag());
        }
        let width = inspection.columns.iter().map(|c| c.column.chars().count()).max().unwrap_or(0).min(40);
        for column in &inspection.columns {
            let _ = writeln!(out, "    {:width$}  {:18} {}", column.column, column.role, column.description);
        }
    }
    if !inspection.unused.is_empty() {
        let _ = writeln!(out, "  unused: {}", quoted(&inspection.unused));
    }
}

fn render_profiles(out: &mut String, inspection: &Inspection) {
    if inspection.profiles.is_empty() {
        return;
    }
    let capped = if inspection.rows_capped { ", the first rows only: the file has more (--max-rows)" } else { "" };
    let _ = writeln!(
        out,
        "  values ({} row{} read{capped}):",
        thousands(inspection.rows_read),
        plural(inspection.rows_read)
    );
    for profile in &inspection.profiles {
        render_profile(out, profile);
    }
}

fn render_profile(out: &mut String, p: &ValueProfile) {
    let _ = write!(out, "    {} ({}): ", p.column.trim(), p.role);
    let mut counts = vec![format!("{} blank", thousands(p.blank))];
    match p.rule {
        ValueRule::Postcode => {
            counts.insert(0, format!("{} valid", thousands(p.recognised)));
            counts.insert(1, format!("{} invalid", thousands(p.unrecognised)));
            counts.push("values never shown".into());
            if !p.nations.is_empty() {
                let mix: Vec<String> = p.nations.iter().map(|(n, rows)| format!("{n} {}", thousands(*rows))).collect();
                counts.push(format!("by postcode area: {}", mix.join(", ")));
            }
        }
        ValueRule::Distinct => {}
        _ => {
            counts.insert(0, format!("{} recognised", thousands(p.recognised)));
            if p.unrecognised > 0 {
                counts.push(format!("{} UNRECOGNISED", thousands(p.unrecognised)));
            }
        }
    }
    if let Some((first, last)) = &p.date_range {
        counts.push(format!("from {first} to {last}"));
    }
    if p.rule == ValueRule::PrivateDate {
        counts.push("values not shown".into());
    }
    let _ = writeln!(out, "{}", counts.join(", "));
    if p.rule != ValueRule::Date {
        render_values(out, "      ", &p.values, p.more_values);
    }
    if !p.unrecognised_values.is_empty() {
        out.push_str("      UNRECOGNISED:\n");
        render_values(out, "        ", &p.unrecognised_values, p.more_unrecognised_values);
    }
}

fn render_values(out: &mut String, indent: &str, values: &[ValueCount], more: usize) {
    let width = values.iter().map(|v| v.value.chars().count()).max().unwrap_or(0).min(40);
    for v in values {
        let meaning = if v.meaning.is_empty() { String::new() } else { format!("  {}", v.meaning) };
        let _ = writeln!(out, "{indent}{:width$}  {:>9}{meaning}", v.value, thousands(v.rows));
    }
    if more > 0 {
        let _ = writeln!(out, "{indent}and {more} more");
    }
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("'{}'", n.trim())).collect::<Vec<_>>().join(", ")
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
