//! `anchormap map`: a choropleth of any area-level GeoJSON (an anchormap output, or boundaries with IMD deciles), as SVG or PNG.

use std::time::Instant;

use crate::cli::MapArgs;
use crate::io::format::thousands;
use crate::output::choropleth::{self, MapContext, MapOptions};
use crate::output::map::Fill;
use crate::run::say;

pub fn run(args: MapArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut inputs: Vec<&std::path::Path> = vec![&args.input];
    inputs.extend(args.markers.sites.as_deref());
    crate::io::atomic::check_not_an_input(&args.output, &inputs)?;
    let msoa = args.input.file_name().is_some_and(|n| n.to_string_lossy().contains("_by_msoa"));
    let options = MapOptions { context: MapContext { msoa, ..context_of(&args.input) }, ..MapOptions::from(&args) };
    let (spec, _) = choropleth::build(&options)?;
    spec.write(&args.output)?;
    let with_data = spec.areas.iter().filter(|a| a.fill != Fill::NoData).count();
    say(
        args.terminal.quiet,
        format_args!(
            "map: {} areas drawn ({} with data) to {} in {:.1} s",
            thousands(spec.areas.len() as u64),
            thousands(with_data as u64),
            args.output.display(),
            started.elapsed().as_secs_f64()
        ),
    );
    Ok(())
}

/// Where and when the map is, from the summary of the run whose output it maps (a `gaps`,
/// `emissions` or `commute` folder); nothing for other files.
fn context_of(input: &std::path::Path) -> MapContext {
    use crate::output::run_summary::{read, EmissionsSummary, GapsSummary};
    let Some(dir) = input.parent() else { return MapContext::default() };
    if let Ok(gaps) = read::<GapsSummary>(&dir.join(crate::gaps::SUMMARY)) {
        return MapContext::of_gaps(&gaps);
    }
    if let Ok(emissions) = read::<EmissionsSummary>(&dir.join(crate::emissions::SUMMARY)) {
        return MapContext::of_emissions(&emissions);
    }
    if let Ok(commute) = read::<serde_json::Value>(&dir.join(crate::commute::summary::SUMMARY)) {
        return MapContext::of_commute(commute["staff_as_at"].as_str());
    }
    MapContext::default()
}
