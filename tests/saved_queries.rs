//! Every shipped saved query: its header parses, it runs on the small demo lake with its
//! default parameters, and (when Athena-bound: engine any or athena) its SQL, with parameters
//! as Athena's `?`, parses under a Trino grammar (sqlglot's trino dialect).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use fathom::library::{PlaceholderStyle, bind, parse_header};

fn shipped() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "sql") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("queries"), &mut out);
    out.sort();
    assert!(out.len() >= 20, "expected the lake-spec questions, cost pair and quality checks");
    out
}

/// Values for parameters without a default (the quality checks' `as_of`).
fn extra_params(header: &fathom::library::Header) -> Vec<(String, String)> {
    header.params.iter().filter(|p| p.default.is_none()).map(|p| (p.name.clone(), AS_OF.to_string())).collect()
}

#[test]
fn every_query_runs_on_the_demo_lake_with_its_defaults() {
    let home = lake("saved");
    for path in shipped() {
        let text = std::fs::read_to_string(&path).unwrap();
        let header = parse_header(&text, &path).unwrap();
        assert!(header.name.is_some() && header.description.is_some(), "{} lacks a name or description", path.display());
        if header.engine.as_deref().is_some_and(|e| e != "any" && e != "local") {
            continue;
        }
        let extra = extra_params(&header);
        let mut cmd = home.cmd();
        cmd.args(["run", "--format", "csv"]).arg(&path);
        for (k, v) in &extra {
            cmd.arg("--param").arg(format!("{k}={v}"));
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8(out.stdout).unwrap().lines().next().is_some_and(|h| !h.is_empty()), "{} printed no header", path.display());
    }
}

/// `fathom fmt` on every shipped query keeps its header, comments and parameters and is
/// idempotent, and the formatted file runs on the demo lake with the same answer.
#[test]
fn every_query_gives_the_same_answer_after_formatting() {
    let home = lake("saved");
    let dir = tempfile::tempdir().unwrap();
    for path in shipped() {
        let text = std::fs::read_to_string(&path).unwrap();
        let out = home.cmd().arg("fmt").arg(&path).output().unwrap();
        assert!(out.status.success(), "fmt {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
        let formatted = String::from_utf8(out.stdout).unwrap();
        let (header, _) = fathom::library::format::split_header(&text);
        assert!(formatted.starts_with(header), "{}: the header changed:\n{formatted}", path.display());
        assert_eq!(fathom::library::format::format_sql(&formatted).unwrap(), formatted, "{}: not idempotent", path.display());
        for comment in text.lines().filter_map(|l| l.find("--").map(|i| l[i..].trim_end())) {
            assert!(formatted.contains(comment), "{}: lost comment {comment:?}", path.display());
        }
        let params = |t: &str| fathom::library::params::placeholders(t).unwrap().into_iter().map(|p| p.name).collect::<Vec<_>>();
        assert_eq!(params(&formatted), params(&text), "{}", path.display());
        let header = parse_header(&text, &path).unwrap();
        if header.engine.as_deref().is_some_and(|e| e != "any" && e != "local") {
            continue;
        }
        let copy = dir.path().join(path.file_name().unwrap());
        std::fs::write(&copy, &formatted).unwrap();
        let answer = |file: &Path| {
            let mut cmd = home.cmd();
            cmd.args(["run", "--format", "csv"]).arg(file);
            for (k, v) in extra_params(&header) {
                cmd.arg("--param").arg(format!("{k}={v}"));
            }
            let out = cmd.output().unwrap();
            assert!(out.status.success(), "{}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).unwrap()
        };
        assert_eq!(answer(&copy), answer(&path), "{}: another answer after formatting:\n{formatted}", path.display());
    }
}

/// Runs `scripts/trino_parse.py` on `[{file, sql}]` and returns its verdicts.
fn trino_parse(python: &Path, items: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut child = std::process::Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/trino_parse.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    serde_json::to_writer(child.stdin.take().unwrap(), items).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn athena_bound_queries_parse_as_trino_sql() {
    let Some(python) = python() else { return };
    let mut items = Vec::new();
    for path in shipped() {
        let text = std::fs::read_to_string(&path).unwrap();
        let header = parse_header(&text, &path).unwrap();
        if !matches!(header.engine.as_deref(), None | Some("any") | Some("athena")) {
            continue;
        }
        let bound = bind(&text, &header.params, &extra_params(&header), PlaceholderStyle::Question).unwrap();
        items.push(serde_json::json!({"file": path.display().to_string(), "sql": bound.sql}));
    }
    let results = trino_parse(&python, &serde_json::Value::Array(items.clone()));
    assert_eq!(results.len(), items.len());
    let bad: Vec<String> = results.iter().filter(|r| r["ok"] != true).map(|r| format!("{}: {}", r["file"], r["error"])).collect();
    assert!(bad.is_empty(), "not Trino SQL:\n{}", bad.join("\n"));
    // The check itself rejects what Trino would: a DataFusion-only spelling fails.
    let probe = serde_json::json!([{"file": "probe", "sql": "SELECT a FROM t WHERE x = ANY [1, 2"}]);
    let out = trino_parse(&python, &probe);
    assert_eq!(out[0]["ok"], false);
}
