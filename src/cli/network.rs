//! `anchormap network`'s arguments: the partners, and everything a gaps run takes for the community they share.

use std::path::PathBuf;

use clap::Args;

use super::GapsArgs;
use crate::columns::ColumnMap;

/// One run for an anchor network: the partners' staff files (`--employers`, or one staff file
/// with `--employer-column`), and the community and reference options of `gaps`.
#[derive(Debug, Args)]
#[command(mut_arg("staff", |a| a.required(false).default_value("-").help(
    "With --employer-column: one staff file holding every partner's staff (as ESR's organisation column)"
)))]
pub struct NetworkArgs {
    /// The partners: a CSV of `employer,file` rows (each partner's staff extract; a relative path is
    /// from the CSV's folder), with optional `vacancies` and `applications` columns (each partner's
    /// vacancy file and job applications, as `funnel` reads them: the funnel per employer and pooled).
    #[arg(long, value_name = "EMPLOYERS.csv")]
    pub employers: Option<PathBuf>,

    /// With one --staff file for every partner: the column naming each row's employer.
    #[arg(long, value_name = "HEADER", conflicts_with = "employers")]
    pub employer_column: Option<String>,

    /// A partner with fewer staff living in the community than this is published only within
    /// the pool (its own tables could not be protected beside the others').
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub min_employer_staff: u64,

    /// Application file columns when not detected (every partner's): postcode=,stage=,id=,vacancy=,ethnic_group=,sex=,band=
    #[arg(long, value_name = "KEY=HEADER,...", default_value = "")]
    pub application_columns: ColumnMap,

    /// Beyond this share of a partner's applications (0-1) with a status not read, the run stops (as funnel's).
    #[arg(long, value_name = "SHARE", default_value_t = crate::input::unrecognised::UNRECOGNISED_SHARE_LIMIT, value_parser = super::fraction)]
    pub max_unclear_share: f64,

    #[command(flatten)]
    pub gaps: GapsArgs,
}
