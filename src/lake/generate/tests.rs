//! Tests of the generated demo lake (Scale::Small, end 2024-12-31): table shapes, price
//! properties, calendars, reference data and determinism. Portfolio tests live in
//! `tests_portfolio`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use arrow::array::{
    Array, AsArray, BooleanArray, Float64Array, Int32Array, Int64Array, StringArray,
};
use arrow::datatypes::{Date32Type, Float64Type, Int32Type, Int64Type, TimestampMicrosecondType};
use arrow::record_batch::RecordBatch;
use chrono::{Datelike, NaiveDate, Weekday};

use super::*;

pub(super) fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub(super) fn spec() -> DemoSpec {
    DemoSpec {
        scale: Scale::Small,
        seed: 42,
        end: ymd(2024, 12, 31),
    }
}

/// The Small demo lake, generated once for all tests.
pub(super) fn demo() -> &'static DemoData {
    static DATA: OnceLock<DemoData> = OnceLock::new();
    DATA.get_or_init(|| generate(&spec()).expect("generate"))
}

pub(super) fn lake(name: &str) -> &'static RecordBatch {
    demo().table(name).expect("table")
}

pub(super) fn i32s(b: &RecordBatch, c: &str) -> Int32Array {
    b.column_by_name(c)
        .expect(c)
        .as_primitive::<Int32Type>()
        .clone()
}

pub(super) fn dates(b: &RecordBatch, c: &str) -> Vec<NaiveDate> {
    let epoch = ymd(1970, 1, 1);
    b.column_by_name(c)
        .expect(c)
        .as_primitive::<Date32Type>()
        .values()
        .iter()
        .map(|d| epoch + chrono::Days::new(u64::try_from(*d).expect("after 1970")))
        .collect()
}

pub(super) fn f64s(b: &RecordBatch, c: &str) -> Float64Array {
    b.column_by_name(c)
        .expect(c)
        .as_primitive::<Float64Type>()
        .clone()
}

pub(super) fn strs(b: &RecordBatch, c: &str) -> StringArray {
    b.column_by_name(c).expect(c).as_string::<i32>().clone()
}

fn i64s(b: &RecordBatch, c: &str) -> Int64Array {
    b.column_by_name(c)
        .expect(c)
        .as_primitive::<Int64Type>()
        .clone()
}

/// (meta_id, trade_date) → adj_close over both price tables.
pub(super) fn adj_closes() -> BTreeMap<(i32, NaiveDate), f64> {
    let mut out = BTreeMap::new();
    for t in ["market_data.us_stocks_price", "market_data.kr_stocks_price"] {
        let b = lake(t);
        let (m, d, a) = (
            i32s(b, "meta_id"),
            dates(b, "trade_date"),
            f64s(b, "adj_close"),
        );
        for (i, day) in d.iter().enumerate() {
            out.insert((m.value(i), *day), a.value(i));
        }
    }
    out
}

#[test]
fn all_tables_in_order_with_their_schemas() {
    let data = demo();
    assert_eq!(data.tables.len(), 10);
    for (t, def) in data.tables.iter().zip(crate::lake::tables::ALL) {
        assert_eq!(t.table.qualified(), def.qualified());
        assert_eq!(t.batch.schema(), def.arrow_schema().expect("schema"));
        assert!(t.batch.num_rows() > 0, "{}", def.qualified());
        for (c, col) in def.columns.iter().zip(t.batch.columns()) {
            if c.required {
                assert_eq!(col.null_count(), 0, "{}.{}", def.qualified(), c.name);
            }
        }
        for col in t.batch.columns() {
            if let Some(f) = col.as_primitive_opt::<Float64Type>() {
                assert!(
                    f.iter().flatten().all(f64::is_finite),
                    "{}",
                    def.qualified()
                );
            }
        }
    }
    let pg: Vec<&str> = data.postgres.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        pg,
        [
            "tb_meta",
            "tb_strategy",
            "tb_portfolio",
            "tb_universe",
            "tb_metrics"
        ]
    );
}

