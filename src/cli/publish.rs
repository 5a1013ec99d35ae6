//! `anchormap publish`'s options: a table of counts made elsewhere (a data platform's Parquet or CSV), its key and count columns, the rule, and where the published copy goes.

use std::path::PathBuf;

use clap::Args;

use super::{DisclosureArgs, OutputDirArgs};

/// Applies the disclosure rule and its audit to a table of counts made elsewhere.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The table (Parquet, or CSV with a header row): one row per group, its key columns and counts of people.
    #[arg(value_name = "TABLE.parquet")]
    pub table: PathBuf,

    /// Columns that name each row's group (published as they are): e.g. imd_decile,site_code.
    #[arg(long, value_name = "COLUMN,...", value_delimiter = ',', required = true)]
    pub keys: Vec<String>,

    /// Columns of counts of people (published under the rule); every other column is left out.
    #[arg(long, value_name = "COLUMN,...", value_delimiter = ',', required = true)]
    pub counts: Vec<String>,

    #[command(flatten)]
    pub disclosure: DisclosureArgs,

    #[command(flatten)]
    pub output: OutputDirArgs,
}
