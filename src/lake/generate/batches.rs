//! Arrow record batches of the generated data: one per lake table (built against the
//! table's Iceberg-derived Arrow schema, rows sorted by time column then id columns) and
//! one per PostgreSQL metadata table (plain Arrow schemas).

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, Int64Array, StringArray,
    TimestampMicrosecondArray,
};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use chrono::{Datelike, NaiveDate};

use super::analytics::{MetricRow, SignalRow, signal_for};
use super::calendar::{History, Market, is_open};
use super::portfolio::{Portfolio, Run, Strategy};
use super::prices::MarketPrices;
use super::reference::{FX_PAIRS, FxRow, MACRO_SERIES, MacroRow};
use super::tickers::Ticker;
use super::{GenerateError, TableData};
use crate::lake::tables::{self, TableDef};

/// `NaiveDate::num_days_from_ce` of 1970-01-01.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;
/// Hour (UTC) of the macro load.
const MACRO_HOUR: u32 = 23;

/// Days since 1970-01-01 (Arrow Date32).
pub fn date32(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - EPOCH_DAYS_FROM_CE
}

/// Microseconds since 1970-01-01 00:00 of `d` at `hour`:00 (Arrow Timestamp(µs)).
pub fn timestamp_at(d: NaiveDate, hour: u32) -> i64 {
    (i64::from(date32(d)) * 86_400 + i64::from(hour) * 3_600) * 1_000_000
}

fn arr<A: arrow::array::Array + 'static>(a: A) -> ArrayRef {
    Arc::new(a)
}

fn table_batch(
    table: &'static TableDef,
    columns: Vec<ArrayRef>,
) -> Result<TableData, GenerateError> {
    let batch = RecordBatch::try_new(table.arrow_schema()?, columns)?;
    Ok(TableData { table, batch })
}

/// `us_stocks_price` or `kr_stocks_price`, sorted by (trade_date, meta_id). `gross_return` is
/// `adj_close_t / adj_close_{t−1} − 1` of the stored values, NULL on the first day.
pub(crate) fn prices(
    table: &'static TableDef,
    p: &MarketPrices,
) -> Result<TableData, GenerateError> {
    let n = p.days.len() * p.series.len();
    let hour = p.market.load_hour();
    let mut meta = Vec::with_capacity(n);
    let mut date = Vec::with_capacity(n);
    let mut close = Vec::with_capacity(n);
    let mut adj = Vec::with_capacity(n);
    let mut ret = Vec::with_capacity(n);
    let mut valid = Vec::with_capacity(n);
    let mut volume = Vec::with_capacity(n);
    let mut updated = Vec::with_capacity(n);
    for (i, d) in p.days.iter().enumerate() {
        let (day, ts) = (date32(*d), timestamp_at(*d, hour));
        for s in &p.series {
            meta.push(s.meta_id);
            date.push(day);
            close.push(s.close[i]);
            adj.push(s.adj[i]);
            if i == 0 {
                ret.push(0.0);
                valid.push(false);
            } else {
                ret.push(s.adj[i] / s.adj[i - 1] - 1.0);
                valid.push(true);
            }
            volume.push(s.volume[i]);
            updated.push(ts);
        }
    }
    table_batch(
        table,
        vec![
            arr(Int32Array::from(meta)),
            arr(Date32Array::from(date)),
            arr(Float64Array::from(close)),
            arr(Float64Array::from(adj)),
            arr(Float64Array::new(ret.into(), Some(NullBuffer::from(valid)))),
            arr(Int64Array::from(volume)),
            arr(TimestampMicrosecondArray::from(updated)),
        ],
    )
}

/// `portfolio.tb_nav`, sorted by (trade_date, port_id).
pub(crate) fn nav(runs: &[Run], history: &History) -> Result<TableData, GenerateError> {
    let mut rows: Vec<(NaiveDate, i32, usize, usize)> = Vec::new();
    for (k, r) in runs.iter().enumerate() {
        let days = history.days(r.market);
        rows.extend(days.iter().enumerate().map(|(t, d)| (*d, r.port_id, k, t)));
    }
    rows.sort_unstable_by_key(|&(d, port, _, _)| (d, port));
    let pick = |f: fn(&Run) -> &Vec<f64>| -> Float64Array {
        rows.iter()
            .map(|&(_, _, k, t)| f(&runs[k])[t])
            .collect::<Vec<f64>>()
            .into()
    };
    table_batch(
        &tables::TB_NAV,
        vec![
            arr(Date32Array::from_iter_values(
                rows.iter().map(|r| date32(r.0)),
            )),
            arr(Int32Array::from_iter_values(rows.iter().map(|r| r.1))),
            arr(pick(|r| &r.value)),
            arr(pick(|r| &r.cash)),
            arr(pick(|r| &r.total)),
            arr(TimestampMicrosecondArray::from_iter_values(
                rows.iter()
                    .map(|r| timestamp_at(r.0, runs[r.2].market.load_hour())),
            )),
        ],
    )
}

