//! The command line as a user meets it: formats, config, first use, and every kind of bad
//! input getting a one-line error that names the problem and the fix (exit code != 0).

mod common;

use std::path::Path;

use common::*;
use predicates::prelude::*;

fn home() -> &'static Home {
    lake("cli")
}

fn scratch(name: &str) -> Home {
    Home::fresh(Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}")))
}

#[test]
fn table_output_aligns_korean_names_and_shows_null() {
    let out = home()
        .cmd()
        .args(["run", "--format", "table", "SELECT meta_id, ticker, name, CAST(NULL AS VARCHAR) AS note, '' AS empty FROM reference.tb_meta WHERE meta_id IN (1, 2, 36, 37) ORDER BY meta_id"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!(text);
    let widths: Vec<usize> = text.lines().map(unicode_width::UnicodeWidthStr::width).collect();
    assert!(widths.windows(2).all(|w| w[0] == w[1]), "rows of unequal display width:\n{text}");
}

#[test]
fn csv_is_the_default_when_piped_and_json_parquet_arrow_round_trip() {
    let sql = "SELECT meta_id, trade_date, adj_close FROM market_data.us_stocks_price WHERE meta_id <= 3 AND trade_date >= DATE '2024-12-01' ORDER BY trade_date, meta_id";
    let csv = home().cmd().args(["run", sql]).output().unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "meta_id,trade_date,adj_close");
    assert!(lines[1].starts_with("1,2024-12-02,"));
    let n = lines.len() - 1;
    assert_eq!(home().rows(sql, &[]).len(), n);

    let dir = tempfile::tempdir().unwrap();
    for ext in ["parquet", "arrow"] {
        let path = dir.path().join(format!("out.{ext}"));
        home().cmd().args(["run", sql, "--output"]).arg(&path).assert().success();
        let rows: usize = if ext == "parquet" {
            let file = std::fs::File::open(&path).unwrap();
            parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap().map(|b| b.unwrap().num_rows()).sum()
        } else {
            let file = std::fs::File::open(&path).unwrap();
            arrow::ipc::reader::FileReader::try_new(file, None).unwrap().map(|b| b.unwrap().num_rows()).sum()
        };
        assert_eq!(rows, n, "{ext}");
    }
}

#[test]
fn saved_query_file_with_header_defaults_and_overrides() {
    let rows = home().rows("queries/market/daily_prices.sql", &[]);
    assert!(rows.iter().all(|r| s(r, "ticker") == "AAPL"));
    assert_eq!(d(&rows[0], "trade_date"), date("2024-01-02"));
    let rows = home().rows("queries/market/daily_prices.sql", &[("ticker", "JPM"), ("start_date", "2024-12-30")]);
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| s(r, "ticker") == "JPM"));
}

#[test]
fn parameters_are_bound_not_pasted() {
    // An injection attempt is just a ticker that does not exist.
    let rows = home().rows("queries/market/daily_prices.sql", &[("ticker", "AAPL' OR '1'='1")]);
    assert!(rows.is_empty());
    let rows = home().rows("SELECT name FROM reference.tb_meta WHERE ticker = :t", &[("t", "005930")]);
    assert_eq!(s(&rows[0], "name"), "삼성전자");
}

#[test]
fn config_command_lists_profiles_and_paths() {
    let h = scratch("config");
    let cfg = h.root.join("fathom.toml");
    std::fs::write(&cfg, "[profiles.research]\nengine = \"local\"\ncatalog = \"sqlite:///x/catalog.db\"\nwarehouse = \"/x/w\"\n").unwrap();
    h.cmd()
        .args(["--config"])
        .arg(&cfg)
        .arg("config")
        .assert()
        .success()
        .stdout(predicate::str::contains("research: engine=local catalog=sqlite:///x/catalog.db"))
        .stdout(predicate::str::contains("local (default): engine=local"))
        .stdout(predicate::str::contains(h.root.join("data/fathom/demo").display().to_string()));
    // FATHOM_CONFIG is the same as --config.
    h.cmd().env("FATHOM_CONFIG", &cfg).arg("config").assert().success().stdout(predicate::str::contains("research:"));
}

