//! Configuration: the config file (`--config`, `FATHOM_CONFIG`, or the XDG config dir),
//! named profiles, and the data/state paths. Errors name the file and the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{FathomError, Result};

mod aws;
mod budget;
mod secrets;
pub use aws::{AwsTarget, GLUE_CATALOG};
pub use budget::Budget;
pub use secrets::{mask_url, mask_urls_in, scrub, url_secrets};

/// The name of the built-in profile that points at the demo lake.
pub const LOCAL_PROFILE: &str = "local";

/// Where fathom keeps things on this machine.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config_file: PathBuf,
    pub data_dir: PathBuf,
    pub state_dir: PathBuf,
}

impl Paths {
    /// XDG locations (honouring `XDG_CONFIG_HOME`, `XDG_DATA_HOME`, `XDG_STATE_HOME`).
    pub fn from_env() -> Result<Self> {
        let dirs = directories::ProjectDirs::from("", "", "fathom").ok_or_else(|| {
            FathomError::Other(
                "cannot find a home directory for config and data; set HOME or XDG_CONFIG_HOME/XDG_DATA_HOME".into(),
            )
        })?;
        let state_dir = dirs
            .state_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dirs.data_local_dir().join("state"));
        Ok(Paths {
            config_file: dirs.config_dir().join("config.toml"),
            data_dir: dirs.data_dir().to_path_buf(),
            state_dir,
        })
    }

    /// Where cached results live: `$XDG_CACHE_HOME/fathom/results` (`~/.cache/...`).
    pub fn cache_dir(&self) -> PathBuf {
        self.cache_base().join("results")
    }

    /// Where completion's names are cached: `$XDG_CACHE_HOME/fathom/names`.
    pub fn names_cache_dir(&self) -> PathBuf {
        self.cache_base().join("names")
    }

    fn cache_base(&self) -> PathBuf {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(|| self.data_dir.join("cache"));
        base.join("fathom")
    }

    /// The default demo lake: `<data dir>/demo`.
    pub fn demo_dir(&self) -> PathBuf {
        self.data_dir.join("demo")
    }
}

/// The embedded engine over an Iceberg catalog: a SQL catalog (SQLite) and its warehouse
/// directory, or `catalog = "glue"`: the lake's Glue catalog, its data read from S3 directly
/// (credentials from the standard AWS chain, as for Athena profiles).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LocalProfile {
    /// Iceberg SQL catalog URI, e.g. `sqlite:///home/me/lake/catalog.db`, or `glue`.
    pub catalog: String,
    /// Warehouse root (a path or `file://` URI); SQL catalogs only.
    #[serde(default)]
    pub warehouse: String,
    /// Glue only: AWS region (else the AWS chain's: AWS_REGION, ~/.aws/config).
    pub region: Option<String>,
    /// Glue only: the named profile in ~/.aws/config (else AWS_PROFILE, else the default chain).
    pub aws_profile: Option<String>,
    /// Glue only: the catalog id (account id) when the catalog lives in another account.
    pub glue_catalog_id: Option<String>,
    /// Glue only: endpoint override for Glue and S3 (VPC endpoints, an emulator on loopback).
    pub endpoint_url: Option<String>,
}

impl LocalProfile {
    /// The demo lake in `dir` (`catalog.db` and `warehouse/`).
    pub fn demo(dir: &Path) -> Self {
        LocalProfile {
            catalog: format!("sqlite://{}", dir.join("catalog.db").display()),
            warehouse: dir.join("warehouse").display().to_string(),
            ..LocalProfile::default()
        }
    }

    /// The SQLite file behind the catalog URI, when it is one.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        if self.is_glue() {
            return None;
        }
        let rest = self.catalog.strip_prefix("sqlite:")?;
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let rest = rest.split('?').next().unwrap_or(rest);
        Some(PathBuf::from(rest))
    }
}

