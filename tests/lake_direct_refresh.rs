//! Credentials are not frozen when a Glue-local profile opens: between two queries of one
//! engine the shared credentials file is rewritten (as `aws configure` or a credential helper
//! would), and the second query reads S3 with the new key, as moto's request log shows. Its
//! own test binary: it points the AWS chain of this process at its own files.

mod common;

use common::aws::Moto;
use fathom::config::LocalProfile;
use fathom::engine::Engine;
use fathom::engine::lake_direct::DirectEngine;

fn write_credentials(path: &std::path::Path, key: &str) {
    std::fs::write(path, format!("[default]\naws_access_key_id = {key}\naws_secret_access_key = secret-{key}\n")).unwrap();
}

#[test]
fn a_rewritten_credentials_file_is_used_by_the_next_query_of_the_same_engine() {
    let Some(moto) = Moto::start() else { return };
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("direct-refresh-aws");
    std::fs::create_dir_all(&dir).unwrap();
    let credentials = dir.join("credentials");
    write_credentials(&credentials, "AKIDFIRSTKEY");
    // This process's AWS chain reads only these files (set before any thread starts).
    unsafe {
        for k in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"] {
            std::env::remove_var(k);
        }
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &credentials);
        std::env::set_var("AWS_CONFIG_FILE", dir.join("config"));
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let _uploaded = moto.upload_demo("direct-refresh").await;
        let profile = LocalProfile {
            catalog: "glue".into(),
            region: Some(common::aws::REGION.into()),
            endpoint_url: Some(moto.endpoint.clone()),
            ..LocalProfile::default()
        };
        let engine = DirectEngine::connect("direct", &profile).await.expect("the Glue-local profile opens");
        let sql = "SELECT count(*) AS n, sum(adj_close) AS s FROM market_data.us_stocks_price WHERE trade_date >= DATE '2024-12-01'";
        moto.data_read_keys();

        let first = fathom::engine::collect(engine.execute(sql, &[]).await.unwrap(), 10).await.unwrap();
        let keys = moto.data_read_keys();
        assert!(!keys.is_empty() && keys.iter().all(|k| k == "AKIDFIRSTKEY"), "{keys:?}");

        write_credentials(&credentials, "AKIDSECONDKEY");
        let second = fathom::engine::collect(engine.execute(sql, &[]).await.unwrap(), 10).await.unwrap();
        let keys = moto.data_read_keys();
        assert!(!keys.is_empty() && keys.iter().all(|k| k == "AKIDSECONDKEY"), "the second query used the new key: {keys:?}");
        assert_eq!(engine.access_key_id().await, "AKIDSECONDKEY");
        assert_eq!(first.batches, second.batches, "both queries answer, the same");
        assert_eq!(first.rows(), 1);
    });
}
