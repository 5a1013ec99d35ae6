//! `anchormap network`'s arguments: the partners, and everything a gaps run takes for the community they share.

use std::path::PathBuf;

use clap::Args;

use super::GapsArgs;

/// One run for an anchor network: the partners' staff files (`--employers`, or one staff file
/// with `--employer-column`), and the community and reference options of `gaps`.
#[derive(Debug, Args)]
#[command(mut_arg("staff", |a| a.required(false).default_value("-").help(
    "With --employer-column: one staff file holding every partner's staff (as ESR's organisation column)"
)))]
pub struct NetworkArgs {
    /// The partners: a CSV of `employer,file` rows (each partner's staff extract; a relative path is
    /// from the CSV's folder), with an optional `vacancies` column (each partner's vacancy file).
    #[arg(long, value_name = "EMPLOYERS.csv")]
    pub employers: Option<PathBuf>,

    /// With one --staff file for every partner: the column naming each row's employer.
    #[arg(long, value_name = "HEADER", conflicts_with = "employers")]
    pub employer_column: Option<String>,

    /// A partner with fewer staff living in the community than this is published only within
    /// the pool (its own tables could not be protected beside the others').
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub min_employer_staff: u64,

    #[command(flatten)]
    pub gaps: GapsArgs,
}
