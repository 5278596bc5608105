//! The lake questions read directly from Glue + S3 (a `catalog = "glue"` profile, moto on
//! loopback, the small demo lake uploaded by `fathom demo --athena-upload`) vs the same lake
//! embedded on disk: median run time of each, their ratio, and the S3 requests each question
//! sent (data-file GETs, and all GETs with the metadata reads), from moto's request log.
//! Prints a table.
//!
//! `cargo bench --bench lake_direct` (FATHOM_BENCH_RUNS=5). The lead runs it in release;
//! `cargo bench --profile dev --bench lake_direct` gives debug figures.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use common::aws::Moto;
use fathom::commands::run_cmd::load_query;
use fathom::config::LocalProfile;
use fathom::engine::lake_direct::DirectEngine;
use fathom::engine::local::LocalEngine;
use fathom::engine::{Engine, collect};
use fathom::library::bind;
use serde_json::Value;

fn questions() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
            if f.path().extension().is_some_and(|e| e == "sql") {
                out.push(f.path());
            }
        }
    }
    out.sort();
    out
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// moto's request log since the last call (which empties it): (data-file GETs, all GETs).
fn drain_gets(moto: &Moto) -> (usize, usize) {
    let log = moto.request_log();
    moto.clear_request_log();
    let gets: Vec<&Value> = log.iter().filter(|r| r["method"] == "GET").collect();
    let data = gets.iter().filter(|r| r["path"].as_str().is_some_and(|p| p.ends_with(".parquet"))).count();
    (data, gets.len())
}

fn main() {
    let runs: usize = std::env::var("FATHOM_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let moto = Moto::start().expect("the Python env with moto (scripts/python-env)");
    // This process reads S3 with moto's test keys (set before the runtime's threads start).
    unsafe {
        for (k, v) in moto.env() {
            std::env::set_var(k, v);
        }
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let embedded_home = common::lake("bench-direct");
    let (_home, _athena) = rt.block_on(moto.upload_demo("bench-direct-upload"));
    let embedded = rt.block_on(LocalEngine::open(&LocalProfile::demo(&embedded_home.demo_dir()))).expect("open the embedded lake");
    let profile = LocalProfile {
        catalog: "glue".into(),
        region: Some(common::aws::REGION.into()),
        endpoint_url: Some(moto.endpoint.clone()),
        ..LocalProfile::default()
    };
    let direct = rt.block_on(DirectEngine::connect("direct", &profile)).expect("open the Glue-local profile");
    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!("Lake questions, small demo lake: Glue + S3 on moto (loopback) vs embedded, {build}, median of {runs}");
    println!("| question | rows | embedded (ms) | Glue + S3 (ms) | ratio | data GETs | all GETs |\n|---|---|---|---|---|---|---|");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut ratios = Vec::new();
    for path in questions() {
        let q = load_query(&path.to_string_lossy()).expect("query");
        if q.header.engine.as_deref().is_some_and(|e| e != "any" && e != "local") {
            continue;
        }
        let given: Vec<(String, String)> =
            q.header.params.iter().filter(|p| p.default.is_none()).map(|p| (p.name.clone(), "2024-12-31".to_string())).collect();
        let b = bind(&q.sql, &q.header.params, &given, embedded.placeholder_style()).expect("bind");
        let time = |engine: &dyn Engine| {
            let mut times = Vec::new();
            let mut rows = 0;
            for _ in 0..runs {
                let t = Instant::now();
                let stream = rt.block_on(engine.execute(&b.sql, &b.values)).expect("execute");
                rows = rt.block_on(collect(stream, usize::MAX)).expect("collect").rows();
                times.push(t.elapsed().as_secs_f64() * 1e3);
            }
            (median(times), rows)
        };
        let (local_ms, rows) = time(&embedded);
        drain_gets(&moto);
        let stream = rt.block_on(direct.execute(&b.sql, &b.values)).expect("execute on Glue + S3");
        rt.block_on(collect(stream, usize::MAX)).expect("collect");
        let (data_gets, all_gets) = drain_gets(&moto);
        let (direct_ms, direct_rows) = time(&direct);
        assert_eq!(rows, direct_rows, "{}: the same rows both ways", path.display());
        let ratio = direct_ms / local_ms;
        ratios.push(ratio);
        println!(
            "| {} | {rows} | {local_ms:.1} | {direct_ms:.1} | {ratio:.2}× | {data_gets} | {all_gets} |",
            path.strip_prefix(&root).unwrap_or(&path).display()
        );
    }
    println!("| **median ratio** | | | | **{:.2}×** | | |", median(ratios));
}