/// `portfolio.tb_rebalance`, sorted by (rebal_date, port_id, meta_id).
pub(crate) fn rebalance(
    runs: &[Run],
    ports: &[Portfolio],
    history: &History,
) -> Result<TableData, GenerateError> {
    let mut rows: Vec<(NaiveDate, i32, i32, f64)> = Vec::new();
    for (r, p) in runs.iter().zip(ports) {
        let days = history.days(r.market);
        for (t, w) in &r.rebalances {
            rows.extend(
                p.members
                    .iter()
                    .zip(w)
                    .map(|(m, wi)| (days[*t], r.port_id, *m, *wi)),
            );
        }
    }
    rows.sort_unstable_by_key(|&(d, port, meta, _)| (d, port, meta));
    table_batch(
        &tables::TB_REBALANCE,
        vec![
            arr(Date32Array::from_iter_values(
                rows.iter().map(|r| date32(r.0)),
            )),
            arr(Int32Array::from_iter_values(rows.iter().map(|r| r.1))),
            arr(Int32Array::from_iter_values(rows.iter().map(|r| r.2))),
            arr(Float64Array::from_iter_values(rows.iter().map(|r| r.3))),
        ],
    )
}

/// The columns of `tb_metrics` for rows already sorted.
fn metric_columns(rows: &[MetricRow]) -> Vec<ArrayRef> {
    vec![
        arr(Int32Array::from_iter_values(rows.iter().map(|r| r.port_id))),
        arr(Date32Array::from_iter_values(
            rows.iter().map(|r| date32(r.date)),
        )),
        arr(rows.iter().map(|r| r.sharpe).collect::<Float64Array>()),
        arr(Float64Array::from_iter_values(rows.iter().map(|r| r.mdd))),
        arr(Float64Array::from_iter_values(
            rows.iter().map(|r| r.ann_ret),
        )),
        arr(Float64Array::from_iter_values(
            rows.iter().map(|r| r.ann_vol),
        )),
    ]
}

/// `analytics.tb_metrics` (rows sorted by (calculation_date, port_id)).
pub(crate) fn metrics(rows: &[MetricRow]) -> Result<TableData, GenerateError> {
    table_batch(&tables::TB_METRICS, metric_columns(rows))
}

/// `analytics.tb_signals` (rows sorted by (signal_date, meta_id)).
pub(crate) fn signals(rows: &[SignalRow]) -> Result<TableData, GenerateError> {
    table_batch(
        &tables::TB_SIGNALS,
        vec![
            arr(Date32Array::from_iter_values(
                rows.iter().map(|r| date32(r.date)),
            )),
            arr(Int32Array::from_iter_values(rows.iter().map(|r| r.meta_id))),
            arr(StringArray::from_iter_values(
                rows.iter().map(|r| signal_for(r.score)),
            )),
            arr(Float64Array::from_iter_values(rows.iter().map(|r| r.score))),
        ],
    )
}

/// `reference.tb_macro_data` (rows sorted by (base_date, macro_id)).
pub(crate) fn macro_data(rows: &[MacroRow]) -> Result<TableData, GenerateError> {
    let series = |id: i32| {
        usize::try_from(id - 1)
            .ok()
            .and_then(|i| MACRO_SERIES.get(i))
            .copied()
            .unwrap_or("")
    };
    table_batch(
        &tables::TB_MACRO_DATA,
        vec![
            arr(Int32Array::from_iter_values(
                rows.iter().map(|r| r.macro_id),
            )),
            arr(Date32Array::from_iter_values(
                rows.iter().map(|r| date32(r.date)),
            )),
            arr(Float64Array::from_iter_values(rows.iter().map(|r| r.value))),
            arr(StringArray::from_iter_values(
                rows.iter().map(|r| series(r.macro_id)),
            )),
            arr(TimestampMicrosecondArray::from_iter_values(
                rows.iter().map(|r| timestamp_at(r.date, MACRO_HOUR)),
            )),
        ],
    )
}

fn meta_columns(tickers: &[Ticker]) -> Vec<ArrayRef> {
    vec![
        arr(Int32Array::from_iter_values(
            tickers.iter().map(|t| t.meta_id),
        )),
        arr(StringArray::from_iter_values(
            tickers.iter().map(|t| t.ticker.as_str()),
        )),
        arr(StringArray::from_iter_values(
            tickers.iter().map(|t| t.name.as_str()),
        )),
        arr(StringArray::from_iter_values(
            tickers.iter().map(|t| t.sector.name()),
        )),
        arr(StringArray::from_iter_values(
            tickers.iter().map(|t| t.market.code()),
        )),
    ]
}