#[test]
fn bad_sql_says_where_and_what() {
    let e = home().fails(&["run", "SELECT * FROM market_data.us_stock_price"]);
    assert!(e.contains("unknown table market_data.us_stock_price") && e.contains("did you mean market_data.us_stocks_price"), "{e}");
    let e = home().fails(&["run", "SELECT *\nFORM market_data.us_stocks_price"]);
    assert!(e.contains("SQL syntax error at line 2:1"), "{e}");
    let e = home().fails(&["run", "SELECT nope FROM reference.tb_meta"]);
    assert!(e.contains("nope"), "{e}");
    let e = home().fails(&["run", "DROP TABLE reference.tb_meta"]);
    assert!(e.contains("read-only"), "{e}");
    let e = home().fails(&["run", "SELECT 1 FROM reference.tb_meta FOR VERSION AS OF 12345"]);
    assert!(e.contains("snapshot 12345 does not exist"), "{e}");
    assert_eq!(home().rows("SELECT COUNT(*) AS n FROM reference.tb_meta", &[]).len(), 1, "the lake is unharmed");
}

#[test]
fn bad_parameters_name_the_parameter() {
    let e = home().fails(&["run", "queries/market/daily_prices.sql", "--param", "tikcer=AAPL"]);
    assert!(e.contains("unknown parameter 'tikcer'") && e.contains("ticker"), "{e}");
    let e = home().fails(&["run", "queries/market/daily_prices.sql", "--param", "start_date=2024-02-30"]);
    assert!(e.contains("parameter start_date: '2024-02-30' is not a date (expected YYYY-MM-DD)"), "{e}");
    let e = home().fails(&["run", "SELECT * FROM reference.tb_meta WHERE meta_id = :id"]);
    assert!(e.contains("--param id=VALUE"), "{e}");
    let e = home().fails(&["run", "SELECT * FROM reference.tb_meta WHERE meta_id = :id", "--param", "id=abc"]);
    assert!(e.contains("'abc' (text)") && e.contains("Int32"), "{e}");
    let e = home().fails(&["run", "SELECT 1", "--param", "novalue"]);
    assert!(e.contains("expected NAME=VALUE"), "{e}");
    let e = home().fails(&["run", "missing/file.sql"]);
    assert!(e.contains("missing/file.sql"), "{e}");
}

#[test]
fn bad_config_names_file_line_and_key() {
    let h = scratch("badconfig");
    let cfg = h.root.join("fathom.toml");
    std::fs::write(&cfg, "[profiles.research]\nengine = \"local\"\ncatalgo = \"sqlite:///x.db\"\nwarehouse = \"/w\"\n").unwrap();
    let e = h.fails(&["--config", cfg.to_str().unwrap(), "config"]);
    assert!(e.contains("fathom.toml") && e.contains("catalgo") && e.contains("line 3"), "{e}");
    std::fs::write(&cfg, "row_cap = \"many\"\n").unwrap();
    let e = h.fails(&["--config", cfg.to_str().unwrap(), "config"]);
    assert!(e.contains("line 1") && e.contains("row_cap"), "{e}");
    std::fs::write(&cfg, "[grid]\nfloat_digits = 0\n").unwrap();
    let e = h.fails(&["--config", cfg.to_str().unwrap(), "config"]);
    assert!(e.contains("grid.float_digits") && e.contains("1 to 17"), "{e}");
    let e = h.fails(&["--config", "/nonexistent/fathom.toml", "config"]);
    assert!(e.contains("/nonexistent/fathom.toml"), "{e}");
    let e = h.fails(&["run", "--profile", "nope", "SELECT 1"]);
    assert!(e.contains("no profile named 'nope'") && e.contains("local"), "{e}");
    let e = h.fails(&["run", "--format", "xml", "SELECT 1"]);
    assert!(e.contains("--format 'xml'"), "{e}");
}

