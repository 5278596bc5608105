//! `fathom demo`: build the demo lake and say how to use it.

use std::fmt::Write;

use crate::config::PostgresProfile;
use crate::engine::postgres::{connect, demo as pg_demo};
use crate::error::FathomError;
use crate::lake::demo::{DemoOptions, DemoSummary, build, scale_name};
use crate::lake::generate::{DemoSpec, generate};

use super::progress_bar;
use crate::error::Result;

pub async fn run(opts: &DemoOptions) -> Result<DemoSummary> {
    let bar = progress_bar();
    let mut report = super::steps(&bar);
    let summary = build(opts, &mut report).await;
    bar.finish_and_clear();
    summary
}

/// The summary `fathom demo` prints.
pub fn render(opts: &DemoOptions, s: &DemoSummary, is_default_dir: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "demo lake ({} scale, seed {}, through {}) at {}", s.scale, s.seed, s.end, opts.dir.display());
    for t in &s.tables {
        let _ = writeln!(out, "  {:<32} {:>10} rows  {:>3} snapshots", t.table, t.rows, t.commits);
    }
    if !s.faults.is_empty() {
        let _ = writeln!(out, "injected faults (each must fail its check in `fathom check --as-of {}`):", s.end);
        for f in &s.faults {
            let _ = writeln!(out, "  {:<20} {}: {}", f.check, f.table, f.what);
        }
    }
    let _ = writeln!(out, "built in {:.1} s, {:.1} MB of Parquet", s.seconds, s.bytes as f64 / 1e6);
    if is_default_dir {
        let _ = writeln!(out, "try: fathom run \"SELECT ticker, name FROM reference.tb_meta LIMIT 5\"");
    } else {
        let _ = writeln!(
            out,
            "to use it, add to your config (fathom config shows where):\n[profiles.demo]\nengine = \"local\"\ncatalog = \"sqlite://{}\"\nwarehouse = \"{}\"",
            opts.dir.join("catalog.db").display(),
            opts.dir.join("warehouse").display()
        );
    }
    out
}

/// `fathom demo --postgres URL`: the metadata tables, loaded; returns what to print.
pub async fn run_postgres(url: &str, spec: DemoSpec) -> Result<String> {
    let profile = PostgresProfile { read_only: false, ..PostgresProfile::from_url(url) };
    let target = connect::target(&profile)?;
    let pool = connect::pool(&target);
    let data = tokio::task::spawn_blocking(move || generate(&spec))
        .await
        .map_err(|e| FathomError::Other(format!("the generator stopped: {e}")))?
        .map_err(|e| FathomError::Other(format!("generating the demo data: {e}")))?;
    let loaded = pg_demo::load(&pool, &data.postgres).await.map_err(|e| connect::map_err(&target, e))?;
    pool.close().await;
    let mut out = String::new();
    let _ = writeln!(out, "PostgreSQL demo metadata ({} scale, seed {}, through {}) at {}", scale_name(spec.scale), spec.seed, spec.end, target.shown);
    for (t, rows) in &loaded {
        let _ = writeln!(out, "  {t:<14} {rows:>7} rows");
    }
    let _ = writeln!(
        out,
        "to query it, add to your config (fathom config shows where):\n[profiles.meta]\nengine = \"postgres\"\nurl = \"{}\"",
        target.shown
    );
    Ok(out)
}

/// `fathom demo --athena-upload s3://bucket/prefix --profile P`: writes the demo lake's Iceberg
/// tables to S3 and registers them in the Glue catalog of the Athena profile `P`, so the real
/// path (Athena queries, Glue-backed estimates) can be tried in minutes. Existing demo tables
/// are replaced only with `force`.
pub async fn run_athena(
    config: &crate::config::Config,
    profile: Option<&str>,
    warehouse: &str,
    spec: DemoSpec,
    force: bool,
) -> Result<String> {
    use crate::config::Profile;
    use crate::lake::{tables::ALL, writer::ident};
    let (name, p) = config.profile(profile)?;
    let Profile::Athena(athena) = p else {
        return Err(FathomError::Other(format!(
            "--athena-upload needs an Athena profile; '{name}' is a {} profile: pass --profile NAME of an [profiles.NAME] with engine = \"athena\"",
            p.engine_name()
        )));
    };
    if !warehouse.starts_with("s3://") {
        return Err(FathomError::Other(format!("--athena-upload '{warehouse}': expected an s3://bucket/prefix location")));
    }
    let engine = crate::engine::athena::AthenaEngine::connect(name, athena, false).await?;
    let catalog = engine.iceberg_catalog(Some(warehouse)).await?;
    for def in ALL {
        let id = ident(def);
        if catalog.table_exists(&id).await.unwrap_or(false) {
            if !force {
                return Err(FathomError::Other(format!(
                    "{} already exists in Glue; pass --force to replace the demo tables",
                    def.qualified()
                )));
            }
            catalog
                .drop_table(&id)
                .await
                .map_err(|e| FathomError::Other(format!("dropping {}: {e}", def.qualified())))?;
        }
    }
    let bar = progress_bar();
    let mut report = super::steps(&bar);
    let started = std::time::Instant::now();
    let written = crate::lake::demo::write_into(catalog.as_ref(), spec, false, &mut report).await;
    bar.finish_and_clear();
    let (tables, _) = written?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "demo lake ({} scale, seed {}, through {}) written to {warehouse} and registered in Glue (profile '{name}') in {:.1} s",
        scale_name(spec.scale),
        spec.seed,
        spec.end,
        started.elapsed().as_secs_f64()
    );
    for t in &tables {
        let _ = writeln!(out, "  {:<32} {:>10} rows  {:>3} snapshots", t.table, t.rows, t.commits);
    }
    let _ = writeln!(out, "try: fathom estimate --profile {name} \"SELECT ticker, close FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-01-02'\"");
    Ok(out)
}

/// What `fathom demo` was asked for, as typed.
#[derive(Debug, Clone, Default)]
pub struct DemoArgs {
    pub scale: String,
    pub warehouse: Option<std::path::PathBuf>,
    pub force: bool,
    pub seed: u64,
    pub as_of: Option<String>,
    pub inject_faults: bool,
    pub postgres: Option<String>,
    pub athena_upload: Option<String>,
    pub profile: Option<String>,
}

/// `fathom demo`: the local lake, or the PostgreSQL tables, or the lake uploaded to Athena;
/// returns the text to print.
pub async fn dispatch(config: &crate::config::Config, args: DemoArgs) -> Result<String> {
    use crate::error::FathomError;
    use crate::lake::demo;
    let scale = demo::parse_scale(&args.scale)
        .ok_or_else(|| FathomError::Other(format!("--scale '{}': expected small, seed or large", args.scale)))?;
    let end = match &args.as_of {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| FathomError::Other(format!("--as-of '{d}': expected a date YYYY-MM-DD")))?,
        None => demo::default_end(),
    };
    let spec = crate::lake::generate::DemoSpec { scale, seed: args.seed, end };
    if let Some(url) = &args.postgres {
        return run_postgres(url, spec).await;
    }
    if let Some(s3) = &args.athena_upload {
        return run_athena(config, args.profile.as_deref(), s3, spec, args.force).await;
    }
    let is_default = args.warehouse.is_none();
    let dir = args.warehouse.unwrap_or_else(|| config.paths.demo_dir());
    let opts = DemoOptions { scale, seed: args.seed, end, dir, force: args.force, inject_faults: args.inject_faults };
    let summary = run(&opts).await?;
    Ok(render(&opts, &summary, is_default))
}
