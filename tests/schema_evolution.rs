//! Tables whose schema or partition spec PyIceberg evolved (`scripts/pyiceberg_evolve.py`:
//! rename, rename as the last change, add, drop, drop and re-add the same name, int -> long
//! and float -> double, month -> day partitioning, copy-on-write deletes) read through the
//! local engine exactly as PyIceberg reads them: the same rows (`scan().to_arrow()`) and the
//! same planned files (`plan_files()`), with and without filters.

mod common;

use std::path::PathBuf;

use fathom::config::{Budget, LocalProfile};
use fathom::engine::local::LocalEngine;
use fathom::engine::{Engine, collect};
use serde_json::Value;

/// What the script printed, and the engine over its warehouse.
async fn lake(dir: &str) -> Option<(Value, LocalEngine)> {
    let python = common::python()?;
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(dir);
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/pyiceberg_evolve.py");
    let out = std::process::Command::new(python).arg(script).arg(&root).output().expect("run pyiceberg_evolve.py");
    assert!(out.status.success(), "pyiceberg_evolve.py: {}", String::from_utf8_lossy(&out.stderr));
    let summary: Value = serde_json::from_slice(&out.stdout).expect("the script prints JSON");
    let profile = LocalProfile {
        catalog: format!("sqlite:///{}/catalog.db", root.display()),
        warehouse: format!("{}/warehouse", root.display()),
        ..LocalProfile::default()
    };
    Some((summary, LocalEngine::open(&profile).await.expect("open the evolved warehouse")))
}

async fn rows(engine: &LocalEngine, sql: &str) -> Vec<Value> {
    let q = engine.execute(sql, &[]).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    let got = collect(q, usize::MAX).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    let mut w = arrow::json::ArrayWriter::new(Vec::new());
    for b in &got.batches {
        w.write(b).unwrap();
    }
    w.finish().unwrap();
    let text = String::from_utf8(w.into_inner()).unwrap();
    if text.is_empty() { vec![] } else { serde_json::from_str(&text).unwrap() }
}

/// Arrow's JSON writer leaves NULLs out; PyIceberg writes them as null.
fn with_nulls(row: &Value, columns: &[String]) -> Value {
    Value::Object(columns.iter().map(|c| (c.clone(), row.get(c).cloned().unwrap_or(Value::Null))).collect())
}

