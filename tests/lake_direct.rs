//! The local engine over Glue + S3 (a `catalog = "glue"` profile) against moto: the demo lake
//! uploaded by the real `fathom demo --athena-upload`, then every shipped lake question run
//! by the real binary on the Glue-local profile and on the embedded demo lake, answers
//! compared; the estimate's direct price (GETs, bytes) against what moto served; and the
//! messages for what can go wrong. Outside CI a missing Python env skips; under CI it fails.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::aws::Moto;
use common::*;
use serde_json::Value;

/// One moto with the demo lake uploaded, and a home whose config has the Glue-local
/// profile `direct` (and the Athena profile `emu`) on it.
struct Lake {
    moto: Moto,
    home: Home,
}

fn lake_on_moto() -> Option<&'static Lake> {
    static LAKE: OnceLock<Option<Lake>> = OnceLock::new();
    LAKE.get_or_init(|| {
        let moto = Moto::start()?;
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (home, _engine) = rt.block_on(moto.upload_demo("direct-upload"));
        let config = home.root.join("config/fathom/config.toml");
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push_str(&direct_profile("direct", &moto.endpoint));
        std::fs::write(&config, text).unwrap();
        Some(Lake { moto, home })
    })
    .as_ref()
}

/// The tests share one server and its request log (and one denies reads): one at a time.
fn exclusive() -> std::sync::MutexGuard<'static, ()> {
    static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE.lock().unwrap_or_else(|e| e.into_inner())
}

fn direct_profile(name: &str, endpoint: &str) -> String {
    format!(
        "\n[profiles.{name}]\nengine = \"local\"\ncatalog = \"glue\"\nregion = \"{}\"\nendpoint_url = \"{endpoint}\"\n",
        common::aws::REGION
    )
}

impl Lake {
    fn cmd(&self) -> assert_cmd::Command {
        let mut c = self.home.cmd();
        c.envs(self.moto.env());
        c
    }

    /// The request log of moto (S3, Glue) since the last `clear`.
    fn requests(&self) -> Vec<Value> {
        self.moto.request_log()
    }

    fn clear(&self) {
        self.moto.clear_request_log();
    }

    /// GETs under `prefix` answer 403 from now on (an empty prefix lifts it).
    fn deny(&self, prefix: &str) {
        self.moto.deny(prefix);
    }
}

/// Every shipped question that runs on the lake (not the PostgreSQL ones), by file.
fn lake_questions() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        for f in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = f.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            if path.extension().is_some_and(|e| e == "sql") && !text.lines().any(|l| l.trim() == "-- engine: postgres") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A result as comparable rows: floats to 12 significant digits (parallel sums may differ in
/// the last bits), rows sorted (queries without ORDER BY may come in any order).
fn normalized(stdout: &[u8]) -> Vec<String> {
    fn norm(v: &Value) -> Value {
        match v {
            Value::Number(n) if n.is_f64() => Value::String(format!("{:.11e}", n.as_f64().unwrap())),
            Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), norm(v))).collect()),
            Value::Array(a) => Value::Array(a.iter().map(norm).collect()),
            other => other.clone(),
        }
    }
    let mut rows: Vec<String> = String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| norm(&serde_json::from_str::<Value>(l).unwrap()).to_string())
        .collect();
    rows.sort();
    rows
}

#[test]
fn every_lake_question_answers_the_same_on_glue_and_s3_as_on_the_embedded_lake() {
    let _one = exclusive();
    let Some(lake) = lake_on_moto() else { return };
    let embedded = common::lake("direct");
    let questions = lake_questions();
    assert!(questions.len() >= 20, "{questions:?}");
    for q in &questions {
        let q = q.to_str().unwrap();
        let want = embedded.cmd().args(["run", "--format", "json", "--no-cache", q]).output().unwrap();
        assert!(want.status.success(), "{q} on the embedded lake: {}", String::from_utf8_lossy(&want.stderr));
        let got = lake.cmd().args(["run", "--profile", "direct", "--format", "json", "--no-cache", q]).output().unwrap();
        assert!(got.status.success(), "{q} on Glue + S3: {}", String::from_utf8_lossy(&got.stderr));
        let (want, got) = (normalized(&want.stdout), normalized(&got.stdout));
        assert_eq!(got, want, "{q}: the same answer on Glue + S3 as on the embedded lake");
    }
}

