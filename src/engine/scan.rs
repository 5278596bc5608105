//! What a local query read, from its executed plan: the native scan counts every fetch from a
//! data file (footer, page indexes, column chunks: what Athena bills) as `bytes_scanned`, and
//! every ranged read of a remote file (one S3 GET) as `get_requests`.

use std::sync::Arc;

use datafusion::physical_plan::ExecutionPlan;

pub use crate::iceberg::read_bytes::{BYTES_SCANNED, GET_REQUESTS};

/// The sum of metric `name` over an executed plan; `None` when no operator reported it.
fn metric_sum(plan: &Arc<dyn ExecutionPlan>, name: &str) -> Option<u64> {
    let own = plan.metrics().and_then(|m| m.sum_by_name(name)).map(|v| v.as_usize() as u64);
    plan.children().iter().filter_map(|c| metric_sum(c, name)).fold(own, |sum, c| Some(sum.unwrap_or(0) + c))
}

/// Bytes the lake scans of an executed plan read.
pub fn bytes_scanned(plan: &Arc<dyn ExecutionPlan>) -> u64 {
    metric_sum(plan, BYTES_SCANNED).unwrap_or(0)
}

/// GET requests the lake scans of an executed plan sent to an object store (0 when it read
/// no remote file).
pub fn get_requests(plan: &Arc<dyn ExecutionPlan>) -> u64 {
    metric_sum(plan, GET_REQUESTS).unwrap_or(0)
}
