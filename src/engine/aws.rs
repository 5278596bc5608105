//! The AWS side shared by the engines that reach the lake's account (Athena, and the local
//! engine over Glue + S3): one SDK config from the profile (credentials only from the standard
//! chain), credentials resolved with messages that say how to log in, the Glue catalog as an
//! Iceberg catalog, and AWS errors turned into messages that say what to do.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::ProvideCredentials;
use iceberg::io::{S3_ENDPOINT, S3_PATH_STYLE_ACCESS, S3_REGION};
use iceberg::{Catalog, CatalogBuilder, TableIdent};
use iceberg_catalog_glue::{
    AWS_ACCESS_KEY_ID, AWS_REGION_NAME, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, GLUE_CATALOG_PROP_CATALOG_ID,
    GLUE_CATALOG_PROP_URI, GLUE_CATALOG_PROP_WAREHOUSE, GlueCatalogBuilder,
};

pub use crate::config::AwsTarget;
use crate::error::{FathomError, Result};
use crate::iceberg::tables::Pointer;

/// Retries: the SDK's standard mode retries throttling (ThrottlingException,
/// TooManyRequestsException, SlowDown, ...) and transient errors with jittered exponential
/// backoff; a retried StartQueryExecution carries the same ClientRequestToken.
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(8)
        .with_initial_backoff(Duration::from_millis(100))
        .with_max_backoff(Duration::from_secs(5))
}

/// The SDK config of a profile, from the standard AWS chain.
pub async fn sdk_config(profile: &AwsTarget) -> Result<SdkConfig> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(retry_config());
    if let Some(r) = &profile.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(p) = &profile.aws_profile {
        loader = loader.profile_name(p);
    }
    if let Some(e) = &profile.endpoint_url {
        loader = loader.endpoint_url(e);
    }
    let config = loader.load().await;
    if config.region().is_none() {
        return Err(FathomError::Other(
            "no AWS region for the profile: set `region` in the profile, or AWS_REGION, or a region in ~/.aws/config".into(),
        ));
    }
    Ok(config)
}

/// Resolves credentials once, so a missing or expired login is reported before any query
/// starts. The credentials themselves are never printed.
pub async fn credentials(config: &SdkConfig, profile: &AwsTarget) -> Result<Credentials> {
    let Some(provider) = config.credentials_provider() else {
        return Err(no_credentials(profile, "no credentials provider is configured"));
    };
    provider.provide_credentials().await.map_err(|e| {
        let detail = aws_smithy_types::error::display::DisplayErrorContext(&e).to_string();
        no_credentials(profile, &detail)
    })
}

fn no_credentials(profile: &AwsTarget, detail: &str) -> FathomError {
    let named = profile.aws_profile.clone().or_else(|| std::env::var("AWS_PROFILE").ok());
    let lower = detail.to_ascii_lowercase();
    if lower.contains("sso") || lower.contains("token has expired") || lower.contains("expired") {
        let p = named.as_deref().unwrap_or("<your profile>");
        return FathomError::Other(format!(
            "the AWS SSO session has expired or is missing: run `aws sso login --profile {p}`, then try again ({})",
            first_line(detail)
        ));
    }
    FathomError::Other(format!(
        "no AWS credentials found (looked in the environment, {}~/.aws/credentials and ~/.aws/config, SSO, web identity and the instance metadata service): \
         run `aws configure` or `aws sso login`, or set AWS_PROFILE; detail: {}",
        named.map(|p| format!("the profile '{p}', ")).unwrap_or_default(),
        first_line(detail)
    ))
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// An SDK error as a message: the service's error code and message, or the transport failure.
pub fn sdk_error<E, R>(what: &str, e: aws_smithy_runtime_api::client::result::SdkError<E, R>) -> FathomError
where
    E: std::error::Error + aws_smithy_types::error::metadata::ProvideErrorMetadata + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    use aws_smithy_runtime_api::client::result::SdkError;
    match &e {
        SdkError::ServiceError(se) => {
            let err = se.err();
            let code = err.code().unwrap_or("error");
            let msg = err.message().unwrap_or("");
            let hint = match code {
                "AccessDeniedException" | "AccessDenied" => {
                    "; the credentials in use lack this permission (check the IAM policy or pick another aws_profile)"
                }
                "ExpiredTokenException" | "ExpiredToken" => "; the session has expired: run `aws sso login` or refresh the credentials",
                "InvalidRequestException" if msg.contains("output location") || msg.contains("OutputLocation") => {
                    "; set `output_location` in the profile or an output location in the workgroup"
                }
                _ => "",
            };
            FathomError::Query(format!("{what}: {code}: {msg}{hint}"))
        }
        _ => {
            let detail = aws_smithy_types::error::display::DisplayErrorContext(&e).to_string();
            let lower = detail.to_ascii_lowercase();
            if lower.contains("credential") || lower.contains("identity") {
                return FathomError::Other(format!(
                    "{what}: no usable AWS credentials ({}); run `aws configure` or `aws sso login`, or set AWS_PROFILE",
                    first_line(&detail)
                ));
            }
            FathomError::Query(format!("{what}: cannot reach AWS: {detail}"))
        }
    }
}


