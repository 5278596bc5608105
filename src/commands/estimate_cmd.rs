//! `fathom estimate`: what a query would scan and cost on Athena, before it runs.

use crate::config::Config;
use crate::error::{FathomError, Result};
use crate::estimate::Estimate;

use super::run_cmd::load_query;

#[derive(Debug, Clone, Default)]
pub struct EstimateArgs {
    pub query: String,
    pub params: Vec<String>,
    pub profile: Option<String>,
    pub format: Option<String>,
    /// List the kept data files per table (JSON `files`).
    pub files: bool,
}

/// Plans the estimate of a query (SQL text or a saved query file).
pub async fn estimate(config: &Config, args: &EstimateArgs) -> Result<Estimate> {
    let query = load_query(&args.query)?;
    let given = super::run_cmd::parse_params(&args.params)?;
    let (_, engine) = super::open_engine(config, args.profile.as_deref()).await?;
    let bound = crate::library::bind(&query.sql, &query.header.params, &given, engine.placeholder_style())?;
    let budget = config.profile(args.profile.as_deref())?.1.budget(&config.budget);
    engine.estimate(&bound.sql, &bound.values, &budget, args.files).await
}

pub async fn run(config: &Config, args: &EstimateArgs) -> Result<()> {
    let json = match args.format.as_deref() {
        None | Some("text") => false,
        Some("json") => true,
        Some(f) => return Err(FathomError::Other(format!("--format '{f}': expected text or json"))),
    };
    let e = estimate(config, args).await?;
    if json {
        let text = serde_json::to_string_pretty(&e).map_err(|e| FathomError::Other(e.to_string()))?;
        println!("{text}");
    } else {
        print!("{}", e.render());
    }
    Ok(())
}
