//! Athena's AWS clients: the Athena, S3 and Glue clients on one SDK config ([`crate::engine::aws`]),
//! a request counter, and S3 URLs.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_config::SdkConfig;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

pub use crate::engine::aws::{retry_config, sdk_error};
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
}
