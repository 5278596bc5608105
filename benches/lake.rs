//! Demo-lake bench: generation time and warehouse size at a scale (default `seed`), then for
//! every saved query: the median run time on the local engine, the estimate's cold and warm
//! time, and the estimated vs actually-read bytes (signed error). Prints tables.
//!
//! `cargo bench --bench lake` (FATHOM_BENCH_SCALE=small|seed|large, FATHOM_BENCH_DIR=path
//! to keep the lake between runs, FATHOM_BENCH_RUNS=5).

use std::path::{Path, PathBuf};
use std::time::Instant;

use fathom::commands::run_cmd::load_query;
use fathom::config::{Budget, LocalProfile};
use fathom::engine::local::LocalEngine;
use fathom::engine::{Engine, collect};
use fathom::lake::demo::{self, DemoOptions};
use fathom::library::bind;

fn saved_queries(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(saved_queries(&p));
        } else if p.extension().is_some_and(|e| e == "sql") {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let scale_name = std::env::var("FATHOM_BENCH_SCALE").unwrap_or_else(|_| "seed".into());
    let scale = demo::parse_scale(&scale_name).expect("FATHOM_BENCH_SCALE: small, seed or large");
    let runs: usize = std::env::var("FATHOM_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let dir = std::env::var("FATHOM_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir().join(format!("fathom-bench-{scale_name}")));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let opts = DemoOptions {
        scale,
        seed: 42,
        end: chrono::NaiveDate::from_ymd_opt(2024, 12, 31).expect("date"),
        dir: dir.clone(),
        force: true,
        inject_faults: false,
    };
    println!("| measure | value |\n|---|---|");
    let summary = rt.block_on(demo::build(&opts, &mut |_, _, _| {})).expect("demo build");
    let rows: usize = summary.tables.iter().map(|t| t.rows).sum();
    println!("| demo generation ({scale_name}, release) | {:.1} s |", summary.seconds);
    println!("| rows written | {rows} |");
    println!("| warehouse size (Parquet + metadata) | {:.1} MB |", summary.bytes as f64 / 1e6);

    let engine = rt.block_on(LocalEngine::open(&LocalProfile::demo(&dir))).expect("open lake");
    println!(
        "\n| saved query (default params) | rows | run median of {runs} (ms) | estimate cold (ms) | estimate warm median (ms) | estimated bytes | read bytes | error |\n|---|---|---|---|---|---|---|---|"
    );
    let budget = Budget::default();
    let mut warm_all = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut medians = Vec::new();
    for path in saved_queries(&root) {
        let q = load_query(&path.to_string_lossy()).expect("query");
        if q.header.engine.as_deref().is_some_and(|e| e != "any" && e != "local") {
            continue;
        }
        // Checks that need "today" get the lake's end date.
        let given: Vec<(String, String)> =
            q.header.params.iter().filter(|p| p.default.is_none()).map(|p| (p.name.clone(), "2024-12-31".to_string())).collect();
        let b = bind(&q.sql, &q.header.params, &given, engine.placeholder_style()).expect("bind");
        let t = Instant::now();
        let est = rt.block_on(engine.estimate(&b.sql, &b.values, &budget, false)).expect("estimate");
        let cold = t.elapsed().as_secs_f64() * 1e3;
        let mut warm = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            rt.block_on(engine.estimate(&b.sql, &b.values, &budget, false)).expect("estimate");
            warm.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let warm = median(warm);
        warm_all.push(warm);
        let mut times = Vec::new();
        let mut n = 0;
        let mut read = None;
        for _ in 0..runs {
            let t = Instant::now();
            let stream = rt.block_on(engine.execute(&b.sql, &b.values)).expect("execute");
            let result = rt.block_on(collect(stream, usize::MAX)).expect("collect");
            times.push(t.elapsed().as_secs_f64() * 1e3);
            n = result.rows();
            read = result.scanned_bytes;
        }
        let m = median(times);
        medians.push(m);
        let read = read.unwrap_or(0);
        let err = if read > 0 {
            format!("{:+.2}%", (est.total_bytes as f64 - read as f64) / read as f64 * 100.0)
        } else {
            "-".into()
        };
        println!(
            "| {} | {n} | {m:.1} | {cold:.1} | {warm:.2} | {} | {read} | {err} |",
            path.strip_prefix(&root).unwrap_or(&path).display(),
            est.total_bytes
        );
    }
    println!("| **median over all queries** | | **{:.1}** | | **{:.2}** | | | |", median(medians), median(warm_all));
}
