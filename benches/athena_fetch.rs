//! Athena result fetch: 100,000 rows through the result CSV on S3 vs through GetQueryResults
//! pages (1,000 rows each), against the moto server of `scripts/moto_server.py`. Prints wall
//! time (median of FATHOM_BENCH_RUNS, default 3) and the HTTP requests each path sent
//! (counted by the SDK interceptor; status checks included).
//!
//! `cargo bench --bench athena_fetch` (FATHOM_BENCH_ROWS=100000, FATHOM_BENCH_RUNS=3)

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use common::aws::Moto;
use fathom::config::AthenaResults;
use fathom::engine::athena::Via;
use fathom::engine::{Engine, collect};

const COLUMNS: &[(&str, &str, i64, i64)] = &[
    ("ticker", "varchar", 0, 0),
    ("trade_date", "date", 0, 0),
    ("close", "double", 0, 0),
    ("volume", "bigint", 19, 0),
    ("weight", "decimal", 18, 6),
];

fn main() {
    let rows_n: usize = std::env::var("FATHOM_BENCH_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let runs: usize = std::env::var("FATHOM_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let moto = Moto::start().expect("the Python env with moto (scripts/python-env)");
    let rows: Vec<Vec<Option<String>>> = (0..rows_n)
        .map(|i| {
            vec![
                Some(format!("T{:04}", i % 2500)),
                Some(format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28)),
                Some(format!("{:.4}", 100.0 + (i % 977) as f64 * 0.37)),
                Some((1_000_000 + i * 13).to_string()),
                Some(format!("0.{:06}", i % 1_000_000)),
            ]
        })
        .collect();
    let rt = tokio::runtime::Runtime::new().unwrap();
    println!("Athena result fetch, {rows_n} rows × {} columns, moto on loopback, median of {runs}", COLUMNS.len());
    println!("{:<22} {:>10} {:>10} {:>14}", "path", "wall ms", "requests", "rows/s");
    for (label, mode, via) in [
        ("S3 CSV (streamed)", AthenaResults::S3, Via::S3Csv),
        ("GetQueryResults pages", AthenaResults::Api, Via::Api),
    ] {
        let mut times = Vec::new();
        let mut requests = 0;
        for _ in 0..runs {
            moto.queue_result(COLUMNS, &rows);
            let (ms, reqs) = rt.block_on(async {
                let engine = moto.engine(&moto.profile(mode)).await;
                // Count from the start of the query: the workgroup read comes first.
                let _ = engine.workgroup().await;
                let before = engine.requests();
                let t = Instant::now();
                let stream = engine.execute("SELECT ticker, trade_date, close, volume, weight FROM prices", &[]).await.unwrap();
                let got = collect(stream, usize::MAX).await.unwrap();
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                assert_eq!(got.rows(), rows_n, "every row");
                assert_eq!(engine.last_via(), Some(via));
                (ms, engine.requests() - before)
            });
            times.push(ms);
            requests = reqs;
        }
        times.sort_by(f64::total_cmp);
        let ms = times[times.len() / 2];
        println!("{label:<22} {ms:>10.0} {requests:>10} {:>14.0}", rows_n as f64 / (ms / 1000.0));
    }
}
