//! `fathom run`: one query, its parameters bound, the result printed or written.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::engine::{Progress, ProgressFn, collect, no_progress};
use crate::error::{FathomError, Result};
use crate::estimate::bill::{cost_usd, human_bytes, human_usd};
use crate::estimate::{Estimate, Verdict};
use crate::export::{self, Format};
use crate::history::{self, Run};
use crate::library::{Header, parse_header};

/// SQL from the command line or a saved query file, with its header.
#[derive(Debug, Clone)]
pub struct Query {
    pub sql: String,
    pub header: Header,
    pub source: Option<PathBuf>,
}

/// Reads `arg` as a `.sql` file (or `-` for stdin) when it names one, else as SQL text.
pub fn load_query(arg: &str) -> Result<Query> {
    let looks_like_file = arg.ends_with(".sql") && !arg.contains(char::is_whitespace);
    let (sql, source) = if arg == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).map_err(|e| FathomError::io("reading SQL from stdin", e))?;
        (s, None)
    } else if looks_like_file {
        let path = PathBuf::from(arg);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            FathomError::io(format!("reading {} (give SQL text or an existing .sql file)", path.display()), e)
        })?;
        (text, Some(path))
    } else {
        (arg.to_string(), None)
    };
    let header = parse_header(&sql, source.as_deref().unwrap_or(Path::new("<command line>")))?;
    Ok(Query { sql, header, source })
}

/// Parses `k=v` parameter arguments.
pub fn parse_params(raw: &[String]) -> Result<Vec<(String, String)>> {
    raw.iter()
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .filter(|(k, _)| !k.is_empty())
                .ok_or_else(|| FathomError::Param(format!("--param '{p}': expected NAME=VALUE")))
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct RunArgs {
    pub query: String,
    pub params: Vec<String>,
    pub format: Option<String>,
    pub output: Option<PathBuf>,
    pub profile: Option<String>,
    pub engine: Option<String>,
    /// Allow a run whose estimate is above `refuse_above_usd`, up to this many dollars.
    pub max_cost: Option<f64>,
    /// Skip the confirmation above `confirm_above_usd`.
    pub yes: bool,
    /// Print rows, time, estimated and actual bytes to stderr.
    pub stats: bool,
    /// Allow a statement that writes (PostgreSQL; the profile must set read_only = false).
    pub write: bool,
}

fn pick_format(args: &RunArgs) -> Result<Format> {
    if let Some(f) = &args.format {
        return Format::parse(f)
            .ok_or_else(|| FathomError::Other(format!("--format '{f}': expected table, csv, json, parquet or arrow")));
    }
    if let Some(ext) = args.output.as_ref().and_then(|p| p.extension()).and_then(|e| e.to_str())
        && let Some(f) = Format::parse(ext) {
            return Ok(f);
        }
    Ok(if std::io::stdout().is_terminal() { Format::Table } else { Format::Csv })
}

/// Applies the budget to an estimate: Ok to run, or the refusal.
fn check_budget(config: &Config, args: &RunArgs, e: &Estimate) -> Result<()> {
    let cost = human_usd(e.cost_usd);
    match e.verdict(&config.budget) {
        Verdict::Run => Ok(()),
        Verdict::Refuse(limit) => match args.max_cost {
            Some(max) if max >= e.cost_usd => Ok(()),
            Some(max) => Err(FathomError::Other(format!(
                "refused: the estimate {cost} is above --max-cost {}; raise --max-cost to at least {:.6}",
                human_usd(max),
                e.cost_usd
            ))),
            None => Err(FathomError::Other(format!(
                "refused: the estimate {cost} ({} scanned) is above refuse_above_usd {}; run `fathom estimate` to see why, or pass --max-cost {:.6} to run it anyway",
                human_bytes(e.total_bytes),
                human_usd(limit),
                e.cost_usd
            ))),
        },
        Verdict::Confirm(limit) => {
            if args.yes || args.max_cost.is_some_and(|m| m >= e.cost_usd) {
                return Ok(());
            }
            if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
                eprint!("The estimate is {cost} ({} scanned), above confirm_above_usd {}. Run it? [y/N] ", human_bytes(e.total_bytes), human_usd(limit));
                let mut answer = String::new();
                let _ = std::io::stdin().read_line(&mut answer);
                if matches!(answer.trim(), "y" | "Y" | "yes") {
                    return Ok(());
                }
                return Err(FathomError::Other("not run: declined at the confirmation".into()));
            }
            eprintln!("fathom: the estimate {cost} is above confirm_above_usd {} (not asking: no terminal)", human_usd(limit));
            Ok(())
        }
    }
}

