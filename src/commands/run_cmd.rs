//! `fathom run`: one query, its parameters bound, the result printed or written.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::engine::collect;
use crate::error::{FathomError, Result};
use crate::export::{self, Format};
use crate::library::{Header, bind, parse_header};

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
}

fn pick_format(args: &RunArgs) -> Result<Format> {
    if let Some(f) = &args.format {
        return Format::parse(f)
            .ok_or_else(|| FathomError::Other(format!("--format '{f}': expected table, csv, json, parquet or arrow")));
    }
    if let Some(ext) = args.output.as_ref().and_then(|p| p.extension()).and_then(|e| e.to_str()) {
        if let Some(f) = Format::parse(ext) {
            return Ok(f);
        }
    }
    Ok(if std::io::stdout().is_terminal() { Format::Table } else { Format::Csv })
}

pub async fn run(config: &Config, args: &RunArgs) -> Result<()> {
    let format = pick_format(args)?;
    if format.is_binary() && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(FathomError::Other(format!(
            "{format:?} output is binary; pass --output FILE or pipe it to a file"
        )));
    }
    let query = load_query(&args.query)?;
    let given = parse_params(&args.params)?;
    let (_, profile) = config.profile(args.profile.as_deref())?;
    if let Some(e) = &args.engine {
        if e != profile.engine_name() {
            return Err(FathomError::Other(format!(
                "--engine {e} does not match the profile's engine ({}); pick a profile of engine {e} with --profile",
                profile.engine_name()
            )));
        }
    }
    if let Some(want) = query.header.engine.as_deref() {
        if want != "any" && want != profile.engine_name() {
            return Err(FathomError::Other(format!(
                "this saved query is for the {want} engine, but the profile uses {}; pick a {want} profile with --profile",
                profile.engine_name()
            )));
        }
    }
    let (_, engine) = super::open_engine(config, args.profile.as_deref()).await?;
    let bound = bind(&query.sql, &query.header.params, &given, engine.placeholder_style())?;
    let stream = engine.execute(&bound.sql, &bound.values).await?;
    let schema = stream.schema.clone();
    let (batches, truncated) = collect(stream, config.row_cap).await?;
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(|e| FathomError::io(format!("creating {}", path.display()), e))?;
            export::write(format, &schema, &batches, std::io::BufWriter::new(file))?;
        }
        None => export::write(format, &schema, &batches, std::io::stdout())?,
    }
    if truncated {
        eprintln!("fathom: truncated at {} rows (row_cap in the config)", config.row_cap);
    }
    Ok(())
}