/// GETs and bytes of data files (Parquet) moto served since the last clear.
fn served_data_reads(lake: &Lake) -> (u64, u64, BTreeMap<String, u64>) {
    let mut gets = 0;
    let mut bytes = 0;
    let mut keys = BTreeMap::new();
    for r in lake.requests() {
        let path = r["path"].as_str().unwrap_or("");
        if r["method"] == "GET" && path.starts_with("/lake/") && path.ends_with(".parquet") {
            gets += 1;
            bytes += r["bytes"].as_u64().unwrap();
            *keys.entry(r["access_key"].as_str().unwrap_or("").to_string()).or_default() += 1;
        }
    }
    (gets, bytes, keys)
}

fn within(pct: f64, predicted: u64, served: u64) -> bool {
    (predicted as f64 - served as f64).abs() <= pct / 100.0 * served as f64
}

#[test]
fn the_estimate_prices_both_ways_and_predicts_the_gets_and_bytes_moto_serves() {
    let _one = exclusive();
    let Some(lake) = lake_on_moto() else { return };
    let queries = [
        "queries/market/daily_prices.sql",
        "queries/market/ticker_summary.sql",
        "SELECT * FROM market_data.kr_stocks_price",
        "SELECT trade_date, adj_close, volume FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-06-01'",
        "SELECT port_id, value FROM portfolio.tb_nav",
    ];
    for q in queries {
        let out = lake.cmd().args(["estimate", "--profile", "direct", "--format", "json", q]).output().unwrap();
        assert!(out.status.success(), "estimate {q}: {}", String::from_utf8_lossy(&out.stderr));
        let est: Value = serde_json::from_slice(&out.stdout).unwrap();
        let (athena, direct) = (&est["athena"], &est["direct"]);
        assert!(athena.is_object() && direct.is_object(), "both prices for {q}: {est}");
        // Athena bills at least 10 MB; the direct read pays its GETs at $0.0004 per 1,000.
        assert!(athena["billed_mb"].as_u64().unwrap() >= 10 && athena["cost_usd"].as_f64().unwrap() > 0.0);
        let gets = direct["get_requests"].as_u64().unwrap();
        let bytes = direct["bytes"].as_u64().unwrap();
        assert_eq!(bytes, athena["scanned_bytes"].as_u64().unwrap());
        assert!((direct["cost_usd"].as_f64().unwrap() - gets as f64 * 0.0004 / 1000.0).abs() < 1e-15, "{direct}");
        assert_eq!(est["cost_usd"], direct["cost_usd"], "the budget gates the direct figure");
        assert!(direct["note"].as_str().unwrap().contains("outside"), "{direct}");

        lake.clear();
        let run = lake.cmd().args(["run", "--profile", "direct", "--format", "csv", "--no-cache", q]).output().unwrap();
        assert!(run.status.success(), "run {q}: {}", String::from_utf8_lossy(&run.stderr));
        let (served_gets, served_bytes, _) = served_data_reads(lake);
        assert!(served_gets > 0, "{q} read no data files: {:?}", lake.requests().iter().filter(|r| !r["path"].as_str().unwrap_or("").contains("/metadata/")).take(8).collect::<Vec<_>>());
        // Every S3 GET of the run: the data files', and the tables' metadata (metadata
        // file, manifest list, manifests) as the run loaded them. Glue's calls are POSTs.
        let served_all = lake.requests().iter().filter(|r| r["method"] == "GET" && r["path"].as_str().is_some_and(|p| p.starts_with("/lake/"))).count() as u64;
        let metadata = direct["metadata_get_requests"].as_u64().unwrap();
        assert!(metadata > 0 && metadata < gets, "{direct}");
        assert!(within(5.0, gets, served_all), "{q}: predicted {gets} GETs in all, moto served {served_all}");
        // Each table's metadata file once: the run's later loads ask Glue for its name and
        // reuse the table while it is the same file.
        let tables: std::collections::BTreeSet<&str> = est["tables"].as_array().unwrap().iter().filter_map(|t| t["table"].as_str()).collect();
        let metadata_files = lake.requests().iter().filter(|r| r["method"] == "GET" && r["path"].as_str().is_some_and(|p| p.ends_with(".metadata.json"))).count();
        assert_eq!(metadata_files, tables.len(), "{q}: metadata files read for {tables:?}");
        assert!(within(5.0, gets - metadata, served_gets), "{q}: predicted {} data-file GETs, moto served {served_gets}", gets - metadata);
        assert!(within(5.0, bytes, served_bytes), "{q}: predicted {bytes} bytes, moto served {served_bytes}");
    }
    // The text form names both.
    let out = lake.cmd().args(["estimate", "--profile", "direct", "queries/cost/pruned.sql"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("read directly:") && text.contains("GET requests") && text.contains("billed"), "{text}");
}

#[test]
fn an_athena_profile_with_a_glue_local_twin_shows_athenas_bill_and_the_twins_direct_read() {
    let _one = exclusive();
    let Some(lake) = lake_on_moto() else { return };
    let estimate = |args: &[&str]| -> Value {
        let out = lake.cmd().args(["estimate", "--format", "json"]).args(args).output().unwrap();
        assert!(out.status.success(), "estimate {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    for q in ["queries/market/daily_prices.sql", "SELECT trade_date, adj_close, volume FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-06-01'"] {
        // `emu` (Athena) and `direct` (Glue-local) name the same catalog and region.
        let on_athena = estimate(&["--profile", "emu", q]);
        let (athena, direct) = (&on_athena["athena"], &on_athena["direct"]);
        assert!(athena.is_object() && direct.is_object(), "both prices for {q}: {on_athena}");
        assert_eq!(direct["profile"], "direct", "the direct figure names where to switch: {direct}");
        assert_eq!(on_athena["cost_usd"], athena["cost_usd"], "an Athena profile is gated on Athena's bill: {on_athena}");
        let on_twin = estimate(&["--profile", "direct", q]);
        assert!(on_twin["direct"]["profile"].is_null(), "{on_twin}");
        for key in ["get_requests", "bytes", "cost_usd"] {
            assert_eq!(direct[key], on_twin["direct"][key], "{q}: {key} as the Glue-local profile's own estimate");
        }
        assert!(direct["get_requests"].as_u64().unwrap() > 0, "{direct}");
    }
    let text = lake.cmd().args(["estimate", "--profile", "emu", "queries/cost/pruned.sql"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("\nhere (profile direct): ") && text.contains("GET requests ≈ $") && text.contains("billed"), "{text}");

    // Without a twin (the only Glue-local profile is in another region): Athena's bill alone.
    let alone = lake.home.root.join("athena-alone.toml");
    let elsewhere = direct_profile("elsewhere", &lake.moto.endpoint).replace(common::aws::REGION, "eu-west-1");
    std::fs::write(&alone, format!("{}{elsewhere}", lake.moto.profile_toml())).unwrap();
    let single = estimate(&["--config", alone.to_str().unwrap(), "--profile", "emu", "queries/market/daily_prices.sql"]);
    assert!(single.get("direct").is_none() && single.get("athena").is_none(), "{single}");
    assert!(single["cost_usd"].as_f64().unwrap() > 0.0, "{single}");
}

/// The ledger's entries so far (`fathom history --format json`), oldest first.
fn ledger(lake: &Lake) -> Vec<Value> {
    let out = lake.cmd().args(["history", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "history: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn the_ledger_prices_a_direct_run_by_the_gets_it_sent_and_a_cache_hit_saves_that() {
    let _one = exclusive();
    let Some(lake) = lake_on_moto() else { return };
    let q = "SELECT trade_date, adj_close FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-09-01' AND meta_id = 3";
    lake.clear();
    let out = lake.cmd().args(["run", "--profile", "direct", "--format", "csv", "--no-cache", "--stats", q]).output().unwrap();
    assert!(out.status.success(), "run: {}", String::from_utf8_lossy(&out.stderr));
    // Counted from moto's log: the GETs of data files (Parquet) only. Loading the table for
    // the query also GETs its metadata.json, manifest list and manifests; those are not the
    // scan's and are left out of both counts.
    let (served_gets, served_bytes, _) = served_data_reads(lake);
    assert!(served_gets > 0, "the run read no data file");
    let entry = ledger(lake).pop().unwrap();
    assert_eq!(entry["outcome"], "ok", "{entry}");
    assert_eq!(entry["get_requests"].as_u64(), Some(served_gets), "the ledger counts every data-file GET moto served: {entry}");
    assert_eq!(entry["actual_bytes"].as_u64(), Some(served_bytes), "{entry}");
    // The direct price at the default $0.0004 per 1,000 GETs, not Athena's bill (10 MB minimum).
    let cost = entry["cost_usd"].as_f64().unwrap();
    assert!((cost - served_gets as f64 * 0.0004 / 1000.0).abs() < 1e-15, "{entry}");
    let athena = fathom::estimate::bill::cost_usd(served_bytes, 5.0);
    assert!((cost - athena).abs() > 1e-9, "priced {cost} as Athena would bill it: {entry}");
    let stats = String::from_utf8_lossy(&out.stderr);
    assert!(stats.contains(&format!("sent {served_gets} → ")) && stats.contains("(direct read, +"), "{stats}");

    // Cached: the first run fills the cache, the second is answered from it and saved what
    // the first cost (its direct price).
    for _ in 0..2 {
        let out = lake.cmd().args(["run", "--profile", "direct", "--format", "csv", q]).output().unwrap();
        assert!(out.status.success(), "run: {}", String::from_utf8_lossy(&out.stderr));
    }
    let runs = ledger(lake);
    let (filled, hit) = (&runs[runs.len() - 2], &runs[runs.len() - 1]);
    assert_eq!((filled["outcome"].as_str(), hit["outcome"].as_str()), (Some("ok"), Some("cached")), "{filled}\n{hit}");
    assert_eq!(hit["saved_usd"], filled["cost_usd"], "{filled}\n{hit}");
    assert_eq!(filled["get_requests"].as_u64(), Some(served_gets), "{filled}");
    // The run list shows the direct dollars.
    let text = lake.cmd().args(["history"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&fathom::estimate::bill::human_usd(cost)), "{text}");
}

#[test]
fn a_refused_data_file_names_the_file_and_s3_get_object() {
    let _one = exclusive();
    let Some(lake) = lake_on_moto() else { return };
    lake.deny("/lake/warehouse/reference.db/tb_meta/data/");
    let err = lake.cmd().args(["run", "--profile", "direct", "--no-cache", "SELECT * FROM reference.tb_meta"]).output().unwrap();
    lake.deny("");
    assert!(!err.status.success());
    let err = String::from_utf8_lossy(&err.stderr);
    assert!(err.contains("s3:GetObject") && err.contains("s3://lake/warehouse/reference") && err.contains(".parquet"), "{err}");

    // The table's metadata refused: the same permission, named for the table.
    lake.deny("/lake/warehouse/reference.db/tb_meta/metadata/");
    let err = lake.cmd().args(["run", "--profile", "direct", "--no-cache", "SELECT * FROM reference.tb_meta"]).output().unwrap();
    lake.deny("");
    let err = String::from_utf8_lossy(&err.stderr);
    assert!(err.contains("the metadata of reference.tb_meta") && err.contains("s3:GetObject"), "{err}");
}

#[test]
fn a_glue_table_that_is_not_iceberg_says_it_needs_athena() {
    let _one = exclusive();
    let Some(lake) = lake_on_moto() else { return };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let config = lake.moto.sdk_config().await;
        let glue = aws_sdk_glue::Client::new(&config);
        common::aws::hive_table(&glue, "raw", "raw_csv", &[("x", "int")], &[]).await;
    });
    let out = lake.cmd().args(["run", "--profile", "direct", "SELECT * FROM raw.raw_csv"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("raw.raw_csv") && err.contains("not an Iceberg table") && err.contains("Athena"), "{err}");
}

#[test]
fn missing_credentials_use_the_athena_wording() {
    let _one = exclusive();
    let Some(lake) = lake_on_moto() else { return };
    let empty = lake.home.root.join("no-aws");
    std::fs::create_dir_all(&empty).unwrap();
    let out = lake
        .home
        .cmd()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env("AWS_SHARED_CREDENTIALS_FILE", empty.join("credentials"))
        .env("AWS_CONFIG_FILE", empty.join("config"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", common::aws::REGION)
        .args(["run", "--profile", "direct", "SELECT 1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no AWS credentials found") && err.contains("aws sso login"), "{err}");
}

#[test]
fn bad_combinations_of_keys_are_refused_with_the_fix() {
    let home = Home::fresh(Path::new(env!("CARGO_TARGET_TMPDIR")).join("direct-bad-config"));
    let dir = home.root.join("config/fathom");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "[profiles.x]\nengine = \"local\"\ncatalog = \"glue\"\nwarehouse = \"/tmp/w\"\n").unwrap();
    let err = home.fails(&["run", "--profile", "x", "SELECT 1"]);
    assert!(err.contains("profile x") && err.contains("warehouse"), "{err}");
    std::fs::write(dir.join("config.toml"), "[profiles.x]\nengine = \"local\"\ncatalog = \"sqlite:///tmp/c.db\"\nwarehouse = \"/tmp/w\"\nregion = \"us-east-1\"\n").unwrap();
    let err = home.fails(&["run", "--profile", "x", "SELECT 1"]);
    assert!(err.contains("region") && err.contains("catalog = \"glue\""), "{err}");
}
