//! The PostgreSQL engine against a real server (`scripts/postgres-test-server`, whose URL
//! `scripts/test` exports as FATHOM_TEST_PG_URL): types as Arrow, streaming and the row cap,
//! bound parameters against injection, write refusal (fathom's and the server's), cancel,
//! statement timeout, a killed connection, the demo metadata
//! (idempotent, and agreeing with the demo lake), and passwords that never show. The catalog
//! (tables, columns, describe, functions) and the EXPLAIN estimate: `postgres_catalog.rs`.

mod common;

use common::pg::{admin, engine, parts, pg_home, pg_url, setup};

use std::time::{Duration, Instant};

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Decimal128Type, Int16Type, Int64Type, TimeUnit, TimestampMicrosecondType};
use arrow::record_batch::RecordBatch;
use arrow::util::display::array_value_to_string;
use fathom::config::PostgresProfile;
use fathom::engine::postgres::{PostgresEngine, TxnMode};
use fathom::engine::{Collected, Engine, collect};
use fathom::library::ParamValue;
use sqlx::postgres::PgPool;


async fn run(e: &PostgresEngine, sql: &str, params: &[ParamValue]) -> fathom::error::Result<Collected> {
    let stream = e.execute(sql, params).await?;
    collect(stream, 1_000_000).await
}

fn one(c: &Collected) -> &RecordBatch {
    assert_eq!(c.batches.len(), 1, "expected one batch");
    &c.batches[0]
}

