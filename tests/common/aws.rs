//! The AWS stand-in for the Athena tests: a moto server of the test's own (started through
//! `scripts/moto_server.py` in the project's Python env, on a free loopback port, stopped on
//! drop), seeded through moto's own API. Outside CI a missing Python env skips; under CI it fails.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use fathom::config::{AthenaProfile, AthenaResults};
use fathom::engine::athena::{AthenaEngine, Poll};
use serde_json::{Value, json};

pub const REGION: &str = "us-east-1";
pub const RESULTS_BUCKET: &str = "athena-results";

pub struct Moto {
    child: Child,
    pub port: u16,
    pub endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    /// A fresh server, or None (outside CI) when the Python env cannot be made.
    pub fn start() -> Option<Moto> {
        let py = super::python()?;
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/moto_server.py");
        let mut child = Command::new(py)
            .arg(script)
            .arg("0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting scripts/moto_server.py");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port: u16 = match line.trim().strip_prefix("READY ").and_then(|p| p.parse().ok()) {
            Some(p) => p,
            None => {
                let _ = child.kill();
                panic!("moto did not start (it printed {line:?}); run scripts/python-env and check moto[server] installs");
            }
        };
        Some(Moto { child, port, endpoint: format!("http://127.0.0.1:{port}") })
    }

    /// The request log `scripts/moto_server.py` keeps (S3, Glue) since it was last cleared.
    pub fn request_log(&self) -> Vec<Value> {
        serde_json::from_str(&self.raw("GET", "/_fathom/requests", "")).expect("moto's request log is JSON")
    }

    pub fn clear_request_log(&self) {
        self.raw("DELETE", "/_fathom/requests", "");
    }

    /// GETs under `prefix` answer 403 from now on (an empty prefix lifts it).
    pub fn deny(&self, prefix: &str) {
        self.raw("PUT", "/_fathom/deny", prefix);
    }

    /// Access key ids of the Parquet GETs moto served since the last clear, which it clears.
    pub fn data_read_keys(&self) -> Vec<String> {
        let log = self.request_log();
        self.clear_request_log();
        log.iter()
            .filter(|r| r["method"] == "GET" && r["path"].as_str().is_some_and(|p| p.ends_with(".parquet")))
            .map(|r| r["access_key"].as_str().unwrap_or("").to_string())
            .collect()
    }

    /// One plain HTTP request to the server's own endpoints; the body of its 200 answer.
    fn raw(&self, method: &str, path: &str, body: &str) -> String {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(s, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", self.port, body.len())
            .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        assert!(resp.starts_with("HTTP/1.1 200") || resp.starts_with("HTTP/1.0 200"), "{method} {path}: {resp}");
        resp.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default()
    }

    /// POSTs JSON to moto's own API (`/moto-api/...`); returns the HTTP status.
    pub fn post(&self, path: &str, body: &Value) -> u16 {
        let body = body.to_string();
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        resp.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
    }

    /// Queues the result of the next query: a header row of the column names, then `rows`
    /// (None = NULL). `columns` are (name, Athena type, precision, scale).
    pub fn queue_result(&self, columns: &[(&str, &str, i64, i64)], rows: &[Vec<Option<String>>]) {
        let header = json!({"Data": columns.iter().map(|c| json!({"VarCharValue": c.0})).collect::<Vec<_>>()});
        let mut all = vec![header];
        all.extend(rows.iter().map(|r| {
            json!({"Data": r.iter().map(|v| match v { Some(v) => json!({"VarCharValue": v}), None => json!({}) }).collect::<Vec<_>>()})
        }));
        let info: Vec<Value> = columns
            .iter()
            .map(|(n, t, p, s)| {
                json!({"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": n, "Label": n, "Type": t,
                       "Precision": p, "Scale": s, "Nullable": "NULLABLE", "CaseSensitive": true})
            })
            .collect();
        let body = json!({"region": REGION, "results": [{"rows": all, "column_info": info}]});
        assert_eq!(self.post("/moto-api/static/athena/query-results", &body), 201, "seeding moto's Athena results");
    }

    /// Makes Athena executions advance one state every `times` status checks (QUEUED →
    /// RUNNING → SUCCEEDED), so queued/running states can be seen and stopped.
    pub fn slow_queries(&self, times: u32) {
        let body = json!({"model_name": "athena::execution", "transition": {"progression": "manual", "times": times}});
        assert_eq!(self.post("/moto-api/state-manager/set-transition", &body), 201, "setting moto's state manager");
    }

    /// A profile for this server (results to s3://athena-results/).
    pub fn profile(&self, results: AthenaResults) -> AthenaProfile {
        AthenaProfile {
            endpoint_url: Some(self.endpoint.clone()),
            output_location: Some(format!("s3://{RESULTS_BUCKET}/")),
            results,
            database: "market_data".into(),
            ..AthenaProfile::new(REGION)
        }
    }

    pub async fn sdk_config(&self) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(&self.endpoint)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
            .retry_config(fathom::engine::athena::client::retry_config())
            .load()
            .await
    }

