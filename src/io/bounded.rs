//! `Bounded`: a reader that refuses absurd inputs — a line longer than a limit, or more bytes in all
//! than a limit (a zip member that inflates without end) — before they fill memory.

use std::io::{Error, ErrorKind, Read};

/// The longest line any tabular input may have: 1 MiB (a postcode directory's lines are under
/// 1 KiB, a staff extract's a few KiB).
pub const MAX_LINE_BYTES: u64 = 1 << 20;

/// The most bytes one member of a zip may inflate to: 16 GiB (the ONS Postcode Directory's
/// single CSV is about 1.5 GB).
pub const MAX_MEMBER_BYTES: u64 = 16 << 30;

/// Passes bytes through, failing with `InvalidData` once a line or the whole exceeds its limit.
pub struct Bounded<R> {
    inner: R,
    max_line: u64,
    max_total: u64,
    line: u64,
    total: u64,
}

impl<R: Read> Bounded<R> {
    /// Reads `inner`, refusing a line longer than `max_line` bytes or more than `max_total` bytes in all.
    pub fn new(inner: R, max_line: u64, max_total: u64) -> Self {
        Bounded { inner, max_line, max_total, line: 0, total: 0 }
    }

    /// Lines of at most [`MAX_LINE_BYTES`], any total.
    pub fn lines(inner: R) -> Self {
        Bounded::new(inner, MAX_LINE_BYTES, u64::MAX)
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        self.total += n as u64;
        let mut line_start = 0;
        for end in memchr::memchr_iter(b'\n', chunk) {
            let longest = if line_start == 0 { self.line + end as u64 } else { (end - line_start) as u64 };
            if longest > self.max_line {
                self.line = longest;
                return Err(self.too_long());
            }
            line_start = end + 1;
        }
        self.line = if line_start == 0 { self.line + n as u64 } else { (n - line_start) as u64 };
        if self.line > self.max_line {
            return Err(self.too_long());
        }
        if self.total > self.max_total {
            return Err(Error::new(
                ErrorKind::InvalidData,
                format!("more than {} MB of data (a damaged or hostile file?)", self.max_total >> 20),
            ));
        }
        Ok(n)
    }
}

impl<R> Bounded<R> {
    fn too_long(&self) -> Error {
        Error::new(
            ErrorKind::InvalidData,
            format!("a line is longer than {} KB (not a CSV of records?)", self.max_line >> 10),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], max_line: u64, max_total: u64) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        // Small reads, so that lines cross chunk boundaries.
        let mut reader = Bounded::new(std::io::BufReader::with_capacity(3, bytes), max_line, max_total);
        let mut buf = [0u8; 3];
        loop {
            let n = reader.read(&mut buf)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn short_lines_pass_long_ones_fail() {
        assert_eq!(read_all(b"ab\ncde\nf", 3, 100).unwrap(), b"ab\ncde\nf");
        assert!(read_all(b"ab\ncdef\ng", 3, 100).is_err());
        assert!(read_all(b"abcd", 3, 100).is_err());
        assert!(read_all(b"ab\nab\nab\nab\n", 3, 10).is_err());
    }
}
