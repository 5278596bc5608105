//! The bytes a local query read, from its executed plan: the native scan counts every fetch
//! from a data file (footer, page indexes, column chunks: what Athena bills) as
//! `bytes_scanned`.

use std::sync::Arc;

use datafusion::physical_plan::ExecutionPlan;

pub use crate::iceberg::read_bytes::BYTES_SCANNED;

/// Bytes the lake scans of an executed plan read.
pub fn bytes_scanned(plan: &Arc<dyn ExecutionPlan>) -> u64 {
    let own = plan
        .metrics()
        .and_then(|m| m.sum_by_name(BYTES_SCANNED))
        .map(|v| v.as_usize() as u64)
        .unwrap_or(0);
    own + plan.children().iter().map(|c| bytes_scanned(c)).sum::<u64>()
}
