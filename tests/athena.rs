//! The Athena engine against a real server: moto's (Athena, Glue and S3), one per test, started
//! through the project's `scripts/moto_server.py`. Results come back through the S3 CSV and
//! through GetQueryResults pages; queries are stopped on the server; parameters travel as
//! ExecutionParameters; Glue lists the catalog; an Iceberg lake written into Glue + S3 by
//! `fathom demo --athena-upload` is estimated with exactly the bytes of the same lake on disk.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use arrow::array::{Array, AsArray};
use arrow::compute::concat_batches;
use arrow::datatypes::{DataType, Date32Type, Decimal128Type, Int64Type};
use aws_sdk_athena::types::{QueryExecutionState, ResultConfiguration, WorkGroupConfiguration};
use common::aws::{Moto, RESULTS_BUCKET};
use fathom::config::{AthenaResults, Budget};
use fathom::engine::athena::{AthenaEngine, Via};
use fathom::engine::{Engine, Progress, ProgressFn, collect};
use fathom::library::ParamValue;

const COLUMNS: &[(&str, &str, i64, i64)] = &[
    ("id", "bigint", 19, 0),
    ("amount", "decimal", 38, 9),
    ("day", "date", 0, 0),
    ("name", "varchar", 2147483647, 0),
    ("flag", "boolean", 0, 0),
];

/// 2,501 rows: big ids, exact decimals, dates, '' and NULL and Korean text with commas and
/// line breaks, booleans.
fn rows() -> Vec<Vec<Option<String>>> {
    (0..2501i64)
        .map(|i| {
            vec![
                Some((i64::MAX - i).to_string()),
                Some(format!("{}.{:09}", 12345678901234567i64 + i, i)),
                Some((chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new((i % 366) as u64)).to_string()),
                match i % 3 {
                    0 => Some(String::new()),
                    1 => None,
                    _ => Some(format!("삼성전자, 우선주 {i}\n2행")),
                },
                Some((i % 2 == 0).to_string()),
            ]
        })
        .collect()
}

fn check_rows(batch: &arrow::record_batch::RecordBatch, want: &[Vec<Option<String>>]) {
    assert_eq!(batch.num_rows(), want.len(), "every row comes back, no header, no extra");
    assert_eq!(batch.schema().field(0).data_type(), &DataType::Int64);
    assert_eq!(batch.schema().field(1).data_type(), &DataType::Decimal128(38, 9));
    assert_eq!(batch.schema().field(2).data_type(), &DataType::Date32);
    let ids = batch.column(0).as_primitive::<Int64Type>();
    let amounts = batch.column(1).as_primitive::<Decimal128Type>();
    let days = batch.column(2).as_primitive::<Date32Type>();
    let names = batch.column(3).as_string::<i32>();
    let flags = batch.column(4).as_boolean();
    for (i, w) in want.iter().enumerate() {
        assert_eq!(ids.value(i).to_string(), *w[0].as_ref().unwrap(), "bigint exact at row {i}");
        let text = w[1].as_ref().unwrap().replace('.', "");
        assert_eq!(amounts.value(i), text.parse::<i128>().unwrap(), "decimal exact at row {i}");
        assert_eq!(Date32Type::to_naive_date_opt(days.value(i)).unwrap().to_string(), *w[2].as_ref().unwrap());
        match &w[3] {
            None => assert!(names.is_null(i), "NULL stays NULL at row {i}"),
            Some(s) => {
                assert!(!names.is_null(i), "'' is not NULL at row {i}");
                assert_eq!(names.value(i), s);
            }
        }
        assert_eq!(flags.value(i).to_string(), *w[4].as_ref().unwrap());
    }
}

