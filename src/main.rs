//! The `fathom` binary: parse the command line, load the config, dispatch.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use clap_complete::Shell;
use fathom::commands::{attach_cmd, cache_cmd, chart_cmd, check_cmd, config_cmd, demo_cmd, estimate_cmd, fmt_cmd, history_cmd, run_cmd, shell_cmd};
use fathom::config::{Config, Paths};
use fathom::error::{FathomError, Result};

#[derive(Parser)]
#[command(name = "fathom", version = shell_cmd::short_version(), long_version = shell_cmd::long_version(), about = "A terminal workbench for the Iceberg + PostgreSQL investment lake, with Athena cost estimates before you run")]
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
        /// Engine the profile must use (local, postgres)
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
        /// Run even above refuse_above_usd, up to this many dollars of (estimated) Athena scan
        #[arg(long, value_name = "USD")]
        max_cost: Option<f64>,
        /// Do not ask above confirm_above_usd
        #[arg(long, short = 'y')]
        yes: bool,
        /// Print rows, time, estimated and scanned bytes to stderr
        #[arg(long)]
        stats: bool,
        /// Allow a statement that writes (PostgreSQL; refused without it, and the profile must
        /// set read_only = false)
        #[arg(long)]
        write: bool,
        /// Run it even when the result cache has it (see `fathom cache`).
        #[arg(long)]
        no_cache: bool,
    },
    /// The run ledger: every run with its estimate, actual bytes and cost
    History {
        /// Sum spend per day and month instead of listing runs
        #[arg(long)]
        cost: bool,
        /// Only runs on or after this date (YYYY-MM-DD)
        #[arg(long)]
        since: Option<String>,
        /// text | json
        #[arg(long)]
        format: Option<String>,
    },
    /// Estimate what a query would scan and cost on Athena, from the Iceberg metadata
    Estimate {
        /// SQL text, a .sql file (saved query with header), or - for stdin
        query: String,
        /// Profile whose catalog to plan against
        #[arg(long)]
        profile: Option<String>,
        /// Parameter value, NAME=VALUE (repeatable)
        #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// text | json
        #[arg(long)]
        format: Option<String>,
        /// List the data files kept after pruning (JSON: `files` per table)
        #[arg(long)]
        files: bool,
    },
    /// Run one query and print its chart as text (braille; ASCII with --ascii or TERM=dumb)
    Chart {
        /// SQL text, a .sql file (saved query with header; its `-- chart:` line is used), or - for stdin
        query: String,
        /// Profile to run against (default: the config's default_profile, else `local`)
        #[arg(long)]
        profile: Option<String>,
        /// Parameter value, NAME=VALUE (repeatable)
        #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// Chart width in characters
        #[arg(long, default_value_t = 100)]
        width: u16,
        /// Chart height in lines
        #[arg(long, default_value_t = 30)]
        height: u16,
        /// Plain ASCII (`*`, `-`, `|`, `+`) instead of braille, for logs and tickets
        #[arg(long)]
        ascii: bool,
        /// The x column (default: the header's, else the first date/timestamp column)
        #[arg(long, value_name = "COL")]
        x: Option<String>,
        /// The y column(s), comma-separated (default: the header's, else every numeric column)
        #[arg(long, value_name = "COL[,COL]")]
        y: Option<String>,
        /// One series per value of this column (long data, e.g. ticker)
        #[arg(long, value_name = "COL")]
        series: Option<String>,
        /// raw | rebased (to 100 at the first point) | log | drawdown (from the running peak)
        #[arg(long, value_name = "VIEW")]
        view: Option<String>,
        /// line | candle (open/high/low/close columns) | bar | hist (histogram of one column); replaces the header's kind
        #[arg(long, value_name = "KIND")]
        kind: Option<String>,
        /// Draw a crosshair at this date (YYYY-MM-DD) and print its readout under the chart
        #[arg(long, value_name = "DATE")]
        cursor: Option<String>,
        /// Run it without asking above confirm_above_usd, or without an estimate.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Allow a run above refuse_above_usd up to this many dollars.
        #[arg(long, value_name = "USD")]
        max_cost: Option<f64>,
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
        /// Break the data in known ways (a stale table, NULLs, a duplicate, a gap, ...) so
        /// `fathom check` can be shown to catch them; listed in demo.json
        #[arg(long)]
        inject_faults: bool,
        /// Instead of the lake: create and fill the PostgreSQL metadata tables (tb_meta,
        /// tb_strategy, tb_portfolio, tb_universe, tb_metrics) at this URL, with the same ids as
        /// the demo lake of the same --scale/--seed/--as-of. Replaces those tables.
        #[arg(long, value_name = "URL")]
        postgres: Option<String>,
        /// Instead of a local lake: write the Iceberg tables under this s3://bucket/prefix and
        /// register them in the Glue catalog of the Athena profile given by --profile
        #[arg(long, value_name = "S3_URL")]
        athena_upload: Option<String>,
        /// The Athena profile for --athena-upload
        #[arg(long)]
        profile: Option<String>,
    },
    /// Run the data-quality checks; exits 1 when any check fails (for cron and alerting)
    Check {
        /// Profile to check (default: the config's default_profile, else `local`)
        #[arg(long)]
        profile: Option<String>,
        /// text | json
        #[arg(long, default_value = "text")]
        format: String,
        /// The day the checks judge freshness and windows against (default: today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        /// A directory of check queries instead of the shipped ones (default: quality/ beside
        /// the config file if present)
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print SQL formatted (the header, comments and :params kept exactly), or rewrite the file
    Fmt {
        /// A .sql file, or - for stdin (the default)
        file: Option<PathBuf>,
        /// Rewrite the file in place (atomically) instead of printing
        #[arg(long)]
        write: bool,
    },
    /// Show the config file, profiles and data paths
    Config,
    /// The result cache: `stats` (entries, size, where) or `clear`.
    Cache {
        /// stats | clear
        #[arg(default_value = "stats")]
        action: String,
    },
    /// Follow a query an earlier fathom left running on its server (its terminal went away)
    /// to its end, and print or write its rows; `fathom history` lists them.
    Attach {
        /// The query's id on the server (Athena's QueryExecutionId).
        query_id: String,
        /// table | csv | json | parquet | arrow
        #[arg(long)]
        format: Option<String>,
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
    },
    /// Print the shell completion script (e.g. `fathom completions bash > ~/.local/share/bash-completion/completions/fathom`)
    Completions {
        /// bash | zsh | fish | elvish | powershell
        shell: Shell,
    },
    /// Print the man page (roff; `fathom man | man -l -`), or write one page per command into --dir
    Man {
        /// Write fathom.1 and a page per command (fathom-run.1, ...) into this directory
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Completions and man pages come from the CLI definition alone: no config is read, so a
/// broken config file does not stop them. None for every other command.
fn shell_integration(command: &Option<Command>) -> Option<Result<ExitCode>> {
    let bytes = match command {
        Some(Command::Completions { shell }) => Ok(shell_cmd::completions(*shell, &mut Cli::command())),
        Some(Command::Man { dir: None }) => shell_cmd::man_page(Cli::command()),
        Some(Command::Man { dir: Some(dir) }) => shell_cmd::write_man_pages(Cli::command(), dir).map(|files| {
            files.iter().map(|f| format!("{}\n", f.display())).collect::<String>().into_bytes()
        }),
        _ => return None,
    };
    Some(bytes.and_then(|b| {
        std::io::Write::write_all(&mut std::io::stdout(), &b).map_err(|e| FathomError::io("writing to stdout", e))
    }).map(|()| ExitCode::SUCCESS))
}

async fn dispatch(cli: Cli) -> Result<ExitCode> {
    // Formatting needs no config (a broken config must not stop it).
    if let Some(Command::Fmt { file, write }) = &cli.command {
        let text = fmt_cmd::run(&fmt_cmd::FmtArgs { file: file.clone(), write: *write })?;
        return std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())
            .map_err(|e| FathomError::io("writing the formatted SQL", e))
            .map(|()| ExitCode::SUCCESS);
    }
    let paths = Paths::from_env()?;
    let (config, config_error) = match cli.command {
        None => Config::load_lenient(cli.config.as_deref(), paths), // the workbench starts on `local`
        Some(_) => (Config::load(cli.config.as_deref(), paths)?, None),
    };
    match cli.command {
        None => fathom::tui::run(config, fathom::tui::Options { ascii: cli.ascii, theme: cli.theme, config_error })
            .await
            .map(|()| ExitCode::SUCCESS),
        Some(Command::Config) => {
            print!("{}", config_cmd::render(&config));
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::History { cost, since, format }) => {
            print!("{}", history_cmd::run(&config, &history_cmd::HistoryArgs { cost, since, format })?);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Run { query, profile, engine, params, format, output, max_cost, yes, stats, write, no_cache }) => {
            let args = run_cmd::RunArgs { query, params, format, output, profile, engine, max_cost, yes, stats, write, no_cache };
            run_cmd::run(&config, &args).await.map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Cache { action }) => {
            print!("{}", cache_cmd::run(&config, &action)?);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Attach { query_id, format, output }) => {
            let args = attach_cmd::AttachArgs { query_id, format, output };
            attach_cmd::run(&config, &args).await.map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Check { profile, format, as_of, dir }) => {
            let args = check_cmd::CheckArgs { profile, format: Some(format), as_of, dir };
            let failed = check_cmd::run(&config, &args).await?;
            Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Some(Command::Estimate { query, profile, params, format, files }) => {
            let args = estimate_cmd::EstimateArgs { query, params, profile, format, files };
            estimate_cmd::run(&config, &args).await.map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Chart { query, profile, params, width, height, ascii, x, y, series, view, kind, cursor, yes, max_cost }) => {
            let args = chart_cmd::ChartArgs { query, params, profile, width, height, ascii, x, y, series, view, kind, cursor, yes, max_cost };
            let text = chart_cmd::run(&config, &args).await?;
            std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())
                .map_err(|e| FathomError::io("writing the chart", e))
                .map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Fmt { .. }) => Ok(ExitCode::SUCCESS),
        Some(Command::Demo { scale, warehouse, force, seed, as_of, inject_faults, postgres, athena_upload, profile }) => {
            let args = demo_cmd::DemoArgs { scale, warehouse, force, seed, as_of, inject_faults, postgres, athena_upload, profile };
            print!("{}", demo_cmd::dispatch(&config, args).await?);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Completions { .. } | Command::Man { .. }) => shell_integration(&cli.command).unwrap_or(Ok(ExitCode::SUCCESS)),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(done) = shell_integration(&cli.command) {
        return report(done);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    report(runtime.block_on(dispatch(cli)))
}

fn report(outcome: Result<ExitCode>) -> ExitCode {
    match outcome {
        Ok(code) => code,
        Err(e) if e.to_string().contains("Broken pipe") => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
