//! `[budget]`: spending limits, and the price list the estimate bills with (Athena per TB
//! scanned; a direct read of the lake per GET request and per GB transferred).

use serde::Deserialize;

/// Spending limits and the price list (used by the estimate and `fathom run`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Budget {
    pub price_per_tb_usd: f64,
    pub confirm_above_usd: Option<f64>,
    pub refuse_above_usd: Option<f64>,
    /// S3 GET requests, per 1,000 (a direct read of the lake pays these instead of Athena).
    pub s3_get_per_1000_usd: f64,
    /// Data transfer out of the lake's region, per GB (0 inside the region).
    pub egress_per_gb_usd: f64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            price_per_tb_usd: 5.0,
            confirm_above_usd: Some(0.10),
            refuse_above_usd: Some(5.0),
            s3_get_per_1000_usd: 0.0004,
            egress_per_gb_usd: 0.0,
        }
    }
}
