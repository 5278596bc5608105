//! The result cache: the latency of a hit for a 100,000-row result shaped like the price
//! table (target: 20 ms), and the entry's size on disk (printed).

use std::hint::black_box;
use std::sync::Arc;

use arrow::array::{Date32Array, Float64Array, Int32Array, Int64Array};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;
use criterion::{Criterion, criterion_group, criterion_main};
use fathom::cache::{Key, Store};

fn prices(rows: usize) -> RecordBatch {
    let schema = Schema::new(vec![
        Field::new("meta_id", DataType::Int32, false),
        Field::new("trade_date", DataType::Date32, false),
        Field::new("close", DataType::Float64, true),
        Field::new("adj_close", DataType::Float64, true),
        Field::new("volume", DataType::Int64, true),
    ]);
    let n = rows as i32;
    let cols: Vec<arrow::array::ArrayRef> = vec![
        Arc::new(Int32Array::from_iter_values((0..n).map(|i| i % 500))),
        Arc::new(Date32Array::from_iter_values((0..n).map(|i| 19_000 + i / 500))),
        Arc::new(Float64Array::from_iter_values((0..rows).map(|i| 100.0 + (i as f64 / 37.0).sin()))),
        Arc::new(Float64Array::from_iter_values((0..rows).map(|i| 99.0 + (i as f64 / 41.0).cos()))),
        Arc::new(Int64Array::from_iter_values((0..rows as i64).map(|i| 1_000_000 + i * 7))),
    ];
    match RecordBatch::try_new(Arc::new(schema), cols) {
        Ok(b) => b,
        Err(e) => panic!("bench data: {e}"),
    }
}

fn bench(c: &mut Criterion) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("temp dir: {e}"),
    };
    let store = Store::new(dir.path().to_path_buf(), 1024);
    let key = Key { hex: "bench".into(), snapshots: vec![("market_data.us_stocks_price".into(), 1)], max_age_secs: None };
    let batch = prices(100_000);
    let Some(mut w) = store.writer(&key, &batch.schema()) else { panic!("cache writer") };
    for b in (0..100_000).step_by(8192).map(|o| batch.slice(o, 8192.min(100_000 - o))) {
        w.push(&b);
    }
    assert!(w.commit(0.0123));
    let stats = store.stats();
    println!("cache entry for 100,000 rows x 5 columns: {} bytes on disk ({:.1} MB)", stats.bytes, stats.bytes as f64 / 1048576.0);
    c.bench_function("cache hit, 100,000 rows", |b| {
        b.iter(|| match store.get(black_box(&key)) {
            Some(hit) => hit.entry.rows,
            None => panic!("a miss"),
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
