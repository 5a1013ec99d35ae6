//! Run summaries: JSON for machines (`--summary-json`), a few plain lines on stderr for people.

use std::path::Path;

use serde::Serialize;

use crate::error::Result;
use crate::output::atomic::write_file;

/// Writes any summary as pretty JSON with a trailing newline.
pub fn write_json(path: &Path, summary: &impl Serialize) -> Result<()> {
    let mut text = serde_json::to_string_pretty(summary).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    write_file(path, text.as_bytes())
}

/// `1743449` → `1,743,449`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(1743449), "1,743,449");
    }
}
