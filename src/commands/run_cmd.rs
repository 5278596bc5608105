//! `fathom run`: one query, its parameters bound, the result printed or written.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::engine::{Engine, Progress, ProgressFn, no_progress};
use crate::error::{FathomError, Result};
use crate::estimate::bill::human_bytes;
use crate::export::{self, Format};
use crate::library::{Header, parse_header};
use crate::run::sink::{Capped, Sink, Stream};
use crate::run::{self, Allowance, Drained};

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
    for w in &header.warnings {
        eprintln!("fathom: warning: {w}");
    }
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
    /// Run it even when the result cache has it.
    pub no_cache: bool,
}

pub(crate) fn pick_format(args: &RunArgs) -> Result<Format> {
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

/// Where the rows go: a table on a terminal (capped at `row_cap`), or every row streamed to
/// the output file or the pipe.
pub(crate) enum Out {
    Table(Capped),
    Stream(Box<Stream<Box<dyn Write + Send>>>),
}

impl Sink for Out {
    fn push(&mut self, batch: &arrow::record_batch::RecordBatch) -> Result<()> {
        match self {
            Out::Table(c) => c.push(batch),
            Out::Stream(s) => s.push(batch),
        }
    }
}

/// The sink for a run's rows, from its schema.
pub(crate) fn out(format: Format, output: Option<&Path>, row_cap: usize, schema: &arrow::datatypes::SchemaRef) -> Result<Out> {
    Ok(match (format, output) {
        (Format::Table, _) => Out::Table(Capped::new(row_cap, schema.clone())),
        (_, Some(path)) => {
            let file = std::fs::File::create(path).map_err(|e| FathomError::io(format!("creating {}", path.display()), e))?;
            let out: Box<dyn Write + Send> = Box::new(std::io::BufWriter::new(file));
            Out::Stream(Box::new(Stream::new(format, schema, out)?))
        }
        (_, None) => {
            let out: Box<dyn Write + Send> = Box::new(std::io::stdout());
            Out::Stream(Box::new(Stream::new(format, schema, out)?))
        }
    })
}

/// The spinner's progress line on a terminal (silent when piped).
pub(crate) fn progress_line(engine: &dyn Engine) -> (Option<indicatif::ProgressBar>, ProgressFn) {
    let Some(bar) = std::io::stderr().is_terminal().then(super::spinner) else { return (None, no_progress()) };
    let (shown, kind) = (bar.clone(), engine.kind());
    let progress: ProgressFn = Arc::new(move |p: Progress| {
        let scanned = p.scanned_bytes.filter(|b| *b > 0).map(|b| format!(" · scanned {}", human_bytes(b))).unwrap_or_default();
        shown.set_message(format!("{kind} {} {:.1} s{scanned} (Ctrl-C stops it)", p.state, p.elapsed.as_secs_f64()));
    });
    (Some(bar), progress)
}

pub async fn run(config: &Config, args: &RunArgs) -> Result<()> {
    let format = pick_format(args)?;
    if format.is_binary() && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(FathomError::Other(format!(
            "{format:?} output is binary; pass --output FILE or pipe it to a file"
        )));
    }
    let query = load_query(&args.query)?;
    let (_, profile) = config.profile(args.profile.as_deref())?;
    if let Some(e) = &args.engine
        && e != profile.engine_name() {
            return Err(FathomError::Other(format!(
                "--engine {e} does not match the profile's engine ({}); pick a profile of engine {e} with --profile",
                profile.engine_name()
            )));
        }
    let allowance = Allowance { yes: args.yes, max_cost: args.max_cost };
    let req = super::Request { query: &query, params: &args.params, profile: args.profile.as_deref(), write: args.write, allowance, no_cache: args.no_cache };
    let mut spinner = None;
    let progress = |engine: &dyn Engine| {
        let (bar, progress) = progress_line(engine);
        spinner = bar;
        progress
    };
    let output = args.output.as_deref();
    let ran = super::run_query(config, req, progress, |schema| out(format, output, config.row_cap, schema)).await;
    if let Some(bar) = &spinner {
        bar.finish_and_clear();
    }
    let ran = ran?;
    finish_output(ran.sink, format, ran.drained.rows)?;
    if args.stats {
        match &ran.cached {
            Some(hit) => eprintln!("{}", cached_line(hit, &ran.drained)),
            None => {
                let why = ran.uncached.as_deref().map(|w| format!("; not cached: {w}")).unwrap_or_default();
                eprintln!("{}{why}", stats_line(&ran.prepared, &ran.drained, ran.actual))
            }
        }
    }
    Ok(())
}