/// A PostgreSQL server. Without `url`, the libpq environment (`DATABASE_URL`, else `PGHOST`,
/// `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`, `PGSSLROOTCERT`) and
/// `~/.pgpass` say where to connect. Its `Debug` masks the password.
#[derive(Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PostgresProfile {
    /// `postgres://user:password@host:port/db?sslmode=...`; a password here is never shown.
    pub url: Option<String>,
    /// disable | allow | prefer | require | verify-ca | verify-full (overrides the URL's).
    pub sslmode: Option<String>,
    /// CA certificate file for verify-ca / verify-full.
    pub sslrootcert: Option<String>,
    /// Each statement is cancelled by the server after this long (`SET LOCAL statement_timeout`).
    #[serde(default = "default_statement_timeout_ms")]
    pub statement_timeout_ms: u64,
    /// Refuse writes even with `--write` (the default: production metadata is read-only here).
    #[serde(default = "default_true")]
    pub read_only: bool,
    /// How long to wait for a connection (an unreachable or blackholed host) before saying so.
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
}

fn default_connect_timeout_ms() -> u64 {
    10_000
}

fn default_statement_timeout_ms() -> u64 {
    30_000
}

fn default_true() -> bool {
    true
}

impl PostgresProfile {
    /// A profile for `url` with the defaults (read-only, 30 s statement timeout).
    pub fn from_url(url: &str) -> Self {
        PostgresProfile {
            url: Some(url.to_string()),
            sslmode: None,
            sslrootcert: None,
            statement_timeout_ms: default_statement_timeout_ms(),
            connect_timeout_ms: default_connect_timeout_ms(),
            read_only: true,
        }
    }

    /// Where it connects, for display: the URL with its password masked, or the environment.
    pub fn display_target(&self) -> String {
        match &self.url {
            Some(u) => mask_url(u),
            None => match std::env::var("DATABASE_URL") {
                Ok(u) => format!("{} (from DATABASE_URL)", mask_url(&u)),
                Err(_) => "(libpq environment: PGHOST, PGPORT, PGUSER, PGDATABASE, ~/.pgpass)".into(),
            },
        }
    }
}

impl std::fmt::Debug for PostgresProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresProfile")
            .field("url", &self.url.as_deref().map(mask_url))
            .field("sslmode", &self.sslmode)
            .field("sslrootcert", &self.sslrootcert)
            .field("statement_timeout_ms", &self.statement_timeout_ms)
            .field("read_only", &self.read_only)
            .finish()
    }
}

/// How query results are fetched from Athena.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum AthenaResults {
    /// The result CSV from S3, falling back to GetQueryResults when S3 refuses the read.
    #[default]
    Auto,
    /// Only the result CSV from S3.
    S3,
    /// Only GetQueryResults pages (no S3 read permission needed).
    Api,
}

/// AWS Athena, with the Glue catalog and S3. Credentials come only from the standard AWS chain
/// (environment, `~/.aws` profiles, SSO, web identity, IMDSv2); nothing secret lives here.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AthenaProfile {
    /// AWS region, e.g. `ap-northeast-2` (else the AWS chain's region: AWS_REGION, ~/.aws/config).
    pub region: Option<String>,
    /// The named profile in ~/.aws/config (else AWS_PROFILE, else the default chain).
    pub aws_profile: Option<String>,
    #[serde(default = "default_workgroup")]
    pub workgroup: String,
    /// `s3://bucket/prefix/` for results; optional when the workgroup sets one.
    pub output_location: Option<String>,
    /// The Athena data catalog.
    #[serde(default = "default_data_catalog")]
    pub catalog: String,
    /// The database unqualified table names resolve in.
    #[serde(default = "default_database")]
    pub database: String,
    /// Endpoint override for Athena, Glue and S3 (VPC endpoints, an emulator on loopback).
    pub endpoint_url: Option<String>,
    /// The price Athena bills per TB scanned here (overrides `[budget] price_per_tb_usd`).
    pub price_per_tb_usd: Option<f64>,
    /// Reuse a previous identical query's result if it is at most this many minutes old.
    pub result_reuse_minutes: Option<i32>,
    /// auto | s3 | api.
    #[serde(default)]
    pub results: AthenaResults,
    /// Refuse statements that write (INSERT, CTAS, DROP, ...) even with `--write`.
    #[serde(default = "default_true")]
    pub read_only: bool,
    /// Glue catalog id (the account id), when the catalog lives in another account.
    pub glue_catalog_id: Option<String>,
}

fn default_workgroup() -> String {
    "primary".into()
}

fn default_data_catalog() -> String {
    "AwsDataCatalog".into()
}

fn default_database() -> String {
    "default".into()
}

