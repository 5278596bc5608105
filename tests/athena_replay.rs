//! The Athena engine against recorded HTTP exchanges (the AWS SDK's own StaticReplayClient):
//! state sequences moto cannot produce (RUNNING→QUEUED→RUNNING→SUCCEEDED), FAILED with its
//! reason, CANCELLED, throttling retried with the same ClientRequestToken (one query), and
//! missing credentials (in-process, and through the real credential chain of the binary).

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
use aws_smithy_types::body::SdkBody;
use fathom::config::AthenaProfile;
use fathom::engine::athena::{AthenaEngine, Poll};
use fathom::engine::{Engine, Progress, ProgressFn, collect};
use serde_json::{Value, json};

fn event(status: u16, body: Value) -> ReplayEvent {
    ReplayEvent::new(
        http::Request::builder().uri("https://athena.us-east-1.amazonaws.com/").body(SdkBody::empty()).unwrap(),
        http::Response::builder()
            .status(status)
            .header("content-type", "application/x-amz-json-1.1")
            .body(SdkBody::from(body.to_string()))
            .unwrap(),
    )
}

fn workgroup() -> ReplayEvent {
    event(200, json!({"WorkGroup": {"Name": "primary", "State": "ENABLED", "Configuration": {}}}))
}

fn started(id: &str) -> ReplayEvent {
    event(200, json!({"QueryExecutionId": id}))
}

fn status(id: &str, state: &str, reason: Option<&str>, scanned: i64) -> ReplayEvent {
    let mut st = json!({"State": state});
    if let Some(r) = reason {
        st["StateChangeReason"] = json!(r);
    }
    event(
        200,
        json!({"QueryExecution": {
            "QueryExecutionId": id, "Query": "SELECT 42 AS n", "StatementType": "DML",
            "ResultConfiguration": {"OutputLocation": format!("s3://results/{id}.csv")},
            "Status": st,
            "Statistics": {"DataScannedInBytes": scanned, "EngineExecutionTimeInMillis": 10}
        }}),
    )
}

fn results() -> ReplayEvent {
    event(
        200,
        json!({"ResultSet": {
            "Rows": [{"Data": [{"VarCharValue": "n"}]}, {"Data": [{"VarCharValue": "42"}]}, {"Data": [{}]}],
            "ResultSetMetadata": {"ColumnInfo": [{"Name": "n", "Type": "integer", "Nullable": "NULLABLE"}]}
        }}),
    )
}

fn error(status: u16, kind: &str, message: &str) -> ReplayEvent {
    event(status, json!({"__type": kind, "Message": message}))
}

async fn config(client: &StaticReplayClient, creds: bool) -> SdkConfig {
    let mut b = SdkConfig::builder()
        .region(Region::new("us-east-1"))
        .behavior_version(BehaviorVersion::latest())
        .http_client(client.clone())
        .retry_config(fathom::engine::athena::client::retry_config())
        .sleep_impl(aws_smithy_async::rt::sleep::default_async_sleep().unwrap())
        .time_source(aws_smithy_async::time::SystemTimeSource::new());
    if creds {
        b = b.credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(Credentials::new(
            "AKIDTEST", "SECRETTEST", None, None, "test",
        )));
    }
    b.build()
}

fn profile() -> AthenaProfile {
    AthenaProfile { output_location: Some("s3://results/".into()), ..AthenaProfile::new("us-east-1") }
}

async fn engine(client: &StaticReplayClient) -> AthenaEngine {
    AthenaEngine::with_sdk_config("replay", &profile(), config(client, true).await, false)
        .await
        .unwrap()
        .with_poll(Poll { initial: Duration::from_millis(5), max: Duration::from_millis(20), factor: 2.0 })
}

fn recorder() -> (ProgressFn, Arc<Mutex<Vec<String>>>) {
    let states = Arc::new(Mutex::new(Vec::new()));
    let s = states.clone();
    (Arc::new(move |p: Progress| s.lock().unwrap().push(p.state)), states)
}

