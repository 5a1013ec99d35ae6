//! `anchormap map`: a choropleth of any area-level GeoJSON (an anchormap output, or boundaries with IMD deciles), as SVG or PNG.

use std::time::Instant;

use crate::cli::MapArgs;
use crate::io::format::thousands;
use crate::output::choropleth::{self, MapOptions};
use crate::output::map::Fill;
use crate::run::say;

pub fn run(args: MapArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut inputs: Vec<&std::path::Path> = vec![&args.input];
    inputs.extend(args.markers.sites.as_deref());
    crate::io::atomic::check_not_an_input(&args.output, &inputs)?;
    let (spec, _) = choropleth::build(&MapOptions::from(&args))?;
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