impl AthenaProfile {
    /// A profile with the defaults: workgroup `primary`, catalog `AwsDataCatalog`, read-only.
    pub fn new(region: &str) -> Self {
        AthenaProfile {
            region: Some(region.to_string()),
            aws_profile: None,
            workgroup: default_workgroup(),
            output_location: None,
            catalog: default_data_catalog(),
            database: default_database(),
            endpoint_url: None,
            price_per_tb_usd: None,
            result_reuse_minutes: None,
            results: AthenaResults::Auto,
            read_only: true,
            glue_catalog_id: None,
        }
    }
}

/// A named connection.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "engine", rename_all = "lowercase")]
pub enum Profile {
    Local(LocalProfile),
    Postgres(PostgresProfile),
    Athena(AthenaProfile),
}

/// Every engine a profile can name (`Profile::engine_name`), as `fathom --version` lists them.
pub const ENGINES: [&str; 3] = ["local", "postgres", "athena"];

impl Profile {
    pub fn engine_name(&self) -> &'static str {
        match self {
            Profile::Local(_) => "local",
            Profile::Postgres(_) => "postgres",
            Profile::Athena(_) => "athena",
        }
    }

    /// The budget with this profile's price per TB, when it sets one.
    pub fn budget(&self, base: &Budget) -> Budget {
        match self {
            Profile::Athena(AthenaProfile { price_per_tb_usd: Some(p), .. }) => Budget { price_per_tb_usd: *p, ..base.clone() },
            _ => base.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    default_profile: Option<String>,
    row_cap: Option<usize>,
    /// Workbench theme: dark, light, high-contrast, mono, or a file in <config dir>/themes.
    theme: Option<String>,
    #[serde(default)]
    budget: Budget,
    #[serde(default)]
    cache: CacheSettings,
    #[serde(default)]
    grid: GridSettings,
    #[serde(default)]
    editor: EditorSettings,
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// `[editor]`: how the workbench's editor takes keys.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct EditorSettings {
    /// `standard` (the default: keys type text) or `vim` (normal, insert and visual modes).
    pub mode: EditorMode,
}

/// The editor's key scheme; a wrong name is refused with the allowed ones.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum EditorMode {
    #[default]
    Standard,
    Vim,
}

/// `[cache]`: the snapshot-keyed result cache.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CacheSettings {
    /// The most the cache keeps on disk, in MiB (least recently used entries go first).
    pub max_mb: u64,
    /// Minutes an answer no snapshot keys (a non-Iceberg Glue table, a query the estimate
    /// could not plan, a `-- cache: force` query) may be reused; unset: such answers are not
    /// cached (forced ones then last while their snapshots are current).
    pub unversioned_ttl_minutes: Option<u64>,
}

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings { max_mb: 1024, unversioned_ttl_minutes: None }
    }
}

impl CacheSettings {
    /// What the cache key allows beyond the snapshot rule.
    pub fn policy(&self) -> crate::cache::Policy {
        crate::cache::Policy { unversioned_ttl_secs: self.unversioned_ttl_minutes.map(|m| m.saturating_mul(60)) }
    }
}

/// Significant digits a float cell shows when `[grid] float_digits` is not set.
pub const DEFAULT_FLOAT_DIGITS: usize = 10;

/// `[grid]`: how the result grid writes values (copy and export always use the full value).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct GridSettings {
    /// Significant digits a floating-point cell shows (1 to 17).
    pub float_digits: usize,
}

impl Default for GridSettings {
    fn default() -> Self {
        GridSettings { float_digits: DEFAULT_FLOAT_DIGITS }
    }
}

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from; `None` when no file exists (all defaults).
    pub file: Option<PathBuf>,
    pub paths: Paths,
    pub default_profile: String,
    /// Most rows a result keeps (the grid and `fathom run`).
    pub row_cap: usize,
    /// The workbench theme named in the file, if any.
    pub theme: Option<String>,
    pub budget: Budget,
    pub cache: CacheSettings,
    pub grid: GridSettings,
    pub editor: EditorSettings,
    pub profiles: BTreeMap<String, Profile>,
}

