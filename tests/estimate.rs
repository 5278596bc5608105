//! The scan-cost estimate against the small demo lake: bytes from the Parquet files
//! themselves, pruning equal to PyIceberg's planner, every scan counted, budgets, the ledger,
//! and estimated vs actually-read bytes for every shipped query.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn home() -> &'static Home {
    lake("estimate")
}

/// Per data file of a table (read from the Parquet footers directly): file size and the
/// compressed bytes of each column.
fn parquet_sizes(table_dir: &Path) -> BTreeMap<PathBuf, (u64, BTreeMap<String, u64>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![table_dir.join("data")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "parquet") {
                let file = std::fs::File::open(&p).unwrap();
                let len = file.metadata().unwrap().len();
                let reader = parquet::file::serialized_reader::SerializedFileReader::new(file).unwrap();
                let md = parquet::file::reader::FileReader::metadata(&reader);
                let mut cols = BTreeMap::new();
                for rg in md.row_groups() {
                    for c in rg.columns() {
                        *cols.entry(c.column_path().string()).or_insert(0) += c.compressed_size() as u64;
                    }
                }
                out.insert(p, (len, cols));
            }
        }
    }
    out
}

/// Bytes of `columns` in `files`, counted the way Athena reads them: the column chunks plus
/// each file's non-column bytes (footer).
fn expected_bytes(files: &[&(u64, BTreeMap<String, u64>)], columns: &[&str]) -> u64 {
    files
        .iter()
        .map(|(len, cols)| {
            let all: u64 = cols.values().sum();
            let read: u64 = columns.iter().map(|c| cols[*c]).sum();
            read + len - all
        })
        .sum()
}

fn table_json(e: &Value, i: usize) -> &Value {
    &e["tables"][i]
}