pub async fn run(config: &Config, args: &RunArgs) -> Result<()> {
    let format = pick_format(args)?;
    if format.is_binary() && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(FathomError::Other(format!(
            "{format:?} output is binary; pass --output FILE or pipe it to a file"
        )));
    }
    let query = load_query(&args.query)?;
    let (profile_name, profile) = config.profile(args.profile.as_deref())?;
    if let Some(e) = &args.engine
        && e != profile.engine_name() {
            return Err(FathomError::Other(format!(
                "--engine {e} does not match the profile's engine ({}); pick a profile of engine {e} with --profile",
                profile.engine_name()
            )));
        }
    if let Some(want) = query.header.engine.as_deref()
        && want != "any" && want != profile.engine_name() {
            return Err(FathomError::Other(format!(
                "this saved query is for the {want} engine, but the profile uses {}; pick a {want} profile with --profile",
                profile.engine_name()
            )));
        }
    // An Athena profile may set its own price per TB.
    let config = &Config { budget: profile.budget(&config.budget), ..config.clone() };
    let super::Prepared { engine, bound, given } =
        super::prepare(config, &query, &args.params, args.profile.as_deref(), args.write).await?;
    let mut ledger = Run {
        time: chrono::Utc::now(),
        profile: profile_name.to_string(),
        engine: engine.kind().to_string(),
        sql: query.sql.clone(),
        params: given.clone(),
        rows: None,
        duration_ms: 0,
        estimated_bytes: None,
        actual_bytes: None,
        cost_usd: None,
        estimated_cost_usd: None,
        outcome: "ok".into(),
    };
    let started = Instant::now();
    let outcome = async {
        let estimate = match engine.estimate(&bound.sql, &bound.values, &config.budget, false).await {
            Ok(e) => e,
            // Athena can run what the estimate cannot plan (non-Iceberg tables, Trino-only SQL).
            Err(e) if engine.kind() == "athena" && args.yes => {
                eprintln!("fathom: warning: no estimate ({e}); running anyway (--yes)");
                Estimate::unknown(&config.budget)
            }
            Err(e) if engine.kind() == "athena" => {
                return Err(FathomError::Other(format!(
                    "cannot estimate this query before running it: {e}. Pass --yes to run it on Athena without an estimate"
                )));
            }
            Err(e) => return Err(e),
        };
        if estimate.postgres.is_none() {
            ledger.estimated_bytes = Some(estimate.total_bytes);
            ledger.estimated_cost_usd = Some(estimate.cost_usd);
        }
        if let Err(e) = check_budget(config, args, &estimate) {
            ledger.outcome = e.to_string();
            return Err(e);
        }
        let spinner = std::io::stderr().is_terminal().then(super::spinner);
        let progress: ProgressFn = match &spinner {
            Some(bar) => {
                let bar = bar.clone();
                let kind = engine.kind();
                Arc::new(move |p: Progress| {
                    let scanned = p.scanned_bytes.filter(|b| *b > 0).map(|b| format!(" · scanned {}", human_bytes(b))).unwrap_or_default();
                    bar.set_message(format!("{kind} {} {:.1} s{scanned} (Ctrl-C stops it)", p.state, p.elapsed.as_secs_f64()));
                })
            }
            None => no_progress(),
        };
        let running = async {
            let stream = engine.execute_with_progress(&bound.sql, &bound.values, progress).await?;
            let schema = stream.schema.clone();
            let result = collect(stream, config.row_cap).await?;
            Ok::<_, FathomError>((schema, result))
        };
        // Ctrl-C drops the running query, which stops it on the server (Athena: StopQueryExecution).
        let finished = tokio::select! {
            r = running => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        };
        if let Some(bar) = &spinner {
            bar.finish_and_clear();
        }
        let Some(finished) = finished else {
            crate::engine::athena::finish_stops(Duration::from_secs(5)).await;
            ledger.outcome = "cancelled".into();
            return Err(FathomError::Other("cancelled (Ctrl-C): the query was stopped".into()));
        };
        let (schema, result) = finished?;
        ledger.rows = Some(result.rows() as u64);
        ledger.actual_bytes = result.scanned_bytes;
        ledger.cost_usd = result.scanned_bytes.map(|b| cost_usd(b, config.budget.price_per_tb_usd));
        match &args.output {
            Some(path) => {
                let file = std::fs::File::create(path).map_err(|e| FathomError::io(format!("creating {}", path.display()), e))?;
                export::write(format, &schema, &result.batches, std::io::BufWriter::new(file))?;
            }
            None => export::write(format, &schema, &result.batches, std::io::stdout())?,
        }
        if result.truncated {
            eprintln!("fathom: truncated at {} rows (row_cap in the config)", config.row_cap);
        }
        if args.stats && let Some(pg) = &estimate.postgres {
            eprintln!("fathom: {} rows in {} ms; PostgreSQL plan ~{} rows, cost {:.2}", result.rows(), started.elapsed().as_millis(), pg.rows, pg.total_cost);
        } else if args.stats {
            eprintln!(
                "fathom: {} rows in {} ms; estimated {} bytes, scanned {} bytes",
                result.rows(),
                started.elapsed().as_millis(),
                estimate.total_bytes,
                result.scanned_bytes.map(|b| b.to_string()).unwrap_or_else(|| "?".into())
            );
        }
        Ok(())
    }
    .await;
    ledger.duration_ms = started.elapsed().as_millis() as u64;
    if let Err(e) = &outcome
        && ledger.outcome == "ok" {
            ledger.outcome = format!("error: {e}");
        }
    if let Err(e) = history::append(&config.paths.state_dir, &ledger) {
        eprintln!("fathom: warning: {e}");
    }
    outcome
}