impl Config {
    /// Loads `explicit` (from `--config`), else `FATHOM_CONFIG`, else the XDG file if it exists.
    pub fn load(explicit: Option<&Path>, paths: Paths) -> Result<Self> {
        let env = std::env::var_os("FATHOM_CONFIG").map(PathBuf::from);
        let (path, must_exist) = match (explicit, env) {
            (Some(p), _) => (p.to_path_buf(), true),
            (None, Some(p)) => (p, true),
            (None, None) => (paths.config_file.clone(), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => None,
            Err(e) => {
                return Err(FathomError::Config {
                    path,
                    message: format!("cannot read it ({e}); check the path given by --config or FATHOM_CONFIG"),
                });
            }
        };
        let parsed = match &text {
            Some(t) => Self::parse(t, &path)?,
            None => FileConfig::default(),
        };
        let mut profiles = BTreeMap::new();
        profiles.insert(LOCAL_PROFILE.to_string(), Profile::Local(LocalProfile::demo(&paths.demo_dir())));
        profiles.extend(parsed.profiles);
        let default_profile = parsed.default_profile.unwrap_or_else(|| LOCAL_PROFILE.to_string());
        let config = Config {
            file: text.map(|_| path.clone()),
            paths,
            default_profile,
            row_cap: parsed.row_cap.unwrap_or(1_000_000),
            theme: parsed.theme,
            budget: parsed.budget,
            cache: parsed.cache,
            grid: parsed.grid,
            editor: parsed.editor,
            profiles,
        };
        if !(1..=17).contains(&config.grid.float_digits) {
            return Err(FathomError::Config {
                path,
                message: format!("key grid.float_digits: {} is out of range; use 1 to 17 (17 shows every float exactly)", config.grid.float_digits),
            });
        }
        for (name, profile) in &config.profiles {
            if let Profile::Local(l) = profile {
                l.check().map_err(|message| FathomError::Config { path: path.clone(), message: format!("profile {name}: {message}") })?;
            }
        }
        if !config.profiles.contains_key(&config.default_profile) {
            return Err(FathomError::Config {
                path,
                message: format!(
                    "key default_profile: no profile named '{}'; define [profiles.{}] or pick one of: {}",
                    config.default_profile,
                    config.default_profile,
                    config.profile_names()
                ),
            });
        }
        Ok(config)
    }

    /// Like `load`, but a config that cannot be read or parsed still gives a configuration:
    /// the built-in `local` profile and defaults, with the error (naming file, line and key)
    /// for the workbench to show. Headless commands use `load`, and fail with the same error.
    pub fn load_lenient(explicit: Option<&Path>, paths: Paths) -> (Self, Option<String>) {
        match Self::load(explicit, paths.clone()) {
            Ok(c) => (c, None),
            Err(e) => {
                let mut profiles = BTreeMap::new();
                profiles.insert(LOCAL_PROFILE.to_string(), Profile::Local(LocalProfile::demo(&paths.demo_dir())));
                let config = Config {
                    file: None,
                    paths,
                    default_profile: LOCAL_PROFILE.to_string(),
                    row_cap: 1_000_000,
                    theme: None,
                    budget: Budget::default(),
                    cache: CacheSettings::default(),
                    grid: GridSettings::default(),
                    editor: EditorSettings::default(),
                    profiles,
                };
                // what and where first: the status line shows the start of it
                let text = match &e {
                    FathomError::Config { path, message } => format!(
                        "{} {message}; running on the built-in `local` profile: fix {} and restart",
                        path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
                        path.display()
                    ),
                    other => format!("{other}; running on the built-in `local` profile"),
                };
                (config, Some(text))
            }
        }
    }

    fn parse(text: &str, path: &Path) -> Result<FileConfig> {
        crate::tomlpos::parse(text).map_err(|e| FathomError::Config { path: path.to_path_buf(), message: mask_urls_in(&e) })
    }

    pub fn profile_names(&self) -> String {
        self.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
    }

    /// The named profile, or the default one.
    pub fn profile(&self, name: Option<&str>) -> Result<(&str, &Profile)> {
        let name = name.unwrap_or(&self.default_profile);
        self.profiles
            .get_key_value(name)
            .map(|(k, v)| (k.as_str(), v))
            .ok_or_else(|| FathomError::UnknownProfile { name: name.to_string(), known: self.profile_names() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(dir: &Path) -> Paths {
        Paths { config_file: dir.join("none.toml"), data_dir: dir.join("data"), state_dir: dir.join("state") }
    }

    #[test]
    fn athena_profiles_take_defaults_and_their_own_price() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(
            &file,
            "[budget]\nconfirm_above_usd = 1.0\n[profiles.prod]\nengine = \"athena\"\nregion = \"ap-northeast-2\"\ndatabase = \"market_data\"\nprice_per_tb_usd = 6.25\nresults = \"api\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&file), paths(dir.path())).unwrap();
        let (_, p) = c.profile(Some("prod")).unwrap();
        let Profile::Athena(a) = p else { panic!("not athena: {p:?}") };
        assert_eq!((a.workgroup.as_str(), a.catalog.as_str(), a.database.as_str()), ("primary", "AwsDataCatalog", "market_data"));
        assert_eq!(a.results, AthenaResults::Api);
        assert!(a.read_only && a.output_location.is_none());
        let b = p.budget(&c.budget);
        assert_eq!((b.price_per_tb_usd, b.confirm_above_usd), (6.25, Some(1.0)));
        std::fs::write(&file, "[profiles.prod]\nengine = \"athena\"\nregoin = \"x\"\n").unwrap();
        let e = Config::load(Some(&file), paths(dir.path())).unwrap_err().to_string();
        assert!(e.contains("regoin"), "{e}");
    }

    #[test]
    fn built_in_local_profile_points_at_the_demo_lake() {
        let dir = tempfile::tempdir().unwrap();
        let c = Config::load(None, paths(dir.path())).unwrap();
        let (name, Profile::Local(p)) = c.profile(None).unwrap() else { panic!("not local") };
        assert_eq!(name, "local");
        assert_eq!(p.sqlite_path().unwrap(), dir.path().join("data/demo/catalog.db"));
    }

    #[test]
    fn profiles_are_read_and_bad_keys_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "[profiles.research]\nengine = \"local\"\ncatalog = \"sqlite:///x/c.db\"\nwarehouse = \"/x/w\"\n").unwrap();
        let c = Config::load(Some(&f), paths(dir.path())).unwrap();
        let (_, Profile::Local(p)) = c.profile(Some("research")).unwrap() else { panic!("not local") };
        assert_eq!(p.sqlite_path().unwrap(), PathBuf::from("/x/c.db"));

        std::fs::write(&f, "[profiles.research]\nengine = \"local\"\ncatalgo = \"x\"\n").unwrap();
        let err = Config::load(Some(&f), paths(dir.path())).unwrap_err().to_string();
        assert!(err.contains("c.toml") && err.contains("catalgo"), "{err}");

        let err = c.profile(Some("nope")).unwrap_err().to_string();
        assert!(err.contains("nope") && err.contains("research"), "{err}");
    }

    #[test]
    fn editor_mode_is_standard_unless_vim_and_a_bad_one_names_the_choices() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "row_cap = 10\n").unwrap();
        assert_eq!(Config::load(Some(&f), paths(dir.path())).unwrap().editor.mode, EditorMode::Standard);
        std::fs::write(&f, "[editor]\nmode = \"vim\"\n").unwrap();
        assert_eq!(Config::load(Some(&f), paths(dir.path())).unwrap().editor.mode, EditorMode::Vim);
        std::fs::write(&f, "[editor]\nmode = \"emacs\"\n").unwrap();
        let err = Config::load(Some(&f), paths(dir.path())).unwrap_err().to_string();
        assert!(err.contains("c.toml") && err.contains("emacs") && err.contains("standard") && err.contains("vim"), "{err}");
    }

    #[test]
    fn postgres_profiles_default_to_read_only_and_mask_passwords() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "[profiles.meta]\nengine = \"postgres\"\nurl = \"postgres://ana:s3cr3t@db.example:5432/lake\"\n").unwrap();
        let c = Config::load(Some(&f), paths(dir.path())).unwrap();
        let (_, Profile::Postgres(p)) = c.profile(Some("meta")).unwrap() else { panic!("not postgres") };
        assert!(p.read_only);
        assert_eq!(p.statement_timeout_ms, 30_000);
        assert_eq!(p.display_target(), "postgres://ana:***@db.example:5432/lake");
        assert!(!format!("{c:?}").contains("s3cr3t"));
        assert_eq!(mask_url("postgres://u:p@ss:w@h/db"), "postgres://u:***@h/db");
        assert_eq!(mask_url("postgres://h/db?user=u&password=pw&sslmode=require"), "postgres://h/db?user=u&password=***&sslmode=require");
        assert_eq!(mask_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}
