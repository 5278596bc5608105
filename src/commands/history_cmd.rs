//! `fathom history`: the run ledger as a table or JSON lines, or spend per day and month.

use crate::config::Config;
use crate::error::{FathomError, Result};

#[derive(Debug, Clone, Default)]
pub struct HistoryArgs {
    /// Spend per day and month instead of the runs.
    pub cost: bool,
    /// YYYY-MM-DD: runs on or after it.
    pub since: Option<String>,
    /// text | json
    pub format: Option<String>,
}

/// The text to print.
pub fn run(config: &Config, args: &HistoryArgs) -> Result<String> {
    let since = args
        .since
        .as_deref()
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| FathomError::Other(format!("--since '{d}': expected a date YYYY-MM-DD")))
        })
        .transpose()?;
    let runs = crate::history::read(&config.paths.state_dir, since)?;
    match args.format.as_deref() {
        Some("json") => {
            let mut out = String::new();
            for r in &runs {
                out.push_str(&serde_json::to_string(r).map_err(|e| FathomError::Other(e.to_string()))?);
                out.push('\n');
            }
            Ok(out)
        }
        None | Some("text") if args.cost => Ok(crate::history::render_spend(&runs)),
        None | Some("text") => Ok(crate::history::render_runs(&runs)),
        Some(f) => Err(FathomError::Other(format!("--format '{f}': expected text or json"))),
    }
}