/// Writes the table (capped, saying so) or ends the streamed file.
pub(crate) fn finish_output(out: Out, format: Format, rows: u64) -> Result<()> {
    match out {
        Out::Table(grid) => {
            export::write(format, &grid.schema, &grid.batches, std::io::stdout())?;
            if grid.truncated() {
                eprintln!(
                    "fathom: showing the first {} of {rows} rows (row_cap in the config; --output FILE.csv writes them all)",
                    grid.kept()
                );
            }
            Ok(())
        }
        Out::Stream(s) => s.finish().map(|_| ()),
    }
}

/// `--stats` of a cache hit: `cached (snapshot …, 3 h old) · $0 · saved $0.0123`.
fn cached_line(hit: &crate::cache::Entry, d: &Drained) -> String {
    let age = chrono::Utc::now().signed_duration_since(hit.created);
    let age = match age.num_minutes() {
        m if m < 1 => format!("{} s", age.num_seconds().max(0)),
        m if m < 120 => format!("{m} min"),
        m => format!("{} h", m / 60),
    };
    let snaps: Vec<String> = hit.snapshots.iter().map(|(t, id)| format!("{t}@{id}")).collect();
    let snaps = match (snaps.is_empty(), hit.max_age_secs) {
        (true, Some(_)) => "no snapshot".to_string(),
        (true, None) => "snapshot no table".to_string(),
        (false, _) => format!("snapshot {}", snaps.join(", ")),
    };
    let kept = hit.max_age_secs.map(|s| format!(", reused for up to {} min", s / 60)).unwrap_or_default();
    format!(
        "fathom: {} rows in {} ms; cached ({snaps}, {age} old{kept}) · $0 · saved {}",
        d.rows,
        d.elapsed.as_millis(),
        crate::estimate::bill::human_usd(hit.cost_usd)
    )
}

/// `--stats`: rows, time, and the estimate beside what was read.
fn stats_line(prepared: &run::Prepared, d: &Drained, actual: Option<run::Priced>) -> String {
    let ms = d.elapsed.as_millis();
    match &prepared.estimate {
        Ok(e) if e.postgres.is_some() => {
            let pg = e.postgres.unwrap_or(crate::estimate::PgPlanCost { rows: 0, total_cost: 0.0 });
            format!("fathom: {} rows in {ms} ms; PostgreSQL plan ~{} rows, cost {:.2}", d.rows, pg.rows, pg.total_cost)
        }
        estimate => {
            // A direct read: the data files' GETs it sent (beside the estimate's), priced as
            // they were; the estimate's metadata GETs are not measured.
            let direct = actual.and_then(|a| a.get_requests.map(|g| (g, a.cost_usd))).map(|(gets, usd)| {
                let predicted = estimate.as_ref().ok().and_then(|e| e.direct.as_ref());
                let data = predicted.map(|d| (d.get_requests - d.metadata_get_requests).to_string()).unwrap_or_else(|| "?".into());
                let metadata = predicted.map(|d| format!(", +{} for table metadata estimated", d.metadata_get_requests)).unwrap_or_default();
                format!(
                    "; data-file GET requests estimated {data}, sent {gets} → {} (direct read{metadata})",
                    crate::estimate::bill::human_usd(usd)
                )
            });
            format!(
                "fathom: {} rows in {ms} ms; estimated {} bytes, scanned {} bytes{}",
                d.rows,
                estimate.as_ref().map(|e| e.total_bytes.to_string()).unwrap_or_else(|_| "?".into()),
                d.scanned.map(|b| b.to_string()).unwrap_or_else(|| "?".into()),
                direct.unwrap_or_default()
            )
        }
    }
}
