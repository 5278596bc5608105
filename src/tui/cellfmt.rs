//! How the grid writes a floating-point cell: the shortest text that reads back as the same
//! number, cut to a number of significant digits (`[grid] float_digits`, 10 by default), so
//! `186.92000000000002` reads `186.92`; and padded so a column's decimal points line up.
//! Only the display changes: copying and exporting use the full value.

use arrow::array::{Array, Float16Array, Float32Array, Float64Array};
use arrow::datatypes::DataType;

/// Significant digits a float shows when the config does not say.
pub const DEFAULT_DIGITS: usize = crate::config::DEFAULT_FLOAT_DIGITS;

/// Beyond these magnitudes a float is written in scientific notation.
const SCI_ABOVE: i32 = 15;
const SCI_BELOW: i32 = -6;

/// `v` in at most `digits` significant digits (1..=17), trailing zeros trimmed. The integer
/// part of a number below 10^15 is never rounded away.
pub fn float(v: f64, digits: usize) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if v == 0.0 {
        return "0".into();
    }
    let digits = digits.clamp(1, 17);
    let exp = exponent(v);
    if !(SCI_BELOW..SCI_ABOVE).contains(&exp) {
        let short = format!("{v:e}");
        let (mantissa, e) = short.split_once('e').unwrap_or((&short, "0"));
        if significant(mantissa) <= digits {
            return short;
        }
        let rounded = format!("{v:.*e}", digits - 1);
        let (mantissa, e2) = rounded.split_once('e').unwrap_or((&rounded, e));
        return format!("{}e{e2}", trim_zeros(mantissa));
    }
    let short = format!("{v}");
    if significant(&short) <= digits {
        return short;
    }
    let decimals = (digits as i32 - 1 - exp).max(0) as usize;
    trim_zeros(&format!("{v:.decimals$}")).to_string()
}

/// The power of ten of `v`'s leading digit.
fn exponent(v: f64) -> i32 {
    v.abs().log10().floor() as i32
}

/// Digits that carry information: leading zeros and the sign and point do not count.
fn significant(text: &str) -> usize {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_start_matches('0');
    if text.contains('.') { digits.len() } else { digits.trim_end_matches('0').len().max(1) }
}

fn trim_zeros(text: &str) -> &str {
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { text }
}

/// Whether `dt` is shown through [`float`].
pub fn is_float(dt: &DataType) -> bool {
    matches!(dt, DataType::Float16 | DataType::Float32 | DataType::Float64)
}

/// The grid's text of row `row` of a float column (`None`: not a float column, or NULL).
pub fn float_cell(array: &dyn Array, row: usize, digits: usize) -> Option<String> {
    if array.is_null(row) {
        return None;
    }
    let any = array.as_any();
    // Each width prints its own shortest form: an f32 widened to f64 would show noise.
    if let Some(a) = any.downcast_ref::<Float64Array>() {
        return Some(float(a.value(row), digits));
    }
    if let Some(a) = any.downcast_ref::<Float32Array>() {
        let v = a.value(row);
        let short = format!("{v}");
        return Some(if v.is_finite() && v != 0.0 && significant(&short) <= digits && (SCI_BELOW..SCI_ABOVE).contains(&exponent(f64::from(v))) {
            short
        } else {
            float(f64::from(v), digits.min(9))
        });
    }
    any.downcast_ref::<Float16Array>().map(|a| float(f64::from(a.value(row).to_f32()), digits.min(5)))
}

/// Digits after the decimal point (`None`: no point, or not plain notation).
fn fraction(text: &str) -> Option<usize> {
    if text.contains(['e', 'N', 'I']) {
        return None;
    }
    text.split_once('.').map(|(_, f)| f.len())
}

/// `text` padded on the right so its decimal point sits where a number with `frac`
/// fraction digits has its own (an integer, where that number's point is).
pub fn align(text: &str, frac: usize) -> String {
    if frac == 0 || text.contains(['e', 'N', 'I']) {
        return text.to_string();
    }
    let pad = match fraction(text) {
        Some(f) => frac.saturating_sub(f),
        None => frac + 1,
    };
    format!("{text}{}", " ".repeat(pad))
}

/// The widest fraction among `texts`: what [`align`] pads a column to.
pub fn widest_fraction<'a>(texts: impl IntoIterator<Item = &'a str>) -> usize {
    texts.into_iter().filter_map(fraction).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn binary_noise_is_cut_and_short_values_stay_as_they_are() {
        assert_eq!(float(186.92000000000002, 10), "186.92");
        assert_eq!(float(0.1 + 0.2, 10), "0.3");
        assert_eq!(float(186.92, 10), "186.92");
        assert_eq!(float(-3.0, 10), "-3");
        assert_eq!(float(1234567.891, 10), "1234567.891");
        assert_eq!(float(2.0 / 3.0, 10), "0.6666666667");
        assert_eq!(float(2.0 / 3.0, 4), "0.6667");
        assert_eq!(float(123456789012.25, 10), "123456789012");
        assert_eq!(float(0.000123456789012, 10), "0.000123456789");
    }

    #[test]
    fn very_large_and_small_numbers_use_scientific_notation() {
        assert_eq!(float(1.5e20, 10), "1.5e20");
        assert_eq!(float(1.0 / 3.0 * 1e20, 10), "3.333333333e19");
        assert_eq!(float(2.5e-9, 10), "2.5e-9");
        assert_eq!(float(f64::NAN, 10), "NaN");
        assert_eq!(float(f64::NEG_INFINITY, 10), "-Infinity");
        assert_eq!(float(-0.0, 10), "0");
    }

    #[test]
    fn points_line_up_in_a_column() {
        let texts = ["186.92", "3", "0.125", "NaN", "1.5e20"];
        let frac = widest_fraction(texts);
        assert_eq!(frac, 3);
        let aligned: Vec<String> = texts.iter().map(|t| align(t, frac)).collect();
        assert_eq!(aligned, ["186.92 ", "3    ", "0.125", "NaN", "1.5e20"]);
        let width = aligned[..3].iter().map(String::len).max().unwrap();
        let points: Vec<usize> = aligned[..3].iter().map(|a| width - a.len() + a.find('.').unwrap_or(a.trim_end().len())).collect();
        assert!(points.windows(2).all(|w| w[0] == w[1]), "{points:?}");
    }

    #[test]
    fn f32_cells_show_their_own_shortest_form() {
        let a = Float32Array::from(vec![Some(0.1f32), None, Some(186.92f32)]);
        assert_eq!(float_cell(&a, 0, 10).as_deref(), Some("0.1"));
        assert_eq!(float_cell(&a, 1, 10), None);
        assert_eq!(float_cell(&a, 2, 10).as_deref(), Some("186.92"));
    }

    proptest! {
        /// At 17 digits the text reads back as the same number; at fewer, it is the number
        /// rounded to that many significant digits.
        #[test]
        fn the_text_reads_back_as_the_number(v in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL, digits in 1usize..=17) {
            let full = float(v, 17);
            prop_assert_eq!(full.parse::<f64>().unwrap(), v);
            let cut: f64 = float(v, digits).parse().unwrap();
            let tolerance = v.abs() * 10f64.powi(1 - digits as i32);
            prop_assert!((cut - v).abs() <= tolerance, "{} at {} digits reads {}", v, digits, cut);
        }
    }
}