fn bodies(client: &StaticReplayClient) -> Vec<Value> {
    client
        .actual_requests()
        .map(|r| serde_json::from_slice(r.body().bytes().unwrap_or_default()).unwrap_or(Value::Null))
        .collect()
}

fn targets(client: &StaticReplayClient) -> Vec<String> {
    client
        .actual_requests()
        .map(|r| r.headers().get("x-amz-target").unwrap_or_default().trim_start_matches("AmazonAthena.").to_string())
        .collect()
}

#[tokio::test]
async fn running_queued_running_succeeded_is_followed_to_the_rows_and_the_scanned_bytes() {
    let client = StaticReplayClient::new(vec![
        workgroup(),
        started("q-1"),
        status("q-1", "RUNNING", None, 0),
        status("q-1", "QUEUED", None, 0),
        status("q-1", "RUNNING", None, 1_000_000),
        status("q-1", "SUCCEEDED", None, 123_456_789),
        results(),
    ]);
    let engine = engine(&client).await;
    let (progress, states) = recorder();
    let stream = engine.execute_with_progress("SELECT 42 AS n", &[], progress).await.unwrap();
    let got = collect(stream, 100).await.unwrap();
    assert_eq!(*states.lock().unwrap(), ["RUNNING", "QUEUED", "RUNNING", "SUCCEEDED"]);
    assert_eq!(got.rows(), 2, "the header row is dropped, the NULL row kept");
    assert_eq!(got.scanned_bytes, Some(123_456_789), "DataScannedInBytes goes to the ledger");
    let col = got.batches[0].column(0);
    assert_eq!(col.data_type(), &arrow::datatypes::DataType::Int32);
    assert!(arrow::array::Array::is_null(col.as_ref(), 1));
    assert_eq!(
        targets(&client),
        ["GetWorkGroup", "StartQueryExecution", "GetQueryExecution", "GetQueryExecution", "GetQueryExecution", "GetQueryExecution", "GetQueryResults"]
    );
    let start = &bodies(&client)[1];
    assert_eq!(start["QueryString"], "SELECT 42 AS n");
    assert_eq!(start["WorkGroup"], "primary");
    assert_eq!(start["ResultConfiguration"]["OutputLocation"], "s3://results/");
    assert!(start["ClientRequestToken"].as_str().unwrap().len() >= 32);
}

#[tokio::test]
async fn failed_shows_the_state_change_reason_verbatim() {
    let reason = "SYNTAX_ERROR: line 1:8: Column 'closee' cannot be resolved or requester is not authorized to access requested resources";
    let client = StaticReplayClient::new(vec![
        workgroup(),
        started("q-2"),
        status("q-2", "RUNNING", None, 0),
        status("q-2", "FAILED", Some(reason), 0),
    ]);
    let e = engine(&client).await.execute("SELECT closee FROM t", &[]).await.err().unwrap().to_string();
    assert!(e.contains(reason), "{e}");
    assert!(e.contains("q-2") && e.contains("FAILED"), "{e}");
}

#[tokio::test]
async fn cancelled_elsewhere_is_reported_as_cancelled() {
    let client = StaticReplayClient::new(vec![
        workgroup(),
        started("q-3"),
        status("q-3", "QUEUED", None, 0),
        status("q-3", "CANCELLED", Some("Query cancelled by user"), 0),
    ]);
    let e = engine(&client).await.execute("SELECT 1", &[]).await.err().unwrap().to_string();
    assert!(e.contains("CANCELLED") && e.contains("Query cancelled by user"), "{e}");
}

