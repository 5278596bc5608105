//! `fathom check`: run every data-quality check on a profile's engine, print pass/warn/fail
//! with the offending rows' count and a sample, and tell the caller whether any failed
//! (the binary exits 1 then, for cron and alerting).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::config::Config;
use crate::error::{FathomError, Result};
use crate::quality::{self, Check, render};

#[derive(Debug, Clone, Default)]
pub struct CheckArgs {
    pub profile: Option<String>,
    /// text | json (default text)
    pub format: Option<String>,
    /// YYYY-MM-DD (default today)
    pub as_of: Option<String>,
    /// A directory of checks instead of the shipped ones.
    pub dir: Option<PathBuf>,
}

/// The checks to run: `--dir`, else `quality/` beside the config file when it exists, else
/// the shipped set.
pub fn choose_checks(config: &Config, dir: Option<&Path>) -> Result<Vec<Check>> {
    if let Some(d) = dir {
        return quality::load_checks(d);
    }
    let user = config.paths.config_file.parent().map(|p| p.join("quality"));
    match user {
        Some(d) if d.is_dir() => quality::load_checks(&d),
        _ => quality::builtin_checks(),
    }
}

fn parse_as_of(raw: Option<&str>) -> Result<NaiveDate> {
    match raw {
        None => Ok(crate::lake::demo::today()),
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| FathomError::Other(format!("--as-of '{d}': expected a date YYYY-MM-DD"))),
    }
}

/// Runs the checks and prints the report; returns whether any check failed or could not run.
pub async fn run(config: &Config, args: &CheckArgs) -> Result<bool> {
    let json = match args.format.as_deref() {
        None | Some("text") => false,
        Some("json") => true,
        Some(other) => return Err(FathomError::Other(format!("--format '{other}': expected text or json"))),
    };
    let as_of = parse_as_of(args.as_of.as_deref())?;
    let checks = choose_checks(config, args.dir.as_deref())?;
    let (_, engine) = super::open_engine(config, args.profile.as_deref()).await?;
    let budget = config.profile(args.profile.as_deref())?.1.budget(&config.budget);
    let results = quality::run_loaded_within(engine.as_ref(), &checks, as_of, Some(&budget)).await;
    let report = if json { render::json(&results, as_of) } else { render::text(&results, as_of, args.profile.as_deref()) };
    print!("{report}");
    Ok(results.iter().any(|r| r.status.is_failure()))
}
