//! PostgreSQL `numeric` in its binary wire form, read exactly: as decimal text, or as an
//! `i128` at a given scale when that is lossless.

/// A decoded numeric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Numeric {
    Finite(Decimal),
    NaN,
    /// `true` for +Infinity.
    Infinity(bool),
}

/// A finite numeric as sign, integer digits and exactly `dscale` fraction digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    pub negative: bool,
    pub int: String,
    pub frac: String,
}

impl Numeric {
    /// Exact text, as PostgreSQL prints it.
    pub fn text(&self) -> String {
        match self {
            Numeric::Finite(d) => d.text(),
            Numeric::NaN => "NaN".into(),
            Numeric::Infinity(true) => "Infinity".into(),
            Numeric::Infinity(false) => "-Infinity".into(),
        }
    }
}

impl Decimal {
    pub fn text(&self) -> String {
        let sign = if self.negative && (self.int != "0" || self.frac.chars().any(|c| c != '0')) { "-" } else { "" };
        if self.frac.is_empty() { format!("{sign}{}", self.int) } else { format!("{sign}{}.{}", self.int, self.frac) }
    }

    /// The unscaled value at `scale` fraction digits, when exact and within 38 digits.
    pub fn to_i128(&self, scale: i8) -> Option<i128> {
        let scale = usize::try_from(scale).ok()?;
        let mut frac = self.frac.clone();
        if frac.len() > scale {
            if frac[scale..].chars().any(|c| c != '0') {
                return None;
            }
            frac.truncate(scale);
        }
        while frac.len() < scale {
            frac.push('0');
        }
        let digits = format!("{}{frac}", self.int);
        let digits = digits.trim_start_matches('0');
        if digits.len() > 38 {
            return None;
        }
        let v: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
        Some(if self.negative { -v } else { v })
    }
}

fn i16_at(b: &[u8], at: usize) -> Result<i16, String> {
    b.get(at..at + 2).map(|s| i16::from_be_bytes([s[0], s[1]])).ok_or_else(|| "numeric value is truncated".to_string())
}

/// Decodes the binary form: ndigits, weight, sign, dscale, then base-10000 digits.
pub fn decode_numeric(b: &[u8]) -> Result<Numeric, String> {
    let ndigits = i16_at(b, 0)?.max(0) as usize;
    let weight = i16_at(b, 2)? as i64;
    let sign = i16_at(b, 4)? as u16;
    let dscale = i16_at(b, 6)?.max(0) as usize;
    match sign {
        0xC000 => return Ok(Numeric::NaN),
        0xD000 => return Ok(Numeric::Infinity(true)),
        0xF000 => return Ok(Numeric::Infinity(false)),
        0x0000 | 0x4000 => {}
        other => return Err(format!("numeric has an unknown sign word {other:#x}")),
    }
    let digits: Vec<i16> = (0..ndigits).map(|i| i16_at(b, 8 + 2 * i)).collect::<Result<_, _>>()?;
    let digit = |idx: i64| if idx >= 0 && (idx as usize) < ndigits { digits[idx as usize] } else { 0 };
    let mut int = String::new();
    for i in 0..=weight {
        let d = digit(i);
        if int.is_empty() {
            if d != 0 {
                int = d.to_string();
            }
        } else {
            int.push_str(&format!("{d:04}"));
        }
    }
    if int.is_empty() {
        int.push('0');
    }
    let mut frac = String::new();
    let mut p = 1i64;
    while frac.len() < dscale {
        frac.push_str(&format!("{:04}", digit(weight + p)));
        p += 1;
    }
    frac.truncate(dscale);
    Ok(Numeric::Finite(Decimal { negative: sign == 0x4000, int, frac }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(ndigits: i16, weight: i16, sign: u16, dscale: i16, digits: &[i16]) -> Vec<u8> {
        let mut v = Vec::new();
        for x in [ndigits, weight, sign as i16, dscale] {
            v.extend_from_slice(&x.to_be_bytes());
        }
        for d in digits {
            v.extend_from_slice(&d.to_be_bytes());
        }
        v
    }

    #[test]
    fn decodes_exactly() {
        // 12345.678 = 1|2345 . 6780, weight 1, dscale 3
        let n = decode_numeric(&wire(3, 1, 0, 3, &[1, 2345, 6780])).unwrap();
        assert_eq!(n.text(), "12345.678");
        let Numeric::Finite(d) = &n else { panic!() };
        assert_eq!(d.to_i128(3), Some(12_345_678));
        assert_eq!(d.to_i128(5), Some(1_234_567_800));
        assert_eq!(d.to_i128(2), None);
        // -0.0005 = digit 5 at weight -1, dscale 4
        assert_eq!(decode_numeric(&wire(1, -1, 0x4000, 4, &[5])).unwrap().text(), "-0.0005");
        // 0.00000001 (weight -2)
        assert_eq!(decode_numeric(&wire(1, -2, 0, 8, &[1])).unwrap().text(), "0.00000001");
        // 10000 with trailing zero digit groups omitted
        assert_eq!(decode_numeric(&wire(1, 1, 0, 0, &[1])).unwrap().text(), "10000");
        assert_eq!(decode_numeric(&wire(0, 0, 0, 2, &[])).unwrap().text(), "0.00");
        assert_eq!(decode_numeric(&wire(0, 0, 0xC000, 0, &[])).unwrap(), Numeric::NaN);
        assert!(decode_numeric(&[0, 1]).is_err());
    }
}
