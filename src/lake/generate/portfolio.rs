//! Strategies, portfolios and their universes (`tb_strategy`, `tb_portfolio`,
//! `tb_universe`), quarterly rebalance weights (`portfolio.tb_rebalance`) and the daily NAV
//! (`portfolio.tb_nav`), computed from the generated adjusted prices.

use rand::Rng;
use rand::seq::index;

use super::GenerateError;
use super::calendar::{Market, quarter_starts};
use super::prices::MarketPrices;
use super::rng::{Stream, rng};
use super::tickers::Ticker;

/// Share of the total value kept in cash at each rebalance.
pub const CASH_SHARE: f64 = 0.02;

/// Starting total value of a portfolio: 1,000,000 USD or 1,000,000,000 KRW.
pub fn initial_value(market: Market) -> f64 {
    match market {
        Market::Us => 1_000_000.0,
        Market::Kr => 1_000_000_000.0,
    }
}

/// How a strategy shapes its weights at a rebalance (from prices up to that day).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Shape {
    /// 1/n.
    Equal,
    /// `exp(tilt · clamp(ln(adj_r / adj_{r−lookback}), ±1))`; equal before 20 days of history.
    Momentum { lookback: usize, tilt: f64 },
    /// `1 / vol^power` over the trailing `lookback` daily log returns; equal before 10 days.
    InverseVol { lookback: usize, power: i32 },
    /// Fresh uniform(0.2, 1) draws at every rebalance.
    Random,
    /// Uniform(0.5, 1.5) scores drawn once per portfolio and member.
    StableRandom,
    /// `1 + 25 · dividend yield`.
    DividendTilt,
}

/// A row of `tb_strategy` with its weighting rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Strategy {
    pub id: i32,
    pub code: &'static str,
    pub name: &'static str,
    pub shape: Shape,
}

const STRATEGIES: [(&str, &str, Shape); 10] = [
    ("EQW", "Equal Weight", Shape::Equal),
    (
        "MOM",
        "Momentum 12M",
        Shape::Momentum {
            lookback: 252,
            tilt: 1.5,
        },
    ),
    (
        "LOWVOL",
        "Low Volatility",
        Shape::InverseVol {
            lookback: 60,
            power: 1,
        },
    ),
    (
        "VALUE",
        "Contrarian Value",
        Shape::Momentum {
            lookback: 252,
            tilt: -1.5,
        },
    ),
    ("RANDOM", "Random Allocation", Shape::Random),
    (
        "MINVAR",
        "Minimum Variance",
        Shape::InverseVol {
            lookback: 120,
            power: 2,
        },
    ),
    (
        "GROWTH",
        "Growth 6M",
        Shape::Momentum {
            lookback: 126,
            tilt: 2.5,
        },
    ),
    ("DIVY", "Dividend Yield", Shape::DividendTilt),
    ("QUALITY", "Quality Score", Shape::StableRandom),
    (
        "RISKPAR",
        "Risk Parity",
        Shape::InverseVol {
            lookback: 252,
            power: 1,
        },
    ),
];

/// The first `n` strategies (ids 1..=n).
pub(crate) fn strategies(n: usize) -> Vec<Strategy> {
    STRATEGIES
        .iter()
        .take(n)
        .zip(1..)
        .map(|((code, name, shape), id)| Strategy {
            id,
            code,
            name,
            shape: *shape,
        })
        .collect()
}

/// A row of `tb_portfolio` with its market and universe (meta_ids, ascending).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Portfolio {
    pub port_id: i32,
    pub name: String,
    pub strategy: Strategy,
    pub market: Market,
    pub members: Vec<i32>,
}

/// `n` portfolios: every third one trades KR, the rest US; strategies are assigned in turn;
/// each universe is 8–30 random tickers of the portfolio's market.
pub(crate) fn portfolios(
    seed: u64,
    n: usize,
    strategies: &[Strategy],
    tickers: &[Ticker],
) -> Result<Vec<Portfolio>, GenerateError> {
    if strategies.is_empty() {
        return Err(GenerateError::Spec("no strategies".into()));
    }
    (1..=n)
        .map(|k| {
            let port_id = i32::try_from(k)
                .map_err(|_| GenerateError::Spec(format!("too many portfolios: {n}")))?;
            let market = if k % 3 == 0 { Market::Kr } else { Market::Us };
            let strategy = strategies[(k - 1) % strategies.len()].clone();
            let pool: Vec<i32> = tickers
                .iter()
                .filter(|t| t.market == market)
                .map(|t| t.meta_id)
                .collect();
            if pool.is_empty() {
                return Err(GenerateError::Spec(format!("no {} tickers", market.code())));
            }
            let mut rng = rng(seed, Stream::Portfolio, k as u64);
            let size = rng.random_range(8..=30usize).min(pool.len());
            let mut members: Vec<i32> = index::sample(&mut rng, pool.len(), size)
                .into_iter()
                .map(|i| pool[i])
                .collect();
            members.sort_unstable();
            let name = format!("{} {} {:03}", market.code(), strategy.name, port_id);
            Ok(Portfolio {
                port_id,
                name,
                strategy,
                market,
                members,
            })
        })
        .collect()
}