#[test]
fn designers_example_differs_by_the_partition_and_column_factor() {
    let full = estimate_json(home(), "queries/cost/full_scan.sql", &[("meta_id", "3")]);
    let pruned = estimate_json(home(), "queries/cost/pruned.sql", &[("meta_id", "3")]);
    let sizes = parquet_sizes(&home().demo_dir().join("warehouse/market_data/us_stocks_price"));
    let all: Vec<_> = sizes.values().collect();
    let nov: Vec<_> = sizes.iter().filter(|(p, _)| p.to_string_lossy().contains("/trade_month=658/")).map(|(_, v)| v).collect();
    assert!(!nov.is_empty(), "the 2024-11 partition (month 658 since 1970-01) has files");
    let want_full = expected_bytes(&all, &["meta_id", "trade_date", "close", "adj_close", "gross_return", "volume", "updated_at"]);
    let want_pruned = expected_bytes(&nov, &["trade_date", "adj_close", "meta_id"]);
    assert_eq!(full["total_bytes"].as_u64().unwrap(), want_full);
    assert_eq!(pruned["total_bytes"].as_u64().unwrap(), want_pruned);
    let t = table_json(&full, 0);
    assert_eq!(t["files_kept"], t["files_total"]);
    assert_eq!(t["partitions_kept"].as_u64(), Some(24));
    let t = table_json(&pruned, 0);
    assert_eq!(t["partitions_kept"].as_u64(), Some(1));
    assert_eq!(t["files_kept"].as_u64(), Some(nov.len() as u64));
    let factor = want_full as f64 / want_pruned as f64;
    let got = full["total_bytes"].as_f64().unwrap() / pruned["total_bytes"].as_f64().unwrap();
    assert!((factor - got).abs() < 1e-9 && factor > 20.0, "factor {factor} vs {got}");
    let w: Vec<&str> = full["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(w.iter().any(|w| w.contains("no filter on partition column trade_date of market_data.us_stocks_price")), "{w:?}");
    assert!(w.iter().any(|w| w.contains("SELECT * reads all 7 columns")), "{w:?}");
    assert!(pruned["warnings"].as_array().unwrap().is_empty(), "{pruned}");
    // Both are far below 10 MB on the small lake: Athena bills its minimum for each.
    assert_eq!(full["billed_bytes"].as_u64(), Some(10 << 20));
    assert_eq!(full["billed_mb"].as_u64(), Some(10));
    assert!((full["cost_usd"].as_f64().unwrap() - 10.0 / 1024.0 / 1024.0 * 5.0).abs() < 1e-15);
    assert_eq!(full["conservative"], Value::Bool(false));
    assert!(t["snapshot_id"].as_i64().is_some());
}

#[test]
fn every_scan_is_counted() {
    let one = estimate_json(home(), "SELECT adj_close FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-12-01'", &[]);
    let b1 = one["total_bytes"].as_u64().unwrap();
    let self_join = estimate_json(
        home(),
        "SELECT a.adj_close, b.adj_close FROM market_data.us_stocks_price a JOIN market_data.us_stocks_price b \
         ON a.trade_date = b.trade_date AND a.meta_id = b.meta_id + 1 WHERE a.trade_date >= DATE '2024-12-01' AND b.trade_date >= DATE '2024-12-01'",
        &[],
    );
    assert_eq!(self_join["tables"].as_array().unwrap().len(), 2);
    let union = estimate_json(
        home(),
        "SELECT adj_close FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-12-01' \
         UNION ALL SELECT adj_close FROM market_data.kr_stocks_price WHERE trade_date >= DATE '2024-12-01'",
        &[],
    );
    let names: Vec<&str> = union["tables"].as_array().unwrap().iter().map(|t| t["table"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["market_data.us_stocks_price", "market_data.kr_stocks_price"]);
    let cte = estimate_json(
        home(),
        "WITH p AS (SELECT trade_date, adj_close FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-12-01') \
         SELECT * FROM p x JOIN p y ON x.trade_date = y.trade_date",
        &[],
    );
    assert_eq!(cte["tables"].as_array().unwrap().len(), 2);
    let sub = estimate_json(
        home(),
        "SELECT adj_close FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-12-01' \
         AND meta_id IN (SELECT meta_id FROM reference.tb_meta WHERE sector = 'Energy')",
        &[],
    );
    let names: Vec<&str> = sub["tables"].as_array().unwrap().iter().map(|t| t["table"].as_str().unwrap()).collect();
    assert!(names.contains(&"reference.tb_meta") && names.contains(&"market_data.us_stocks_price"), "{names:?}");
    assert!(sub["total_bytes"].as_u64().unwrap() > b1);
}

#[test]
fn time_travel_estimates_the_old_snapshot() {
    let snaps = home().rows("SELECT snapshot_id FROM market_data.\"us_stocks_price$snapshots\" ORDER BY committed_at", &[]);
    let first = i(&snaps[0], "snapshot_id");
    let e = estimate_json(home(), &format!("SELECT adj_close FROM market_data.us_stocks_price FOR VERSION AS OF {first}"), &[]);
    let t = table_json(&e, 0);
    assert_eq!(t["snapshot_id"].as_i64(), Some(first));
    assert_eq!(t["files_total"].as_u64(), Some(12), "the first commit holds 2023's twelve months");
    let now = estimate_json(home(), "SELECT adj_close FROM market_data.us_stocks_price", &[]);
    assert!(now["total_bytes"].as_u64() > e["total_bytes"].as_u64());
    let err = home().fails(&["estimate", "SELECT 1 FROM market_data.us_stocks_price FOR VERSION AS OF 42"]);
    assert!(err.contains("snapshot 42 does not exist"), "{err}");
}

#[test]
fn unknown_functions_give_a_conservative_superset() {
    let e = estimate_json(home(), "SELECT approx_percentile_x(adj_close, 0.5) FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-12-01'", &[]);
    assert_eq!(e["conservative"], Value::Bool(true));
    let t = table_json(&e, 0);
    assert_eq!(t["columns"], serde_json::json!(["trade_date", "adj_close"]));
    assert_eq!(t["files_kept"], t["files_total"], "no pruning without a plan");
    assert!(e["warnings"][0].as_str().unwrap().starts_with("conservative estimate"));
}

#[test]
fn bad_input_is_explained() {
    let e = home().fails(&["estimate", "SELECT adj_close FORM market_data.us_stocks_price"]);
    assert!(e.contains("SQL syntax error at line 1:"), "{e}");
    let e = home().fails(&["estimate", "SELECT * FROM market_data.us_stock_prices"]);
    assert!(e.contains("did you mean market_data.us_stocks_price"), "{e}");
    let e = home().fails(&["estimate", "queries/market/daily_prices.sql", "--param", "start_date=soon"]);
    assert!(e.contains("start_date"), "{e}");
    let e = home().fails(&["estimate", "SELECT * FROM market_data.us_stocks_price WHERE meta_id = :id"]);
    assert!(e.contains("--param id=VALUE"), "{e}");
    let e = home().fails(&["estimate", "--format", "yaml", "SELECT 1"]);
    assert!(e.contains("expected text or json"), "{e}");
}

#[test]
fn kept_files_equal_pyiceberg_plan_files() {
    let Some(python) = python() else { return };
    let lake = home().demo_dir();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/pyiceberg_plan_files.py");
    let cases = [
        ("trade_date >= DATE '2024-11-01' AND trade_date < DATE '2024-12-01'", "trade_date >= '2024-11-01' and trade_date < '2024-12-01'"),
        ("trade_date >= DATE '2024-12-27'", "trade_date >= '2024-12-27'"),
        ("meta_id = 3", "meta_id = 3"),
        ("meta_id = 999", "meta_id = 999"),
        ("meta_id > 30 AND trade_date < DATE '2023-03-01'", "meta_id > 30 and trade_date < '2023-03-01'"),
    ];
    for (sql_filter, py_filter) in cases {
        let e = estimate_json(home(), &format!("SELECT adj_close FROM market_data.us_stocks_price WHERE {sql_filter}"), &[]);
        let mut ours: Vec<String> = table_json(&e, 0)["files"].as_array().map(|a| a.iter().map(|f| f.as_str().unwrap().to_string()).collect()).unwrap_or_default();
        ours.sort();
        let out = std::process::Command::new(&python)
            .arg(&script)
            .arg(format!("sqlite:///{}", lake.join("catalog.db").display()))
            .arg(format!("file://{}", lake.join("warehouse").display()))
            .arg("market_data.us_stocks_price")
            .arg(py_filter)
            .args(["--catalog-name", "fathom_demo"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let theirs: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut theirs: Vec<String> = theirs["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
        theirs.sort();
        assert_eq!(ours, theirs, "filter {sql_filter}");
    }
}

#[test]
fn estimates_bound_the_bytes_actually_read_within_ten_percent() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut checked = 0;
    for dir in std::fs::read_dir(&root).unwrap().flatten() {
        for q in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let path = q.path();
            if std::fs::read_to_string(&path).unwrap().contains("-- engine: postgres") {
                continue; // PostgreSQL questions: tests/postgres_queries.rs
            }
            let rel = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().to_string_lossy().to_string();
            let params: &[&str] = if rel.contains("cost/") { &["--param", "meta_id=3"] } else { &[] };
            let out = home().cmd().args(["run", "--stats", "--format", "csv", &rel]).args(params).output().unwrap();
            assert!(out.status.success(), "{rel}: {}", String::from_utf8_lossy(&out.stderr));
            let err = String::from_utf8(out.stderr).unwrap();
            let nums: Vec<u64> = err
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap())
                .collect();
            let (est, act) = (nums[nums.len() - 2], nums[nums.len() - 1]);
            if act == 0 {
                assert_eq!(est, 0, "{rel}: read nothing but estimated {est}");
                continue;
            }
            let err_pct = (est as f64 - act as f64) / act as f64 * 100.0;
            assert!(est >= act && err_pct <= 10.0, "{rel}: estimated {est}, read {act} ({err_pct:+.2}%)");
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} queries read data");
}

#[test]
fn budgets_refuse_or_allow_and_the_ledger_records_it() {
    let h = Home::fresh(Path::new(env!("CARGO_TARGET_TMPDIR")).join("estimate-budget"));
    let cfg = h.root.join("fathom.toml");
    std::fs::write(
        &cfg,
        format!(
            "[budget]\nconfirm_above_usd = 0.000001\nrefuse_above_usd = 0.00001\n[profiles.lake]\nengine = \"local\"\ncatalog = \"sqlite://{0}/catalog.db\"\nwarehouse = \"{0}/warehouse\"\n",
            home().demo_dir().display()
        ),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap();
    let q = "SELECT adj_close FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-12-01'";
    let e = h.fails(&["--config", cfg, "run", "--profile", "lake", q]);
    assert!(e.contains("refused") && e.contains("refuse_above_usd") && e.contains("--max-cost"), "{e}");
    let e = h.fails(&["--config", cfg, "run", "--profile", "lake", "--max-cost", "0.00002", q]);
    assert!(e.contains("refused") && e.contains("above --max-cost"), "{e}");
    let out = h.cmd().args(["--config", cfg, "run", "--profile", "lake", "--max-cost", "0.01", q]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let est = h.cmd().args(["--config", cfg, "estimate", "--profile", "lake", q]).output().unwrap();
    assert!(String::from_utf8(est.stdout).unwrap().contains("over budget"));

    let runs: Vec<Value> = String::from_utf8(h.cmd().args(["--config", cfg, "history", "--format", "json"]).output().unwrap().stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(runs.len(), 3);
    assert!(runs[0]["outcome"].as_str().unwrap().starts_with("refused"));
    assert!(runs[0]["actual_bytes"].is_null() && runs[0]["estimated_bytes"].as_u64().unwrap() > 0);
    assert_eq!(runs[2]["outcome"], "ok");
    let (e, a) = (runs[2]["estimated_bytes"].as_u64().unwrap(), runs[2]["actual_bytes"].as_u64().unwrap());
    assert!(a > 0 && e >= a);
    assert_eq!(runs[2]["profile"], "lake");
    assert_eq!(runs[2]["rows"].as_u64(), Some(35 * 21));
    let text = String::from_utf8(h.cmd().args(["--config", cfg, "history"]).output().unwrap().stdout).unwrap();
    assert!(text.lines().count() == 4 && text.contains('%'), "{text}");
    let spend = String::from_utf8(h.cmd().args(["--config", cfg, "history", "--cost"]).output().unwrap().stdout).unwrap();
    assert!(spend.contains("3 runs"), "{spend}");
}

/// A data file without `column_sizes` (some writers leave them out): the estimate falls back
/// to file size × the share of columns read, and says so.
#[tokio::test(flavor = "multi_thread")]
async fn files_without_column_sizes_fall_back_and_are_labelled() {
    use fathom::config::LocalProfile;
    use iceberg::spec::{DataContentType, DataFileBuilder, DataFileFormat};
    use iceberg::transaction::{ApplyTransactionAction, Transaction};
    use iceberg::{NamespaceIdent, TableIdent};

    let h = Home::fresh(Path::new(env!("CARGO_TARGET_TMPDIR")).join("estimate-nosizes"));
    let dir = h.root.join("lake");
    h.cmd().args(["demo", "--scale", "small", "--as-of", AS_OF, "--warehouse"]).arg(&dir).assert().success();
    let profile = LocalProfile::demo(&dir);
    let catalog = fathom::lake::catalog::open(&profile, false).await.unwrap();
    let ident = TableIdent::new(NamespaceIdent::new("reference".into()), "tb_meta".into());
    let table = catalog.load_table(&ident).await.unwrap();
    let existing = fathom::lake::inspect::live_files(&table, None).await.unwrap();
    assert_eq!(existing.len(), 1);
    let file = &existing[0];
    // Register a copy of the Parquet file, this time without column sizes.
    let copy = file.path.replace(".parquet", "-copy.parquet");
    std::fs::copy(file.path.trim_start_matches("file://"), copy.trim_start_matches("file://")).unwrap();
    let bare = DataFileBuilder::default()
        .content(DataContentType::Data)
        .file_path(copy)
        .file_format(DataFileFormat::Parquet)
        .record_count(file.record_count)
        .file_size_in_bytes(file.file_size)
        .partition_spec_id(0)
        .build()
        .unwrap();
    let tx = Transaction::new(&table);
    let tx = tx.fast_append().add_data_files(vec![bare]).apply(tx).unwrap();
    tx.commit(catalog.as_ref()).await.unwrap();

    let cfg = h.root.join("c.toml");
    std::fs::write(&cfg, format!("[profiles.l]\nengine = \"local\"\ncatalog = \"{}\"\nwarehouse = \"{}\"\n", profile.catalog, profile.warehouse)).unwrap();
    let out = h.cmd().args(["--config", cfg.to_str().unwrap(), "estimate", "--profile", "l", "--format", "json", "SELECT ticker, name FROM reference.tb_meta"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = &e["tables"][0];
    assert_eq!(t["files_kept"].as_u64(), Some(2));
    assert_eq!(t["files_without_column_sizes"].as_u64(), Some(1));
    let sized = file.column_sizes[&2] + file.column_sizes[&3] + file.file_size - file.column_sizes.values().sum::<u64>();
    let fallback = file.file_size * 2 / 5;
    assert_eq!(t["bytes"].as_u64(), Some(sized + fallback));
    assert!(e["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains("1 file(s) of reference.tb_meta have no column-size metrics")), "{e}");
}
