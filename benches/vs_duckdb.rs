//! The local engine's half of `scripts/bench-vs-duckdb`: on the lake in FATHOM_BENCH_DIR
//! (built there first at seed scale, seed 42, ending 2024-12-31, when it has no catalog),
//! every lake-spec saved question (queries/market, portfolio, reference, cost; default
//! parameters) run FATHOM_BENCH_RUNS times (default 5) after one warm-up. Prints one JSON
//! object: each question's SQL, its bound parameters, the median time and the rows (as JSON
//! values), plus each table's planned data files, which DuckDB then reads.
//!
//! `FATHOM_BENCH_DIR=/tmp/lake cargo bench --bench vs_duckdb` (2 worker threads, DataFusion
//! target_partitions = 2, as DuckDB gets `SET threads = 2`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use fathom::commands::run_cmd::load_query;
use fathom::config::{Budget, LocalProfile};
use fathom::engine::local::LocalEngine;
use fathom::engine::{Engine, collect};
use fathom::lake::demo::{self, DemoOptions};
use fathom::library::{ParamValue, bind};
use serde_json::{Value, json};

const DIRS: [&str; 4] = ["market", "portfolio", "reference", "cost"];

fn questions(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in DIRS {
        for e in std::fs::read_dir(root.join(d)).into_iter().flatten().flatten() {
            if e.path().extension().is_some_and(|x| x == "sql") {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

fn param(v: &ParamValue) -> Value {
    match v {
        ParamValue::Text(s) => json!({"text": s}),
        ParamValue::Int(i) => json!({"int": i}),
        ParamValue::Float(f) => json!({"float": f}),
        ParamValue::Date(d) => json!({"date": d.to_string()}),
        ParamValue::Bool(b) => json!({"bool": b}),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let dir = PathBuf::from(std::env::var("FATHOM_BENCH_DIR").expect("FATHOM_BENCH_DIR: the demo lake to bench"));
    let runs: usize = std::env::var("FATHOM_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    if !dir.join("catalog.db").exists() {
        let opts = DemoOptions {
            scale: demo::parse_scale("seed").expect("scale"),
            seed: 42,
            end: chrono::NaiveDate::from_ymd_opt(2024, 12, 31).expect("date"),
            dir: dir.clone(),
            force: true,
            inject_faults: false,
        };
        rt.block_on(demo::build(&opts, &mut |_, _, _| {})).expect("demo build");
    }
    let engine = rt.block_on(LocalEngine::open(&LocalProfile::demo(&dir))).expect("open lake");
    engine.ctx().state_ref().write().config_mut().options_mut().execution.target_partitions = 2;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut out = Vec::new();
    let mut estimates = Vec::new();
    for path in questions(&root) {
        let q = load_query(&path.to_string_lossy()).expect("query");
        if q.header.engine.as_deref().is_some_and(|e| e != "any" && e != "local") {
            continue;
        }
        let b = bind(&q.sql, &q.header.params, &[], engine.placeholder_style()).expect("bind");
        let run = || {
            let stream = rt.block_on(engine.execute(&b.sql, &b.values)).expect("execute");
            rt.block_on(collect(stream, usize::MAX)).expect("collect")
        };
        let mut result = run();
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            result = run();
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let mut warm = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            rt.block_on(engine.estimate(&b.sql, &b.values, &Budget::default(), false)).expect("estimate");
            warm.push(t.elapsed().as_secs_f64() * 1e3);
        }
        estimates.push(median(warm));
        let mut w = arrow::json::ArrayWriter::new(Vec::new());
        for batch in &result.batches {
            w.write(batch).expect("json");
        }
        w.finish().expect("json");
        let text = String::from_utf8(w.into_inner()).expect("utf-8");
        let rows: Value = if text.is_empty() { json!([]) } else { serde_json::from_str(&text).expect("rows") };
        let columns: Vec<String> = result
            .batches
            .first()
            .map(|b| b.schema().fields().iter().map(|f| f.name().clone()).collect())
            .unwrap_or_default();
        out.push(json!({
            "name": path.strip_prefix(&root).unwrap_or(&path).display().to_string(),
            "sql": b.sql,
            "params": b.values.iter().map(param).collect::<Vec<_>>(),
            "median_ms": median(times),
            "columns": columns,
            "rows": rows,
        }));
    }
    let mut files = serde_json::Map::new();
    for t in rt.block_on(engine.tables()).expect("tables") {
        let sql = format!("SELECT * FROM {}.{}", t.schema, t.name);
        let est = rt.block_on(engine.estimate(&sql, &[], &Budget::default(), true)).expect("estimate");
        files.insert(format!("{}.{}", t.schema, t.name), json!(est.tables[0].files));
    }
    println!(
        "{}",
        json!({"questions": out, "files": files, "estimate_warm_median_ms": median(estimates), "profile": if cfg!(debug_assertions) { "debug" } else { "release" }})
    );
}
