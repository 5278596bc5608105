//! Demo-lake bench: generation time and warehouse size at a scale (default `seed`), then the
//! median time of every saved lake-spec question on the local engine. Prints a table.
//!
//! `cargo bench --bench lake` (FATHOM_BENCH_SCALE=small|seed|large, FATHOM_BENCH_DIR=path
//! to keep the lake between runs, FATHOM_BENCH_RUNS=5).

use std::path::{Path, PathBuf};
use std::time::Instant;

use fathom::commands::run_cmd::load_query;
use fathom::config::LocalProfile;
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
    };
    println!("| measure | value |\n|---|---|");
    let summary = rt.block_on(demo::build(&opts, &mut |_, _, _| {})).expect("demo build");
    let rows: usize = summary.tables.iter().map(|t| t.rows).sum();
    println!("| demo generation ({scale_name}, release) | {:.1} s |", summary.seconds);
    println!("| rows written | {rows} |");
    println!("| warehouse size (Parquet + metadata) | {:.1} MB |", summary.bytes as f64 / 1e6);

    let engine = rt.block_on(LocalEngine::open(&LocalProfile::demo(&dir))).expect("open lake");
    println!("\n| saved query (default params) | rows | median of {runs} (ms) |\n|---|---|---|");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut medians = Vec::new();
    for path in saved_queries(&root) {
        let q = load_query(&path.to_string_lossy()).expect("query");
        let b = bind(&q.sql, &q.header.params, &[], engine.placeholder_style()).expect("bind");
        let mut times = Vec::new();
        let mut n = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let stream = rt.block_on(engine.execute(&b.sql, &b.values)).expect("execute");
            let batches = rt.block_on(collect(stream, usize::MAX)).expect("collect").batches;
            times.push(t.elapsed().as_secs_f64() * 1e3);
            n = batches.iter().map(|b| b.num_rows()).sum();
        }
        let m = median(times);
        medians.push(m);
        println!("| {} | {n} | {m:.1} |", path.strip_prefix(&root).unwrap_or(&path).display());
    }
    println!("| **median over all questions** | | **{:.1}** |", median(medians));
}
