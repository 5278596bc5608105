//! Daily prices (`market_data.us_stocks_price` / `kr_stocks_price`): correlated random
//! walks. A ticker's daily log return is `drift + beta·market + loading·sector + noise`,
//! the market factor has slowly varying volatility and shares a global shock with the other
//! market (KR trades on the US session of the day before), so same-sector tickers and the
//! two markets correlate. Some tickers pay quarterly dividends: `close` is the raw price,
//! `adj_close = close × backward dividend factor` (1.0 on the last day).

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use super::calendar::{History, Market};
use super::rng::{Stream, rng};
use super::tickers::{Sector, Ticker};

const TRADING_DAYS: f64 = 252.0;
/// Largest absolute daily log return (keeps |return| far below the 50% sanity limit).
const MAX_LOG_RETURN: f64 = 0.2;

/// The price history of one ticker, aligned with its market's open days.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub meta_id: i32,
    /// Raw close, rounded to the market's tick (cents / whole won).
    pub close: Vec<f64>,
    /// `close × factor`, the factor being the product of `1 − D/close_{t−1}` over the
    /// ex-dividend days after the row.
    pub adj: Vec<f64>,
    pub volume: Vec<i64>,
    /// Annual dividend yield (0 for tickers that pay none).
    pub div_yield: f64,
}

/// Every ticker of one market, in meta_id order, over the market's open days.
#[derive(Debug, Clone)]
pub(crate) struct MarketPrices {
    pub market: Market,
    pub days: Vec<NaiveDate>,
    pub series: Vec<Series>,
}

impl MarketPrices {
    /// Index of `meta_id` in `series`.
    pub fn position(&self, meta_id: i32) -> Option<usize> {
        self.series
            .binary_search_by_key(&meta_id, |s| s.meta_id)
            .ok()
    }
}

/// Per-market constants.
struct MarketParams {
    /// Annual volatility of the market factor.
    vol: f64,
    /// Loading of the market factor on the shared global shock.
    global: f64,
    /// Range of starting prices (log-uniform).
    start: (f64, f64),
    /// Soft floor and ceiling of the price level.
    band: (f64, f64),
    /// Range of typical daily volume (log-uniform).
    volume: (f64, f64),
    /// Price tick: 0.01 for US, 1 for KR.
    tick: f64,
}

fn params(market: Market) -> MarketParams {
    match market {
        Market::Us => MarketParams {
            vol: 0.16,
            global: 0.5,
            start: (15.0, 400.0),
            band: (3.0, 1_500.0),
            volume: (2.0e5, 3.0e7),
            tick: 0.01,
        },
        Market::Kr => MarketParams {
            vol: 0.19,
            global: 0.45,
            start: (8_000.0, 300_000.0),
            band: (4_000.0, 500_000.0),
            volume: (2.0e4, 5.0e6),
            tick: 1.0,
        },
    }
}

/// Rounds a price to the market's tick, never below one tick.
pub(crate) fn round_price(p: f64, tick: f64) -> f64 {
    let r = if tick == 1.0 {
        p.round()
    } else {
        (p / tick).round() * tick
    };
    r.max(tick)
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    rng.sample(StandardNormal)
}

fn log_uniform(rng: &mut ChaCha8Rng, (lo, hi): (f64, f64)) -> f64 {
    rng.random_range(lo.ln()..hi.ln()).exp()
}

/// Daily factor returns of one market: the market factor and one factor per sector.
struct Factors {
    market: Vec<f64>,
    sector: Vec<Vec<f64>>,
}

