//! Every lake-spec question (the saved queries in `queries/`) run by the real binary against
//! the small demo lake, with answers checked against independent computations: the
//! generator's own calendar, and statistics recomputed here from the lake's raw rows.

mod common;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use common::*;
use fathom::lake::generate::{DemoSpec, Market, Scale, history_days};

fn home() -> &'static Home {
    lake("questions")
}

fn days(market: Market) -> Vec<NaiveDate> {
    history_days(&DemoSpec { scale: Scale::Small, seed: 42, end: as_of() }, market).unwrap()
}

fn days_since(market: Market, since: NaiveDate) -> Vec<NaiveDate> {
    days(market).into_iter().filter(|d| *d >= since).collect()
}

/// Raw daily rows of some US tickers since a date: ticker -> [(date, adj_close, gross_return)].
fn raw_prices(tickers: &[&str], since: &str) -> BTreeMap<String, Vec<(NaiveDate, f64, Option<f64>)>> {
    let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
    let rows = home().rows(
        "SELECT m.ticker, p.trade_date, p.adj_close, p.gross_return FROM market_data.us_stocks_price p \
         JOIN reference.tb_meta m ON m.meta_id = p.meta_id WHERE m.ticker IN (:t) AND p.trade_date >= :since ORDER BY p.trade_date",
        &[("t", &tickers.join(",")), ("since", since)],
    );
    for r in rows {
        out.entry(s(&r, "ticker").to_string()).or_default().push((d(&r, "trade_date"), f(&r, "adj_close"), opt_f(&r, "gross_return")));
    }
    out
}

#[test]
fn q1_daily_prices_of_one_ticker_follow_the_calendar() {
    let rows = home().rows("queries/market/daily_prices.sql", &[("ticker", "MSFT"), ("start_date", "2024-03-01")]);
    let want = days_since(Market::Us, date("2024-03-01"));
    let got: Vec<NaiveDate> = rows.iter().map(|r| d(r, "trade_date")).collect();
    assert_eq!(got, want);
    assert!(rows.iter().all(|r| s(r, "ticker") == "MSFT" && f(r, "adj_close") > 0.0 && i(r, "volume") > 0));
}

#[test]
fn q2_last_30_days_uses_interval_arithmetic() {
    // The saved query is relative to CURRENT_DATE; the lake ends on AS_OF.
    let today = chrono::Local::now().date_naive();
    let rows = home().rows("queries/market/last_30_days.sql", &[("meta_id", "3")]);
    let want: Vec<NaiveDate> = days(Market::Us).into_iter().filter(|d| *d >= today - chrono::Days::new(30)).collect();
    assert_eq!(rows.len(), want.len());
    // The same arithmetic pinned to the lake's end date.
    let rows = home().rows(
        "SELECT trade_date FROM market_data.us_stocks_price WHERE meta_id = 3 AND trade_date >= DATE '2024-12-31' - INTERVAL '30' DAY ORDER BY trade_date",
        &[],
    );
    let got: Vec<NaiveDate> = rows.iter().map(|r| d(r, "trade_date")).collect();
    assert_eq!(got, days_since(Market::Us, date("2024-12-01")));
}

#[test]
fn q3_monthly_average_and_volatility_match_raw_rows() {
    let rows = home().rows("queries/market/monthly_stats.sql", &[("tickers", "AAPL,NVDA"), ("start_date", "2024-01-01")]);
    let raw = raw_prices(&["AAPL", "NVDA"], "2024-01-01");
    assert_eq!(rows.len(), 24);
    for r in &rows {
        let month = d(r, "month");
        let in_month: Vec<_> = raw[s(r, "ticker")]
            .iter()
            .filter(|(d, _, _)| d.year() == month.year() && d.month() == month.month())
            .collect();
        let want_days = days(Market::Us).iter().filter(|d| d.year() == month.year() && d.month() == month.month()).count();
        assert_eq!(i(r, "trading_days") as usize, want_days);
        assert_eq!(in_month.len(), want_days);
        let avg = mean(&in_month.iter().map(|x| x.1).collect::<Vec<_>>());
        let vol = stddev_samp(&in_month.iter().filter_map(|x| x.2).collect::<Vec<_>>());
        assert!(close(f(r, "avg_price"), avg, 1e-12), "{r:?} vs {avg}");
        assert!(close(f(r, "volatility"), vol, 1e-9), "{r:?} vs {vol}");
    }
}

