//! Tests of the portfolio side of the Small demo lake, recomputed independently from the
//! stored batches: rebalance weights, NAV (the documented formula), metrics and signals.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};

use super::tests::{adj_closes, dates, demo, f64s, i32s, lake, spec, strs};
use super::*;

/// port_id → (market, universe) from the PostgreSQL side and tb_meta.
fn universes() -> BTreeMap<i32, (Market, BTreeSet<i32>)> {
    let meta = lake("reference.tb_meta");
    let iso: BTreeMap<i32, Market> = (0..meta.num_rows())
        .map(|i| {
            let m = if strs(meta, "iso_code").value(i) == "US" {
                Market::Us
            } else {
                Market::Kr
            };
            (i32s(meta, "meta_id").value(i), m)
        })
        .collect();
    let u = demo().postgres_table("tb_universe").expect("tb_universe");
    let mut out: BTreeMap<i32, (Market, BTreeSet<i32>)> = BTreeMap::new();
    for i in 0..u.num_rows() {
        let (p, m) = (i32s(u, "port_id").value(i), i32s(u, "meta_id").value(i));
        out.entry(p)
            .or_insert_with(|| (iso[&m], BTreeSet::new()))
            .1
            .insert(m);
    }
    out
}

/// (port_id, rebal_date) → [(meta_id, weight)].
fn rebalances() -> BTreeMap<(i32, NaiveDate), Vec<(i32, f64)>> {
    let b = lake("portfolio.tb_rebalance");
    let (d, p, m, w) = (
        dates(b, "rebal_date"),
        i32s(b, "port_id"),
        i32s(b, "meta_id"),
        f64s(b, "weight"),
    );
    let mut out: BTreeMap<(i32, NaiveDate), Vec<(i32, f64)>> = BTreeMap::new();
    for (i, day) in d.iter().enumerate() {
        out.entry((p.value(i), *day))
            .or_default()
            .push((m.value(i), w.value(i)));
    }
    out
}

/// port_id → [(trade_date, value, cash, total_value)] ascending.
fn navs() -> BTreeMap<i32, Vec<(NaiveDate, f64, f64, f64)>> {
    let b = lake("portfolio.tb_nav");
    let (d, p) = (dates(b, "trade_date"), i32s(b, "port_id"));
    let (v, c, t) = (f64s(b, "value"), f64s(b, "cash"), f64s(b, "total_value"));
    let mut out: BTreeMap<i32, Vec<_>> = BTreeMap::new();
    for (i, day) in d.iter().enumerate() {
        out.entry(p.value(i))
            .or_default()
            .push((*day, v.value(i), c.value(i), t.value(i)));
    }
    out
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-12)
}

#[test]
fn strategies_and_portfolios_are_linked() {
    let s = demo().postgres_table("tb_strategy").expect("tb_strategy");
    assert_eq!(s.num_rows(), 3);
    assert_eq!(strs(s, "strategy").value(0), "EQW");
    let p = demo().postgres_table("tb_portfolio").expect("tb_portfolio");
    assert_eq!(p.num_rows(), 6);
    let sids: BTreeSet<i32> = i32s(s, "strategy_id").values().iter().copied().collect();
    assert!(
        i32s(p, "strategy_id")
            .values()
            .iter()
            .all(|id| sids.contains(id))
    );
    let u = universes();
    assert_eq!(u.len(), 6);
    assert!(u.values().any(|(m, _)| *m == Market::Us));
    assert!(u.values().any(|(m, _)| *m == Market::Kr));
    for (market, members) in u.values() {
        assert!((8..=30).contains(&members.len()));
        let _ = market;
    }
}

#[test]
fn weights_are_positive_and_sum_to_one_on_quarter_starts() {
    let u = universes();
    let rb = rebalances();
    for ((port, date), ws) in &rb {
        let sum: f64 = ws.iter().map(|(_, w)| w).sum();
        assert!((sum - 1.0).abs() < 1e-9, "port {port} {date}: {sum}");
        assert!(ws.iter().all(|(_, w)| *w > 0.0));
        let (market, members) = &u[port];
        let got: BTreeSet<i32> = ws.iter().map(|(m, _)| *m).collect();
        assert_eq!(&got, members);
        assert!(is_open(*market, *date));
    }
    for (port, (market, _)) in &u {
        let days = history_days(&spec(), *market).expect("days");
        let expect: Vec<NaiveDate> = days
            .iter()
            .enumerate()
            .filter(|(i, d)| *i == 0 || (d.month() - 1) / 3 != (days[i - 1].month() - 1) / 3)
            .map(|(_, d)| *d)
            .collect();
        let got: Vec<NaiveDate> = rb
            .keys()
            .filter(|(p, _)| p == port)
            .map(|(_, d)| *d)
            .collect();
        assert_eq!(got, expect, "port {port}");
        assert_eq!(expect.len(), 8);
    }
    // Strategies shape weights differently: not every portfolio is equal-weighted.
    assert!(
        rb.values()
            .any(|ws| ws.iter().any(|(_, w)| (w - ws[0].1).abs() > 1e-6))
    );
}