fn col<'a>(b: &'a RecordBatch, name: &str) -> &'a dyn Array {
    b.column(b.schema().index_of(name).unwrap()).as_ref()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_round_trips_as_arrow() {
    let Some(url) = pg_url() else { return };
    let pool = admin(&url).await;
    setup(&pool, &[
        "DROP SCHEMA IF EXISTS t_types CASCADE",
        "CREATE SCHEMA t_types",
        "CREATE TABLE t_types.all_types (id int PRIMARY KEY, i2 int2, i4 int4, i8 int8, n38 numeric(38,9), nbig numeric,
            f4 float4, f8 float8, t text, vc varchar(20), ch char(5), b bool, d date, tm time, ts timestamp, tstz timestamptz,
            iv interval, js json, jb jsonb, u uuid, by bytea, ai int[], at text[])",
        "INSERT INTO t_types.all_types VALUES
           (1, -32768, 2147483647, 9223372036854775807, 12345678901234567890123456789.123456789,
            100000000000000000000000000000000000000000000000000.5, 1.5, -2.25e-300, '삼성전자', 'varchar', 'ab', true,
            '2024-02-29', '23:59:59.999999', '2024-12-31 23:59:59.123456', '2024-06-01 12:00:00+09',
            '1 year 2 mons 3 days 04:05:06.5', '{\"b\": 1,  \"a\": [1, 2]}', '{\"k\": \"값\"}',
            'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff10', '{1,NULL,3}', '{\"a b\",c}'),
           (2, NULL, NULL, -9223372036854775808, -0.000000001, NULL, NULL, NULL, '', NULL, NULL, false, NULL, NULL, NULL, NULL,
            NULL, NULL, NULL, NULL, '\\x', NULL, NULL),
           (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    ])
    .await;
    let e = engine(&url);
    let c = run(&e, "SELECT * FROM t_types.all_types ORDER BY id", &[]).await.unwrap();
    let b = one(&c);
    let ty = |n: &str| col(b, n).data_type().clone();
    assert_eq!(ty("i2"), DataType::Int16);
    assert_eq!(ty("i4"), DataType::Int32);
    assert_eq!(ty("i8"), DataType::Int64);
    assert_eq!(ty("n38"), DataType::Decimal128(38, 9));
    assert_eq!(ty("nbig"), DataType::Utf8, "unconstrained numeric is lossless text");
    assert_eq!(ty("f4"), DataType::Float32);
    assert_eq!(ty("f8"), DataType::Float64);
    assert_eq!(ty("d"), DataType::Date32);
    assert_eq!(ty("tm"), DataType::Time64(TimeUnit::Microsecond));
    assert_eq!(ty("ts"), DataType::Timestamp(TimeUnit::Microsecond, None));
    assert_eq!(ty("tstz"), DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())));
    assert_eq!(ty("by"), DataType::Binary);
    for t in ["t", "vc", "ch", "iv", "js", "jb", "u", "ai", "at"] {
        assert_eq!(ty(t), DataType::Utf8, "{t}");
    }

    assert_eq!(col(b, "i8").as_primitive::<Int64Type>().value(0), i64::MAX);
    assert_eq!(col(b, "i8").as_primitive::<Int64Type>().value(1), i64::MIN);
    assert_eq!(col(b, "i2").as_primitive::<Int16Type>().value(0), i16::MIN);
    assert_eq!(col(b, "n38").as_primitive::<Decimal128Type>().value(0), 12345678901234567890123456789123456789i128);
    assert_eq!(col(b, "n38").as_primitive::<Decimal128Type>().value(1), -1);
    assert_eq!(col(b, "f8").as_primitive::<arrow::datatypes::Float64Type>().value(0), -2.25e-300);
    let tstz = chrono::DateTime::parse_from_rfc3339("2024-06-01T12:00:00+09:00").unwrap().timestamp_micros();
    assert_eq!(col(b, "tstz").as_primitive::<TimestampMicrosecondType>().value(0), tstz);
    let ts = chrono::NaiveDateTime::parse_from_str("2024-12-31 23:59:59.123456", "%Y-%m-%d %H:%M:%S%.f").unwrap();
    assert_eq!(col(b, "ts").as_primitive::<TimestampMicrosecondType>().value(0), ts.and_utc().timestamp_micros());
    let bytes = col(b, "by").as_binary::<i32>();
    assert_eq!(bytes.value(0), &[0x00, 0xff, 0x10]);
    assert!(bytes.is_valid(1) && bytes.value(1).is_empty(), "empty bytea is not NULL");
    let t = col(b, "t").as_string::<i32>();
    assert_eq!(t.value(0), "삼성전자");
    assert!(t.is_valid(1) && t.value(1).is_empty(), "'' stays an empty string");
    assert!(t.is_null(2), "NULL stays NULL");
    for name in b.schema().fields().iter().map(|f| f.name().clone()).filter(|n| n != "id") {
        assert!(col(b, &name).is_null(2), "{name}: row 3 is all NULL");
    }

    // Every column's Arrow value prints as the server prints it (`::text`), row by row.
    let texts = run(
        &e,
        "SELECT id, i2::text, i4::text, i8::text, n38::text, nbig::text, t::text, vc::text, b::text, d::text,
                tm::text, iv::text, js::text, jb::text, u::text, ai::text, at::text
           FROM t_types.all_types ORDER BY id",
        &[],
    )
    .await
    .unwrap();
    let tb = one(&texts);
    assert_eq!(col(b, "ch").as_string::<i32>().value(0), "ab   ", "char(5) keeps its padding, as psql shows it");
    for i in 1..tb.num_columns() {
        let name = tb.schema().field(i).name().clone();
        for row in 0..tb.num_rows() {
            let server = tb.column(i).as_string::<i32>();
            let ours = col(b, &name);
            assert_eq!(server.is_null(row), ours.is_null(row), "{name} row {row}: NULL-ness");
            if server.is_valid(row) {
                let ours = array_value_to_string(ours, row).unwrap();
                let theirs = server.value(row);
                assert_eq!(ours, theirs, "{name} row {row}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_numeric_nan_is_an_error_not_a_silent_null() {
    let Some(url) = pg_url() else { return };
    let pool = admin(&url).await;
    setup(&pool, &["DROP SCHEMA IF EXISTS t_nan CASCADE", "CREATE SCHEMA t_nan", "CREATE TABLE t_nan.n (v numeric(10,2))", "INSERT INTO t_nan.n VALUES (1.25), ('NaN')"]).await;
    let e = engine(&url);
    let err = run(&e, "SELECT v FROM t_nan.n", &[]).await.unwrap_err().to_string();
    assert!(err.contains("NaN") && err.contains("::text"), "{err}");
    let ok = run(&e, "SELECT v::text AS v FROM t_nan.n ORDER BY 1", &[]).await.unwrap();
    assert_eq!(array_value_to_string(one(&ok).column(0), 1).unwrap(), "NaN");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_stream_in_batches_and_the_row_cap_applies() {
    let Some(url) = pg_url() else { return };
    let e = engine(&url);
    let all = run(&e, "SELECT g FROM generate_series(1, 20000) g", &[]).await.unwrap();
    let sizes: Vec<usize> = all.batches.iter().map(|b| b.num_rows()).collect();
    assert_eq!(sizes, vec![8192, 8192, 20000 - 2 * 8192]);
    let stream = e.execute("SELECT g FROM generate_series(1, 1000000) g", &[]).await.unwrap();
    let capped = collect(stream, 10_000).await.unwrap();
    assert!(capped.truncated);
    assert_eq!(capped.rows(), 10_000);
    let after = run(&e, "SELECT count(*) AS n FROM generate_series(1, 5) g", &[]).await.unwrap();
    assert_eq!(one(&after).column(0).as_primitive::<Int64Type>().value(0), 5);
    assert!(e.tables().await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injection_through_parameters_finds_nothing_and_changes_nothing() {
    let Some(url) = pg_url() else { return };
    let pool = admin(&url).await;
    setup(&pool, &[
        "DROP SCHEMA IF EXISTS t_inj CASCADE",
        "CREATE SCHEMA t_inj",
        "CREATE TABLE t_inj.users (id int, name text)",
        "INSERT INTO t_inj.users VALUES (1, 'ana'), (2, 'bo')",
    ])
    .await;
    let e = engine(&url);
    for attack in [
        "x' OR '1'='1",
        "'; DROP TABLE t_inj.users; --",
        "ana' --",
        "$1",
        "ana'); DELETE FROM t_inj.users; --",
        "\\'; TRUNCATE t_inj.users; --",
    ] {
        let got = run(&e, "SELECT id FROM t_inj.users WHERE name = $1", &[ParamValue::Text(attack.into())]).await.unwrap();
        assert_eq!(got.rows(), 0, "{attack}");
    }
    let got = run(&e, "SELECT id FROM t_inj.users WHERE name = $1", &[ParamValue::Text("ana".into())]).await.unwrap();
    assert_eq!(got.rows(), 1, "the honest value still matches");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM t_inj.users").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 2);

    // through the CLI: `:name` becomes $1 and the value is bound
    let home = pg_home("inj", &url, "");
    let out = home
        .cmd()
        .args(["run", "--profile", "pg", "--format", "json", "SELECT id FROM t_inj.users WHERE name = :name"])
        .args(["--param", "name=x' OR 1=1; DELETE FROM t_inj.users; --"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).trim().is_empty(), "no rows");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM t_inj.users").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_are_refused_and_the_server_refuses_them_too() {
    let Some(url) = pg_url() else { return };
    let pool = admin(&url).await;
    setup(&pool, &[
        "DROP SCHEMA IF EXISTS t_ro CASCADE",
        "CREATE SCHEMA t_ro",
        "CREATE TABLE t_ro.x (id int PRIMARY KEY, updated_at timestamptz)",
        "INSERT INTO t_ro.x VALUES (1, now()), (2, now())",
        "CREATE SEQUENCE t_ro.s",
    ])
    .await;
    let e = engine(&url);
    let writes = [
        "INSERT INTO t_ro.x VALUES (3, now())",
        "UPDATE t_ro.x SET updated_at = now()",
        "DELETE FROM t_ro.x",
        "-- just a comment\nDELETE FROM t_ro.x",
        "/* SELECT */ TRUNCATE t_ro.x",
        "WITH d AS (DELETE FROM t_ro.x RETURNING *) SELECT count(*) FROM d",
        "EXPLAIN ANALYZE DELETE FROM t_ro.x",
        "SELECT * INTO t_ro.copy FROM t_ro.x",
        "SELECT * FROM t_ro.x FOR UPDATE",
        "CREATE TABLE t_ro.y (a int)",
        "DROP TABLE t_ro.x",
        "ALTER TABLE t_ro.x ADD COLUMN z int",
        "COPY t_ro.x TO STDOUT",
        "DO $$ BEGIN DELETE FROM t_ro.x; END $$",
        "CALL nothing()",
        "SET statement_timeout = 0",
        "RESET ALL",
        "GRANT SELECT ON t_ro.x TO PUBLIC",
        "VACUUM t_ro.x",
        "MERGE INTO t_ro.x USING t_ro.x s ON false WHEN NOT MATCHED THEN INSERT VALUES (9, now())",
    ];
    for w in writes {
        let err = run(&e, w, &[]).await.unwrap_err().to_string();
        assert!(err.contains("refused") && err.contains("--write") && err.contains("pgtest"), "{w}: {err}");
        assert!(err.contains("fathom_test") || err.contains(&parts(&url).4), "{w}: names the database: {err}");
    }
    let err = run(&e, "SELECT 1; DELETE FROM t_ro.x", &[]).await.unwrap_err().to_string();
    assert!(err.contains("2 statements"), "{err}");
    // reads that look like writes are not refused
    let ok = run(&e, "SELECT 'DELETE FROM t_ro.x' AS s, updated_at FROM t_ro.x /* DROP */", &[]).await.unwrap();
    assert_eq!(ok.rows(), 2);

    // the classifier bypassed: the READ ONLY transaction stops the write on the server
    for w in ["DELETE FROM t_ro.x", "INSERT INTO t_ro.x VALUES (5, now())", "CREATE TABLE t_ro.z (a int)", "SELECT nextval('t_ro.s')"] {
        let res = match e.run_statement(w, &[], TxnMode::ReadOnly).await {
            Ok(s) => collect(s, 10).await.map(|_| ()),
            Err(err) => Err(err),
        };
        let err = res.unwrap_err().to_string();
        assert!(err.contains("25006") && err.contains("READ ONLY"), "{w}: {err}");
    }
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM t_ro.x").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 2, "nothing was deleted");
    let tables: i64 = sqlx::query_scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = 't_ro'").fetch_one(&pool).await.unwrap();
    assert_eq!(tables, 1, "nothing was created");

    // --write on a read_only profile is still refused; on a writable profile it runs
    let w = PostgresEngine::open("pgtest", &PostgresProfile::from_url(&url), true).unwrap();
    let err = run(&w, "DELETE FROM t_ro.x WHERE id = 2", &[]).await.unwrap_err().to_string();
    assert!(err.contains("read_only = true"), "{err}");
    let rw = PostgresProfile { read_only: false, ..PostgresProfile::from_url(&url) };
    let w = PostgresEngine::open("pgtest", &rw, true).unwrap();
    run(&w, "DELETE FROM t_ro.x WHERE id = $1", &[ParamValue::Int(2)]).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM t_ro.x").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 1, "the allowed write committed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_sleep_returns_promptly_and_the_connection_stays_usable() {
    let Some(url) = pg_url() else { return };
    let pool = admin(&url).await;
    let e = engine(&url);
    let started = Instant::now();
    let stream = e.execute("SELECT pg_sleep(30) AS slept, 'cancel-me-7731' AS tag", &[]).await.unwrap();
    let mut pid: Option<i32> = None;
    for _ in 0..50 {
        pid = sqlx::query_scalar("SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%cancel-me-7731%' AND pid <> pg_backend_pid()")
            .fetch_optional(&pool)
            .await
            .unwrap();
        if pid.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let pid = pid.expect("the sleep runs on the server");
    let waited = tokio::time::timeout(Duration::from_millis(500), collect(stream, 10)).await;
    assert!(waited.is_err(), "the sleep cannot have finished");
    // the stream is dropped: the server-side query must stop soon
    let mut still_running = true;
    for _ in 0..50 {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%cancel-me-7731%' AND pid <> pg_backend_pid()",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if n == 0 {
            still_running = false;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!still_running, "pg_sleep(30) still runs on the server");
    // cancelled, not disconnected: the same backend is still there, idle, back in the pool
    let mut state = None;
    for _ in 0..50 {
        state = sqlx::query_scalar::<_, Option<String>>("SELECT state FROM pg_stat_activity WHERE pid = $1").bind(pid).fetch_optional(&pool).await.unwrap().flatten();
        if state.as_deref() == Some("idle") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state.as_deref(), Some("idle"), "backend {pid} after the cancel");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    for _ in 0..6 {
        let c = run(&e, "SELECT 41 + 1 AS answer", &[]).await.unwrap();
        assert_eq!(array_value_to_string(one(&c).column(0), 0).unwrap(), "42");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_timeout_surfaces_sqlstate_57014() {
    let Some(url) = pg_url() else { return };
    let profile = PostgresProfile { statement_timeout_ms: 300, ..PostgresProfile::from_url(&url) };
    let e = PostgresEngine::open("pgtest", &profile, false).unwrap();
    let started = Instant::now();
    let err = run(&e, "SELECT pg_sleep(5)", &[]).await.unwrap_err().to_string();
    assert!(err.contains("57014") && err.contains("statement_timeout"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(4), "took {:?}", started.elapsed());
    let c = run(&e, "SELECT current_setting('statement_timeout') AS t", &[]).await.unwrap();
    assert_eq!(array_value_to_string(one(&c).column(0), 0).unwrap(), "300ms");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_connection_gives_a_clear_error_and_the_next_query_reconnects() {
    let Some(url) = pg_url() else { return };
    let pool = admin(&url).await;
    let e = engine(&url);
    let before = run(&e, "SELECT pg_backend_pid() AS pid", &[]).await.unwrap();
    let pid_before = array_value_to_string(one(&before).column(0), 0).unwrap();
    let task = {
        let stream = e.execute("SELECT pg_sleep(20), 'kill-me-5521' AS tag", &[]).await.unwrap();
        tokio::spawn(collect(stream, 10))
    };
    let mut killed = false;
    for _ in 0..50 {
        let n: Option<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%kill-me-5521%' AND state = 'active' AND pid <> pg_backend_pid()",
        )
        .fetch_optional(&pool)
        .await
        .unwrap();
        if n == Some(true) {
            killed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(killed, "found the backend to terminate");
    let err = tokio::time::timeout(Duration::from_secs(10), task).await.unwrap().unwrap().unwrap_err().to_string();
    assert!(err.contains("57P01") || err.contains("lost the connection"), "{err}");
    assert!(err.contains("next query"), "says what happens next: {err}");
    let after = run(&e, "SELECT pg_backend_pid() AS pid", &[]).await.unwrap();
    assert_eq!(after.rows(), 1);
    assert!(!pid_before.is_empty());
}

async fn table_state(pool: &PgPool) -> Vec<(String, i64, String)> {
    let mut out = Vec::new();
    for t in ["tb_meta", "tb_strategy", "tb_portfolio", "tb_universe", "tb_metrics"] {
        let (n, digest): (i64, Option<String>) =
            sqlx::query_as(&format!("SELECT count(*), md5(string_agg(x::text, '|' ORDER BY x::text)) FROM {t} x"))
                .fetch_one(pool)
                .await
                .unwrap();
        out.push((t.to_string(), n, digest.unwrap_or_default()));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_metadata_is_idempotent_and_joins_the_demo_lake() {
    let Some(url) = pg_url() else { return };
    let lake = common::lake("postgres");
    let demo = |home: &common::Home| {
        let out = home.cmd().args(["demo", "--postgres", &url, "--scale", "small", "--as-of", common::AS_OF]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(!text.contains(&parts(&url).1), "password printed: {text}");
        text
    };
    demo(lake);
    let pool = admin(&url).await;
    let first = table_state(&pool).await;
    assert!(first.iter().all(|(_, n, _)| *n > 0), "{first:?}");
    demo(lake);
    assert_eq!(table_state(&pool).await, first, "running it twice gives the same state");

    let e = engine(&url);
    let uni = e.columns("public", "tb_universe").await.unwrap();
    assert_eq!(uni[0].references.as_deref(), Some("public.tb_portfolio(port_id)"));
    assert_eq!(uni[1].references.as_deref(), Some("public.tb_meta(meta_id)"));
    let port = e.columns("public", "tb_portfolio").await.unwrap();
    assert!(port[0].primary_key);
    assert_eq!(port[2].references.as_deref(), Some("public.tb_strategy(strategy_id)"));

    // the same ids and names on both sides: PostgreSQL tb_meta vs the lake's reference.tb_meta
    let cfg = lake.root.join("config/fathom");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(cfg.join("config.toml"), format!("[profiles.pg]\nengine = \"postgres\"\nurl = \"{url}\"\n")).unwrap();
    let rows = |args: &[&str]| -> Vec<(i64, String)> {
        let out = lake.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (v["meta_id"].as_i64().unwrap(), v["name"].as_str().unwrap().to_string())
            })
            .collect()
    };
    let sql = "SELECT meta_id, name FROM reference.tb_meta ORDER BY meta_id";
    let from_lake = rows(&["run", "--format", "json", sql]);
    let from_pg = rows(&["run", "--profile", "pg", "--format", "json", &sql.replace("reference.", "")]);
    assert!(!from_pg.is_empty());
    assert_eq!(from_pg, from_lake);
    assert!(from_pg.iter().any(|(_, n)| n.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))), "Korean names");
    // and a saved-query style question: a portfolio's universe with names, bound by id
    let (_, port_name) = rows(&["run", "--profile", "pg", "--format", "json",
        "SELECT u.meta_id, m.name FROM tb_universe u JOIN tb_meta m USING (meta_id) WHERE u.port_id = :port ORDER BY 1 LIMIT 1", "-p", "port=1"])[0].clone();
    assert!(from_lake.iter().any(|(_, n)| *n == port_name));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_password_never_shows_in_config_errors_or_history() {
    let Some(url) = pg_url() else { return };
    let (user, pass, host, port, db) = parts(&url);
    let home = pg_home("secret", &url, "");
    let out = home.cmd().arg("config").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("postgres://{user}:***@{host}:{port}/{db}")), "{text}");
    assert!(!text.contains(&pass));
    for q in ["SELECT * FROM no_such_table", "SELEC 1", "DELETE FROM tb_meta", "SELECT 1/0"] {
        let err = home.fails(&["run", "--profile", "pg", q]);
        assert!(!err.contains(&pass), "{q}: {err}");
    }
    let ok = home.cmd().args(["run", "--profile", "pg", "--format", "csv", "SELECT current_user AS u"]).output().unwrap();
    assert!(ok.status.success() && String::from_utf8_lossy(&ok.stdout).contains(&user));

    // a wrong password: a clear login error, neither password shown
    let bad = url.replace(&format!(":{pass}@"), ":WrongSecret-913@");
    let home_bad = pg_home("secret-bad", &bad, "");
    let err = home_bad.fails(&["run", "--profile", "pg", "SELECT 1"]);
    assert!(err.contains("28P01") && err.contains("password"), "{err}");
    assert!(!err.contains("WrongSecret-913") && !err.contains(&pass), "{err}");
    let cfg = String::from_utf8_lossy(&home_bad.cmd().arg("config").output().unwrap().stdout).to_string();
    assert!(!cfg.contains("WrongSecret-913"));

    let history = std::fs::read_to_string(home.root.join("state/fathom/history.jsonl")).unwrap();
    assert!(history.lines().count() >= 5);
    assert!(history.contains("\"profile\":\"pg\""));
    assert!(!history.contains(&pass) && !history.contains("postgres://"), "{history}");

    // no URL: the libpq environment, then ~/.pgpass for the password
    let env_home = common::Home::fresh(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pg-env"));
    let dir = env_home.root.join("config/fathom");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "[profiles.envpg]\nengine = \"postgres\"\nsslmode = \"disable\"\n").unwrap();
    let q = ["run", "--profile", "envpg", "--format", "csv", "SELECT current_database() AS d"];
    let with_env = |c: &mut assert_cmd::Command| {
        c.env_remove("DATABASE_URL").env("PGHOST", &host).env("PGPORT", &port).env("PGUSER", &user).env("PGDATABASE", &db);
    };
    let mut c = env_home.cmd();
    with_env(&mut c);
    let out = c.env("PGPASSWORD", &pass).args(q).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&db));
    let pgpass = env_home.root.join(".pgpass");
    std::fs::write(&pgpass, format!("{host}:{port}:{db}:{user}:{pass}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let mut c = env_home.cmd();
    with_env(&mut c);
    let out = c.env_remove("PGPASSWORD").env("PGPASSFILE", &pgpass).args(q).output().unwrap();
    assert!(out.status.success(), "~/.pgpass: {}", String::from_utf8_lossy(&out.stderr));
    let cfg = String::from_utf8_lossy(&env_home.cmd().arg("config").output().unwrap().stdout).to_string();
    assert!(!cfg.contains(&pass), "{cfg}");
}

#[test]
fn an_unreachable_server_fails_fast_and_says_where_without_the_password() {
    // needs no server: nothing listens on port 1
    let home = pg_home("unreachable", "postgres://ana:Unseen-4471@127.0.0.1:1/lake", "");
    let started = Instant::now();
    let err = home.fails(&["run", "--profile", "pg", "SELECT 1"]);
    assert!(started.elapsed() < Duration::from_secs(8), "took {:?}", started.elapsed());
    assert!(err.contains("cannot connect") && err.contains("postgres://ana:***@127.0.0.1:1/lake"), "{err}");
    assert!(!err.contains("Unseen-4471"), "{err}");
}

#[test]
fn estimate_shows_the_plan_for_a_postgres_profile() {
    let Some(url) = pg_url() else { return };
    let home = pg_home("estimate", &url, "");
    let out = home.cmd().args(["estimate", "--profile", "pg", "--format", "json", "SELECT g FROM generate_series(1, 10) g"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["postgres"]["rows"], 10, "{v}");
    assert!(v["postgres"]["total_cost"].as_f64().unwrap() > 0.0);
    assert_eq!(v["cost_usd"], 0.0);
    let text = home.cmd().args(["estimate", "--profile", "pg", "SELECT 1"]).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("PostgreSQL plan: ~1 rows"));
}