#[test]
fn q4_ticker_summary_matches_raw_rows() {
    let rows = home().rows("queries/market/ticker_summary.sql", &[("tickers", "AAPL,MSFT,JPM"), ("start_date", "2024-06-01")]);
    let raw = raw_prices(&["AAPL", "MSFT", "JPM"], "2024-06-01");
    assert_eq!(rows.iter().map(|r| s(r, "ticker")).collect::<Vec<_>>(), vec!["AAPL", "JPM", "MSFT"]);
    for r in &rows {
        let v = &raw[s(r, "ticker")];
        let prices: Vec<f64> = v.iter().map(|x| x.1).collect();
        let rets: Vec<f64> = v.iter().filter_map(|x| x.2).collect();
        assert_eq!(i(r, "trading_days") as usize, days_since(Market::Us, date("2024-06-01")).len());
        assert!(close(f(r, "avg_price"), mean(&prices), 1e-12));
        assert_eq!(f(r, "min_price"), prices.iter().cloned().fold(f64::MAX, f64::min));
        assert_eq!(f(r, "max_price"), prices.iter().cloned().fold(f64::MIN, f64::max));
        assert!(close(f(r, "avg_return"), mean(&rets), 1e-9));
        assert!(close(f(r, "volatility"), stddev_samp(&rets), 1e-9));
    }
}

/// NAV recomputed here from the lake's prices and rebalance weights, by the documented rule:
/// at a rebalance the cash is 2% of the total carried over and 98% is invested at the weights;
/// between rebalances each holding moves with its adj_close.
fn recompute_nav(port_id: i64) -> Vec<(NaiveDate, f64, f64)> {
    let weights = home().rows(
        "SELECT rebal_date, meta_id, weight FROM portfolio.tb_rebalance WHERE port_id = :p ORDER BY rebal_date, meta_id",
        &[("p", &port_id.to_string())],
    );
    let ids: Vec<String> = weights.iter().map(|r| i(r, "meta_id").to_string()).collect();
    let prices = home().rows(
        "SELECT meta_id, trade_date, adj_close FROM market_data.us_stocks_price WHERE meta_id IN (:ids) \
         UNION ALL SELECT meta_id, trade_date, adj_close FROM market_data.kr_stocks_price WHERE meta_id IN (:ids2)",
        &[("ids", &ids.join(",")), ("ids2", &ids.join(","))],
    );
    let mut px: BTreeMap<NaiveDate, BTreeMap<i64, f64>> = BTreeMap::new();
    for r in &prices {
        px.entry(d(r, "trade_date")).or_default().insert(i(r, "meta_id"), f(r, "adj_close"));
    }
    let mut by_date: BTreeMap<NaiveDate, Vec<(i64, f64)>> = BTreeMap::new();
    for r in &weights {
        by_date.entry(d(r, "rebal_date")).or_default().push((i(r, "meta_id"), f(r, "weight")));
    }
    let first_id = by_date.values().next().unwrap()[0].0;
    let initial = if first_id as usize > Scale::Small.n_us() { 1_000_000_000.0 } else { 1_000_000.0 };
    let mut total = initial;
    let mut out = Vec::new();
    let mut current: Option<(NaiveDate, f64, f64)> = None; // rebal date, invested at rebal, cash
    for (day, prices_today) in &px {
        if prices_today.len() < by_date.values().next().unwrap().len() {
            continue;
        }
        if by_date.contains_key(day) {
            // The total carried into the rebalance is today's value of the old holdings.
            if let Some((r, invested, cash)) = current {
                let growth: f64 = by_date[&r].iter().map(|(id, w)| w * px[day][id] / px[&r][id]).sum();
                total = invested * growth + cash;
            }
            current = Some((*day, 0.98 * total, 0.02 * total));
        }
        let Some((r, invested, cash)) = current else { continue };
        let growth: f64 = by_date[&r].iter().map(|(id, w)| w * px[day][id] / px[&r][id]).sum();
        let value = invested * growth;
        total = value + cash;
        out.push((*day, value, total));
    }
    out
}