#[test]
fn missing_or_corrupt_lakes_say_what_to_do() {
    let h = scratch("corrupt");
    let cfg = h.root.join("fathom.toml");
    let lake = h.root.join("lake");
    std::fs::write(
        &cfg,
        format!("[profiles.mine]\nengine = \"local\"\ncatalog = \"sqlite://{0}/catalog.db\"\nwarehouse = \"{0}/warehouse\"\n", lake.display()),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap();
    let e = h.fails(&["--config", cfg, "run", "--profile", "mine", "SELECT 1"]);
    assert!(e.contains("fathom demo") && e.contains("catalog.db"), "{e}");

    h.cmd().args(["demo", "--scale", "small", "--as-of", AS_OF, "--warehouse"]).arg(&lake).assert().success();
    let e = h.fails(&["demo", "--scale", "small", "--warehouse", lake.to_str().unwrap()]);
    assert!(e.contains("--force"), "{e}");
    let n = h.cmd().args(["--config", cfg, "run", "--profile", "mine", "SELECT COUNT(*) FROM reference.tb_meta"]).output().unwrap();
    assert_eq!(String::from_utf8(n.stdout).unwrap().lines().nth(1), Some("50"));

    // Corrupt the current metadata file of one table, then delete it.
    let meta_dir = lake.join("warehouse/reference/tb_meta/metadata");
    let current = std::fs::read_dir(&meta_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains(".metadata.json"))
        .max()
        .unwrap();
    std::fs::write(&current, "{ not json").unwrap();
    let e = h.fails(&["--config", cfg, "run", "--profile", "mine", "SELECT * FROM reference.tb_meta"]);
    assert!(e.contains("metadata") && e.contains("fathom demo --force"), "{e}");
    std::fs::remove_file(&current).unwrap();
    let e = h.fails(&["--config", cfg, "run", "--profile", "mine", "SELECT * FROM reference.tb_meta"]);
    assert!(e.contains("metadata") && e.contains("fathom demo --force"), "{e}");
}

#[test]
fn demo_is_deterministic_and_first_use_builds_it() {
    let h = scratch("firstuse");
    // First use of the built-in profile builds the demo lake (small scale here, for speed).
    let out = h.cmd().env("FATHOM_DEMO_SCALE", "small").args(["run", "SELECT COUNT(*) AS n FROM reference.tb_meta"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "n\n50\n");
    assert!(String::from_utf8(out.stderr).unwrap().contains("building one (small scale)"));
    // Piped: no progress bar noise, and the same seed and date give the same lake.
    let again = h.root.join("again");
    h.cmd().args(["demo", "--scale", "small", "--as-of", AS_OF, "--warehouse"]).arg(&again).assert().success().stderr("");
    let cfg = h.root.join("c.toml");
    std::fs::write(&cfg, format!("[profiles.again]\nengine = \"local\"\ncatalog = \"sqlite://{0}/catalog.db\"\nwarehouse = \"{0}/warehouse\"\n", again.display())).unwrap();
    let sql = "SELECT COUNT(*) AS n, ROUND(SUM(adj_close), 4) AS s, SUM(volume) AS v FROM market_data.kr_stocks_price";
    let a = h.cmd().args(["--config", cfg.to_str().unwrap(), "run", "--profile", "again", sql]).output().unwrap();
    let b = home().cmd().args(["run", sql]).output().unwrap();
    assert_eq!(a.stdout, b.stdout);
    // `fathom` with no command: the lake is there, so it prints the guide.
    h.cmd().assert().success().stdout(predicate::str::contains("fathom run"));
}

#[test]
fn an_ordinary_leading_comment_does_not_block_the_query() {
    let sql = "-- TODO: tidy\n-- Author: kim\nSELECT 1 AS x";
    let out = home().cmd().args(["run", "--format", "csv", "--", sql]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "x\n1\n");
    let out = home().cmd().args(["run", "--format", "csv", "-"]).write_stdin(sql).output().unwrap();
    assert!(out.status.success(), "stdin: {}", String::from_utf8_lossy(&out.stderr));
    let h = scratch("comment-file");
    let file = h.root.join("q.sql");
    std::fs::write(&file, "-- Generated by another tool: 2024-01-01\nSELECT 2 AS y").unwrap();
    let out = home().cmd().args(["run", "--format", "csv"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "y\n2\n");
}

#[test]
fn passwords_with_reserved_characters_never_show_in_config_or_errors() {
    let h = scratch("secrets");
    let cfg = h.root.join("fathom.toml");
    for pw in ["p/ss?w#rd", "a@b:c/d", "s3cr%2Fet", "x?y"] {
        std::fs::write(&cfg, format!("[profiles.pg]\nengine = \"postgres\"\nurl = \"postgres://ana:{pw}@db.invalid:5432/lake\"\n")).unwrap();
        let out = h.cmd().args(["--config", cfg.to_str().unwrap(), "config"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && text.contains("ana:***@"), "{text}");
        assert!(!text.contains(pw), "{pw} shows in: {text}");
        let out = h.cmd().args(["--config", cfg.to_str().unwrap(), "run", "--profile", "pg", "SELECT 1"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && !err.contains(pw) && !err.contains("panicked"), "{pw} shows in: {err}");
    }
}