/// A Glue client of `config` signing with `creds` (the ones the catalog was opened with).
pub fn glue_client(config: &SdkConfig, creds: &Credentials) -> aws_sdk_glue::Client {
    aws_sdk_glue::Client::from_conf(aws_sdk_glue::config::Builder::from(config).credentials_provider(creds.clone()).build())
}

/// A table's metadata file as Glue names it (GetTable's `metadata_location`), without reading
/// the file: [`LakeTables`](crate::iceberg::LakeTables) then reuses a table while it is unchanged.
pub fn glue_pointer(glue: aws_sdk_glue::Client, catalog_id: Option<String>) -> Pointer {
    Arc::new(move |ident: TableIdent| {
        let (glue, catalog_id) = (glue.clone(), catalog_id.clone());
        Box::pin(async move {
            let out = glue
                .get_table()
                .set_catalog_id(catalog_id)
                .database_name(ident.namespace().join("."))
                .name(ident.name())
                .send()
                .await
                .ok()?;
            out.table()?.parameters()?.get("metadata_location").cloned()
        })
    })
}

/// The Glue catalog as an Iceberg catalog, reading metadata, manifests and data files from S3
/// (its FileIO) with the given credentials, region and endpoint. `warehouse` is where new
/// tables go (only `fathom demo --athena-upload` creates any).
pub async fn glue_catalog(
    target: &AwsTarget,
    region: &str,
    creds: &Credentials,
    warehouse: Option<&str>,
) -> Result<Arc<dyn Catalog>> {
    let mut props = HashMap::from([
        (GLUE_CATALOG_PROP_WAREHOUSE.to_string(), warehouse.unwrap_or("s3://fathom-no-warehouse/").to_string()),
        (AWS_REGION_NAME.to_string(), region.to_string()),
        (S3_REGION.to_string(), region.to_string()),
        (AWS_ACCESS_KEY_ID.to_string(), creds.access_key_id().to_string()),
        (AWS_SECRET_ACCESS_KEY.to_string(), creds.secret_access_key().to_string()),
    ]);
    if let Some(t) = creds.session_token() {
        props.insert(AWS_SESSION_TOKEN.to_string(), t.to_string());
    }
    if let Some(e) = &target.endpoint_url {
        props.insert(GLUE_CATALOG_PROP_URI.to_string(), e.clone());
        props.insert(S3_ENDPOINT.to_string(), e.clone());
        props.insert(S3_PATH_STYLE_ACCESS.to_string(), "true".to_string());
    }
    if let Some(id) = &target.glue_catalog_id {
        props.insert(GLUE_CATALOG_PROP_CATALOG_ID.to_string(), id.clone());
    }
    let catalog = GlueCatalogBuilder::default()
        .load("glue", props)
        .await
        .map_err(|e| FathomError::Catalog { uri: "AWS Glue".into(), message: e.to_string() })?;
    Ok(Arc::new(catalog))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_sso_session_says_how_to_log_in() {
        let p = AwsTarget { aws_profile: Some("lake-ro".into()), ..AwsTarget::default() };
        let e = no_credentials(&p, "the SSO session associated with this profile has expired").to_string();
        assert!(e.contains("aws sso login --profile lake-ro"), "{e}");
        let e = no_credentials(&p, "no providers in chain provided credentials").to_string();
        assert!(e.contains("no AWS credentials found") && e.contains("lake-ro"), "{e}");
    }
}
