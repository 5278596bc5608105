//! `fathom fmt` as a user meets it: stdin, a file, `--write` (rewritten in place, atomically,
//! only when it changes), and a missing file getting an error that says what to do.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

const SAVED: &str = "-- name: Daily prices\n-- param: ticker text = AAPL\nselect trade_date, adj_close from market_data.us_stocks_price p where p.ticker = :ticker -- one ticker\norder by 1\n";

fn fathom(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("fathom").unwrap();
    // A broken config must not stop formatting (fmt reads no config).
    c.current_dir(dir).env("FATHOM_CONFIG", dir.join("missing-config.toml")).env_remove("NO_COLOR");
    c
}

fn formatted_ok(out: &str) {
    assert!(out.starts_with("-- name: Daily prices\n-- param: ticker text = AAPL\nSELECT"), "{out}");
    assert!(out.contains("-- one ticker") && out.contains(":ticker") && out.contains("\nFROM"), "{out}");
}

#[test]
fn formats_stdin_and_dash() {
    let dir = tempfile::tempdir().unwrap();
    let out = fathom(dir.path()).arg("fmt").write_stdin(SAVED).assert().success().get_output().stdout.clone();
    formatted_ok(&String::from_utf8(out.clone()).unwrap());
    let dash = fathom(dir.path()).args(["fmt", "-"]).write_stdin(SAVED).assert().success().get_output().stdout.clone();
    assert_eq!(dash, out);
    // Formatting the output again changes nothing.
    fathom(dir.path()).arg("fmt").write_stdin(out.clone()).assert().success().stdout(predicate::eq(out));
}

#[test]
fn formats_a_file_and_write_rewrites_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q.sql");
    std::fs::write(&file, SAVED).unwrap();
    let printed = fathom(dir.path()).arg("fmt").arg(&file).assert().success().get_output().stdout.clone();
    formatted_ok(&String::from_utf8(printed.clone()).unwrap());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), SAVED, "without --write the file is untouched");

    fathom(dir.path()).args(["fmt", "--write"]).arg(&file).assert().success().stdout(predicate::str::is_empty());
    assert_eq!(std::fs::read(&file).unwrap(), printed);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "no temporary file left behind: {names:?}");
    // A second --write finds nothing to change.
    fathom(dir.path()).args(["fmt", "--write"]).arg(&file).assert().success();
    assert_eq!(std::fs::read(&file).unwrap(), printed);
}

#[test]
fn bad_input_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    fathom(dir.path())
        .args(["fmt", "nope.sql"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("cannot read nope.sql").and(predicate::str::contains("name an existing .sql file")));
    fathom(dir.path()).args(["fmt", "--write"]).write_stdin("select 1").assert().failure().stderr(predicate::str::contains("--write needs a FILE"));
    let file = dir.path().join("broken.sql");
    std::fs::write(&file, "select 'unterminated\n").unwrap();
    fathom(dir.path()).args(["fmt", "--write"]).arg(&file).assert().failure().stderr(predicate::str::contains("broken.sql"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "select 'unterminated\n", "a file it cannot format is left as it was");
}