#[test]
fn rows_are_sorted_by_time_then_ids() {
    let keys: [(&str, &[&str]); 9] = [
        ("market_data.us_stocks_price", &["trade_date", "meta_id"]),
        ("market_data.kr_stocks_price", &["trade_date", "meta_id"]),
        ("portfolio.tb_nav", &["trade_date", "port_id"]),
        (
            "portfolio.tb_rebalance",
            &["rebal_date", "port_id", "meta_id"],
        ),
        ("analytics.tb_metrics", &["calculation_date", "port_id"]),
        ("analytics.tb_signals", &["signal_date", "meta_id"]),
        ("reference.tb_macro_data", &["base_date", "macro_id"]),
        ("reference.tb_calendar", &["trade_date", "market"]),
        ("reference.tb_exchange_rates", &["base_date", "pair"]),
    ];
    for (table, cols) in keys {
        let b = lake(table);
        let key = |i: usize| -> Vec<String> {
            cols.iter()
                .map(|c| {
                    let a = b.column_by_name(c).expect("column");
                    match a.as_primitive_opt::<Date32Type>() {
                        Some(d) => format!("{:08}", d.value(i)),
                        None => match a.as_primitive_opt::<Int32Type>() {
                            Some(v) => format!("{:08}", v.value(i)),
                            None => a.as_string::<i32>().value(i).to_string(),
                        },
                    }
                })
                .collect()
        };
        for i in 1..b.num_rows() {
            assert!(
                key(i - 1) < key(i),
                "{table} row {i}: {:?} !< {:?}",
                key(i - 1),
                key(i)
            );
        }
    }
}

#[test]
fn one_price_row_per_ticker_and_open_day() {
    let s = spec();
    for (table, market, n) in [
        ("market_data.us_stocks_price", Market::Us, 35),
        ("market_data.kr_stocks_price", Market::Kr, 15),
    ] {
        let b = lake(table);
        let days = history_days(&s, market).expect("days");
        assert_eq!(
            days[0],
            trading_days(market, ymd(2023, 1, 1), ymd(2023, 1, 10))[0]
        );
        assert_eq!(
            days.last(),
            trading_days(market, ymd(2024, 12, 20), s.end).last()
        );
        assert_eq!(b.num_rows(), n * days.len(), "{table}");
        let meta = i32s(b, "meta_id");
        let d = dates(b, "trade_date");
        let keys: BTreeSet<(i32, NaiveDate)> =
            (0..b.num_rows()).map(|i| (meta.value(i), d[i])).collect();
        assert_eq!(keys.len(), b.num_rows(), "unique (meta_id, trade_date)");
        assert!(d.iter().all(|x| is_open(market, *x)));
        assert!(
            d.iter()
                .all(|x| !matches!(x.weekday(), Weekday::Sat | Weekday::Sun))
        );
    }
    let us = dates(lake("market_data.us_stocks_price"), "trade_date");
    for closed in [
        ymd(2024, 12, 25),
        ymd(2024, 7, 4),
        ymd(2024, 11, 28),
        ymd(2024, 1, 15),
    ] {
        assert!(!us.contains(&closed), "US price on {closed}");
    }
    let kr = dates(lake("market_data.kr_stocks_price"), "trade_date");
    assert!(!kr.contains(&ymd(2024, 10, 3)));
    assert!(kr.contains(&ymd(2024, 7, 4)));
}