/// The simulated history of one portfolio, aligned with its market's open days.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub port_id: i32,
    pub market: Market,
    /// (day index, weights aligned with the portfolio's `members`), ascending by day.
    pub rebalances: Vec<(usize, Vec<f64>)>,
    pub value: Vec<f64>,
    pub cash: Vec<f64>,
    pub total: Vec<f64>,
}

/// Simulates one portfolio's NAV. With `r` the latest rebalance day ≤ `t` and `w_i` the
/// weights set on `r`:
///
/// ```text
/// value_t       = value_r · Σ_i w_i · adj_close_{i,t} / adj_close_{i,r}
/// cash_t        = cash_r
/// total_value_t = value_t + cash_t
/// ```
///
/// At inception `total = initial_value(market)`; on each rebalance day `r` the total carried
/// over (`value_r` by the previous weights, plus the previous cash) is split again:
/// `value_r = 0.98 · total`, `cash_r = 0.02 · total`, so the stored `value` on a rebalance
/// day is the new `value_r` and the NAV has no jump.
pub(crate) fn run(
    seed: u64,
    port: &Portfolio,
    prices: &MarketPrices,
) -> Result<Run, GenerateError> {
    let members: Vec<usize> = port
        .members
        .iter()
        .map(|m| {
            prices.position(*m).ok_or_else(|| {
                GenerateError::Spec(format!(
                    "portfolio {} member {m} has no prices",
                    port.port_id
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    let n = prices.days.len();
    let rebal_days = quarter_starts(&prices.days);
    let mut rebalances = Vec::with_capacity(rebal_days.len());
    let (mut value, mut cash, mut total) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    // coef_i = value_r · w_i / adj_{i,r}
    let mut coef = vec![0.0; members.len()];
    let mut cash_r = 0.0;
    let mut next = 0;
    for t in 0..n {
        let drifted: f64 = members
            .iter()
            .zip(&coef)
            .map(|(&m, c)| c * prices.series[m].adj[t])
            .sum();
        let v = if rebal_days.get(next) == Some(&t) {
            next += 1;
            let carried = if t == 0 {
                initial_value(port.market)
            } else {
                drifted + cash_r
            };
            let w = weights(seed, port, prices, &members, t);
            let value_r = (1.0 - CASH_SHARE) * carried;
            cash_r = CASH_SHARE * carried;
            for ((c, &m), wi) in coef.iter_mut().zip(&members).zip(&w) {
                *c = value_r * wi / prices.series[m].adj[t];
            }
            rebalances.push((t, w));
            value_r
        } else {
            drifted
        };
        value.push(v);
        cash.push(cash_r);
        total.push(v + cash_r);
    }
    Ok(Run {
        port_id: port.port_id,
        market: port.market,
        rebalances,
        value,
        cash,
        total,
    })
}

/// Weights of the members on day `t`, all positive, normalized to sum to 1.
fn weights(
    seed: u64,
    port: &Portfolio,
    prices: &MarketPrices,
    members: &[usize],
    t: usize,
) -> Vec<f64> {
    let adj = |m: usize, k: usize| prices.series[m].adj[k];
    let id = port.port_id as u64;
    let raw: Vec<f64> = match port.strategy.shape {
        Shape::Equal => vec![1.0; members.len()],
        Shape::Momentum { lookback, tilt } => {
            if t < 20 {
                vec![1.0; members.len()]
            } else {
                let lb = lookback.min(t);
                members
                    .iter()
                    .map(|&m| (tilt * (adj(m, t) / adj(m, t - lb)).ln().clamp(-1.0, 1.0)).exp())
                    .collect()
            }
        }
        Shape::InverseVol { lookback, power } => {
            if t < 10 {
                vec![1.0; members.len()]
            } else {
                let lb = lookback.min(t);
                members
                    .iter()
                    .map(|&m| {
                        let r: Vec<f64> = (t - lb + 1..=t)
                            .map(|k| (adj(m, k) / adj(m, k - 1)).ln())
                            .collect();
                        1.0 / sample_sd(&r).max(1e-4).powi(power)
                    })
                    .collect()
            }
        }
        Shape::Random => {
            let mut rng = rng(seed, Stream::Weights, id << 24 | t as u64);
            members.iter().map(|_| rng.random_range(0.2..1.0)).collect()
        }
        Shape::StableRandom => {
            let mut rng = rng(seed, Stream::Weights, 1 << 60 | id);
            members.iter().map(|_| rng.random_range(0.5..1.5)).collect()
        }
        Shape::DividendTilt => members
            .iter()
            .map(|&m| 1.0 + 25.0 * prices.series[m].div_yield)
            .collect(),
    };
    let sum: f64 = raw.iter().sum();
    raw.iter().map(|x| x / sum).collect()
}

/// Sample standard deviation (n − 1); 0 for fewer than two values.
pub(crate) fn sample_sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}
