//! The community a run compares with: area codes, a lookup filter, a radius around the sites, or their intersection.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::bail;
use rustc_hash::FxHashSet;

use crate::analysis::community::Community;
use crate::analysis::AreaFacts;
use crate::cli::CommunityArgs;
use crate::columns::ColumnMap;
use crate::error::{Error, Location};
use crate::input::sites::Site;
use crate::output::summary::file_name;
use crate::reference::table::ReferenceTable;
use crate::reference::{AreaLookup, AREA_CODE_COLUMN};

/// Default community when only sites are given: areas within this distance of a site.
const DEFAULT_RADIUS_KM: f64 = 10.0;

/// The community, from the options given (intersected), or the default radius around the sites.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build_community(
    options: &CommunityArgs,
    geography: &crate::reference::Geography,
    facts: &[AreaFacts],
    sites: &[Site],
    warnings: &mut Vec<String>,
    codes_bridged: &mut BTreeMap<&'static str, u64>,
    name: &mut Option<String>,
) -> anyhow::Result<Community> {
    let mut parts = Vec::new();
    if let Some(path) = &options.community_codes {
        parts.push(from_code_list(path, options, (geography, facts), warnings, codes_bridged)?);
    }
    if let (Some(path), Some(filter)) = (&options.community_lookup, &options.community_filter) {
        parts.push(from_lookup(path, filter, options, (geography, facts), name)?);
    }
    let radius = options.community_radius_km.or((parts.is_empty()).then_some(DEFAULT_RADIUS_KM));
    if let Some(km) = radius {
        parts.push(around_sites(km, facts, sites)?);
    }
    let mut parts = parts.into_iter();
    let first = parts.next().ok_or_else(|| anyhow::anyhow!("no community given"))?;
    Ok(parts.fold(first, |acc, next| acc.intersect(&next)))
}

/// The areas of `--community-codes`, bridged to the boundaries' vintage with `--area-bridge`;
/// codes not in the boundaries are warned about.
fn from_code_list(
    path: &Path,
    options: &CommunityArgs,
    (geography, facts): (&crate::reference::Geography, &[AreaFacts]),
    warnings: &mut Vec<String>,
    codes_bridged: &mut BTreeMap<&'static str, u64>,
) -> anyhow::Result<Community> {
    let mut codes = read_code_list(path)?;
    let known: FxHashSet<&str> = facts.iter().map(|a| a.code.as_str()).collect();
    if let Some(lookup) = &options.bridge.area_bridge {
        let bridge =
            crate::reference::bridge::AreaBridge::load(lookup, geography, &options.bridge.area_bridge_columns)?;
        (codes, *codes_bridged) = bridge.bridge_codes(codes, |c| known.contains(c));
    }
    let missing = codes.iter().filter(|c| !known.contains(c.as_str())).count();
    if missing > 0 {
        warnings.push(format!("{missing} community codes in {} are not in the boundaries", path.display()));
    }
    Ok(Community::from_codes(facts, &codes, format!("{} area codes from {}", codes.len(), file_name(path))))
}

/// The areas of `--community-lookup` whose `--community-filter` column holds one of its values;
/// the lookup's name for them becomes the community's `name` unless one is set.
fn from_lookup(
    path: &Path,
    filter: &str,
    options: &CommunityArgs,
    (geography, facts): (&crate::reference::Geography, &[AreaFacts]),
    name: &mut Option<String>,
) -> anyhow::Result<Community> {
    let (column, values) = filter.split_once('=').ok_or_else(|| {
        crate::Error::usage(format!("--community-filter '{filter}' is not COLUMN=VALUE (e.g. icb_code=E54000019)"))
    })?;
    let values: Vec<String> = values.split('|').map(|v| v.trim().to_string()).collect();
    let lookup = AreaLookup::select(
        path,
        column,
        &values,
        &options.community_lookup_columns.named("--community-lookup-columns"),
    )?;
    lookup.check_vintage(geography)?;
    if name.is_none() {
        *name = lookup.name.clone();
    }
    Ok(Community::from_codes(facts, &lookup.codes, lookup.description))
}

/// The areas within `km` of a located site; without one, the run stops naming the options.
fn around_sites(km: f64, facts: &[AreaFacts], sites: &[Site]) -> anyhow::Result<Community> {
    let located: Vec<geo::Coord<f64>> = sites.iter().filter_map(|s| s.location).collect();
    if located.is_empty() {
        bail!(
            "state the community: --community-codes FILE, --community-lookup FILE --community-filter COLUMN=VALUE, \
             or --sites with --community-radius-km (the default is {DEFAULT_RADIUS_KM} km around the sites)"
        );
    }
    Ok(Community::within_radius(
        facts,
        &located,
        km * 1000.0,
        format!("areas within {km} km of {} site{}", located.len(), if located.len() == 1 { "" } else { "s" }),
    ))
}

/// Area codes from a plain list (one per line, optional header) or a CSV with an area-code column.
fn read_code_list(path: &Path) -> crate::Result<FxHashSet<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    let codes: FxHashSet<String> = if first.contains(',') {
        let table = ReferenceTable::read(path)?;
        let column = ColumnMap::default().require(&AREA_CODE_COLUMN, &table.headers, &table.file())?;
        table.column(column).flatten().map(str::to_string).collect()
    } else {
        let looks_like_code = |l: &str| l.chars().any(|c| c.is_ascii_digit()) && !l.contains(' ');
        text.lines()
            .map(|l| l.trim().trim_start_matches('\u{feff}').trim_matches('"'))
            .filter(|l| !l.is_empty() && looks_like_code(l))
            .map(str::to_string)
            .collect()
    };
    if codes.is_empty() {
        return Err(Error::invalid(Location::file(path), "no area codes found"));
    }
    Ok(codes)
}
