//! anchormap: where an NHS organisation's staff and patients live, by small area and deprivation.
//!
//! The data flow, one floor per stage (ARCHITECTURE.md lists them): `reference` loads public
//! reference data, `input` reads the user's files, [`spatial`] projects to British National Grid
//! and indexes areas, [`geocoder`] joins postcodes to areas, `analysis` holds what the analyses
//! share, and [`output`] writes results. Each analysis has its folder (`gaps`, `funnel`,
//! `emissions`, [`report`]) over the shared `run` context; `cmd` dispatches the subcommands.
//!
//! The documented API is the geocoder with its reference data ([`Geocoder`], [`ReferencePaths`]),
//! errors, postcodes, columns, the spatial types, the disclosure rule ([`output::disclosure`]),
//! the demo region and the command line ([`run_command_line`]). The modules hidden from these pages
//! are internals, public only so that the integration tests and the doc examples reach them.
//!
//! # Placing postcodes in areas
//!
//! The [`Geocoder`] joins postcodes to areas and their deprivation. Against the fictional demo
//! region shipped in the repository:
//!
//! ```
//! use anchormap::{Geocoder, MatchStatus, ReferencePaths};
//!
//! let mut paths = ReferencePaths::of_files(
//!     "data/demo/anchorshire_fictional_postcodes.csv".into(),
//!     "boundaries/anchorshire_fictional_areas.geojson".into(),
//! );
//! paths.deprivation = Some("data/demo/anchorshire_fictional_imd.csv".into());
//! let geocoder = Geocoder::load(&paths)?;
//! let placed = geocoder.geocode_many(&[b"QZ14 8DP", b"qz148dp", b"not a postcode"]);
//! assert_eq!(placed[0].status, MatchStatus::Within);
//! assert_eq!(placed[0].area, placed[1].area, "postcodes are normalised before the look-up");
//! assert_eq!(placed[2].status, MatchStatus::InvalidPostcode);
//! let id = placed[0].area.unwrap();
//! assert!(geocoder.deprivation_of(id).is_some_and(|imd| (1..=10).contains(&imd.decile)));
//! let area = geocoder.area(id);
//! assert!(area.code.starts_with("E0199"), "a fictional LSOA: {}", area.code);
//! # Ok::<(), anchormap::Error>(())
//! ```
//!
//! # Publishing counts an attacker cannot undo
//!
//! [`output::disclosure`] hides and rounds counts under NHS Digital's rule and then attacks its own
//! tables: every sum between them, solved as an attacker with a linear-programming solver would.
//! Three small counts whose pairwise sums are published give each other back (x + y, x + z and
//! y + z determine x, y and z), though no single sum does:
//!
//! ```
//! use anchormap::output::disclosure::{Disclosure, Margins};
//!
//! let rule = Disclosure { min_count: 8, round_to: 1 };
//! let counts = [5.0, 5.0, 5.0, 10.0, 10.0, 10.0];
//! let mut sums = Margins::new();
//! sums.add([0, 1], 3);
//! sums.add([0, 2], 4);
//! sums.add([1, 2], 5);
//! let small = rule.primary(&counts);
//! assert!(!rule.audit("x, y, z and their sums", &counts, &small, &sums).protected);
//! let hidden = rule.protect(&counts, &small, &sums);
//! let audit = rule.audit("x, y, z and their sums", &counts, &hidden, &sums);
//! assert!(audit.protected && audit.cells_hidden == 4, "{audit:?}");
//! ```
//!
//! # Running an analysis
//!
//! The analyses (`gaps`, `funnel`, `emissions`, `report`) run from the command line,
//! [`run_command_line`], which the binary calls; each writes a run folder whose summary has a
//! type. Gaps on the demo region's staff, the community 10 km around its sites:
//!
//! ```
//! use anchormap::output::run_summary::GapsSummary;
//!
//! let out = std::env::temp_dir().join(format!("anchormap-doc-gaps-{}", std::process::id()));
//! let demo = |name: &str| format!("data/demo/anchorshire_fictional_{name}.csv");
//! let (staff, postcodes, imd) = (demo("staff"), demo("postcodes"), demo("imd"));
//! let (population, sites) = (demo("population"), demo("sites"));
//! let args = [
//!     "anchormap", "gaps", "--staff", &staff, "--sites", &sites, "--postcodes", &postcodes,
//!     "--boundaries", "boundaries/anchorshire_fictional_areas.geojson", "--deprivation", &imd,
//!     "--population", &population, "--no-store", "--quiet", "--force", "--out", out.to_str().unwrap(),
//! ];
//! let status = anchormap::run_command_line(args.iter().map(|a| a.into()).collect());
//! assert_eq!(status, std::process::ExitCode::SUCCESS);
//! let text = std::fs::read_to_string(out.join("gaps_summary.json"))?;
//! let summary: GapsSummary = serde_json::from_str(&text)?;
//! assert!(summary.staff.placed_in_community.is_some_and(|staff| staff > 0.0), "{text}");
//! assert!(out.join("gaps_by_decile.csv").exists());
//! std::fs::remove_dir_all(&out)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

// The documented API: the geocoder and its reference data, errors, postcodes, columns, the
// spatial types, the disclosure rule, the report, the demo region and the command line.
pub mod columns;
pub mod commute;
pub mod demo;
pub mod dictionary;
pub mod error;
pub mod geocoder;
pub mod io;
pub mod network;
pub mod output;
pub mod postcode;
pub mod profile;
pub mod report;
pub mod spatial;

// Internals: public so that the integration tests in tests/ and the doc examples beside the code
// reach them, hidden from the documentation, and not API (they change with the analyses).
#[doc(hidden)]
pub mod analysis;
#[doc(hidden)]
pub mod audit;
#[doc(hidden)]
pub mod emissions;
#[doc(hidden)]
pub mod funnel;
#[doc(hidden)]
pub mod gaps;
#[doc(hidden)]
pub mod input;
#[doc(hidden)]
pub mod reference;

pub(crate) mod cli;
pub(crate) mod cmd;
pub(crate) mod run;

pub use error::{Error, Result};
pub use geocoder::{FeatureId, Geocoded, Geocoder, MatchStatus, ReferencePaths};

/// The `anchormap` command line, as the binary runs it: settings from `anchormap.toml` and the
/// fetched reference data become options, flags override them, the subcommand runs, and an error
/// is printed as one line. Returns the exit status: 0, 1 for unusable data, 2 for how the command
/// line was written (as clap's own usage errors).
pub fn run_command_line(args: Vec<std::ffi::OsString>) -> std::process::ExitCode {
    use clap::Parser;
    use std::process::ExitCode;
    // Ctrl-C must not leave hidden partial outputs (which may hold postcodes) behind.
    let _ = io::atomic::remove_partials_on_interrupt();
    let args = match cli::config::expand_args(args) {
        Ok(args) => args,
        Err(err) => {
            eprintln!("anchormap: error: {err}");
            return ExitCode::from(1);
        }
    };
    match cmd::run(cli::Cli::parse_from(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // The root cause carries the file, line and column; the context says what we were doing.
            let chain: Vec<String> = err.chain().map(|e| e.to_string()).collect();
            // One line, whatever a value in it held (line breaks, a 50 MB field).
            eprintln!("anchormap: error: {}", error::one_line(&chain.join(": ")));
            let usage = err.chain().any(|e| matches!(e.downcast_ref::<Error>(), Some(Error::Usage(_))));
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || matches!(e.downcast_ref::<Error>(), Some(Error::Io { error, .. }) if error.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
