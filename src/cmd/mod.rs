//! One module per subcommand: arguments → load → analysis → output.

pub mod demo;
pub mod emissions;
pub mod fetch;
pub mod funnel;
pub mod gaps;
pub mod geocode;
pub mod inspect;
pub mod map;
pub mod prepare;
pub mod report;
pub mod run_context;

use crate::cli::{Cli, Command};

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Geocode(args) => geocode::run(args),
        Command::Gaps(args) => gaps::run(args),
        Command::Emissions(args) => emissions::run(args),
        Command::Funnel(args) => funnel::run(args),
        Command::Map(args) => map::run(args),
        Command::Report(args) => report::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Fetch(args) => fetch::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Prepare(args) => prepare::run(args),
    }
}

/// Prints a line on stderr unless quiet.
pub(crate) fn say(quiet: bool, text: impl std::fmt::Display) {
    if !quiet {
        eprintln!("{text}");
    }
}