#[test]
fn q5_nav_is_prices_times_weights_and_performance_query_agrees() {
    for port in [1i64, 3] {
        let want = recompute_nav(port);
        let nav = home().rows("queries/portfolio/nav.sql", &[("port_id", &port.to_string())]);
        assert_eq!(nav.len(), want.len(), "port {port}");
        for (r, (day, value, total)) in nav.iter().zip(&want) {
            assert_eq!(d(r, "trade_date"), *day);
            assert!(close(f(r, "value"), *value, 1e-9), "port {port} {day}: {} vs {value}", f(r, "value"));
            assert!(close(f(r, "total_value"), *total, 1e-9));
        }
    }
    let perf = home().rows("queries/portfolio/performance.sql", &[("port_id", "1"), ("start_date", "2024-01-01")]);
    let nav: BTreeMap<NaiveDate, f64> = recompute_nav(1).into_iter().map(|(d, v, _)| (d, v)).collect();
    assert_eq!(perf.len(), days_since(Market::Us, date("2024-01-01")).len());
    for r in &perf {
        let at_rebal = nav[&d(r, "rebal_date")];
        assert!(close(f(r, "value"), at_rebal * f(r, "growth_since_rebal"), 1e-9), "{r:?}");
        let is_month_end = days(Market::Us).iter().filter(|x| x.year() == d(r, "trade_date").year() && x.month() == d(r, "trade_date").month()).max() == Some(&d(r, "trade_date"));
        assert_eq!(opt_f(r, "sharpe").is_some(), is_month_end, "{r:?}");
    }
}

#[test]
fn q6_risk_from_nav_matches_recomputation_and_month_end_metrics() {
    let risk = &home().rows("queries/portfolio/risk.sql", &[("port_id", "2")])[0];
    let nav = home().rows("queries/portfolio/nav.sql", &[("port_id", "2")]);
    let tv: Vec<f64> = nav.iter().map(|r| f(r, "total_value")).collect();
    let rets: Vec<f64> = tv.windows(2).map(|w| w[1] / w[0] - 1.0).collect();
    let ann_ret = mean(&rets) * 252.0;
    let ann_vol = stddev_samp(&rets) * 252f64.sqrt();
    assert_eq!(i(risk, "days") as usize, rets.len());
    assert!(close(f(risk, "ann_return"), ann_ret, 1e-9));
    assert!(close(f(risk, "ann_vol"), ann_vol, 1e-9));
    assert!(close(f(risk, "sharpe"), ann_ret / ann_vol, 1e-9));
    let m = &home().rows("SELECT * FROM analytics.tb_metrics WHERE port_id = 2 AND calculation_date = DATE '2024-12-31'", &[])[0];
    assert!(close(f(m, "ann_ret"), ann_ret, 1e-9) && close(f(m, "ann_vol"), ann_vol, 1e-9) && close(f(m, "sharpe"), ann_ret / ann_vol, 1e-9));
    let mut peak = f64::MIN;
    let mdd = tv.iter().map(|v| { peak = peak.max(*v); v / peak - 1.0 }).fold(0.0, f64::min);
    assert!(close(f(m, "mdd"), mdd, 1e-9));
}

#[test]
fn q7_cross_market_full_outer_join_and_rolling_correlation() {
    let rows = home().rows("queries/market/cross_market_corr.sql", &[("start_date", "2024-01-01")]);
    let mut union: Vec<NaiveDate> = days_since(Market::Us, date("2024-01-01"));
    union.extend(days_since(Market::Kr, date("2024-01-01")));
    union.sort();
    union.dedup();
    assert_eq!(rows.iter().map(|r| d(r, "trade_date")).collect::<Vec<_>>(), union);
    assert!(rows.iter().any(|r| opt_f(r, "us_return").is_none()) && rows.iter().any(|r| opt_f(r, "kr_return").is_none()));
    for k in [25usize, 100, rows.len() - 1] {
        let window = &rows[k - 19..=k];
        let pairs: Vec<(f64, f64)> =
            window.iter().filter_map(|r| Some((opt_f(r, "us_return")?, opt_f(r, "kr_return")?))).collect();
        let (xs, ys): (Vec<f64>, Vec<f64>) = pairs.iter().cloned().unzip();
        let (mx, my) = (mean(&xs), mean(&ys));
        let cov: f64 = pairs.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
        let vx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
        let vy: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
        let corr = cov / (vx * vy).sqrt();
        assert!(close(f(&rows[k], "corr_20d"), corr, 1e-6), "row {k}: {} vs {corr}", f(&rows[k], "corr_20d"));
    }
}