/// `reference.tb_meta` (tickers in meta_id order).
pub(crate) fn meta(tickers: &[Ticker]) -> Result<TableData, GenerateError> {
    table_batch(&tables::TB_META, meta_columns(tickers))
}

/// `reference.tb_calendar`: every calendar day of the window, and the published days after
/// it, for "KR" and "US".
pub(crate) fn calendar(history: &History) -> Result<TableData, GenerateError> {
    let mut markets = Market::ALL;
    markets.sort_by_key(|m| m.code());
    let rows: Vec<(NaiveDate, Market)> = history
        .published_days()
        .flat_map(|d| markets.iter().map(move |m| (d, *m)))
        .collect();
    table_batch(
        &tables::TB_CALENDAR,
        vec![
            arr(Date32Array::from_iter_values(
                rows.iter().map(|r| date32(r.0)),
            )),
            arr(StringArray::from_iter_values(
                rows.iter().map(|r| r.1.code()),
            )),
            arr(rows
                .iter()
                .map(|r| Some(is_open(r.1, r.0)))
                .collect::<BooleanArray>()),
        ],
    )
}

/// `reference.tb_exchange_rates` (rows sorted by (base_date, pair)).
pub(crate) fn exchange_rates(rows: &[FxRow]) -> Result<TableData, GenerateError> {
    table_batch(
        &tables::TB_EXCHANGE_RATES,
        vec![
            arr(Date32Array::from_iter_values(
                rows.iter().map(|r| date32(r.date)),
            )),
            arr(StringArray::from_iter_values(
                rows.iter().map(|r| FX_PAIRS[r.pair]),
            )),
            arr(Float64Array::from_iter_values(rows.iter().map(|r| r.rate))),
        ],
    )
}

fn plain_schema(fields: &[(&str, DataType, bool)]) -> SchemaRef {
    Arc::new(Schema::new(
        fields
            .iter()
            .map(|(name, ty, nullable)| Field::new(*name, ty.clone(), *nullable))
            .collect::<Vec<_>>(),
    ))
}

/// The PostgreSQL side: tb_meta, tb_strategy, tb_portfolio, tb_universe, tb_metrics.
pub(crate) fn postgres(
    tickers: &[Ticker],
    strategies: &[Strategy],
    ports: &[Portfolio],
    metric_rows: &[MetricRow],
) -> Result<Vec<(&'static str, RecordBatch)>, GenerateError> {
    use DataType::{Date32, Float64, Int32, Utf8};
    let meta = RecordBatch::try_new(
        plain_schema(&[
            ("meta_id", Int32, false),
            ("ticker", Utf8, true),
            ("name", Utf8, true),
            ("sector", Utf8, true),
            ("iso_code", Utf8, true),
        ]),
        meta_columns(tickers),
    )?;
    let strategy = RecordBatch::try_new(
        plain_schema(&[
            ("strategy_id", Int32, false),
            ("strategy", Utf8, true),
            ("strategy_name", Utf8, true),
        ]),
        vec![
            arr(Int32Array::from_iter_values(
                strategies.iter().map(|s| s.id),
            )),
            arr(StringArray::from_iter_values(
                strategies.iter().map(|s| s.code),
            )),
            arr(StringArray::from_iter_values(
                strategies.iter().map(|s| s.name),
            )),
        ],
    )?;
    let portfolio = RecordBatch::try_new(
        plain_schema(&[
            ("port_id", Int32, false),
            ("port_name", Utf8, true),
            ("strategy_id", Int32, true),
        ]),
        vec![
            arr(Int32Array::from_iter_values(
                ports.iter().map(|p| p.port_id),
            )),
            arr(StringArray::from_iter_values(
                ports.iter().map(|p| p.name.as_str()),
            )),
            arr(Int32Array::from_iter_values(
                ports.iter().map(|p| p.strategy.id),
            )),
        ],
    )?;
    let pairs: Vec<(i32, i32)> = ports
        .iter()
        .flat_map(|p| p.members.iter().map(move |m| (p.port_id, *m)))
        .collect();
    let universe = RecordBatch::try_new(
        plain_schema(&[("port_id", Int32, false), ("meta_id", Int32, false)]),
        vec![
            arr(Int32Array::from_iter_values(pairs.iter().map(|p| p.0))),
            arr(Int32Array::from_iter_values(pairs.iter().map(|p| p.1))),
        ],
    )?;
    let metrics = RecordBatch::try_new(
        plain_schema(&[
            ("port_id", Int32, false),
            ("calculation_date", Date32, false),
            ("sharpe", Float64, true),
            ("mdd", Float64, true),
            ("ann_ret", Float64, true),
            ("ann_vol", Float64, true),
        ]),
        metric_columns(metric_rows),
    )?;
    Ok(vec![
        ("tb_meta", meta),
        ("tb_strategy", strategy),
        ("tb_portfolio", portfolio),
        ("tb_universe", universe),
        ("tb_metrics", metrics),
    ])
}