#[tokio::test]
async fn throttling_is_retried_with_the_same_client_request_token_so_one_query_runs() {
    let client = StaticReplayClient::new(vec![
        workgroup(),
        error(400, "ThrottlingException", "Rate exceeded"),
        error(400, "TooManyRequestsException", "You have exceeded the limit for the number of queries you can run concurrently"),
        started("q-4"),
        status("q-4", "SUCCEEDED", None, 10),
        results(),
    ]);
    let engine = engine(&client).await;
    let got = collect(engine.execute("SELECT 42 AS n", &[]).await.unwrap(), 100).await.unwrap();
    assert_eq!(got.rows(), 2);
    let t = targets(&client);
    assert_eq!(t.iter().filter(|t| *t == "StartQueryExecution").count(), 3, "{t:?}");
    let b = bodies(&client);
    let tokens: Vec<&str> = b[1..4].iter().map(|r| r["ClientRequestToken"].as_str().unwrap()).collect();
    assert!(tokens.iter().all(|t| *t == tokens[0]), "one token for every attempt: {tokens:?}");
    // The status checks are all for the one query Athena started.
    assert!(b.iter().filter(|r| r.get("QueryExecutionId").is_some()).all(|r| r["QueryExecutionId"] == "q-4"));
}

#[tokio::test]
async fn parameters_are_execution_parameters_in_the_request() {
    let client = StaticReplayClient::new(vec![workgroup(), started("q-5"), status("q-5", "SUCCEEDED", None, 0), results()]);
    let engine = engine(&client).await;
    let params = [fathom::library::ParamValue::Text("it's".into()), fathom::library::ParamValue::Int(5)];
    collect(engine.execute("SELECT ? AS a, ? AS b", &params).await.unwrap(), 10).await.unwrap();
    let start = &bodies(&client)[1];
    assert_eq!(start["QueryString"], "SELECT ? AS a, ? AS b");
    assert_eq!(start["ExecutionParameters"], json!(["'it''s'", "5"]));
}

#[tokio::test]
async fn missing_credentials_say_how_to_log_in_before_any_request() {
    let client = StaticReplayClient::new(vec![]);
    let e = AthenaEngine::with_sdk_config("replay", &profile(), config(&client, false).await, false).await.err().unwrap().to_string();
    assert!(e.contains("no AWS credentials found") && e.contains("aws sso login"), "{e}");
    assert_eq!(client.actual_requests().count(), 0);
}

#[test]
fn the_binary_reports_missing_credentials_from_the_real_chain() {
    let home = common::Home::fresh(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("athena-nocreds"));
    let dir = home.root.join("config/fathom");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "[profiles.prod]\nengine = \"athena\"\nregion = \"us-east-1\"\noutput_location = \"s3://r/\"\n",
    )
    .unwrap();
    let mut cmd = home.cmd();
    for v in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
        cmd.env_remove(v);
    }
    let out = cmd
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.root.join("none-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.root.join("none-credentials"))
        .args(["run", "--profile", "prod", "SELECT 1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no AWS credentials found") && err.contains("aws configure"), "{err}");
}

