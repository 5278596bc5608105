//! The deterministic synthetic demo lake: given a [`DemoSpec`], produces Arrow record
//! batches for every lake table (and the PostgreSQL metadata side) that behave like
//! markets — correlated prices with dividends, quarterly-rebalanced portfolios whose NAV is
//! computed from those prices, monthly risk metrics, weekly signals, macro and FX series.
//! Pure computation, no IO; the same spec always yields identical batches.
//!
//! Files: `calendar` (trading days), `tickers`/`names` (tb_meta), `prices`, `portfolio`
//! (strategies, universes, rebalances, NAV), `analytics` (metrics, signals), `reference`
//! (macro, FX), `batches` (Arrow), `rng` (per-item random streams).

mod analytics;
mod batches;
mod calendar;
mod names;
mod portfolio;
mod prices;
mod reference;
mod rng;
mod tickers;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_portfolio;

use std::str::FromStr;

use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;

use crate::lake::tables::{self, TableDef};

pub use analytics::{SCORE_CLIP, SIGNAL_WINDOW, signal_for};
pub use batches::{date32, timestamp_at};
pub use calendar::{Market, is_open, trading_days};
pub use portfolio::{CASH_SHARE, initial_value};
pub use reference::{FX_PAIRS, MACRO_SERIES};

/// Size of the demo lake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// 35 US + 15 KR tickers, 2 years, 3 strategies, 6 portfolios.
    Small,
    /// 500 US + 200 KR tickers, 20 years, 10 strategies, 100 portfolios (the lake today).
    Seed,
    /// 2000 US + 500 KR tickers, 20 years, 10 strategies, 200 portfolios (growth scenario).
    Large,
}

impl Scale {
    /// "small", "seed" or "large".
    pub fn name(self) -> &'static str {
        match self {
            Scale::Small => "small",
            Scale::Seed => "seed",
            Scale::Large => "large",
        }
    }

    /// Number of US tickers.
    pub fn n_us(self) -> usize {
        match self {
            Scale::Small => 35,
            Scale::Seed => 500,
            Scale::Large => 2000,
        }
    }

    /// Number of KR tickers.
    pub fn n_kr(self) -> usize {
        match self {
            Scale::Small => 15,
            Scale::Seed => 200,
            Scale::Large => 500,
        }
    }

    /// Years of history.
    pub fn years(self) -> u32 {
        match self {
            Scale::Small => 2,
            Scale::Seed | Scale::Large => 20,
        }
    }

    /// Number of strategies.
    pub fn n_strategies(self) -> usize {
        match self {
            Scale::Small => 3,
            Scale::Seed | Scale::Large => 10,
        }
    }

    /// Number of portfolios.
    pub fn n_portfolios(self) -> usize {
        match self {
            Scale::Small => 6,
            Scale::Seed => 100,
            Scale::Large => 200,
        }
    }
}

impl FromStr for Scale {
    type Err = GenerateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "small" => Ok(Scale::Small),
            "seed" => Ok(Scale::Seed),
            "large" => Ok(Scale::Large),
            other => Err(GenerateError::Spec(format!(
                "unknown scale {other:?} (small, seed, large)"
            ))),
        }
    }
}

/// What to generate. The history of each market runs from its first trading day after
/// `end` minus `scale.years()` years through its last trading day on or before `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSpec {
    pub scale: Scale,
    pub seed: u64,
    pub end: NaiveDate,
}

/// The rows of one lake table.
#[derive(Debug, Clone)]
pub struct TableData {
    pub table: &'static TableDef,
    pub batch: RecordBatch,
}

/// Everything generated for a spec.
#[derive(Debug, Clone)]
pub struct DemoData {
    /// All ten lake tables, in the order of [`crate::lake::tables::ALL`].
    pub tables: Vec<TableData>,
    /// The PostgreSQL metadata side, with the same ids: "tb_meta", "tb_strategy",
    /// "tb_portfolio", "tb_universe", "tb_metrics".
    pub postgres: Vec<(&'static str, RecordBatch)>,
}

impl DemoData {
    /// The batch of a lake table, by `namespace.name`.
    pub fn table(&self, qualified: &str) -> Option<&RecordBatch> {
        self.tables
            .iter()
            .find(|t| t.table.qualified() == qualified)
            .map(|t| &t.batch)
    }

