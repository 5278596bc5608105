//! One table's metadata file missing or corrupt: the profile still opens, every other table
//! still answers (queries and estimates), and the failing table's error names its metadata
//! file without telling the user to delete data (the warehouse is not fathom's demo lake).

mod common;

use std::path::{Path, PathBuf};

use fathom::config::{Budget, LocalProfile};
use fathom::engine::local::LocalEngine;
use fathom::engine::{Engine, collect};

fn metadata_files(table_dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(table_dir.join("metadata"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".metadata.json"))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_table_fails_alone_and_names_its_metadata_file() {
    let Some(python) = common::python() else { return };
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("iceberg_corrupt");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/pyiceberg_evolve.py");
    let out = std::process::Command::new(python).arg(script).arg(&root).output().expect("run pyiceberg_evolve.py");
    assert!(out.status.success(), "pyiceberg_evolve.py: {}", String::from_utf8_lossy(&out.stderr));

    // evo.drop: every metadata file deleted; evo.add: every metadata file overwritten.
    let warehouse = root.join("warehouse/evo");
    for f in metadata_files(&warehouse.join("drop")) {
        std::fs::remove_file(f).unwrap();
    }
    let corrupted = metadata_files(&warehouse.join("add"));
    assert!(!corrupted.is_empty());
    for f in &corrupted {
        std::fs::write(f, b"{ not json").unwrap();
    }

    let profile = LocalProfile {
        catalog: format!("sqlite:///{}/catalog.db", root.display()),
        warehouse: format!("{}/warehouse", root.display()),
        ..LocalProfile::default()
    };
    let engine = LocalEngine::open(&profile).await.expect("the profile opens: nothing is loaded before it is used");
    let names: Vec<String> = engine.tables().await.unwrap().iter().map(|t| format!("{}.{}", t.schema, t.name)).collect();
    assert!(names.contains(&"evo.drop".to_string()) && names.contains(&"evo.add".to_string()), "{names:?}");

    for (table, gone) in [("drop", true), ("add", false)] {
        let sql = format!("SELECT COUNT(*) FROM evo.{table}");
        let e = engine.execute(&sql, &[]).await.err().unwrap_or_else(|| panic!("{sql} cannot answer")).to_string();
        assert!(e.contains(&format!("evo.{table}")) && e.contains(".metadata.json"), "names the table and its file: {e}");
        assert!(!e.contains("--force") && !e.contains("demo"), "no rebuild advice outside the demo lake: {e}");
        if !gone {
            let file = corrupted.last().unwrap().to_string_lossy().to_string();
            assert!(e.contains(&file), "names {file}: {e}");
        }
        let e = engine.estimate(&sql, &[], &Budget::default(), false).await.expect_err("no estimate either").to_string();
        assert!(e.contains(&format!("evo.{table}")), "{e}");
    }

    // The catalog's names are still listed (no metadata is read for that).
    let sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'evo' AND table_name NOT LIKE '%$%'";
    let got = collect(engine.execute(sql, &[]).await.unwrap(), 100).await.unwrap();
    assert_eq!(got.rows(), 8, "{sql}");

    // Every other table still answers, and is estimated.
    for table in ["rename", "relabel", "readd", "promote", "spec", "cow"] {
        let sql = format!("SELECT COUNT(*) AS n FROM evo.{table}");
        let got = collect(engine.execute(&sql, &[]).await.unwrap_or_else(|e| panic!("{sql}: {e}")), 10).await.unwrap();
        assert_eq!(got.rows(), 1, "{sql}");
        let est = engine.estimate(&sql, &[], &Budget::default(), false).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert!(est.tables[0].files_total > 0, "{sql}");
    }
}

/// On fathom's own demo lake the message may say how to rebuild it (fathom wrote that data
/// and writes it again); the other tables still answer.
#[tokio::test(flavor = "multi_thread")]
async fn a_broken_demo_table_says_the_demo_can_be_rebuilt() {
    let home = common::lake("corrupt-demo");
    let table_dir = home.demo_dir().join("warehouse/reference/tb_macro_data");
    for f in metadata_files(&table_dir) {
        std::fs::write(f, b"not json").unwrap();
    }
    let engine = LocalEngine::open(&LocalProfile::demo(&home.demo_dir())).await.expect("the demo profile opens");
    let e = engine.execute("SELECT COUNT(*) FROM reference.tb_macro_data", &[]).await.err().expect("broken").to_string();
    assert!(e.contains("reference.tb_macro_data") && e.contains(".metadata.json") && e.contains("fathom demo --force"), "{e}");
    let got = collect(engine.execute("SELECT COUNT(*) AS n FROM reference.tb_meta", &[]).await.unwrap(), 10).await.unwrap();
    assert_eq!(got.rows(), 1);
}
