//! The snapshot-keyed result cache, through the real binary: the second identical question is
//! answered from the cache ($0, the ledger says what it saved), a new snapshot of a table it
//! reads makes it miss, time travel to a fixed version always hits, `current_date` is never
//! cached, a damaged entry is a miss (not an error), `--no-cache` runs fresh, and on Athena
//! (moto) a hit never calls StartQueryExecution.

mod common;

use std::path::Path;

use common::Home;
use serde_json::Value;

fn fresh_home(name: &str) -> Home {
    Home::fresh(Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cache-{name}")))
}

fn run(home: &Home, args: &[&str]) -> (String, String) {
    let out = home.cmd().env("XDG_CACHE_HOME", home.root.join("cache")).args(args).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string());
    assert!(out.status.success(), "fathom {args:?}: {stderr}");
    (stdout, stderr)
}

fn ledger(home: &Home) -> Vec<Value> {
    let text = std::fs::read_to_string(home.root.join("state/fathom/history.jsonl")).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn the_local_engine_answers_repeats_from_the_cache_until_the_data_changes() {
    let home = fresh_home("local");
    run(&home, &["demo", "--scale", "small", "--as-of", common::AS_OF]);
    let q = "SELECT meta_id, COUNT(*) AS n, SUM(adj_close) AS s FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-12-01' GROUP BY meta_id ORDER BY meta_id";
    let (first, err) = run(&home, &["run", "--stats", "--format", "csv", q]);
    assert!(!err.contains("cached (snapshot"), "{err}");
    let (second, err) = run(&home, &["run", "--stats", "--format", "csv", q]);
    assert_eq!(first, second, "identical rows");
    assert!(err.contains("cached (snapshot market_data.us_stocks_price@") && err.contains("· $0 · saved $"), "{err}");
    let last = ledger(&home).pop().unwrap();
    assert_eq!((last["outcome"].as_str(), last["cost_usd"].as_f64()), (Some("cached"), Some(0.0)), "{last}");
    assert!(last["saved_usd"].as_f64().is_some_and(|s| s > 0.0), "{last}");
    let (cost, _) = run(&home, &["history", "--cost"]);
    assert!(cost.contains("saved $"), "{cost}");
    // Spelled differently, the same question: still a hit.
    let (_, err) = run(&home, &["run", "--stats", "--format", "csv", &q.to_lowercase().replace("date '", "DATE '")]);
    assert!(err.contains("cached"), "{err}");
    // --no-cache runs it.
    let (_, err) = run(&home, &["run", "--stats", "--no-cache", "--format", "csv", q]);
    assert!(!err.contains("cached (snapshot") && err.contains("not cached: --no-cache"), "{err}");

    // A damaged entry is a miss, not an error, and the run writes a good one again.
    let dir = home.root.join("cache/fathom/results");
    for e in std::fs::read_dir(&dir).unwrap().flatten().filter(|e| e.path().extension().is_some_and(|x| x == "arrow")) {
        std::fs::write(e.path(), b"damaged").unwrap();
    }
    let (again, err) = run(&home, &["run", "--stats", "--format", "csv", q]);
    assert_eq!(again, first);
    assert!(!err.contains("cached (snapshot"), "{err}");
    let (_, err) = run(&home, &["run", "--stats", "--format", "csv", q]);
    assert!(err.contains("cached"), "{err}");

    // current_date makes a question uncacheable.
    let today = "SELECT COUNT(*) AS n FROM reference.tb_meta WHERE current_date > DATE '2000-01-01'";
    run(&home, &["run", "--format", "csv", today]);
    let (_, err) = run(&home, &["run", "--stats", "--format", "csv", today]);
    assert!(!err.contains("cached (snapshot"), "{err}");

    // New data (a rebuilt lake: every table has new snapshots): the next run misses.
    run(&home, &["demo", "--scale", "small", "--as-of", "2024-12-30", "--force"]);
    let (changed, err) = run(&home, &["run", "--stats", "--format", "csv", q]);
    assert!(!err.contains("cached"), "a new snapshot misses: {err}");
    assert_ne!(changed, first, "and the answer reflects the new data");
    let (stats, _) = run(&home, &["cache", "stats"]);
    assert!(stats.contains("cached result(s)") && !stats.starts_with("0 "), "{stats}");
    let (cleared, _) = run(&home, &["cache", "clear"]);
    assert!(cleared.starts_with("removed "), "{cleared}");
    let (stats, _) = run(&home, &["cache", "stats"]);
    assert!(stats.starts_with("0 cached result(s)"), "{stats}");
}

#[test]
fn time_travel_to_a_version_hits() {
    let home = fresh_home("tt");
    run(&home, &["demo", "--scale", "small", "--as-of", common::AS_OF]);
    let est = common::estimate_json(&home, "SELECT COUNT(*) FROM market_data.us_stocks_price", &[]);
    let snap = est["tables"][0]["snapshot_id"].as_i64().unwrap();
    let tt = format!("SELECT COUNT(*) AS n FROM market_data.us_stocks_price FOR VERSION AS OF {snap}");
    let (a, _) = run(&home, &["run", "--format", "csv", &tt]);
    let (b, err) = run(&home, &["run", "--stats", "--format", "csv", &tt]);
    assert_eq!(a, b);
    assert!(err.contains(&format!("market_data.us_stocks_price@{snap}")), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn on_athena_a_hit_never_starts_a_query() {
    let Some(moto) = common::aws::Moto::start() else { return };
    let engine = moto.engine(&moto.profile(fathom::config::AthenaResults::Auto)).await;
    let home = fresh_home("athena");
    let dir = home.root.join("config/fathom");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), moto.profile_toml()).unwrap();
    let started = async || engine.clients().athena.list_query_executions().send().await.unwrap().query_execution_ids().len();
    let athena = |sql: &str| {
        let out = home.cmd().env("XDG_CACHE_HOME", home.root.join("cache")).envs(moto.env()).args(["run", "--profile", "emu", "--stats", "--format", "csv", sql]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    moto.queue_result(&[("n", "integer", 10, 0)], &[vec![Some("7".into())]]);
    let (a, _) = athena("SELECT 7 AS n");
    let (b, err) = athena("SELECT 7 AS n");
    assert_eq!((a.as_str(), b.as_str()), ("n\n7\n", "n\n7\n"), "identical batches");
    assert!(err.contains("cached"), "{err}");
    assert_eq!(started().await, 1, "one StartQueryExecution for two runs");
    // current_date is never cached: each run starts a query.
    athena("SELECT current_date AS d");
    athena("SELECT current_date AS d");
    assert_eq!(started().await, 3);
}

/// On Athena the key holds the snapshot each table had in Glue: the same question twice
/// starts one query; after the tables get new snapshots through Glue (the demo uploaded
/// again), the next run misses and starts a query.
#[tokio::test(flavor = "multi_thread")]
async fn on_athena_a_new_snapshot_in_glue_misses() {
    let Some(moto) = common::aws::Moto::start() else { return };
    let (home, engine) = moto.upload_demo("cache-glue").await;
    let started = async || engine.clients().athena.list_query_executions().send().await.unwrap().query_execution_ids().len();
    let athena = |sql: &str| {
        let out = home.cmd().env("XDG_CACHE_HOME", home.root.join("cache")).envs(moto.env()).args(["run", "--profile", "emu", "--yes", "--stats", "--format", "csv", sql]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let sql = "SELECT COUNT(*) AS n FROM market_data.us_stocks_price WHERE meta_id = 1";
    moto.queue_result(&[("n", "bigint", 19, 0)], &[vec![Some("42".into())]]);
    let (a, first) = athena(sql);
    let (b, err) = athena(sql);
    assert_eq!((a.as_str(), b.as_str()), ("n\n42\n", "n\n42\n"), "{first}\n{err}");
    assert!(err.contains("cached (snapshot market_data.us_stocks_price@"), "{err}");
    assert_eq!(started().await, 1, "one StartQueryExecution for two runs");
    // What cannot be keyed says why under --stats.
    moto.queue_result(&[("n", "bigint", 19, 0)], &[vec![Some("1".into())]]);
    let (_, err) = athena("SELECT COUNT(*) AS n FROM market_data.us_stocks_price WHERE no_such_column = 1");
    assert!(err.contains("not cached: the estimate could not plan it"), "{err}");
    let out = home
        .cmd()
        .envs(moto.env())
        .args(["demo", "--scale", "small", "--as-of", common::AS_OF, "--athena-upload", "s3://lake/warehouse", "--profile", "emu", "--force"])
        .output()
        .unwrap();
    assert!(out.status.success(), "demo --athena-upload --force: {}", String::from_utf8_lossy(&out.stderr));
    moto.queue_result(&[("n", "bigint", 19, 0)], &[vec![Some("43".into())]]);
    let (c, err) = athena(sql);
    assert_eq!(c, "n\n43\n", "the new snapshot's answer, not the cached one: {err}");
    assert!(!err.contains("cached (snapshot"), "{err}");
    assert_eq!(started().await, 3, "the miss started a query");
}

/// The workbench: once a result is cached, its estimate says so, the run starts without a
/// question (it costs nothing) and is answered from the cache; the ledger records the hit.
#[tokio::test(flavor = "multi_thread")]
async fn the_workbench_answers_a_repeat_from_the_cache() {
    use fathom::tui::executor::Executor;
    use fathom::tui::state::{Action, Effect, EstimateFor, EstimatePurpose};
    let home = fresh_home("tui");
    run(&home, &["demo", "--scale", "small", "--as-of", common::AS_OF]);
    // SAFETY: set before the executor's tasks start; no other test of this binary reads it.
    unsafe { std::env::set_var("XDG_CACHE_HOME", home.root.join("cache")) };
    let paths = home.paths();
    let config = fathom::config::Config::load(None, paths).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut exec = Executor::new(std::sync::Arc::new(config), tx);
    let sql = "SELECT ticker, name FROM reference.tb_meta ORDER BY meta_id";
    let key = EstimateFor { profile: "local".into(), sql: sql.into(), given: vec![] };
    let next = async |rx: &mut tokio::sync::mpsc::UnboundedReceiver<Action>| {
        tokio::time::timeout(std::time::Duration::from_secs(120), rx.recv()).await.expect("an action").unwrap()
    };
    let mut outputs = Vec::new();
    for (id, cached_before) in [(1, false), (2, true)] {
        exec.run(Effect::Estimate { tab: 1, key: key.clone(), decls: vec![], purpose: EstimatePurpose::PreRun { run: id } });
        let (cached, cache_key) = loop {
            if let Action::EstimateDone { cached, result, cache_key, .. } = next(&mut rx).await {
                assert!(result.is_ok());
                break (cached, cache_key);
            }
        };
        assert!(cache_key.is_some(), "run {id}: a local lake query over snapshots has a cache key");
        assert_eq!(cached, cached_before, "run {id}: the estimate knows whether the cache has it");
        exec.run(Effect::RunQuery { id, profile: "local".into(), sql: sql.into(), decls: vec![], given: vec![], row_cap: 1000, estimate: None, cached, fresh: false, cache_key });
        let out = loop {
            match next(&mut rx).await {
                Action::QueryDone { id: done, result } if done == id => break result.unwrap(),
                _ => {}
            }
        };
        outputs.push(out);
    }
    assert_eq!(outputs[0].batch, outputs[1].batch, "the same rows");
    assert_eq!(outputs[1].actual.map(|a| a.cost_usd), Some(0.0), "nothing read the second time");
    let mut runs = Vec::new();
    for _ in 0..100 {
        runs = fathom::history::read(&home.root.join("state/fathom"), None).unwrap();
        if runs.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let outcomes: Vec<&str> = runs.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes, ["ok", "cached"], "{runs:?}");
}

/// What no snapshot can key is the user's call. A Glue table that is not Iceberg (a Hive
/// table) has no snapshot: its answers are not cached, and `--stats` names the setting; with
/// `[cache] unversioned_ttl_minutes` they are, for that long. A `-- cache: force` line caches a
/// `current_date` query, and `-- cache: off` keeps a cacheable one out.
#[tokio::test(flavor = "multi_thread")]
async fn on_athena_the_user_decides_what_no_snapshot_keys() {
    let Some(moto) = common::aws::Moto::start() else { return };
    let engine = moto.engine(&moto.profile(fathom::config::AthenaResults::Auto)).await;
    common::aws::hive_table(&engine.clients().glue, "raw", "trades_csv", &[("n", "bigint")], &[]).await;
    let started = async || engine.clients().athena.list_query_executions().send().await.unwrap().query_execution_ids().len();

    let home = fresh_home("athena-ttl");
    let dir = home.root.join("config/fathom");
    std::fs::create_dir_all(&dir).unwrap();
    let config = |extra: &str| std::fs::write(dir.join("config.toml"), format!("{}{extra}", moto.profile_toml())).unwrap();
    let athena = |sql: &str| {
        let out = home.cmd().env("XDG_CACHE_HOME", home.root.join("cache")).envs(moto.env()).args(["run", "--profile", "emu", "--yes", "--stats", "--format", "csv", sql]).output().unwrap();
        assert!(out.status.success(), "{sql}: {}", String::from_utf8_lossy(&out.stderr));
        (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let hive_sql = "SELECT COUNT(*) AS n FROM raw.trades_csv";

    config("");
    for _ in 0..2 {
        moto.queue_result(&[("n", "bigint", 19, 0)], &[vec![Some("5".into())]]);
        let (out, err) = athena(hive_sql);
        assert_eq!(out, "n\n5\n", "{err}");
        assert!(err.contains("not cached") && err.contains("unversioned_ttl_minutes"), "the setting is named: {err}");
    }
    assert_eq!(started().await, 2, "uncached: each run starts a query");

    config("\n[cache]\nunversioned_ttl_minutes = 60\n");
    moto.queue_result(&[("n", "bigint", 19, 0)], &[vec![Some("6".into())]]);
    let (a, first) = athena(hive_sql);
    let (b, err) = athena(hive_sql);
    assert_eq!((a.as_str(), b.as_str()), ("n\n6\n", "n\n6\n"), "{first}\n{err}");
    assert!(err.contains("cached (no snapshot,") && err.contains("reused for up to 60 min"), "{err}");
    assert_eq!(started().await, 3, "with a TTL: one query for two runs");

    moto.queue_result(&[("n", "date", 0, 0)], &[vec![Some("2026-11-30".into())]]);
    let file = |name: &str, sql: &str| {
        let path = home.root.join(name);
        std::fs::write(&path, sql).unwrap();
        path.display().to_string()
    };
    let forced = &file("forced.sql", "-- cache: force\nSELECT current_date AS d\n");
    let (a, _) = athena(forced);
    let (b, err) = athena(forced);
    assert_eq!(a, b);
    assert!(err.contains("cached"), "{err}");
    assert_eq!(started().await, 4, "a forced current_date query: one query for two runs");

    let off = &file("off.sql", "-- cache: off\nSELECT 8 AS n\n");
    for _ in 0..2 {
        moto.queue_result(&[("n", "integer", 10, 0)], &[vec![Some("8".into())]]);
        let (_, err) = athena(off);
        assert!(err.contains("not cached: its `-- cache: off` line says so"), "{err}");
    }
    assert_eq!(started().await, 6, "`-- cache: off`: each run starts a query");
}
