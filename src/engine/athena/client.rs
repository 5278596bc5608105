//! The AWS side: one SDK config from the profile (credentials only from the standard chain),
//! the Athena, S3 and Glue clients, a request counter, and AWS errors turned into messages
//! that say what to do.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::config::AthenaProfile;
use crate::error::{FathomError, Result};

/// Counts HTTP requests (every attempt, retries included) across the clients it is added to.
#[derive(Debug, Clone, Default)]
pub struct RequestCounter(Arc<AtomicUsize>);

impl RequestCounter {
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "fathom-request-counter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> std::result::Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

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
pub async fn sdk_config(profile: &AthenaProfile) -> Result<SdkConfig> {
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
            "no AWS region for the Athena profile: set `region` in the profile, or AWS_REGION, or a region in ~/.aws/config".into(),
        ));
    }
    Ok(config)
}

/// Resolves credentials once, so a missing or expired login is reported before any query
/// starts. The credentials themselves are never printed.
pub async fn credentials(config: &SdkConfig, profile: &AthenaProfile) -> Result<Credentials> {
    let Some(provider) = config.credentials_provider() else {
        return Err(no_credentials(profile, "no credentials provider is configured"));
    };
    provider.provide_credentials().await.map_err(|e| {
        let detail = aws_smithy_types::error::display::DisplayErrorContext(&e).to_string();
        no_credentials(profile, &detail)
    })
}

fn no_credentials(profile: &AthenaProfile, detail: &str) -> FathomError {
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

/// Whether an S3 error means "you may not read this" (the cue to fall back to GetQueryResults).
pub fn is_access_denied<E>(
    e: &aws_smithy_runtime_api::client::result::SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
) -> bool
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata,
{
    use aws_smithy_runtime_api::client::result::SdkError;
    match e {
        SdkError::ServiceError(se) => {
            matches!(se.err().code(), Some("AccessDenied" | "AllAccessDisabled" | "Forbidden"))
                || se.raw().status().as_u16() == 403
        }
        _ => false,
    }
}

/// The three clients, sharing one config and one request counter.
#[derive(Clone, Debug)]
pub struct Clients {
    pub athena: aws_sdk_athena::Client,
    pub s3: aws_sdk_s3::Client,
    pub glue: aws_sdk_glue::Client,
    pub requests: RequestCounter,
}

impl Clients {
    pub fn new(config: &SdkConfig, path_style: bool) -> Clients {
        let requests = RequestCounter::default();
        let athena = aws_sdk_athena::Client::from_conf(
            aws_sdk_athena::config::Builder::from(config).interceptor(requests.clone()).build(),
        );
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(config)
                .force_path_style(path_style)
                .interceptor(requests.clone())
                .build(),
        );
        let glue = aws_sdk_glue::Client::from_conf(
            aws_sdk_glue::config::Builder::from(config).interceptor(requests.clone()).build(),
        );
        Clients { athena, s3, glue, requests }
    }
}

/// `s3://bucket/key` → (bucket, key).
pub fn split_s3_url(url: &str) -> Result<(String, String)> {
    let rest = url
        .strip_prefix("s3://")
        .or_else(|| url.strip_prefix("s3a://"))
        .ok_or_else(|| FathomError::Other(format!("'{url}' is not an s3:// location")))?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(FathomError::Other(format!("'{url}' names no bucket")));
    }
    Ok((bucket.to_string(), key.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls_split_into_bucket_and_key() {
        assert_eq!(split_s3_url("s3://b/p/q.csv").unwrap(), ("b".into(), "p/q.csv".into()));
        assert_eq!(split_s3_url("s3://b").unwrap(), ("b".into(), "".into()));
        assert!(split_s3_url("https://b/x").unwrap_err().to_string().contains("not an s3://"));
    }

    #[test]
    fn an_expired_sso_session_says_how_to_log_in() {
        let mut p = AthenaProfile::new("us-east-1");
        p.aws_profile = Some("lake-ro".into());
        let e = no_credentials(&p, "the SSO session associated with this profile has expired").to_string();
        assert!(e.contains("aws sso login --profile lake-ro"), "{e}");
        let e = no_credentials(&p, "no providers in chain provided credentials").to_string();
        assert!(e.contains("no AWS credentials found") && e.contains("lake-ro"), "{e}");
    }
}
