//! The instrument universe (`reference.tb_meta`): real well-known tickers first, then
//! synthetic ones with unique tickers and plausible names (Korean names for KR).

use std::collections::BTreeSet;

use rand::Rng;
use rand::seq::index;

use super::GenerateError;
use super::calendar::Market;
use super::names::{
    KR_INDUSTRIES, KR_PREFIXES, KR_REAL, US_INDUSTRIES, US_REAL, US_STEMS, US_SUFFIXES,
};
use super::rng::{Stream, rng};

/// The eight sectors of the lake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Sector {
    Technology,
    Financials,
    HealthCare,
    Energy,
    Consumer,
    Industrials,
    Materials,
    Utilities,
}

impl Sector {
    pub const ALL: [Sector; 8] = [
        Sector::Technology,
        Sector::Financials,
        Sector::HealthCare,
        Sector::Energy,
        Sector::Consumer,
        Sector::Industrials,
        Sector::Materials,
        Sector::Utilities,
    ];

    /// The name stored in `tb_meta.sector`.
    pub fn name(self) -> &'static str {
        match self {
            Sector::Technology => "Technology",
            Sector::Financials => "Financials",
            Sector::HealthCare => "Health Care",
            Sector::Energy => "Energy",
            Sector::Consumer => "Consumer",
            Sector::Industrials => "Industrials",
            Sector::Materials => "Materials",
            Sector::Utilities => "Utilities",
        }
    }

    /// Typical market beta of the sector.
    pub fn beta(self) -> f64 {
        match self {
            Sector::Technology => 1.2,
            Sector::Financials => 1.1,
            Sector::HealthCare => 0.85,
            Sector::Energy => 1.0,
            Sector::Consumer => 0.95,
            Sector::Industrials => 1.05,
            Sector::Materials => 1.05,
            Sector::Utilities => 0.6,
        }
    }

    /// Annual volatility of the sector factor.
    pub fn factor_vol(self) -> f64 {
        match self {
            Sector::Technology => 0.14,
            Sector::Financials => 0.12,
            Sector::HealthCare => 0.10,
            Sector::Energy => 0.20,
            Sector::Consumer => 0.09,
            Sector::Industrials => 0.09,
            Sector::Materials => 0.13,
            Sector::Utilities => 0.08,
        }
    }
}

/// One instrument: a row of `tb_meta`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ticker {
    pub meta_id: i32,
    pub market: Market,
    pub ticker: String,
    pub name: String,
    pub sector: Sector,
}

/// All instruments: US with meta_id `1..=n_us`, then KR with `n_us+1..=n_us+n_kr`.
pub(crate) fn tickers(seed: u64, n_us: usize, n_kr: usize) -> Result<Vec<Ticker>, GenerateError> {
    let mut out = Vec::with_capacity(n_us + n_kr);
    for (ticker, name, sector) in us_tickers(seed, n_us)? {
        out.push((Market::Us, ticker, name, sector));
    }
    for (ticker, name, sector) in kr_tickers(seed, n_kr)? {
        out.push((Market::Kr, ticker, name, sector));
    }
    out.into_iter()
        .enumerate()
        .map(|(i, (market, ticker, name, sector))| {
            let meta_id = i32::try_from(i + 1)
                .map_err(|_| GenerateError::Spec(format!("too many tickers: {}", i + 1)))?;
            Ok(Ticker {
                meta_id,
                market,
                ticker,
                name,
                sector,
            })
        })
        .collect()
}

type Named = (String, String, Sector);

fn us_tickers(seed: u64, n: usize) -> Result<Vec<Named>, GenerateError> {
    let mut out: Vec<Named> = US_REAL
        .iter()
        .take(n)
        .map(|(t, name, s)| (t.to_string(), name.to_string(), *s))
        .collect();
    let synthetic = n - out.len();
    if synthetic == 0 {
        return Ok(out);
    }
    let mut rng = rng(seed, Stream::Tickers, Market::Us as u64);
    let mut used: BTreeSet<String> = out.iter().map(|(t, _, _)| t.clone()).collect();
    let pairs = US_STEMS.len() * US_INDUSTRIES.len();
    if synthetic > pairs {
        return Err(GenerateError::Spec(format!(
            "at most {} US tickers can be named",
            pairs + US_REAL.len()
        )));
    }
    for k in index::sample(&mut rng, pairs, synthetic).into_vec() {
        let stem = US_STEMS[k / US_INDUSTRIES.len()];
        let (industry, sector) = US_INDUSTRIES[k % US_INDUSTRIES.len()];
        let suffix = US_SUFFIXES[rng.random_range(0..US_SUFFIXES.len())];
        let ticker = us_symbol(stem, industry, &used, &mut rng);
        used.insert(ticker.clone());
        out.push((ticker, format!("{stem} {industry} {suffix}"), sector));
    }
    Ok(out)
}

