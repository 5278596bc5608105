//! Tables whose schema or partition spec PyIceberg evolved (`scripts/pyiceberg_evolve.py`:
//! rename, rename as the last change, add, drop, drop and re-add the same name, int -> long
//! and float -> double, month -> day partitioning, copy-on-write deletes) read through the
//! local engine exactly as PyIceberg reads them: the same rows (`scan().to_arrow()`) and the
//! same planned files (`plan_files()`), with and without filters; and a table with a real
//! position-delete file is refused by that file's name.

mod common;

use std::path::PathBuf;

use fathom::config::{Budget, LocalProfile};
use fathom::engine::local::LocalEngine;
use fathom::engine::{Engine, collect};
use serde_json::Value;

/// What the script printed, and the engine over its warehouse.
async fn lake(dir: &str) -> Option<(Value, LocalEngine)> {
    written_by("pyiceberg_evolve.py", dir).await
}

/// What `scripts/<script>` printed over a warehouse in `dir`, and the engine over it.
async fn written_by(script: &str, dir: &str) -> Option<(Value, LocalEngine)> {
    let python = common::python()?;
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(dir);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts").join(script);
    let out = std::process::Command::new(python).arg(path).arg(&root).output().unwrap_or_else(|e| panic!("run {script}: {e}"));
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
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

/// A real position-delete file (`scripts/pyiceberg_posdeletes.py` commits one as a
/// merge-on-read writer would; PyIceberg applies it when it reads). The local engine does not
/// apply deletes, so it refuses the table by the delete file's name rather than return the
/// deleted rows; its estimate still plans the data file.
#[tokio::test(flavor = "multi_thread")]
async fn a_table_with_position_deletes_is_refused_by_name_not_read_wrong() {
    let Some((summary, engine)) = written_by("pyiceberg_posdeletes.py", "schema_evolution_posdeletes").await else { return };
    let pyiceberg_rows = summary["rows"].as_array().unwrap();
    assert_eq!((pyiceberg_rows.len(), summary["all_rows"].as_u64()), (8, Some(10)), "PyIceberg applies the two deletes");
    let delete_file = summary["delete_file"].as_str().unwrap();
    let name = delete_file.rsplit('/').next().unwrap();
    for sql in ["SELECT * FROM evo.posdel", "SELECT COUNT(*) FROM evo.posdel", "SELECT SUM(price) FROM evo.posdel WHERE id > 1"] {
        let e = match engine.execute(sql, &[]).await {
            Ok(q) => collect(q, usize::MAX).await.err().map(|e| e.to_string()).unwrap_or_else(|| panic!("{sql}: read without its deletes")),
            Err(e) => e.to_string(),
        };
        assert!(e.contains("evo.posdel") && e.contains(name) && e.contains("delete files"), "{sql}: {e}");
        assert!(e.contains("Athena") && e.contains("compact"), "says what to do: {e}");
    }
    let data_file = summary["data_file"].as_str().unwrap().to_string();
    assert_eq!(files(&engine, "SELECT * FROM evo.posdel").await, vec![data_file]);
}