async fn files(engine: &LocalEngine, sql: &str) -> Vec<String> {
    let est = engine.estimate(sql, &[], &Budget::default(), true).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert_eq!(est.tables.len(), 1, "{sql}");
    let mut f = est.tables[0].files.clone();
    f.sort();
    f
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

/// PyIceberg's filter syntax as SQL: `d >= '2024-02-10' and ...` -> `d >= DATE '2024-02-10' AND ...`.
fn sql_filter(f: &str) -> String {
    f.replace(" '2024", " DATE '2024").replace(" and ", " AND ")
}

#[tokio::test(flavor = "multi_thread")]
async fn evolved_tables_read_as_pyiceberg_reads_them() {
    let Some((summary, engine)) = lake("schema_evolution").await else { return };
    let tables = summary["tables"].as_object().unwrap();
    assert_eq!(tables.len(), 8);
    for (name, want) in tables {
        let want_rows = want["rows"].as_array().unwrap();
        let columns: Vec<String> = want_rows[0].as_object().unwrap().keys().cloned().collect();
        let got = rows(&engine, &format!("SELECT * FROM evo.{name} ORDER BY id")).await;
        let got: Vec<Value> = got.iter().map(|r| with_nulls(r, &columns)).collect();
        assert_eq!(&got, want_rows, "evo.{name}: fathom's rows vs PyIceberg's scan().to_arrow()");
        let n = rows(&engine, &format!("SELECT COUNT(*) AS n FROM evo.{name}")).await;
        assert_eq!(n[0]["n"].as_u64(), Some(want_rows.len() as u64), "evo.{name} row count");
        assert_eq!(files(&engine, &format!("SELECT * FROM evo.{name}")).await, strings(&want["files"]), "evo.{name} files");
        for (filter, want_files) in want["filter_files"].as_object().unwrap() {
            let sql = format!("SELECT * FROM evo.{name} WHERE {}", sql_filter(filter));
            assert_eq!(files(&engine, &sql).await, strings(want_files), "{sql}: planned files vs PyIceberg's plan_files()");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_renamed_column_answers_by_its_new_name_and_filters_on_it() {
    let Some((_, engine)) = lake("schema_evolution_rename").await else { return };
    // The rename is the table's last change: its files and its snapshot know only `volume`.
    let got = rows(&engine, "SELECT SUM(vol) AS s, COUNT(price) AS p FROM evo.relabel").await;
    assert_eq!((got[0]["s"].as_i64(), got[0]["p"].as_i64()), (Some(600), Some(0)));
    let got = rows(&engine, "SELECT id FROM evo.relabel WHERE vol > 150 ORDER BY id").await;
    assert_eq!(got, vec![serde_json::json!({"id": 2}), serde_json::json!({"id": 3})]);
    let e = engine.execute("SELECT SUM(volume) FROM evo.relabel", &[]).await.err().expect("the old name is gone");
    assert!(e.to_string().contains("volume"), "{e}");
    // Dropped-then-re-added: old files' dropped strings never surface as the new column.
    let got = rows(&engine, "SELECT COUNT(tag) AS n, SUM(tag) AS s FROM evo.readd WHERE id <= 2").await;
    assert_eq!((got[0]["n"].as_i64(), got[0]["s"].as_i64()), (Some(0), None));
    // Promoted: the int file's values read as long and compare as long.
    let got = rows(&engine, "SELECT SUM(qty) AS s FROM evo.promote WHERE qty > 1000000000").await;
    assert_eq!(got[0]["s"].as_i64(), Some(7_000_000_000));
}

/// PyIceberg writes deletes copy-on-write only (merge-on-read falls back to it), so no writer
/// here makes delete files: the refusal is checked on a planned task given one. The native
/// scan calls this on every plan; a table with delete files is never read without them.
#[tokio::test(flavor = "multi_thread")]
async fn delete_files_are_refused_by_name() {
    use iceberg::scan::FileScanTaskDeleteFile;
    use iceberg::spec::DataContentType;
    let Some((summary, _)) = lake("schema_evolution_deletes").await else { return };
    let root = summary["catalog_uri"].as_str().unwrap().trim_start_matches("sqlite:///").trim_end_matches("/catalog.db");
    let profile = LocalProfile { catalog: format!("sqlite:///{root}/catalog.db"), warehouse: format!("{root}/warehouse"), ..LocalProfile::default() };
    let catalog = fathom::lake::catalog::open(&profile, false).await.unwrap();
    let ident = iceberg::TableIdent::from_strs(["evo", "cow"]).unwrap();
    let table = catalog.load_table(&ident).await.unwrap();
    let snapshot = table.metadata().current_snapshot_id().unwrap();
    let schema = table.metadata().current_schema().clone();
    let mut tasks = fathom::iceberg::plan::plan_files(&table, snapshot, &schema, &[]).await.unwrap();
    fathom::iceberg::plan::check_readable(&table, &tasks).expect("copy-on-write leaves no delete files");
    tasks[0].deletes.push(FileScanTaskDeleteFile {
        file_path: format!("{root}/warehouse/evo/cow/data/pos-deletes-1.parquet"),
        file_size_in_bytes: 100,
        file_type: DataContentType::PositionDeletes,
        partition_spec_id: 0,
        equality_ids: None,
    });
    let e = fathom::iceberg::plan::check_readable(&table, &tasks).unwrap_err().to_string();
    assert!(e.contains("evo.cow") && e.contains("pos-deletes-1.parquet") && e.contains("delete files"), "{e}");
    assert!(e.contains("Athena") && e.contains("compact"), "says what to do: {e}");
}
