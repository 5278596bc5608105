//! How Athena bills: bytes scanned rounded up to the next whole MB, 10 MB minimum per query,
//! times the price per TB. Binary units (MiB, TiB), as AWS's calculator uses. And the price
//! of reading the same bytes from S3 directly: GET requests, plus transfer out of the region.

use serde::Serialize;

pub const MIB: u64 = 1 << 20;
pub const TIB: u64 = 1 << 40;
pub const MIN_BILLED: u64 = 10 * MIB;
pub const GIB: u64 = 1 << 30;

/// Athena's bill for a query's scans.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AthenaBill {
    pub scanned_bytes: u64,
    pub billed_bytes: u64,
    pub billed_mb: u64,
    pub cost_usd: f64,
    pub price_per_tb_usd: f64,
}

/// The same scans read from S3 directly: GET requests, plus transfer when read from outside
/// the lake's region.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DirectRead {
    pub bytes: u64,
    /// Every GET: the data files' and, in an estimate, the tables' metadata's.
    pub get_requests: u64,
    /// The share of `get_requests` that reads the tables' metadata (metadata file, manifest
    /// list, manifests); 0 for a run, which counts its data files' GETs.
    pub metadata_get_requests: u64,
    pub get_cost_usd: f64,
    pub transfer_cost_usd: f64,
    pub cost_usd: f64,
    pub s3_get_per_1000_usd: f64,
    pub egress_per_gb_usd: f64,
    pub note: String,
    /// Priced for another profile (an Athena profile's estimate): the Glue-local profile that
    /// reads the same tables directly, where to switch to pay this instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

impl DirectRead {
    pub fn price(bytes: u64, get_requests: u64, budget: &crate::config::Budget) -> DirectRead {
        let get_cost_usd = get_requests as f64 / 1000.0 * budget.s3_get_per_1000_usd;
        let transfer_cost_usd = bytes as f64 / GIB as f64 * budget.egress_per_gb_usd;
        DirectRead {
            bytes,
            get_requests,
            metadata_get_requests: 0,
            get_cost_usd,
            transfer_cost_usd,
            cost_usd: get_cost_usd + transfer_cost_usd,
            s3_get_per_1000_usd: budget.s3_get_per_1000_usd,
            egress_per_gb_usd: budget.egress_per_gb_usd,
            note: "reads from inside the lake's region pay only GET requests; from outside it they also pay data transfer ([budget] egress_per_gb_usd)".into(),
            profile: None,
        }
    }

    /// `here (profile lake): 64.0 MB read, ≈ 210 GET requests ≈ $0.000084` (`here:` on the
    /// profile that reads directly itself); `tilde` marks a conservative estimate.
    pub fn here(&self, tilde: &str) -> String {
        let via = self.profile.as_ref().map(|p| format!(" (profile {p})")).unwrap_or_default();
        format!(
            "here{via}: {tilde}{} read, ≈ {} GET requests ≈ {}",
            human_bytes(self.bytes),
            self.get_requests,
            human_usd(self.cost_usd)
        )
    }
}

/// Bytes Athena would bill for `scanned` bytes.
pub fn billed_bytes(scanned: u64) -> u64 {
    scanned.div_ceil(MIB).saturating_mul(MIB).max(MIN_BILLED)
}

/// Dollars for `scanned` bytes at `price_per_tb`.
pub fn cost_usd(scanned: u64, price_per_tb: f64) -> f64 {
    billed_bytes(scanned) as f64 / TIB as f64 * price_per_tb
}

/// `1.2 GB`, `340 KB`, `17 B`.
pub fn human_bytes(b: u64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u < units.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 { format!("{b} B") } else { format!("{v:.1} {}", units[u]) }
}

/// `$0.000048`, `$0.15`, `$12.40`: enough digits to see a small bill.
pub fn human_usd(usd: f64) -> String {
    if usd >= 1.0 {
        format!("${usd:.2}")
    } else if usd >= 0.01 {
        format!("${usd:.4}")
    } else {
        format!("${usd:.6}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_up_to_the_mb_with_a_ten_mb_floor() {
        assert_eq!(billed_bytes(0), MIN_BILLED);
        assert_eq!(billed_bytes(1), MIN_BILLED);
        assert_eq!(billed_bytes(10 * MIB), 10 * MIB);
        assert_eq!(billed_bytes(10 * MIB + 1), 11 * MIB);
        assert_eq!(billed_bytes(3 * 1024 * MIB), 3 * 1024 * MIB);
        // The designers' example: ~3 GB at $5/TB is ~$0.015; the 10 MB floor is ~$0.0000477.
        assert!((cost_usd(3 * 1024 * MIB, 5.0) - 0.0146484375).abs() < 1e-12);
        assert!((cost_usd(1, 5.0) - 10.0 / 1024.0 / 1024.0 * 5.0).abs() < 1e-15);
        assert_eq!(human_bytes(1536), "1.5 KB");
        assert_eq!(human_usd(0.0146484375), "$0.0146");
    }

    #[test]
    fn a_direct_read_pays_its_gets_and_transfer_only_when_priced() {
        let mut budget = crate::config::Budget::default();
        let d = DirectRead::price(3 * GIB, 2500, &budget);
        assert!((d.get_cost_usd - 0.001).abs() < 1e-12 && d.transfer_cost_usd == 0.0 && d.cost_usd == d.get_cost_usd);
        budget.egress_per_gb_usd = 0.09;
        let d = DirectRead::price(3 * GIB, 2500, &budget);
        assert!((d.transfer_cost_usd - 0.27).abs() < 1e-12 && (d.cost_usd - 0.271).abs() < 1e-12);
    }
}