#[test]
fn nav_recomputed_from_prices_and_weights() {
    let adj = adj_closes();
    let rb = rebalances();
    let u = universes();
    for (port, rows) in navs() {
        let market = u[&port].0;
        let days = history_days(&spec(), market).expect("days");
        let got: Vec<NaiveDate> = rows.iter().map(|r| r.0).collect();
        assert_eq!(got, days, "one NAV row per open day from inception");
        let mut total = initial_value(market);
        let (mut value_r, mut cash_r, mut base) = (0.0, 0.0, Vec::new());
        for (i, &(d, value, cash, tv)) in rows.iter().enumerate() {
            let drifted = |base: &[(i32, f64, f64)]| -> f64 {
                value_r
                    * base
                        .iter()
                        .map(|(m, w, a0)| w * adj[&(*m, d)] / a0)
                        .sum::<f64>()
            };
            let expect_value = if let Some(ws) = rb.get(&(port, d)) {
                if i > 0 {
                    total = drifted(&base) + cash_r;
                }
                value_r = (1.0 - CASH_SHARE) * total;
                cash_r = CASH_SHARE * total;
                base = ws.iter().map(|(m, w)| (*m, *w, adj[&(*m, d)])).collect();
                value_r
            } else {
                drifted(&base)
            };
            assert!(
                close(value, expect_value, 1e-6),
                "port {port} {d}: {value} vs {expect_value}"
            );
            assert!(close(cash, cash_r, 1e-9));
            assert!(close(tv, value + cash, 1e-12));
            total = tv;
            if i > 0 {
                let prev = rows[i - 1].3;
                assert!((tv / prev - 1.0).abs() < 0.3, "NAV continuous");
            }
        }
        assert_eq!(rows[0].3, initial_value(market));
    }
}

#[test]
fn metrics_recomputed_from_nav() {
    let b = lake("analytics.tb_metrics");
    let (p, d) = (i32s(b, "port_id"), dates(b, "calculation_date"));
    let (sharpe, mdd, ret, vol) = (
        f64s(b, "sharpe"),
        f64s(b, "mdd"),
        f64s(b, "ann_ret"),
        f64s(b, "ann_vol"),
    );
    let navs = navs();
    let mut per_port: BTreeMap<i32, usize> = BTreeMap::new();
    for i in 0..b.num_rows() {
        let rows = &navs[&p.value(i)];
        *per_port.entry(p.value(i)).or_default() += 1;
        let tv: Vec<f64> = rows
            .iter()
            .take_while(|r| r.0 <= d[i])
            .map(|r| r.3)
            .collect();
        let last = rows
            .iter()
            .rfind(|r| (r.0.year(), r.0.month()) == (d[i].year(), d[i].month()));
        assert_eq!(
            last.map(|r| r.0),
            Some(d[i]),
            "last trading day of the month"
        );
        let r: Vec<f64> = tv.windows(2).map(|w| w[1] / w[0] - 1.0).collect();
        assert!(r.len() >= 2);
        let n = r.len() as f64;
        let mean = r.iter().sum::<f64>() / n;
        let sd = (r.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let (ann_ret, ann_vol) = (mean * 252.0, sd * 252f64.sqrt());
        let mut peak = f64::MIN;
        let dd = tv.iter().fold(0.0_f64, |acc, v| {
            peak = peak.max(*v);
            acc.min(v / peak - 1.0)
        });
        assert!(close(ret.value(i), ann_ret, 1e-9));
        assert!(close(vol.value(i), ann_vol, 1e-9));
        assert!(close(sharpe.value(i), ann_ret / ann_vol, 1e-9));
        assert!(close(mdd.value(i), dd, 1e-9));
        assert!(mdd.value(i) <= 0.0);
    }
    // 24 month ends; the first month is kept (it has more than 2 returns).
    assert!(per_port.values().all(|n| *n == 24), "{per_port:?}");
    let pg = demo().postgres_table("tb_metrics").expect("pg tb_metrics");
    assert_eq!(pg.columns(), b.columns());
}

#[test]
fn signals_recomputed_from_adjusted_prices() {
    let adj = adj_closes();
    let b = lake("analytics.tb_signals");
    let (d, m, sig, score) = (
        dates(b, "signal_date"),
        i32s(b, "meta_id"),
        strs(b, "signal"),
        f64s(b, "score"),
    );
    let mut series: BTreeMap<i32, Vec<(NaiveDate, f64)>> = BTreeMap::new();
    for ((meta, day), a) in &adj {
        series.entry(*meta).or_default().push((*day, *a));
    }
    let mut per_ticker: BTreeMap<i32, usize> = BTreeMap::new();
    for i in 0..b.num_rows() {
        let s = &series[&m.value(i)];
        let t = s
            .iter()
            .position(|x| x.0 == d[i])
            .expect("signal on a trading day");
        assert!(t >= 20, "21 days of history");
        assert!(
            s.get(t + 1)
                .is_none_or(|next| next.0.iso_week() != d[i].iso_week())
        );
        let lr: Vec<f64> = (t - 19..=t).map(|k| (s[k].1 / s[k - 1].1).ln()).collect();
        let mean = lr.iter().sum::<f64>() / 20.0;
        let sd = (lr.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 19.0).sqrt();
        let expect = ((s[t].1 / s[t - 20].1).ln() / (sd * 20f64.sqrt())).clamp(-3.0, 3.0);
        assert!(
            (score.value(i) - expect).abs() < 1e-9,
            "{} {}",
            score.value(i),
            expect
        );
        assert_eq!(sig.value(i), signal_for(score.value(i)));
        *per_ticker.entry(m.value(i)).or_default() += 1;
    }
    assert_eq!(per_ticker.len(), 50);
    let kinds: BTreeSet<&str> = (0..b.num_rows()).map(|i| sig.value(i)).collect();
    assert_eq!(kinds.len(), 3, "BUY, SELL and HOLD all occur");
}
