//! Staff records (an ESR extract): home postcode, and optionally staff group and pay band, read row by row.

use crate::columns::{ColumnMap, ColumnSpec};
use crate::error::Result;
use crate::input::band::Band;
use crate::input::csv_input::Row;
use crate::input::CsvInput;

pub const STAFF_COLUMNS: [ColumnSpec; 3] = [
    ColumnSpec {
        key: "postcode",
        description: "home postcode",
        matches: |h| {
            matches!(h, "postcode" | "home_postcode" | "home postcode" | "post_code" | "pcds" | "postcode_home")
        },
    },
    ColumnSpec {
        key: "staff_group",
        description: "staff group",
        matches: |h| matches!(h, "staff_group" | "staff group" | "staffgroup" | "occupation_group" | "group"),
    },
    ColumnSpec {
        key: "band",
        description: "pay band",
        matches: |h| matches!(h, "band" | "pay_band" | "pay band" | "afc_band" | "grade"),
    },
];

/// Where the staff fields are in the file.
#[derive(Debug, Clone, Copy)]
pub struct StaffColumns {
    pub postcode: usize,
    pub staff_group: Option<usize>,
    pub band: Option<usize>,
}

impl StaffColumns {
    pub fn resolve(input: &CsvInput, columns: &ColumnMap) -> Result<StaffColumns> {
        let [postcode, staff_group, band] = &STAFF_COLUMNS;
        Ok(StaffColumns {
            postcode: input.require(postcode, columns)?,
            staff_group: input.find(staff_group, columns)?,
            band: input.find(band, columns)?,
        })
    }

    pub fn postcode<'a>(&self, row: &'a Row) -> &'a [u8] {
        row.record.get(self.postcode).unwrap_or_default()
    }

    /// The staff group as written (trimmed), or "Not recorded".
    pub fn staff_group(&self, row: &Row) -> String {
        let text = self.staff_group.and_then(|i| row.record.get(i)).map(String::from_utf8_lossy).unwrap_or_default();
        let text = text.trim();
        if text.is_empty() {
            "Not recorded".to_string()
        } else {
            text.to_string()
        }
    }

    pub fn band(&self, row: &Row) -> Band {
        self.band.and_then(|i| row.record.get(i)).map_or(Band::Unknown, |b| Band::parse(&String::from_utf8_lossy(b)))
    }
}
