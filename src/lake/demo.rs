//! Building the demo lake: generate the synthetic data, then load every table of
//! lake-spec into a fresh local Iceberg warehouse as a history of appends.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::LocalProfile;
use crate::error::{FathomError, Result};
use crate::lake::faults::{self, Fault};
use crate::lake::generate::{DemoSpec, Scale, generate_with_progress};
use crate::lake::{catalog, writer};

/// The last days of history that are committed one day at a time.
pub const DAILY_TAIL: usize = 3;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub scale: Scale,
    pub seed: u64,
    /// History runs through the last trading day on or before this date.
    pub end: NaiveDate,
    pub dir: PathBuf,
    pub force: bool,
    /// Break the data in known ways (see [`crate::lake::faults`]) for the quality checks.
    pub inject_faults: bool,
}

/// What was built, also saved as `demo.json` beside the catalog.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoSummary {
    pub scale: String,
    pub seed: u64,
    pub end: NaiveDate,
    pub tables: Vec<TableSummary>,
    pub seconds: f64,
    pub bytes: u64,
    /// The faults injected (`--inject-faults`), each with the check that must catch it.
    #[serde(default)]
    pub faults: Vec<Fault>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableSummary {
    pub table: String,
    pub rows: usize,
    pub commits: usize,
}

pub fn scale_name(s: Scale) -> &'static str {
    match s {
        Scale::Small => "small",
        Scale::Seed => "seed",
        Scale::Large => "large",
    }
}

pub fn parse_scale(s: &str) -> Option<Scale> {
    match s {
        "small" => Some(Scale::Small),
        "seed" => Some(Scale::Seed),
        "large" => Some(Scale::Large),
        _ => None,
    }
}

/// Today on this machine: the day `fathom demo` ends its history before and `fathom check`
/// judges freshness against. The only reader of `FATHOM_TODAY=YYYY-MM-DD`, which is for tests
/// (a fake "system date", so a demo can be built and checked on any weekday or holiday).
pub fn today() -> NaiveDate {
    std::env::var("FATHOM_TODAY")
        .ok()
        .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Yesterday: the default end of the demo history ("the last trading day before today").
pub fn default_end() -> NaiveDate {
    today().pred_opt().unwrap_or(NaiveDate::MIN)
}

fn dir_size(p: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(p) else {
        return 0;
    };
    rd.flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

/// Generates the demo data and writes every table into `catalog` (any Iceberg catalog: the
/// local SQLite one, or Glue + S3 for `fathom demo --athena-upload`); returns what was written.
pub async fn write_into(
    catalog: &dyn iceberg::Catalog,
    spec: DemoSpec,
    inject_faults: bool,
    progress: &mut (dyn FnMut(&str, usize, usize) + Send),
) -> Result<(Vec<TableSummary>, Vec<Fault>)> {
    let total = 1 + crate::lake::tables::ALL.len();
    progress("generating data", 0, total);
    let end = spec.end;
    let mut data = tokio::task::spawn_blocking(move || generate_with_progress(&spec, &mut |_| {}))
        .await
        .map_err(|e| FathomError::Other(format!("the generator stopped: {e}")))?
        .map_err(|e| FathomError::Other(format!("generating the demo data: {e}")))?;
    let injected = if inject_faults {
        faults::inject(&mut data, end).map_err(|e| FathomError::Other(e.to_string()))?
    } else {
        vec![]
    };
    let mut tables = Vec::new();
    for (i, t) in data.tables.iter().enumerate() {
        let name = t.table.qualified();
        progress(&format!("writing {name}"), 1 + i, total);
        let commits = writer::load_table(catalog, t.table, &t.batch, DAILY_TAIL).await?;
        tables.push(TableSummary { table: name, rows: t.batch.num_rows(), commits });
    }
    progress("done", total, total);
    Ok((tables, injected))
}

/// Builds the demo lake in `opts.dir`; `progress(message, done, total)` reports steps.
pub async fn build(opts: &DemoOptions, progress: &mut (dyn FnMut(&str, usize, usize) + Send)) -> Result<DemoSummary> {
    let started = Instant::now();
    let profile = LocalProfile::demo(&opts.dir);
    let db = opts.dir.join("catalog.db");
    let warehouse = opts.dir.join("warehouse");
    if db.exists() || warehouse.exists() {
        if !opts.force {
            return Err(FathomError::Other(format!(
                "a demo lake already exists at {}; pass --force to rebuild it",
                opts.dir.display()
            )));
        }
        for f in ["catalog.db", "catalog.db-wal", "catalog.db-shm", "demo.json"] {
            let _ = std::fs::remove_file(opts.dir.join(f));
        }
        if warehouse.exists() {
            std::fs::remove_dir_all(&warehouse)
                .map_err(|e| FathomError::io(format!("removing {}", warehouse.display()), e))?;
        }
    }
    std::fs::create_dir_all(&warehouse).map_err(|e| FathomError::io(format!("creating {}", warehouse.display()), e))?;

    let spec = DemoSpec { scale: opts.scale, seed: opts.seed, end: opts.end };
    progress("opening the catalog", 0, 1);
    let catalog = catalog::open(&profile, true).await?;
    let (tables, injected) = write_into(catalog.as_ref(), spec, opts.inject_faults, progress).await?;
    let summary = DemoSummary {
        scale: scale_name(opts.scale).to_string(),
        seed: opts.seed,
        end: opts.end,
        tables,
        seconds: started.elapsed().as_secs_f64(),
        bytes: dir_size(&warehouse),
        faults: injected,
    };
    let json = serde_json::to_string_pretty(&summary).map_err(|e| FathomError::Other(e.to_string()))?;
    std::fs::write(opts.dir.join("demo.json"), json).map_err(|e| FathomError::io("writing demo.json", e))?;
    Ok(summary)
}