fn factors(seed: u64, history: &History, market: Market) -> Factors {
    let days = history.days(market);
    let p = params(market);
    // One global shock per calendar day; KR reacts to the previous day's shock.
    let n_cal = history.calendar_days().count();
    let mut g_rng = rng(seed, Stream::Global, 0);
    let global: Vec<f64> = (0..n_cal).map(|_| normal(&mut g_rng)).collect();
    let lag = usize::from(market == Market::Kr);

    let mut m_rng = rng(seed, Stream::MarketFactor, market as u64);
    let sigma = p.vol / TRADING_DAYS.sqrt();
    let own = (1.0 - p.global * p.global).sqrt();
    let mut h: f64 = 0.0;
    let market_f = days
        .iter()
        .map(|d| {
            // Volatility regime: log-AR(1) multiplier, stationary sd ≈ 0.3.
            h = (0.985 * h + 0.05 * normal(&mut m_rng)).clamp(-0.7, 1.2);
            let off = usize::try_from((*d - history.first).num_days()).unwrap_or(0);
            let z = normal(&mut m_rng);
            let g = match off.checked_sub(lag) {
                Some(k) => global.get(k).copied().unwrap_or(0.0),
                None => normal(&mut m_rng),
            };
            sigma * (h - 0.045).exp() * (p.global * g + own * z)
        })
        .collect();

    let sector = Sector::ALL
        .iter()
        .map(|s| {
            let id = (market as u64) * 16 + *s as u64;
            let mut s_rng = rng(seed, Stream::SectorFactor, id);
            let sd = s.factor_vol() / TRADING_DAYS.sqrt();
            days.iter().map(|_| sd * normal(&mut s_rng)).collect()
        })
        .collect();
    Factors {
        market: market_f,
        sector,
    }
}

/// Probability that a ticker of the sector pays a dividend.
fn payer_probability(s: Sector) -> f64 {
    match s {
        Sector::Utilities => 0.9,
        Sector::Financials | Sector::Energy => 0.7,
        Sector::Technology => 0.3,
        _ => 0.5,
    }
}

/// Generates the prices of every ticker of `market` in `tickers`.
pub(crate) fn market_prices(
    seed: u64,
    history: &History,
    market: Market,
    tickers: &[Ticker],
) -> MarketPrices {
    let days = history.days(market).to_vec();
    let f = factors(seed, history, market);
    let series = tickers
        .iter()
        .filter(|t| t.market == market)
        .map(|t| ticker_series(seed, t, &days, &f))
        .collect();
    MarketPrices {
        market,
        days,
        series,
    }
}

