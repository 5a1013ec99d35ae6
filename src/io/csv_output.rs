//! CSV fields appended straight to a byte buffer, quoted exactly where the `csv` crate's default writer quotes them, for streams that add columns to every input row.

/// Bytes that make a field need quotes in the `csv` crate's default writer: the delimiter, the
/// quote, and both line ends (a reader takes either as the end of a record).
const NEEDS_QUOTES: [bool; 256] = {
    let mut table = [false; 256];
    table[b',' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\r' as usize] = true;
    table[b'\n' as usize] = true;
    table
};

/// Whether a field must be quoted to be read back as itself.
pub fn needs_quotes(field: &[u8]) -> bool {
    field.iter().any(|&b| NEEDS_QUOTES[b as usize])
}

/// Appends a field, quoted (with its quotes doubled) only where it needs to be.
///
/// ```
/// use anchormap::io::csv_output::push_field;
/// let mut out = Vec::new();
/// push_field(&mut out, b"Worcester 001A");
/// out.push(b',');
/// push_field(&mut out, b"Say \"hi\", then go");
/// assert_eq!(out, b"Worcester 001A,\"Say \"\"hi\"\", then go\"");
/// ```
pub fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    if !needs_quotes(field) {
        out.extend_from_slice(field);
        return;
    }
    out.reserve(field.len() + 2);
    out.push(b'"');
    for part in field.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// Appends a record's fields, comma-separated, each passed through `cell` first (e.g. to
/// neutralise a spreadsheet formula), without ending the line.
pub fn push_record<'a, C>(out: &mut Vec<u8>, record: &'a csv::ByteRecord, cell: impl Fn(&'a [u8]) -> C)
where
    C: AsRef<[u8]>,
{
    for (i, field) in record.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_field(out, cell(field).as_ref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field, and a record of them, is written byte for byte as the `csv` crate writes it.
    #[test]
    fn fields_are_written_as_the_csv_crate_writes_them() {
        let fields: [&[u8]; 11] = [
            b"",
            b"plain",
            b"a,b",
            b"\"",
            b"say \"hi\"",
            b"line\nbreak",
            b"cr\rhere",
            b" spaced ",
            b"#",
            b"'=1",
            b"\"\"",
        ];
        for a in fields {
            for b in fields {
                let record = csv::ByteRecord::from(vec![a, b, b"x"]);
                let mut expected = csv::Writer::from_writer(Vec::new());
                expected.write_byte_record(&record).unwrap();
                let expected = expected.into_inner().unwrap();
                let mut ours = Vec::new();
                push_record(&mut ours, &record, |f| f);
                ours.push(b'\n');
                assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&expected));
            }
        }
    }
}
