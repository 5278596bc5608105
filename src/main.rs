//! The `fathom` binary: parse the command line, load the config, dispatch.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use fathom::commands::{config_cmd, demo_cmd, run_cmd};
use fathom::config::{Config, Paths};
use fathom::error::{FathomError, Result};
use fathom::lake::demo::{self, DemoOptions};

#[derive(Parser)]
#[command(name = "fathom", version, about = "A terminal workbench for the Iceberg + PostgreSQL investment lake, with Athena cost estimates before you run")]
struct Cli {
    /// Config file (default: $FATHOM_CONFIG, else the XDG config dir's fathom/config.toml)
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Workbench: draw with ASCII only (automatic when the locale is not UTF-8)
    #[arg(long, global = true)]
    ascii: bool,
    /// Workbench theme: dark, light, high-contrast, mono (default: the config's `theme`, else dark)
    #[arg(long, global = true, value_name = "NAME")]
    theme: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run one query and print the result
    Run {
        /// SQL text, a .sql file (saved query with header), or - for stdin
        query: String,
        /// Profile to run against (default: the config's default_profile, else `local`)
        #[arg(long)]
        profile: Option<String>,
        /// Engine the profile must use (local)
        #[arg(long)]
        engine: Option<String>,
        /// Parameter value, NAME=VALUE (repeatable); bound, never pasted into the SQL
        #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// table | csv | json | parquet | arrow (default: table on a terminal, else csv)
        #[arg(long)]
        format: Option<String>,
        /// Write the result to a file instead of stdout
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
    },
    /// Build the demo lake: every lake-spec table as a local Iceberg warehouse
    Demo {
        /// small (~50 tickers, 2 years), seed (700 tickers, 20 years), large (2,500 tickers, 20 years)
        #[arg(long, default_value = "seed")]
        scale: String,
        /// Directory for catalog.db and warehouse/ (default: the XDG data dir's fathom/demo)
        #[arg(long, value_name = "DIR")]
        warehouse: Option<PathBuf>,
        /// Replace an existing demo lake
        #[arg(long)]
        force: bool,
        /// Random seed (same seed, same lake)
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// History ends on the last trading day on or before this date (default: yesterday)
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
    },
    /// Show the config file, profiles and data paths
    Config,
}

async fn dispatch(cli: Cli) -> Result<()> {
    let paths = Paths::from_env()?;
    let config = Config::load(cli.config.as_deref(), paths)?;
    match cli.command {
        None => fathom::tui::run(config, fathom::tui::Options { ascii: cli.ascii, theme: cli.theme }).await,
        Some(Command::Config) => {
            print!("{}", config_cmd::render(&config));
            Ok(())
        }
        Some(Command::Run { query, profile, engine, params, format, output }) => {
            let args = run_cmd::RunArgs { query, params, format, output, profile, engine };
            run_cmd::run(&config, &args).await
        }
        Some(Command::Demo { scale, warehouse, force, seed, as_of }) => {
            let scale = demo::parse_scale(&scale)
                .ok_or_else(|| FathomError::Other(format!("--scale '{scale}': expected small, seed or large")))?;
            let end = match as_of {
                Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|_| FathomError::Other(format!("--as-of '{d}': expected a date YYYY-MM-DD")))?,
                None => demo::default_end(),
            };
            let is_default = warehouse.is_none();
            let dir = warehouse.unwrap_or_else(|| config.paths.demo_dir());
            let opts = DemoOptions { scale, seed, end, dir, force };
            let summary = demo_cmd::run(&opts).await?;
            print!("{}", demo_cmd::render(&opts, &summary, is_default));
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.to_string().contains("Broken pipe") => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
