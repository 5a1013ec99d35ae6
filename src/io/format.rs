//! Numbers and dates for people to read: thousands separators, quantities, masses of CO2e, dates in words.

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

/// A quantity for people to read: one decimal below 100, whole and thousands-separated above.
pub fn quantity(v: f64) -> String {
    if v.abs() < 100.0 {
        format!("{v:.1}")
    } else {
        thousands(v.round().max(0.0) as u64)
    }
}

/// A mass of CO2e: kg below a tonne, tonnes above.
pub fn mass(kg: f64) -> String {
    if kg < 1000.0 {
        format!("{kg:.1} kg")
    } else {
        format!("{} t", quantity(kg / 1000.0))
    }
}

/// An ISO date as a board paper writes it: "2025-04-01" → "1 April 2025"; any other text as it is.
///
/// ```
/// # use anchormap::io::format::date_in_words;
/// assert_eq!(date_in_words("2025-04-01"), "1 April 2025");
/// assert_eq!(date_in_words("2026-12-31"), "31 December 2026");
/// assert_eq!(date_in_words("April 2025"), "April 2025");
/// ```
pub fn date_in_words(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<&str> = iso.split('-').collect();
    match parts[..] {
        [y, m, d] if y.len() == 4 => match (m.parse::<usize>(), d.parse::<u32>()) {
            (Ok(m @ 1..=12), Ok(d @ 1..=31)) => format!("{d} {} {y}", MONTHS[m - 1]),
            _ => iso.to_string(),
        },
        _ => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(1743449), "1,743,449");
        assert_eq!(super::mass(9.157), "9.2 kg");
        assert_eq!(super::mass(52_760_179.2), "52,760 t");
        assert_eq!(super::quantity(0.27), "0.3");
    }
}

/// `value` rounded to `figures` significant figures.
///
/// ```
/// use anchormap::io::format::significant;
/// assert_eq!(significant(23.456, 3), 23.5);
/// assert_eq!(significant(0.0012345, 3), 0.00123);
/// assert_eq!(significant(0.0, 3), 0.0);
/// ```
pub fn significant(value: f64, figures: i32) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let magnitude = value.abs().log10().floor() as i32;
    let scale = 10f64.powi(figures - 1 - magnitude);
    // Two steps so that 23.456 * 10 rounds as 234.56, not 234.55999.
    let rounded = (value * scale).round();
    if scale >= 1.0 {
        rounded / scale
    } else {
        rounded * 10f64.powi(magnitude + 1 - figures)
    }
}