async fn fetch_all(engine: &AthenaEngine, sql: &str) -> arrow::record_batch::RecordBatch {
    let stream = engine.execute(sql, &[]).await.unwrap();
    let schema = stream.schema.clone();
    let got = collect(stream, usize::MAX).await.unwrap();
    concat_batches(&schema, &got.batches).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn s3_csv_and_get_query_results_pages_return_the_same_2501_typed_rows() {
    let Some(moto) = Moto::start() else { return };
    let want = rows();
    // Through the result CSV on S3.
    moto.queue_result(COLUMNS, &want);
    let engine = moto.engine(&moto.profile(AthenaResults::Auto)).await;
    let via_s3 = fetch_all(&engine, "SELECT id, amount, day, name, flag FROM t").await;
    assert_eq!(engine.last_via(), Some(Via::S3Csv));
    check_rows(&via_s3, &want);
    // Through GetQueryResults, 1,000 rows a page: 3 pages, the header only on the first.
    moto.queue_result(COLUMNS, &want);
    let api = moto.engine(&moto.profile(AthenaResults::Api)).await;
    let before = api.requests();
    let via_api = fetch_all(&api, "SELECT id, amount, day, name, flag FROM t").await;
    assert_eq!(api.last_via(), Some(Via::Api));
    check_rows(&via_api, &want);
    assert_eq!(via_s3, via_api, "both paths give identical batches");
    // workgroup + start + at least one status check + 3 pages
    assert!(api.requests() - before >= 6, "{} requests", api.requests() - before);
}

#[tokio::test(flavor = "multi_thread")]
async fn parameters_travel_as_execution_parameters_never_in_the_sql() {
    let Some(moto) = Moto::start() else { return };
    moto.queue_result(&[("n", "integer", 10, 0)], &[vec![Some("1".into())]]);
    let engine = moto.engine(&moto.profile(AthenaResults::Auto)).await;
    let ids = Arc::new(Mutex::new(Vec::new()));
    let seen = ids.clone();
    let progress: ProgressFn = Arc::new(move |p: Progress| seen.lock().unwrap().extend(p.query_id));
    let sql = "SELECT count(*) AS n FROM market_data.us_stocks_price WHERE ticker = ? AND trade_date = ?";
    let evil = "O'Brien'); DROP TABLE x; --";
    let params = [ParamValue::Text(evil.into()), ParamValue::Date(common::date("2024-01-02"))];
    let stream = engine.execute_with_progress(sql, &params, progress).await.unwrap();
    assert_eq!(collect(stream, 10).await.unwrap().rows(), 1);
    let id = ids.lock().unwrap()[0].clone();
    let qe = engine.clients().athena.get_query_execution().query_execution_id(&id).send().await.unwrap();
    let qe = qe.query_execution().unwrap();
    assert_eq!(qe.query(), Some(sql), "the SQL text is sent as written");
    assert_eq!(
        qe.execution_parameters(),
        ["'O''Brien''); DROP TABLE x; --'".to_string(), "DATE '2024-01-02'".to_string()],
        "values are bound as quoted literals with embedded quotes doubled"
    );
    assert_eq!(qe.query_execution_context().and_then(|c| c.database()), Some("market_data"));
}

#[tokio::test(flavor = "multi_thread")]
async fn queued_and_running_are_reported_and_a_dropped_query_is_stopped_on_the_server() {
    let Some(moto) = Moto::start() else { return };
    // Each state lasts 2 status checks: QUEUED, RUNNING, then SUCCEEDED.
    moto.slow_queries(2);
    moto.queue_result(&[("n", "integer", 10, 0)], &[vec![Some("7".into())]]);
    let engine = Arc::new(moto.engine(&moto.profile(AthenaResults::Auto)).await);
    let states = Arc::new(Mutex::new(Vec::<String>::new()));
    let s = states.clone();
    let progress: ProgressFn = Arc::new(move |p: Progress| s.lock().unwrap().push(p.state));
    let stream = engine.execute_with_progress("SELECT 7 AS n", &[], progress).await.unwrap();
    assert_eq!(collect(stream, 10).await.unwrap().rows(), 1);
    let mut seen = states.lock().unwrap().clone();
    seen.dedup();
    assert_eq!(seen, ["QUEUED", "RUNNING", "SUCCEEDED"]);

    // A query that stays queued; the caller gives up (drops the task): Athena is told to stop.
    moto.slow_queries(100_000);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let progress: ProgressFn = Arc::new(move |p: Progress| {
        let _ = tx.send((p.state, p.query_id));
    });
    let e = engine.clone();
    let task = tokio::spawn(async move { e.execute_with_progress("SELECT 1", &[], progress).await.map(|_| ()) });
    let (state, id) = rx.recv().await.unwrap();
    assert_eq!(state, "QUEUED");
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert_eq!(engine.close(Duration::from_secs(10)).await, 0, "the dropped query was no longer in flight: its stop was already sent");
    let out = engine.clients().athena.get_query_execution().query_execution_id(id.unwrap()).send().await.unwrap();
    let state = out.query_execution().unwrap().status().unwrap().state().cloned();
    assert_eq!(state, Some(QueryExecutionState::Cancelled), "StopQueryExecution reached the server");
}

#[tokio::test(flavor = "multi_thread")]
async fn named_queries_glue_tables_and_the_workgroup_cutoff() {
    let Some(moto) = Moto::start() else { return };
    let engine = moto.engine(&moto.profile(AthenaResults::Auto)).await;
    let athena = &engine.clients().athena;
    for (name, sql) in [("b-daily", "SELECT 2"), ("a-nav", "SELECT 1")] {
        athena
            .create_named_query()
            .name(name)
            .database("market_data")
            .query_string(sql)
            .work_group("primary")
            .description(format!("{name} query"))
            .send()
            .await
            .unwrap();
    }
    let named = engine.named_queries().await.unwrap();
    let got: Vec<(&str, &str)> = named.iter().map(|q| (q.name.as_str(), q.sql.as_str())).collect();
    assert_eq!(got, [("a-nav", "SELECT 1"), ("b-daily", "SELECT 2")]);

    let glue = &engine.clients().glue;
    glue.create_database()
        .database_input(aws_sdk_glue::types::DatabaseInput::builder().name("market_data").build().unwrap())
        .send()
        .await
        .unwrap();
    for t in ["us_stocks_price", "kr_stocks_price"] {
        glue.create_table()
            .database_name("market_data")
            .table_input(aws_sdk_glue::types::TableInput::builder().name(t).build().unwrap())
            .send()
            .await
            .unwrap();
    }
    let tables: Vec<String> = engine.tables().await.unwrap().iter().map(|t| format!("{}.{}", t.schema, t.name)).collect();
    assert_eq!(tables, ["market_data.kr_stocks_price", "market_data.us_stocks_price"]);

    // A workgroup with a 10 MB cutoff and its own output location (the profile sets none).
    athena
        .create_work_group()
        .name("capped")
        .configuration(
            WorkGroupConfiguration::builder()
                .bytes_scanned_cutoff_per_query(10_000_000)
                .enforce_work_group_configuration(true)
                .result_configuration(ResultConfiguration::builder().output_location(format!("s3://{RESULTS_BUCKET}/capped/")).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut profile = moto.profile(AthenaResults::Auto);
    profile.workgroup = "capped".into();
    profile.output_location = None;
    let capped = moto.engine(&profile).await;
    let wg = capped.workgroup().await.unwrap();
    assert_eq!(wg.cutoff_bytes, Some(10_000_000));
    assert!(wg.enforced);
    moto.queue_result(&[("n", "integer", 10, 0)], &[vec![Some("3".into())]]);
    let batch = fetch_all(&capped, "SELECT 3 AS n").await;
    assert_eq!(batch.num_rows(), 1, "runs with the workgroup's output location");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lake_uploaded_to_glue_and_s3_is_estimated_exactly_like_the_same_lake_on_disk() {
    let Some(moto) = Moto::start() else { return };
    let local = common::lake("athena");
    // The same small lake as the local one, uploaded through the real binary.
    let (home, engine) = moto.upload_demo("athena-upload").await;

    let queries = [
        "SELECT ticker, close FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-12-01'",
        "SELECT * FROM market_data.kr_stocks_price",
        "SELECT p.ticker, avg(p.close) FROM market_data.us_stocks_price p JOIN reference.tb_meta m ON p.ticker = m.ticker GROUP BY p.ticker",
        "SELECT nav FROM portfolio.tb_nav WHERE strategy_id = 1",
    ];
    let budget = Budget::default();
    for q in queries {
        let on_disk = common::estimate_json(local, q, &[]);
        let on_glue = engine.estimate(q, &[], &budget, false).await.unwrap_or_else(|e| panic!("estimate on Glue of {q}: {e}"));
        assert_eq!(on_glue.total_bytes, on_disk["total_bytes"].as_u64().unwrap(), "same bytes for {q}");
        assert!(on_glue.total_bytes > 0);
        assert_eq!(on_glue.tables.len(), on_disk["tables"].as_array().unwrap().len());
    }
    // The catalog pane's detail: the same columns, partition spec, snapshots and rows.
    let on_disk = fathom::engine::local::LocalEngine::open(&fathom::config::LocalProfile::demo(&local.demo_dir())).await.unwrap();
    let a = engine.describe("market_data", "us_stocks_price").await.unwrap();
    let b = on_disk.describe("market_data", "us_stocks_price").await.unwrap();
    assert_eq!(a.columns, b.columns);
    assert_eq!(a.partition_spec, b.partition_spec);
    assert!(a.partition_spec.as_ref().is_some_and(|p| !p.is_empty()));
    assert_eq!((a.snapshots, a.records, a.data_files, a.bytes), (b.snapshots, b.records, b.data_files, b.bytes));

    // With parameters, as Athena-bound SQL spells them (`?`).
    let est = engine
        .estimate(
            "SELECT close FROM market_data.us_stocks_price WHERE ticker = ? AND trade_date >= ?",
            &[ParamValue::Text("AAPL".into()), ParamValue::Date(common::date("2024-12-01"))],
            &budget,
            false,
        )
        .await
        .unwrap();
    assert!(est.total_bytes > 0);

    // The CLI on the Athena profile: estimate from Glue, run on "Athena", ledger entry.
    let out = home.cmd().envs(moto.env()).args(["estimate", "--profile", "emu", "--format", "json", queries[0]]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli["total_bytes"], common::estimate_json(local, queries[0], &[])["total_bytes"]);
    moto.queue_result(&[("ticker", "varchar", 0, 0), ("close", "double", 0, 0)], &[
        vec![Some("AAPL".into()), Some("189.5".into())],
        vec![Some("MSFT".into()), None],
    ]);
    let out = home.cmd().envs(moto.env()).args(["run", "--profile", "emu", "--format", "csv", queries[0]]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ticker,close\nAAPL,189.5\nMSFT,\n");
    let ledger = std::fs::read_to_string(home.root.join("state/fathom/history.jsonl")).unwrap();
    let last: serde_json::Value = serde_json::from_str(ledger.lines().last().unwrap()).unwrap();
    assert_eq!(last["engine"], "athena");
    assert_eq!(last["estimated_bytes"], cli["total_bytes"]);
    assert_eq!(last["actual_bytes"], 0, "moto reports DataScannedInBytes = 0; it is recorded as reported");
    assert!(!ledger.contains("testing"), "no credentials in the ledger");

    // Unattended checks on Athena do not spend above the budget: each is estimated first.
    let strict = home.root.join("strict.toml");
    std::fs::write(&strict, format!("[budget]\nconfirm_above_usd = 0.0\n{}", moto.profile_toml())).unwrap();
    let out = home
        .cmd()
        .envs(moto.env())
        .args(["--config", strict.to_str().unwrap(), "check", "--profile", "emu", "--format", "json", "--as-of", common::AS_OF])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = report["checks"].as_array().unwrap_or_else(|| panic!("{report}"));
    assert!(!checks.is_empty());
    for c in checks.iter().filter(|c| c["status"] != "skipped") {
        assert_eq!(c["status"], "error", "{c}");
        assert!(c["error"].as_str().unwrap().contains("not run: the estimate"), "{c}");
    }

    // A workgroup cutoff below the estimate: shown beside it and warned about.
    let full = engine.estimate("SELECT * FROM market_data.us_stocks_price", &[], &budget, false).await.unwrap();
    assert_eq!(full.cutoff_bytes, None, "the primary workgroup has no cutoff");
    let cutoff = (full.total_bytes / 2) as i64;
    engine
        .clients()
        .athena
        .create_work_group()
        .name("tiny")
        .configuration(WorkGroupConfiguration::builder().bytes_scanned_cutoff_per_query(cutoff).build())
        .send()
        .await
        .unwrap();
    let mut p = moto.profile(AthenaResults::Auto);
    p.workgroup = "tiny".into();
    let tiny = moto.engine(&p).await;
    let capped = tiny.estimate("SELECT * FROM market_data.us_stocks_price", &[], &budget, false).await.unwrap();
    assert_eq!(capped.cutoff_bytes, Some(cutoff as u64));
    assert!(capped.warnings.iter().any(|w| w.contains("per-query cutoff")), "{:?}", capped.warnings);
    assert!(capped.summary().contains("cutoff"), "{}", capped.summary());
    let pruned = tiny.estimate(queries[0], &[], &budget, false).await.unwrap();
    assert!(!pruned.warnings.iter().any(|w| w.contains("per-query cutoff")), "{:?}", pruned.warnings);
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_in_fathom_run_stops_the_query_on_the_server() {
    let Some(moto) = Moto::start() else { return };
    moto.slow_queries(100_000);
    let engine = moto.engine(&moto.profile(AthenaResults::Auto)).await;
    let home = common::Home::fresh(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("athena-ctrl-c"));
    let dir = home.root.join("config/fathom");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), moto.profile_toml()).unwrap();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("fathom"));
    cmd.env("XDG_CONFIG_HOME", home.root.join("config"))
        .env("XDG_STATE_HOME", home.root.join("state"))
        .env("XDG_DATA_HOME", home.root.join("data"))
        .env("HOME", &home.root)
        .envs(moto.env())
        .args(["run", "--profile", "emu", "SELECT 1 AS one"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    // Wait until the query exists on the server, then press Ctrl-C.
    let athena = &engine.clients().athena;
    let mut id = None;
    for _ in 0..200 {
        let ids = athena.list_query_executions().send().await.unwrap().query_execution_ids().to_vec();
        if let Some(first) = ids.first() {
            id = Some(first.clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let id = id.expect("fathom run started a query");
    let status = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cancelled"), "{err}");
    let qe = athena.get_query_execution().query_execution_id(&id).send().await.unwrap();
    assert_eq!(qe.query_execution().unwrap().status().unwrap().state(), Some(&QueryExecutionState::Cancelled));
    let ledger = std::fs::read_to_string(home.root.join("state/fathom/history.jsonl")).unwrap();
    assert!(ledger.contains("\"outcome\":\"cancelled\""), "{ledger}");
}

/// The workbench's executor on an Athena profile, without a terminal: the browser gets the
/// workgroup's named queries, a run reports QUEUED and RUNNING before its rows, and the
/// catalog pane can describe an Iceberg table through Glue and a plain Glue table.
#[tokio::test(flavor = "multi_thread")]
async fn the_workbench_executor_on_an_athena_profile() {
    use fathom::tui::executor::Executor;
    use fathom::tui::state::{Action, Effect};
    let Some(moto) = Moto::start() else { return };
    let engine = moto.engine(&moto.profile(AthenaResults::Auto)).await;
    engine
        .clients()
        .athena
        .create_named_query()
        .name("nav by day")
        .database("portfolio")
        .query_string("SELECT * FROM portfolio.tb_nav")
        .work_group("primary")
        .send()
        .await
        .unwrap();
    common::aws::hive_table(&engine.clients().glue, "raw", "trades_csv", &[("ticker", "string"), ("qty", "bigint")], &[("dt", "string")]).await;

    let home = common::Home::fresh(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("athena-executor"));
    let cfg = home.root.join("config.toml");
    std::fs::write(&cfg, moto.profile_toml()).unwrap();
    // The executor's engines use the standard chain: give it the emulator's keys.
    for (k, v) in moto.env() {
        // SAFETY: set once, before the executor's tasks start; every test sets the same values.
        unsafe { std::env::set_var(k, v) };
    }
    let paths = fathom::config::Paths {
        config_file: cfg.clone(),
        data_dir: home.root.join("data"),
        state_dir: home.root.join("state"),
    };
    let config = fathom::config::Config::load(Some(&cfg), paths).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut exec = Executor::new(Arc::new(config), tx);
    let next = async |rx: &mut tokio::sync::mpsc::UnboundedReceiver<Action>| {
        tokio::time::timeout(Duration::from_secs(60), rx.recv()).await.expect("an action").unwrap()
    };

    exec.load_named_queries();
    let Action::NamedQueries { profile, result: Ok(named) } = next(&mut rx).await else { panic!("no named queries") };
    assert_eq!(profile, "emu");
    assert_eq!(named.len(), 1);
    assert_eq!((named[0].name.as_str(), named[0].sql.as_str()), ("nav by day", "SELECT * FROM portfolio.tb_nav"));

    moto.slow_queries(2);
    moto.queue_result(&[("n", "integer", 10, 0)], &[vec![Some("5".into())]]);
    exec.run(Effect::RunQuery {
        id: 9,
        profile: "emu".into(),
        sql: "SELECT 5 AS n".into(),
        decls: vec![],
        given: vec![],
        row_cap: 100,
        estimate: None,
        cached: false,
        fresh: false,
        cache_key: None,
    });
    let mut states = Vec::new();
    loop {
        match next(&mut rx).await {
            Action::QueryProgress { id: 9, text } => states.push(text),
            Action::QueryDone { id: 9, result } => {
                assert_eq!(result.unwrap().batch.num_rows(), 1);
                break;
            }
            _ => {}
        }
    }
    states.dedup();
    assert_eq!(states, ["QUEUED", "RUNNING", "SUCCEEDED"]);

    exec.run(Effect::Describe { profile: "emu".into(), schema: "raw".into(), table: "trades_csv".into() });
    let detail = loop {
        if let Action::Described { result, .. } = next(&mut rx).await {
            break result.unwrap();
        }
    };
    let cols: Vec<(&str, &str)> = detail.columns.iter().map(|c| (c.name.as_str(), c.data_type.as_str())).collect();
    assert_eq!(cols, [("ticker", "string"), ("qty", "bigint"), ("dt", "string")]);
    assert_eq!(detail.partition_spec, Some(vec!["dt".to_string()]));
    assert_eq!(detail.snapshots, None);
}