#[test]
fn prices_are_sane_and_returns_consistent() {
    for (table, hour, tick) in [
        ("market_data.us_stocks_price", 9, 0.01),
        ("market_data.kr_stocks_price", 21, 1.0),
    ] {
        let b = lake(table);
        let (meta, d) = (i32s(b, "meta_id"), dates(b, "trade_date"));
        let (close, adj, ret) = (
            f64s(b, "close"),
            f64s(b, "adj_close"),
            f64s(b, "gross_return"),
        );
        let vol = i64s(b, "volume");
        let upd = b
            .column_by_name("updated_at")
            .expect("updated_at")
            .as_primitive::<TimestampMicrosecondType>();
        assert_eq!(adj.null_count(), 0);
        assert_eq!(close.null_count(), 0);
        let mut last: BTreeMap<i32, (f64, NaiveDate)> = BTreeMap::new();
        let final_day = *d.last().expect("rows");
        for (i, day) in d.iter().enumerate() {
            let (c, a) = (close.value(i), adj.value(i));
            assert!(c > 0.0 && a > 0.0, "{table} row {i}");
            assert!(
                ((c / tick).round() * tick - c).abs() < 1e-9 * c.max(1.0),
                "rounded close {c}"
            );
            assert!(
                a <= c * (1.0 + 1e-12),
                "adjusted prices never exceed raw ones"
            );
            if *day == final_day {
                assert_eq!(a, c, "factor is 1.0 on the last day");
            }
            assert!(vol.value(i) > 0);
            assert_eq!(upd.value(i), timestamp_at(*day, hour));
            match last.insert(meta.value(i), (a, *day)) {
                None => assert!(ret.is_null(i), "first day return is NULL"),
                Some((prev, _)) => {
                    assert!(ret.is_valid(i));
                    assert_eq!(ret.value(i), a / prev - 1.0, "{table} row {i}");
                    assert!(ret.value(i).abs() < 0.5);
                }
            }
        }
    }
    let kr_close = f64s(lake("market_data.kr_stocks_price"), "close");
    let median = {
        let mut v: Vec<f64> = kr_close.values().to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    assert!(
        (5_000.0..=500_000.0).contains(&median),
        "KR median level {median}"
    );
}

#[test]
fn meta_has_real_and_korean_names() {
    let b = lake("reference.tb_meta");
    assert_eq!(b.num_rows(), 50);
    let (ids, ticker, name) = (i32s(b, "meta_id"), strs(b, "ticker"), strs(b, "name"));
    let (sector, iso) = (strs(b, "sector"), strs(b, "iso_code"));
    assert_eq!(ids.values().to_vec(), (1..=50).collect::<Vec<i32>>());
    assert_eq!((ticker.value(0), name.value(0)), ("AAPL", "Apple Inc."));
    assert_eq!((ticker.value(35), name.value(35)), ("005930", "삼성전자"));
    for i in 0..50 {
        assert_eq!(iso.value(i), if i < 35 { "US" } else { "KR" });
        assert!(!sector.value(i).is_empty());
    }
    let hangul = (35..50)
        .filter(|&i| {
            name.value(i)
                .chars()
                .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
        })
        .count();
    assert!(hangul >= 10, "{hangul} Korean names");
    let pg = demo().postgres_table("tb_meta").expect("pg tb_meta");
    assert_eq!(pg.columns(), b.columns());
}

#[test]
fn calendar_covers_every_day_of_both_markets() {
    let b = lake("reference.tb_calendar");
    let ahead = super::calendar::CALENDAR_AHEAD_DAYS as usize;
    assert_eq!(b.num_rows(), (731 + ahead) * 2);
    let (d, m) = (dates(b, "trade_date"), strs(b, "market"));
    let open: &BooleanArray = b.column_by_name("is_open").expect("is_open").as_boolean();
    for (i, day) in d.iter().enumerate() {
        let market = if m.value(i) == "US" {
            Market::Us
        } else {
            Market::Kr
        };
        assert_eq!(open.value(i), is_open(market, *day));
    }
    let end = spec().end;
    assert_eq!(d.iter().max(), Some(&(end + chrono::Days::new(ahead as u64))));
    let us_open = (0..b.num_rows())
        .filter(|&i| m.value(i) == "US" && open.value(i) && d[i] <= end)
        .count();
    assert_eq!(
        us_open,
        history_days(&spec(), Market::Us).expect("days").len()
    );
}

#[test]
fn macro_and_fx_series_stay_in_range() {
    let b = lake("reference.tb_macro_data");
    let (id, d, v, fred) = (
        i32s(b, "macro_id"),
        dates(b, "base_date"),
        f64s(b, "value"),
        strs(b, "fred_series_id"),
    );
    let us_days = history_days(&spec(), Market::Us).expect("days").len();
    let mut counts = BTreeMap::new();
    for (i, day) in d.iter().enumerate() {
        let series = fred.value(i);
        assert_eq!(series, MACRO_SERIES[id.value(i) as usize - 1]);
        *counts.entry(series).or_insert(0) += 1;
        let (lo, hi) = match series {
            "DGS10" => (1.5, 5.0),
            "VIXCLS" => (10.0, 60.0),
            "FEDFUNDS" => (0.0, 5.5),
            "CPIAUCSL" => (240.0, 320.0),
            _ => (3.0, 10.0),
        };
        assert!((lo..=hi).contains(&v.value(i)), "{series} {}", v.value(i));
        if ["FEDFUNDS", "CPIAUCSL", "UNRATE"].contains(&series) {
            assert_eq!(day.day(), 1);
        } else {
            assert!(is_open(Market::Us, *day));
        }
    }
    assert_eq!(counts["DGS10"], us_days);
    assert_eq!(counts["VIXCLS"], us_days);
    assert_eq!(counts["CPIAUCSL"], 24);

    let b = lake("reference.tb_exchange_rates");
    assert_eq!(b.num_rows(), 4 * us_days);
    let (pair, rate) = (strs(b, "pair"), f64s(b, "rate"));
    for i in 0..b.num_rows() {
        let (lo, hi) = match pair.value(i) {
            "USDKRW" => (1100.0, 1450.0),
            "EURUSD" => (1.0, 1.25),
            "USDJPY" => (100.0, 155.0),
            _ => (6.1, 7.35),
        };
        assert!(
            (lo..=hi).contains(&rate.value(i)),
            "{} {}",
            pair.value(i),
            rate.value(i)
        );
    }
}

#[test]
fn same_spec_same_bytes_other_seed_other_data() {
    let again = generate(&spec()).expect("generate");
    let ipc = |b: &RecordBatch| -> Vec<u8> {
        let mut buf = Vec::new();
        let mut w =
            arrow::ipc::writer::StreamWriter::try_new(&mut buf, &b.schema()).expect("writer");
        w.write(b).expect("write");
        w.finish().expect("finish");
        drop(w);
        buf
    };
    for (a, b) in demo().tables.iter().zip(&again.tables) {
        assert_eq!(a.batch, b.batch, "{}", a.table.qualified());
        assert_eq!(ipc(&a.batch), ipc(&b.batch), "{}", a.table.qualified());
    }
    for ((na, a), (nb, b)) in demo().postgres.iter().zip(&again.postgres) {
        assert_eq!(na, nb);
        assert_eq!(a, b);
    }
    let other = generate(&DemoSpec { seed: 43, ..spec() }).expect("generate");
    assert_ne!(
        other
            .table("market_data.us_stocks_price")
            .map(|b| f64s(b, "close")),
        Some(f64s(lake("market_data.us_stocks_price"), "close"))
    );
}

#[test]
fn progress_names_each_phase() {
    let mut phases = Vec::new();
    generate_with_progress(&spec(), &mut |p| phases.push(p.to_string())).expect("generate");
    assert!(phases.contains(&"prices US".to_string()));
    assert!(phases.contains(&"prices KR".to_string()));
    assert_eq!(phases.last().map(String::as_str), Some("batches"));
    assert_eq!("Seed".parse::<Scale>().ok(), Some(Scale::Seed));
    assert!("huge".parse::<Scale>().is_err());
}
