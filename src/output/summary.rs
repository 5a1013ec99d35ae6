//! Run summaries: JSON for machines (`--summary-json`), a few plain lines on stderr for people.

use std::path::Path;

use serde::Serialize;

use crate::error::Result;
use crate::io::atomic::write_file;

/// Writes any summary as pretty JSON with a trailing newline.
pub fn write_json(path: &Path, summary: &impl Serialize) -> Result<()> {
    let mut text = serde_json::to_string_pretty(summary).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    write_file(path, text.as_bytes())
}

/// The run folder's subfolder for what must not be published (row-level data, exact counts).
pub const INTERNAL_FOLDER: &str = "not-for-publication";

/// Writes a run's published summary into `out` and its exact counts into `out`'s [`INTERNAL_FOLDER`],
/// each with its keys sorted (whatever order its type declares its fields in).
pub fn write_run_summaries(
    out: &Path,
    name: &str,
    public: &impl Serialize,
    internal_name: &str,
    internal: &impl Serialize,
) -> Result<()> {
    write_json(&out.join(name), &sorted(public))?;
    let internal_dir = out.join(INTERNAL_FOLDER);
    std::fs::create_dir_all(&internal_dir).map_err(|e| crate::error::Error::io(&internal_dir, e))?;
    write_file(&internal_dir.join("README.txt"), INTERNAL_README.as_bytes())?;
    write_json(&internal_dir.join(internal_name), &whole_numbers(sorted(internal)))
}

/// The exact summary with every number that is a whole number (to within the rounding of a sum
/// of shares, 5198.000000000001) written as one: counts as integers, never `12.0`.
///
/// ```
/// use anchormap::output::summary::whole_numbers;
/// let exact = serde_json::json!({"rows": 12.0, "sum": 5198.000000000001, "share": 0.25, "by": [3.0]});
/// assert_eq!(whole_numbers(exact).to_string(), r#"{"by":[3],"rows":12,"share":0.25,"sum":5198}"#);
/// ```
pub fn whole_numbers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            let v = n.as_f64().unwrap_or_default();
            let whole = v.round();
            if (v - whole).abs() <= 1e-9 * whole.abs().max(1.0) && whole.abs() < 9.0e15 {
                Value::from(whole as i64)
            } else {
                Value::Number(n)
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, whole_numbers(v))).collect()),
        other => other,
    }
}

/// A summary as a JSON value, whose objects keep their keys sorted.
fn sorted(summary: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(summary).unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }))
}

const INTERNAL_README: &str = "Not for publication. This folder holds exact counts of people (and, where a \
command writes them, row-level records). Keep it with your own data; publish only the files outside it.\n";

/// A file's name without its folder, as summaries and reports name inputs.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}