fn s3_denied() -> ReplayEvent {
    ReplayEvent::new(
        http::Request::builder().uri("https://results.s3.us-east-1.amazonaws.com/q-6.csv").body(SdkBody::empty()).unwrap(),
        http::Response::builder()
            .status(403)
            .header("content-type", "application/xml")
            .body(SdkBody::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"))
            .unwrap(),
    )
}

fn page(rows: std::ops::Range<i32>, header: bool, next: Option<&str>) -> ReplayEvent {
    let mut data: Vec<Value> = Vec::new();
    if header {
        data.push(json!({"Data": [{"VarCharValue": "n"}]}));
    }
    data.extend(rows.map(|i| json!({"Data": [{"VarCharValue": i.to_string()}]})));
    let mut body = json!({"ResultSet": {"Rows": data, "ResultSetMetadata": {"ColumnInfo": [{"Name": "n", "Type": "integer"}]}}});
    if let Some(n) = next {
        body["NextToken"] = json!(n);
    }
    event(200, body)
}

#[tokio::test]
async fn when_s3_refuses_the_result_file_the_rows_come_through_get_query_results_pages() {
    let client = StaticReplayClient::new(vec![
        workgroup(),
        started("q-6"),
        status("q-6", "SUCCEEDED", None, 0),
        page(0..1000, true, Some("t1")),
        s3_denied(),
        page(1000..2000, false, Some("t2")),
        page(2000..2501, false, None),
    ]);
    let engine = engine(&client).await;
    let got = collect(engine.execute("SELECT n FROM t", &[]).await.unwrap(), usize::MAX).await.unwrap();
    assert_eq!(got.rows(), 2501, "exactly the rows, the header skipped once");
    assert_eq!(engine.last_via(), Some(fathom::engine::athena::Via::Api));
    let values: Vec<i32> = got
        .batches
        .iter()
        .flat_map(|b| arrow::array::AsArray::as_primitive::<arrow::datatypes::Int32Type>(b.column(0)).values().to_vec())
        .collect();
    assert_eq!(values, (0..2501).collect::<Vec<_>>());
    let b = bodies(&client);
    assert_eq!(b[5]["NextToken"], "t1");
    assert_eq!(b[6]["NextToken"], "t2");
}

#[tokio::test]
async fn utility_statements_keep_their_first_row_and_writes_need_an_open_profile_and_write() {
    // SHOW/DESCRIBE results have no header row.
    let show = event(
        200,
        json!({"QueryExecution": {"QueryExecutionId": "q-7", "StatementType": "UTILITY",
            "ResultConfiguration": {"OutputLocation": "s3://results/q-7.txt"}, "Status": {"State": "SUCCEEDED"}}}),
    );
    let rows = event(
        200,
        json!({"ResultSet": {"Rows": [{"Data": [{"VarCharValue": "kr_stocks_price"}]}, {"Data": [{"VarCharValue": "us_stocks_price"}]}],
            "ResultSetMetadata": {"ColumnInfo": [{"Name": "tab_name", "Type": "string"}]}}}),
    );
    let client = StaticReplayClient::new(vec![workgroup(), started("q-7"), show, rows]);
    let got = collect(engine(&client).await.execute("SHOW TABLES IN market_data", &[]).await.unwrap(), 10).await.unwrap();
    assert_eq!(got.rows(), 2, "no header row to drop");

    // A write on a read-only profile is refused before any request.
    let client = StaticReplayClient::new(vec![]);
    let e = engine(&client).await.execute("INSERT INTO t SELECT 1", &[]).await.err().unwrap().to_string();
    assert!(e.contains("INSERT") && e.contains("read-only"), "{e}");
    assert_eq!(client.actual_requests().count(), 0);

    // With read_only = false and --write: it runs, and reports Athena's UpdateCount.
    let done = event(
        200,
        json!({"QueryExecution": {"QueryExecutionId": "q-8", "StatementType": "DML",
            "ResultConfiguration": {"OutputLocation": "s3://results/q-8.csv"}, "Status": {"State": "SUCCEEDED"}}}),
    );
    let count = event(200, json!({"UpdateCount": 3, "ResultSet": {"Rows": [], "ResultSetMetadata": {"ColumnInfo": []}}}));
    let client = StaticReplayClient::new(vec![workgroup(), started("q-8"), done, count]);
    let open = AthenaProfile { read_only: false, ..profile() };
    let writer = AthenaEngine::with_sdk_config("replay", &open, config(&client, true).await, true).await.unwrap();
    let got = collect(writer.execute("INSERT INTO t SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3", &[]).await.unwrap(), 10).await.unwrap();
    let n = arrow::array::AsArray::as_primitive::<arrow::datatypes::Int64Type>(got.batches[0].column(0)).value(0);
    assert_eq!((got.batches[0].schema().field(0).name().as_str(), n), ("rows_affected", 3));
}

#[tokio::test]
async fn result_reuse_is_asked_for_with_its_max_age() {
    let client = StaticReplayClient::new(vec![workgroup(), started("q-9"), status("q-9", "SUCCEEDED", None, 0), results()]);
    let p = AthenaProfile { result_reuse_minutes: Some(60), ..profile() };
    let engine = AthenaEngine::with_sdk_config("replay", &p, config(&client, true).await, false).await.unwrap();
    collect(engine.execute("SELECT 42 AS n", &[]).await.unwrap(), 10).await.unwrap();
    let start = &bodies(&client)[1];
    assert_eq!(start["ResultReuseConfiguration"]["ResultReuseByAgeConfiguration"], json!({"Enabled": true, "MaxAgeInMinutes": 60}));
}