    /// An engine on this server, with the results bucket made and quick polling.
    pub async fn engine(&self, profile: &AthenaProfile) -> AthenaEngine {
        let engine = AthenaEngine::with_sdk_config("emu", profile, self.sdk_config().await, false)
            .await
            .unwrap()
            .with_poll(Poll { initial: std::time::Duration::from_millis(20), ..Poll::default() });
        let _ = engine.clients().s3.create_bucket().bucket(RESULTS_BUCKET).send().await;
        engine
    }

    /// The environment a `fathom` child process needs to reach this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_REGION", REGION.into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ]
    }

    /// A config profile `[profiles.emu]` for this server.
    pub fn profile_toml(&self) -> String {
        format!(
            "[profiles.emu]\nengine = \"athena\"\nregion = \"{REGION}\"\nendpoint_url = \"{}\"\noutput_location = \"s3://{RESULTS_BUCKET}/\"\ndatabase = \"market_data\"\n",
            self.endpoint
        )
    }

    /// A home whose config has profile `emu`, and the small demo lake uploaded into this
    /// server's Glue + S3 (`s3://lake/warehouse`) by the real `fathom demo --athena-upload`.
    pub async fn upload_demo(&self, home_dir: &str) -> (super::Home, AthenaEngine) {
        let home = super::Home::fresh(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(home_dir));
        let dir = home.root.join("config/fathom");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), self.profile_toml()).unwrap();
        let engine = self.engine(&self.profile(AthenaResults::Auto)).await;
        engine.clients().s3.create_bucket().bucket("lake").send().await.unwrap();
        let out = home
            .cmd()
            .envs(self.env())
            .args(["demo", "--scale", "small", "--as-of", super::AS_OF, "--athena-upload", "s3://lake/warehouse", "--profile", "emu"])
            .output()
            .unwrap();
        assert!(out.status.success(), "demo --athena-upload: {}", String::from_utf8_lossy(&out.stderr));
        let printed = String::from_utf8_lossy(&out.stdout);
        assert!(printed.contains("market_data.us_stocks_price") && printed.contains("registered in Glue"), "{printed}");
        (home, engine)
    }
}

/// A Glue database `db` holding a Hive (not Iceberg) table `table` of `columns` (name, type),
/// partitioned by `partition_keys`: what a crawler registers over CSV or JSON files.
pub async fn hive_table(glue: &aws_sdk_glue::Client, db: &str, table: &str, columns: &[(&str, &str)], partition_keys: &[(&str, &str)]) {
    use aws_sdk_glue::types::{Column, DatabaseInput, StorageDescriptor, TableInput};
    glue.create_database().database_input(DatabaseInput::builder().name(db).build().unwrap()).send().await.unwrap();
    let col = |(n, t): &(&str, &str)| Column::builder().name(*n).r#type(*t).build().unwrap();
    let sd = StorageDescriptor::builder().set_columns(Some(columns.iter().map(col).collect())).location(format!("s3://lake/{db}/{table}/")).build();
    let input = TableInput::builder()
        .name(table)
        .storage_descriptor(sd)
        .set_partition_keys(Some(partition_keys.iter().map(col).collect()))
        .build()
        .unwrap();
    glue.create_table().database_name(db).table_input(input).send().await.unwrap();
}