    /// A PostgreSQL batch, by table name.
    pub fn postgres_table(&self, name: &str) -> Option<&RecordBatch> {
        self.postgres
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b)
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("invalid demo spec: {0}")]
    Spec(String),
    #[error("building Arrow batch: {0}")]
    Arrow(#[from] ArrowError),
    #[error("table schema: {0}")]
    Schema(#[from] iceberg::Error),
}

/// The open days of `market` in the history of `spec`, ascending.
pub fn history_days(spec: &DemoSpec, market: Market) -> Result<Vec<NaiveDate>, GenerateError> {
    Ok(calendar::History::new(spec.end, spec.scale.years())?
        .days(market)
        .to_vec())
}

/// Generates the demo lake for `spec`.
pub fn generate(spec: &DemoSpec) -> Result<DemoData, GenerateError> {
    generate_with_progress(spec, &mut |_| {})
}

/// Generates the demo lake for `spec`, calling `progress` with the name of each phase
/// ("calendar", "tickers", "prices US", "prices KR", "portfolios", "metrics", "signals",
/// "macro", "exchange rates", "batches") before it starts.
pub fn generate_with_progress(
    spec: &DemoSpec,
    progress: &mut dyn FnMut(&str),
) -> Result<DemoData, GenerateError> {
    let seed = spec.seed;
    let scale = spec.scale;

    progress("calendar");
    let history = calendar::History::new(spec.end, scale.years())?;

    progress("tickers");
    let tickers = tickers::tickers(seed, scale.n_us(), scale.n_kr())?;

    progress("prices US");
    let us = prices::market_prices(seed, &history, Market::Us, &tickers);
    progress("prices KR");
    let kr = prices::market_prices(seed, &history, Market::Kr, &tickers);
    let prices_of = |m: Market| match m {
        Market::Us => &us,
        Market::Kr => &kr,
    };

    progress("portfolios");
    let strategies = portfolio::strategies(scale.n_strategies());
    let ports = portfolio::portfolios(seed, scale.n_portfolios(), &strategies, &tickers)?;
    let runs = ports
        .iter()
        .map(|p| portfolio::run(seed, p, prices_of(p.market)))
        .collect::<Result<Vec<_>, _>>()?;

    progress("metrics");
    let mut metric_rows: Vec<_> = runs
        .iter()
        .flat_map(|r| analytics::metrics(r, history.days(r.market)))
        .collect();
    metric_rows.sort_by_key(|r| (r.date, r.port_id));

    progress("signals");
    let mut signal_rows = Vec::new();
    analytics::signals(&us, &mut signal_rows);
    analytics::signals(&kr, &mut signal_rows);
    signal_rows.sort_unstable_by_key(|r| (r.date, r.meta_id));

    progress("macro");
    let macro_rows = reference::macro_data(seed, &history);

    progress("exchange rates");
    let fx_rows = reference::exchange_rates(seed, &history);

    progress("batches");
    let tables = vec![
        batches::prices(&tables::US_STOCKS_PRICE, &us)?,
        batches::prices(&tables::KR_STOCKS_PRICE, &kr)?,
        batches::nav(&runs, &history)?,
        batches::rebalance(&runs, &ports, &history)?,
        batches::metrics(&metric_rows)?,
        batches::signals(&signal_rows)?,
        batches::macro_data(&macro_rows)?,
        batches::meta(&tickers)?,
        batches::calendar(&history)?,
        batches::exchange_rates(&fx_rows)?,
    ];
    let postgres = batches::postgres(&tickers, &strategies, &ports, &metric_rows)?;
    Ok(DemoData { tables, postgres })
}
