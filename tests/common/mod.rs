//! Shared by the integration tests: a small demo lake built once per test binary with the
//! real `fathom demo`, and helpers that run the real binary against it.
#![allow(dead_code)]

pub mod aws;
pub mod pg;
pub mod tmux;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// The end of the test lake's history: answers never depend on the day tests run.
pub const AS_OF: &str = "2024-12-31";

pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A fathom home: XDG config/data/state dirs under one root.
pub struct Home {
    pub root: PathBuf,
}

impl Home {
    /// An empty home at `root` (wiped).
    pub fn fresh(root: PathBuf) -> Home {
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Home { root }
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("fathom").unwrap();
        c.current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("XDG_DATA_HOME", self.root.join("data"))
            .env("XDG_CONFIG_HOME", self.root.join("config"))
            .env("XDG_STATE_HOME", self.root.join("state"))
            .env("HOME", &self.root)
            .env_remove("FATHOM_CONFIG")
            .env_remove("NO_COLOR");
        c
    }

    /// The XDG paths this home gives fathom, for tests that load its config in-process.
    pub fn paths(&self) -> fathom::config::Paths {
        fathom::config::Paths {
            config_file: self.root.join("config/fathom/config.toml"),
            data_dir: self.root.join("data/fathom"),
            state_dir: self.root.join("state/fathom"),
        }
    }

    pub fn demo_dir(&self) -> PathBuf {
        self.root.join("data/fathom/demo")
    }

    /// Runs `fathom run --format json <query> -p k=v ...` and parses the JSON lines.
    pub fn rows(&self, query: &str, params: &[(&str, &str)]) -> Vec<Map<String, Value>> {
        let mut c = self.cmd();
        c.args(["run", "--format", "json", query]);
        for (k, v) in params {
            c.arg("--param").arg(format!("{k}={v}"));
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "fathom run {query} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str::<Map<String, Value>>(l).unwrap())
            .collect()
    }

    /// Runs a failing command and returns its stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(!out.status.success(), "expected failure of {args:?}, got: {}", String::from_utf8_lossy(&out.stdout));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(!err.contains("panicked"), "panic: {err}");
        err
    }
}

/// The shared small demo lake of this test binary (built once, on first use).
pub fn lake(name: &str) -> &'static Home {
    static LAKE: OnceLock<Home> = OnceLock::new();
    LAKE.get_or_init(|| {
        let home = Home::fresh(Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-lake")));
        let out = home.cmd().args(["demo", "--scale", "small", "--as-of", AS_OF]).output().unwrap();
        assert!(out.status.success(), "fathom demo failed: {}", String::from_utf8_lossy(&out.stderr));
        home
    })
}

pub fn f(row: &Map<String, Value>, key: &str) -> f64 {
    row.get(key).and_then(Value::as_f64).unwrap_or_else(|| panic!("{key} is not a number in {row:?}"))
}

pub fn opt_f(row: &Map<String, Value>, key: &str) -> Option<f64> {
    row.get(key).and_then(Value::as_f64)
}

pub fn i(row: &Map<String, Value>, key: &str) -> i64 {
    row.get(key).and_then(Value::as_i64).unwrap_or_else(|| panic!("{key} is not an integer in {row:?}"))
}

pub fn s<'a>(row: &'a Map<String, Value>, key: &str) -> &'a str {
    row.get(key).and_then(Value::as_str).unwrap_or_else(|| panic!("{key} is not a string in {row:?}"))
}

pub fn d(row: &Map<String, Value>, key: &str) -> NaiveDate {
    date(&s(row, key)[..10])
}

/// Relative closeness for floats computed two ways.
pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1e-12)
}

pub fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

pub fn stddev_samp(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt()
}

/// The python with PyIceberg (from `scripts/python-env`), or None outside CI when it cannot
/// be installed. Under `CI=true` its absence is a failure.
pub fn python() -> Option<PathBuf> {
    static PY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let got = PY.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = std::process::Command::new("bash").arg(root.join("scripts/python-env")).output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).to_string());
        }
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        stdout.lines().rev().find(|l| !l.trim().is_empty()).map(|l| PathBuf::from(l.trim())).ok_or_else(|| "no python path printed".to_string())
    });
    match got {
        Ok(p) => Some(p.clone()),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => panic!("scripts/python-env failed under CI: {e}"),
        Err(e) => {
            eprintln!("skipping: python env unavailable (run scripts/python-env): {e}");
            None
        }
    }
}

/// Runs `fathom estimate --format json --files` and parses it.
pub fn estimate_json(home: &Home, query: &str, params: &[(&str, &str)]) -> Value {
    let mut c = home.cmd();
    c.args(["estimate", "--format", "json", "--files", query]);
    for (k, v) in params {
        c.arg("--param").arg(format!("{k}={v}"));
    }
    let out = c.output().unwrap();
    assert!(out.status.success(), "fathom estimate {query} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}