/// A unique 3-4 letter symbol, derived from the name when possible (e.g. "Harbor
/// Therapeutics" → HART), random otherwise.
fn us_symbol(stem: &str, industry: &str, used: &BTreeSet<String>, rng: &mut impl Rng) -> String {
    let s: Vec<char> = stem.chars().map(|c| c.to_ascii_uppercase()).collect();
    let i: Vec<char> = industry
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let pick = |parts: &[(&[char], usize)]| -> Option<String> {
        let mut out = String::new();
        for (src, n) in parts {
            if src.len() < *n {
                return None;
            }
            out.extend(src[..*n].iter());
        }
        Some(out)
    };
    let candidates = [
        pick(&[(&s, 3), (&i, 1)]),
        pick(&[(&s, 2), (&i, 1)]),
        pick(&[(&s, 2), (&i, 2)]),
        pick(&[(&s, 4)]),
        pick(&[(&s, 1), (&i, 2)]),
        pick(&[(&s, 1), (&i, 3)]),
    ];
    for c in candidates.into_iter().flatten() {
        if !used.contains(&c) {
            return c;
        }
    }
    loop {
        let len = rng.random_range(3..=4);
        let c: String = (0..len)
            .map(|_| char::from(b'A' + rng.random_range(0..26u8)))
            .collect();
        if !used.contains(&c) {
            return c;
        }
    }
}

fn kr_tickers(seed: u64, n: usize) -> Result<Vec<Named>, GenerateError> {
    let mut out: Vec<Named> = KR_REAL
        .iter()
        .take(n)
        .map(|(t, name, s)| (t.to_string(), name.to_string(), *s))
        .collect();
    let synthetic = n - out.len();
    if synthetic == 0 {
        return Ok(out);
    }
    let mut rng = rng(seed, Stream::Tickers, Market::Kr as u64);
    let mut used: BTreeSet<String> = out.iter().map(|(t, _, _)| t.clone()).collect();
    let real_names: BTreeSet<&str> = KR_REAL.iter().map(|(_, name, _)| *name).collect();
    let pairs = KR_PREFIXES.len() * KR_INDUSTRIES.len();
    let picks = index::sample(&mut rng, pairs, pairs).into_vec();
    let mut names = picks.into_iter().filter_map(|k| {
        let prefix = KR_PREFIXES[k / KR_INDUSTRIES.len()];
        let (industry, sector) = KR_INDUSTRIES[k % KR_INDUSTRIES.len()];
        let name = format!("{prefix}{industry}");
        (!real_names.contains(name.as_str())).then_some((name, sector))
    });
    for _ in 0..synthetic {
        let (name, sector) = names.next().ok_or_else(|| {
            GenerateError::Spec(format!(
                "at most {} KR tickers can be named",
                KR_REAL.len() + pairs
            ))
        })?;
        let code = loop {
            let c = format!("{:06}", rng.random_range(1..100_000u32) * 10);
            if !used.contains(&c) {
                break c;
            }
        };
        used.insert(code.clone());
        out.push((code, name, sector));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_universe_is_unique_and_well_formed() {
        let all = tickers(42, 2000, 500).expect("tickers");
        assert_eq!(all.len(), 2500);
        assert_eq!(all[0].ticker, "AAPL");
        assert_eq!(all[2000].ticker, "005930");
        assert_eq!(all[2000].name, "삼성전자");
        let symbols: BTreeSet<&str> = all.iter().map(|t| t.ticker.as_str()).collect();
        assert_eq!(symbols.len(), all.len());
        let names: BTreeSet<&str> = all.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names.len(), all.len());
        for t in &all[US_REAL.len()..2000] {
            assert!((3..=4).contains(&t.ticker.len()), "{}", t.ticker);
            assert!(t.ticker.chars().all(|c| c.is_ascii_uppercase()));
            assert_eq!(t.market, Market::Us);
        }
        for t in &all[2000..] {
            assert_eq!(t.ticker.len(), 6);
            assert!(t.ticker.chars().all(|c| c.is_ascii_digit()));
            assert_eq!(t.market, Market::Kr);
        }
        let hangul = all[2000 + KR_REAL.len()..].iter().all(|t| {
            t.name
                .chars()
                .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
        });
        assert!(hangul);
        for (i, t) in all.iter().enumerate() {
            assert_eq!(t.meta_id as usize, i + 1);
        }
    }

    #[test]
    fn same_seed_same_universe() {
        assert_eq!(tickers(1, 60, 30).ok(), tickers(1, 60, 30).ok());
        assert_ne!(tickers(1, 60, 30).ok(), tickers(2, 60, 30).ok());
    }
}
