//! A file export streams every row, whatever the row cap: `fathom run -o` of a result larger
//! than `row_cap` writes all of it (CSV, JSON lines, Parquet, Arrow), while the table on a
//! terminal keeps `row_cap` rows and says how many there were.

mod common;

use std::path::Path;

use common::Home;

#[test]
fn file_exports_write_every_row_past_the_row_cap() {
    let lake = common::lake("export");
    let home = Home::fresh(Path::new(env!("CARGO_TARGET_TMPDIR")).join("export-stream"));
    let cfg = home.root.join("fathom.toml");
    std::fs::write(
        &cfg,
        format!(
            "row_cap = 1000\n[profiles.lake]\nengine = \"local\"\ncatalog = \"sqlite://{0}/catalog.db\"\nwarehouse = \"{0}/warehouse\"\n",
            lake.demo_dir().display()
        ),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap();
    let count = |sql: &str| -> u64 {
        let out = home.cmd().args(["--config", cfg, "run", "--profile", "lake", "--format", "csv", sql]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().nth(1).unwrap().parse().unwrap()
    };
    let total = count("SELECT COUNT(*) AS n FROM market_data.us_stocks_price");
    assert!(total > 10_000, "the table is well past the cap: {total}");
    let sql = "SELECT * FROM market_data.us_stocks_price";
    for ext in ["csv", "json", "parquet", "arrow"] {
        let file = home.root.join(format!("all.{ext}"));
        let out = home.cmd().args(["--config", cfg, "run", "--profile", "lake", "-o", file.to_str().unwrap(), sql]).output().unwrap();
        assert!(out.status.success(), "{ext}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("truncated"), "{ext}");
        // Read the file back through fathom's own local engine's reader where it can, else count lines.
        let rows = match ext {
            "csv" => std::fs::read_to_string(&file).unwrap().lines().count() as u64 - 1,
            "json" => std::fs::read_to_string(&file).unwrap().lines().count() as u64,
            "parquet" => {
                let f = std::fs::File::open(&file).unwrap();
                let reader = parquet::file::reader::SerializedFileReader::new(f).unwrap();
                parquet::file::reader::FileReader::metadata(&reader).file_metadata().num_rows() as u64
            }
            _ => {
                let f = std::fs::File::open(&file).unwrap();
                arrow::ipc::reader::FileReader::try_new(f, None).unwrap().map(|b| b.unwrap().num_rows() as u64).sum()
            }
        };
        assert_eq!(rows, total, "{ext}: every row is written");
    }
    // The ledger counts every row too.
    let history = home.cmd().args(["--config", cfg, "history", "--format", "json"]).output().unwrap();
    let last: serde_json::Value = serde_json::from_str(String::from_utf8(history.stdout).unwrap().lines().last().unwrap()).unwrap();
    assert_eq!(last["rows"].as_u64(), Some(total));
    // A table on a terminal-less stdout keeps the cap, and says how many rows there were.
    let out = home.cmd().args(["--config", cfg, "run", "--profile", "lake", "--format", "table", sql]).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("showing the first 1000 of {total} rows")), "{err}");
}
