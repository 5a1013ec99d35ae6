//! Dispatch to each subcommand, and the small commands that are not an analysis (geocode, map, demo, fetch, inspect, prepare, publish, export).

pub mod demo;
pub mod export;
pub mod fetch;
pub mod geocode;
pub mod inspect;
pub mod map;
pub mod prepare;
pub mod publish;

use crate::cli::{Cli, Command};

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Geocode(args) => geocode::run(args),
        Command::Gaps(args) => crate::gaps::run(args),
        Command::Network(args) => crate::network::run(args),
        Command::Emissions(args) => crate::emissions::run(args),
        Command::Funnel(args) => crate::funnel::run(args),
        Command::Commute(args) => crate::commute::run(args),
        Command::Map(args) => map::run(args),
        Command::Report(args) => crate::report::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Fetch(args) => fetch::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Prepare(args) => prepare::run(args),
        Command::Profile(args) => crate::profile::run(args),
        Command::Audit(args) => crate::audit::run(args),
        Command::Publish(args) => publish::run(args),
        Command::Export(args) => export::run(args),
    }
}