fn ticker_series(seed: u64, t: &Ticker, days: &[NaiveDate], f: &Factors) -> Series {
    let p = params(t.market);
    let mut rng = rng(seed, Stream::Price, t.meta_id as u64);
    let n = days.len();

    let beta = t.sector.beta() * rng.random_range(0.8..1.2);
    let loading = rng.random_range(0.6..1.2);
    let target_vol: f64 = rng.random_range(0.15..0.45);
    let mu = rng.random_range(0.05..0.10);
    let sys_var = (beta * p.vol).powi(2) + (loading * t.sector.factor_vol()).powi(2);
    let idio = ((target_vol.powi(2) - sys_var).max(0.08_f64.powi(2)) / TRADING_DAYS).sqrt();
    let total_var = sys_var + idio * idio * TRADING_DAYS;
    let drift = (mu - 0.5 * total_var) / TRADING_DAYS;
    let start = log_uniform(&mut rng, p.start);
    let volume_level = log_uniform(&mut rng, p.volume);
    let pays = rng.random_bool(payer_probability(t.sector));
    let div_yield = if pays {
        rng.random_range(0.01..0.045)
    } else {
        0.0
    };
    let ex_phase = rng.random_range(0..3u32);
    let ex_day = rng.random_range(5..=25u32);
    let (ln_floor, ln_ceil) = (p.band.0.ln(), p.band.1.ln());

    let mut close = Vec::with_capacity(n);
    let mut volume = Vec::with_capacity(n);
    let mut dividends: Vec<(usize, f64)> = Vec::new();
    let mut paid_month = None;
    let mut price = start;
    for (i, d) in days.iter().enumerate() {
        let z = normal(&mut rng);
        let zv = normal(&mut rng);
        let mut lr = 0.0;
        if i > 0 {
            let lp = price.ln();
            let pull = 0.02 * ((ln_floor - lp).max(0.0) - (lp - ln_ceil).max(0.0));
            lr = (drift
                + beta * f.market[i]
                + loading * f.sector[t.sector as usize][i]
                + idio * z
                + pull)
                .clamp(-MAX_LOG_RETURN, MAX_LOG_RETURN);
            price *= lr.exp();
            let month = (d.year(), d.month());
            let ex = pays
                && (d.month() - 1) % 3 == ex_phase
                && d.day() >= ex_day
                && paid_month != Some(month);
            if ex {
                let prev: f64 = close[i - 1];
                let div = round_price(prev * div_yield / 4.0, p.tick);
                if div < 0.05 * prev {
                    price = (price - div).max(p.tick);
                    dividends.push((i, div));
                }
                paid_month = Some(month);
            }
        }
        close.push(round_price(price, p.tick));
        let v = volume_level * (0.4 * zv - 0.08).exp() * (1.0 + 10.0 * lr.abs());
        volume.push((v.round() as i64).max(1));
    }

    let mut adj = close.clone();
    let mut factor = 1.0;
    let mut next_div = dividends.len();
    for i in (0..n.saturating_sub(1)).rev() {
        // Ex-date i+1 scales every row before it.
        if next_div > 0 && dividends[next_div - 1].0 == i + 1 {
            next_div -= 1;
            factor *= 1.0 - dividends[next_div].1 / close[i];
        }
        adj[i] = close[i] * factor;
    }

    Series {
        meta_id: t.meta_id,
        close,
        adj,
        volume,
        div_yield,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lake::generate::tickers::tickers;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn log_returns(s: &Series) -> Vec<f64> {
        s.adj.windows(2).map(|w| (w[1] / w[0]).ln()).collect()
    }

    fn corr(a: &[f64], b: &[f64]) -> f64 {
        let n = a.len() as f64;
        let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
        let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
        let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
        let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
        cov / (va * vb).sqrt()
    }

    #[test]
    fn prices_behave_like_markets() {
        let h = History::new(ymd(2024, 12, 31), 20).expect("history");
        let all = tickers(3, 80, 30).expect("tickers");
        let us = market_prices(3, &h, Market::Us, &all);
        assert_eq!(us.series.len(), 80);
        let mut vols = Vec::new();
        for s in &us.series {
            assert!(s.close.iter().all(|c| c.is_finite() && *c > 0.0));
            assert_eq!(s.adj.last(), s.close.last());
            let r = log_returns(s);
            assert!(r.iter().all(|x| x.abs() < 0.3));
            let m = r.iter().sum::<f64>() / r.len() as f64;
            let v = (r.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (r.len() - 1) as f64).sqrt();
            vols.push(v * TRADING_DAYS.sqrt());
        }
        let mean_vol = vols.iter().sum::<f64>() / vols.len() as f64;
        assert!(mean_vol > 0.15 && mean_vol < 0.5, "mean vol {mean_vol}");
        assert!(us.series.iter().any(|s| s.div_yield > 0.0));

        // Same-sector names correlate more than cross-sector names on average.
        let by_sector = |sec: Sector| -> Vec<Vec<f64>> {
            all.iter()
                .filter(|t| t.market == Market::Us && t.sector == sec)
                .filter_map(|t| us.position(t.meta_id))
                .map(|i| log_returns(&us.series[i]))
                .collect()
        };
        let tech = by_sector(Sector::Technology);
        let util = by_sector(Sector::Utilities);
        assert!(tech.len() >= 2 && !util.is_empty());
        let within = corr(&tech[0], &tech[1]);
        let across = corr(&tech[0], &util[0]);
        assert!(within > 0.2, "within-sector correlation {within}");
        assert!(within > across, "{within} vs {across}");
    }

    #[test]
    fn dividends_lower_earlier_adjusted_prices() {
        let h = History::new(ymd(2024, 12, 31), 5).expect("history");
        let all = tickers(9, 45, 0).expect("tickers");
        let us = market_prices(9, &h, Market::Us, &all);
        let payer = us
            .series
            .iter()
            .find(|s| s.div_yield > 0.0)
            .expect("a dividend payer");
        assert!(payer.adj[0] < payer.close[0]);
        let non = us
            .series
            .iter()
            .find(|s| s.div_yield == 0.0)
            .expect("a non-payer");
        assert_eq!(non.adj, non.close);
    }
}