#[test]
fn q8_backtest_input_is_ordered_by_date_then_id() {
    let rows = home().rows("queries/market/backtest_input.sql", &[("meta_ids", "4,2,9"), ("start_date", "2024-07-01")]);
    assert_eq!(rows.len(), 3 * days_since(Market::Us, date("2024-07-01")).len());
    let keys: Vec<(NaiveDate, i64)> = rows.iter().map(|r| (d(r, "trade_date"), i(r, "meta_id"))).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(keys[..3].iter().map(|k| k.1).collect::<Vec<_>>(), vec![2, 4, 9]);
}

#[test]
fn q9_macro_series_by_fred_id() {
    let daily = home().rows("queries/reference/macro_series.sql", &[("series", "DGS10"), ("start_date", "2024-01-01")]);
    assert_eq!(daily.iter().map(|r| d(r, "base_date")).collect::<Vec<_>>(), days_since(Market::Us, date("2024-01-01")));
    let monthly = home().rows("queries/reference/macro_series.sql", &[("series", "FEDFUNDS"), ("start_date", "2024-01-01")]);
    assert_eq!(monthly.len(), 12);
    assert!(monthly.iter().all(|r| d(r, "base_date").day() == 1));
}

#[test]
fn time_travel_in_athena_syntax_reads_old_snapshots() {
    let snaps = home().rows(
        "SELECT snapshot_id, committed_at FROM market_data.\"us_stocks_price$snapshots\" ORDER BY committed_at",
        &[],
    );
    assert_eq!(snaps.len(), 5, "one commit per year (2) plus three daily appends");
    let n_us = home().rows("SELECT COUNT(*) AS n FROM reference.tb_meta WHERE iso_code = 'US'", &[])[0]["n"].as_i64().unwrap();
    let first = i(&snaps[0], "snapshot_id").to_string();
    let v = &home().rows(&format!("SELECT COUNT(*) AS n, MAX(p.trade_date) AS last FROM market_data.us_stocks_price FOR VERSION AS OF {first} p"), &[])[0];
    let days_2023 = days(Market::Us).iter().filter(|d| d.year() == 2023).count() as i64;
    assert_eq!(i(v, "n"), n_us * days_2023);
    assert_eq!(d(v, "last").year(), 2023);
    // The timestamp form picks the newest snapshot at or before the instant.
    let second_at = s(&snaps[1], "committed_at").replace('T', " ");
    let second_at = second_at.trim_end_matches('Z').trim_end_matches("+00:00");
    let t = &home().rows(&format!("SELECT COUNT(*) AS n FROM market_data.us_stocks_price FOR TIMESTAMP AS OF TIMESTAMP '{second_at}'"), &[])[0];
    let last3 = days(Market::Us).iter().rev().take(3).count() as i64;
    assert_eq!(i(t, "n"), n_us * (days(Market::Us).len() as i64 - last3));
    let now = &home().rows("SELECT COUNT(*) AS n FROM market_data.us_stocks_price", &[])[0];
    assert_eq!(i(now, "n"), n_us * days(Market::Us).len() as i64);
}

#[test]
fn metadata_tables_under_athena_names() {
    let total = i(&home().rows("SELECT COUNT(*) AS n FROM market_data.kr_stocks_price", &[])[0], "n");
    let parts = home().rows("SELECT * FROM market_data.\"kr_stocks_price$partitions\" ORDER BY partition", &[]);
    assert_eq!(parts.len(), 24);
    assert_eq!(s(&parts[0], "partition"), "trade_month=2023-01");
    assert_eq!(parts.iter().map(|p| i(p, "record_count")).sum::<i64>(), total);
    let files = home().rows("SELECT file_path, record_count, file_size_in_bytes FROM market_data.\"kr_stocks_price$files\"", &[]);
    assert_eq!(files.len() as i64, parts.iter().map(|p| i(p, "file_count")).sum::<i64>());
    assert!(files.iter().all(|f| s(f, "file_path").ends_with(".parquet") && i(f, "file_size_in_bytes") > 0));
    let history = home().rows("SELECT * FROM market_data.\"kr_stocks_price$history\"", &[]);
    assert_eq!(history.len(), 5);
    assert!(history.iter().all(|h| h["is_current_ancestor"] == serde_json::Value::Bool(true)));
    let manifests = home().rows("SELECT * FROM market_data.\"kr_stocks_price$manifests\"", &[]);
    assert!(!manifests.is_empty());
    let meta = home().rows("SELECT * FROM reference.\"tb_meta$snapshots\"", &[]);
    assert_eq!(meta.len(), 1);
}
