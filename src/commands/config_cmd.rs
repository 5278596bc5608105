//! `fathom config`: where the config is, the profiles, and the data paths.

use std::fmt::Write;

use crate::config::{Config, Profile};

/// The text `fathom config` prints.
pub fn render(config: &Config) -> String {
    let mut s = String::new();
    let file = match &config.file {
        Some(p) => p.display().to_string(),
        None => format!("{} (not present; defaults in use)", config.paths.config_file.display()),
    };
    let _ = writeln!(s, "config file: {file}");
    let _ = writeln!(s, "data dir:    {}", config.paths.data_dir.display());
    let _ = writeln!(s, "state dir:   {}", config.paths.state_dir.display());
    let _ = writeln!(s, "demo lake:   {}", config.paths.demo_dir().display());
    let _ = writeln!(s, "row cap:     {}", config.row_cap);
    let _ = writeln!(s, "profiles:");
    for (name, p) in &config.profiles {
        let mark = if *name == config.default_profile { " (default)" } else { "" };
        match p {
            Profile::Local(l) => match l.aws() {
                Some(aws) => {
                    let _ = writeln!(
                        s,
                        "  {name}{mark}: engine=local catalog=glue region={} aws_profile={} glue_catalog_id={} endpoint={} (data read from S3 directly)",
                        aws.region.as_deref().unwrap_or("(AWS chain)"),
                        aws.aws_profile.as_deref().unwrap_or("(AWS chain)"),
                        aws.glue_catalog_id.as_deref().unwrap_or("(the account's)"),
                        aws.endpoint_url.as_deref().unwrap_or("(AWS)")
                    );
                }
                None => {
                    let _ = writeln!(s, "  {name}{mark}: engine=local catalog={} warehouse={}", l.catalog, l.warehouse);
                }
            },
            Profile::Postgres(pg) => {
                let _ = writeln!(
                    s,
                    "  {name}{mark}: engine=postgres url={} sslmode={} read_only={} statement_timeout_ms={}",
                    pg.display_target(),
                    pg.sslmode.as_deref().unwrap_or("(from the URL/PGSSLMODE, else prefer)"),
                    pg.read_only,
                    pg.statement_timeout_ms
                );
            }
            Profile::Athena(a) => {
                let _ = writeln!(
                    s,
                    "  {name}{mark}: engine=athena region={} aws_profile={} workgroup={} catalog={} database={} output={} endpoint={} results={:?} read_only={}",
                    a.region.as_deref().unwrap_or("(AWS chain)"),
                    a.aws_profile.as_deref().unwrap_or("(AWS chain)"),
                    a.workgroup,
                    a.catalog,
                    a.database,
                    a.output_location.as_deref().unwrap_or("(workgroup's)"),
                    a.endpoint_url.as_deref().unwrap_or("(AWS)"),
                    a.results,
                    a.read_only
                );
            }
        }
    }
    s
}
