//! The scan-cost estimate: SQL → table scans → Iceberg file planning → bytes → Athena's bill.
//! `scans` reads the query, `planner` plans files against the catalog, `bill` prices them.

pub mod bill;
pub mod planner;
pub mod scans;

use std::fmt::Write;

use serde::Serialize;

use crate::config::Budget;
pub use planner::{Estimator, TableEstimate};

/// How a budget warning starts.
const OVER_BUDGET: &str = "over budget";

/// The estimate of one query.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Estimate {
    pub tables: Vec<TableEstimate>,
    pub total_bytes: u64,
    pub billed_bytes: u64,
    pub billed_mb: u64,
    pub cost_usd: f64,
    pub price_per_tb_usd: f64,
    /// True when DataFusion could not plan the SQL: superset of columns, no pruning.
    pub conservative: bool,
    pub warnings: Vec<String>,
    /// PostgreSQL's own plan estimate (rows and cost units); Postgres is not billed per byte.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postgres: Option<PgPlanCost>,
    /// Athena: the workgroup's per-query scan cutoff (a query that reaches it is cancelled,
    /// and the bytes read so far are billed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cutoff_bytes: Option<u64>,
    /// On a profile that reads the lake directly: Athena's bill for the same query ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub athena: Option<Box<bill::AthenaBill>>,
    /// ... and the direct read's price, which is then `cost_usd` (what the budget gates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct: Option<Box<bill::DirectRead>>,
}

/// `EXPLAIN (FORMAT JSON)`: the top plan node's rows and total cost (planner cost units).
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct PgPlanCost {
    pub rows: u64,
    pub total_cost: f64,
}

/// What the budget says about running a query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    Run,
    /// Above `confirm_above_usd`: ask first.
    Confirm(f64),
    /// Above `refuse_above_usd`: only with an explicit allowance of at least the cost.
    Refuse(f64),
}

impl Estimate {
    /// Totals, bill and warnings for the planned scans.
    pub fn assemble(tables: Vec<TableEstimate>, conservative: Option<String>, budget: &Budget) -> Estimate {
        let total_bytes: u64 = tables.iter().map(|t| t.bytes).sum();
        let billed_bytes = bill::billed_bytes(total_bytes);
        let mut warnings = Vec::new();
        if let Some(reason) = &conservative {
            warnings.push(format!(
                "conservative estimate: {reason}; counted every file of each table and every column the query names"
            ));
        }
        for t in &tables {
            if let Some(pc) = &t.partition_column
                && !t.filter_columns.contains(pc) && t.partitions_total > 1 && t.partitions_kept == t.partitions_total {
                    warnings.push(format!(
                        "no filter on partition column {pc} of {}: all {} partitions are read",
                        t.table, t.partitions_total
                    ));
                }
            if t.star && t.all_columns > 2 {
                warnings.push(format!(
                    "SELECT * reads all {} columns of {}; name only the columns you need",
                    t.all_columns, t.table
                ));
            }
            if t.files_without_column_sizes > 0 {
                warnings.push(format!(
                    "{} file(s) of {} have no column-size metrics; their bytes are file size × the share of columns read",
                    t.files_without_column_sizes, t.table
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        warnings.retain(|w| seen.insert(w.clone()));
        let mut e = Estimate {
            tables,
            total_bytes,
            billed_bytes,
            billed_mb: billed_bytes / bill::MIB,
            cost_usd: bill::cost_usd(total_bytes, budget.price_per_tb_usd),
            price_per_tb_usd: budget.price_per_tb_usd,
            conservative: conservative.is_some(),
            warnings,
            postgres: None,
            cutoff_bytes: None,
            athena: None,
            direct: None,
        };
        e.warn_over_budget(budget);
        e
    }

    /// Prices the same scans read directly from S3 (GET requests, transfer) beside Athena's
    /// bill; the direct price becomes the one the budget gates.
    pub fn with_direct(mut self, budget: &Budget) -> Estimate {
        let direct = self.both_ways(budget);
        self.cost_usd = direct.cost_usd;
        self.direct = Some(Box::new(direct));
        self.warnings.retain(|w| !w.starts_with(OVER_BUDGET));
        self.warn_over_budget(budget);
        self
    }

    /// On an Athena profile whose tables Glue-local profile `twin` reads directly: that
    /// direct read's price beside Athena's bill, which stays the one the budget gates.
    pub fn with_twin(mut self, twin: &str, budget: &Budget) -> Estimate {
        let mut direct = self.both_ways(budget);
        direct.profile = Some(twin.to_string());
        self.direct = Some(Box::new(direct));
        self
    }

    /// Sets `athena` to Athena's bill for these scans; returns their direct read's price:
    /// the data files' GETs of every scan, and each table's metadata GETs once.
    fn both_ways(&mut self, budget: &Budget) -> bill::DirectRead {
        let data: u64 = self.tables.iter().map(|t| t.get_requests).sum();
        let mut seen = std::collections::HashSet::new();
        let metadata: u64 = self.tables.iter().filter(|t| seen.insert(t.table.as_str())).map(|t| t.metadata_get_requests).sum();
        self.athena = Some(Box::new(bill::AthenaBill {
            scanned_bytes: self.total_bytes,
            billed_bytes: self.billed_bytes,
            billed_mb: self.billed_mb,
            cost_usd: self.cost_usd,
            price_per_tb_usd: self.price_per_tb_usd,
        }));
        let mut direct = bill::DirectRead::price(self.total_bytes, data + metadata, budget);
        direct.metadata_get_requests = metadata;
        direct
    }

    fn warn_over_budget(&mut self, budget: &Budget) {
        let e = self;
        match e.verdict(budget) {
            Verdict::Refuse(limit) => e.warnings.push(format!(
                "{OVER_BUDGET}: {} is above refuse_above_usd {}; it runs only with --max-cost {:.6} or more",
                bill::human_usd(e.cost_usd),
                bill::human_usd(limit),
                e.cost_usd
            )),
            Verdict::Confirm(limit) => e.warnings.push(format!(
                "{OVER_BUDGET}: {} is above confirm_above_usd {}",
                bill::human_usd(e.cost_usd),
                bill::human_usd(limit)
            )),
            Verdict::Run => {}
        }
    }

    /// A PostgreSQL estimate: no bytes and no dollars (so budgets never refuse it), the plan's
    /// rows and cost, or a warning when the statement could not be planned.
    pub fn postgres(plan: Option<PgPlanCost>, budget: &Budget, warning: Option<String>) -> Estimate {
        Estimate {
            tables: vec![],
            total_bytes: 0,
            billed_bytes: 0,
            billed_mb: 0,
            cost_usd: 0.0,
            price_per_tb_usd: budget.price_per_tb_usd,
            conservative: false,
            warnings: warning.into_iter().collect(),
            postgres: plan,
            cutoff_bytes: None,
            athena: None,
            direct: None,
        }
    }

    /// No estimate (Athena ran without one, by request): zero bytes, flagged in the warnings.
    pub fn unknown(budget: &Budget) -> Estimate {
        let mut e = Estimate::assemble(vec![], None, budget);
        e.conservative = true;
        e.warnings.push("no estimate: the query ran without one".into());
        e
    }

    /// Sets the workgroup's scan cutoff, warning when the estimate exceeds it.
    pub fn set_cutoff(&mut self, cutoff: u64, workgroup: &str) {
        self.cutoff_bytes = Some(cutoff);
        if self.total_bytes > cutoff {
            self.warnings.push(format!(
                "the estimate {} exceeds workgroup {workgroup}'s per-query cutoff {}: Athena would cancel the query at the cutoff and still bill the bytes read",
                bill::human_bytes(self.total_bytes),
                bill::human_bytes(cutoff)
            ));
        }
    }

    pub fn verdict(&self, budget: &Budget) -> Verdict {
        match (budget.refuse_above_usd, budget.confirm_above_usd) {
            (Some(r), _) if self.cost_usd > r => Verdict::Refuse(r),
            (_, Some(c)) if self.cost_usd > c => Verdict::Confirm(c),
            _ => Verdict::Run,
        }
    }

    /// The one-line form the status bar shows.
    pub fn summary(&self) -> String {
        if let Some(pg) = &self.postgres {
            return format!("PostgreSQL plan: ~{} rows, cost {:.2}", pg.rows, pg.total_cost);
        }
        let tilde = if self.conservative { "≤" } else { "" };
        if let (Some(a), Some(d)) = (&self.athena, &self.direct) {
            return format!("Athena {} · {}", bill::human_usd(a.cost_usd), d.here(tilde));
        }
        let cutoff = self.cutoff_bytes.map(|c| format!(" (cutoff {})", bill::human_bytes(c))).unwrap_or_default();
        format!(
            "{tilde}{} scanned, billed {} MB, {}{cutoff}",
            bill::human_bytes(self.total_bytes),
            self.billed_mb,
            bill::human_usd(self.cost_usd)
        )
    }

    /// The text `fathom estimate` prints.
    pub fn render(&self) -> String {
        let mut s = String::new();
        if let Some(pg) = &self.postgres {
            let _ = writeln!(s, "PostgreSQL plan: ~{} rows, total cost {:.2} (planner units; not billed per byte)", pg.rows, pg.total_cost);
            for w in &self.warnings {
                let _ = writeln!(s, "warning: {w}");
            }
            return s;
        }
        for t in &self.tables {
            let snap = t.snapshot_id.map(|i| i.to_string()).unwrap_or_else(|| "none (empty table)".into());
            let _ = writeln!(s, "{}  snapshot {snap}", t.table);
            let _ = writeln!(
                s,
                "  files {}/{}  partitions {}/{}  columns {}",
                t.files_kept,
                t.files_total,
                t.partitions_kept,
                t.partitions_total,
                if t.columns.is_empty() { "(none: metadata only)".to_string() } else { t.columns.join(", ") }
            );
            let _ = writeln!(s, "  bytes {} ({})", t.bytes, bill::human_bytes(t.bytes));
        }
        let _ = writeln!(
            s,
            "total {} ({} bytes) → billed {} MB → {} at ${:.2}/TB{}",
            bill::human_bytes(self.total_bytes),
            self.total_bytes,
            self.billed_mb,
            bill::human_usd(self.cost_usd),
            self.price_per_tb_usd,
            if self.conservative { " (conservative)" } else { "" }
        );
        if let Some(d) = self.direct.as_ref().filter(|d| d.profile.is_some()) {
            let _ = writeln!(s, "{}", d.here(if self.conservative { "≤" } else { "" }));
            let _ = writeln!(s, "note: {}", d.note);
        } else if let Some(d) = &self.direct {
            let _ = writeln!(
                s,
                "read directly: {} ({} bytes), ≈ {} GET requests ({} of them table metadata) → {} (GETs at ${}/1000{})",
                bill::human_bytes(d.bytes),
                d.bytes,
                d.get_requests,
                d.metadata_get_requests,
                bill::human_usd(d.cost_usd),
                d.s3_get_per_1000_usd,
                if d.egress_per_gb_usd > 0.0 { format!(", transfer at ${}/GB", d.egress_per_gb_usd) } else { String::new() }
            );
            let _ = writeln!(s, "note: {}", d.note);
        }
        if let Some(c) = self.cutoff_bytes {
            let _ = writeln!(s, "workgroup cutoff {} ({c} bytes) per query", bill::human_bytes(c));
        }
        for w in &self.warnings {
            let _ = writeln!(s, "warning: {w}");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 64 MB in 210 GETs, at $5/TB (Athena: $0.000305) and $0.0004 per 1,000 GETs.
    fn scans(budget: &Budget) -> Estimate {
        let t = TableEstimate {
            table: "market_data.us_stocks_price".into(),
            snapshot_id: Some(1),
            files_kept: 3,
            files_total: 9,
            partitions_kept: 1,
            partitions_total: 3,
            columns: vec!["adj_close".into()],
            bytes: 64 * bill::MIB,
            get_requests: 190,
            metadata_get_requests: 20,
            files_without_column_sizes: 0,
            files: vec![],
            partition_column: None,
            filter_columns: Default::default(),
            star: false,
            all_columns: 7,
        };
        Estimate::assemble(vec![t], None, budget)
    }

    #[test]
    fn the_direct_profile_gates_the_direct_price_and_an_athena_profile_shows_its_twins() {
        let budget = Budget { confirm_above_usd: Some(0.0001), ..Budget::default() };
        let athena_usd = bill::cost_usd(64 * bill::MIB, 5.0);
        let direct_usd = 210.0 * 0.0004 / 1000.0;

        let here = scans(&budget).with_direct(&budget);
        assert!((here.cost_usd - direct_usd).abs() < 1e-15 && here.verdict(&budget) == Verdict::Run);
        assert_eq!(here.athena.as_ref().map(|a| a.cost_usd), Some(athena_usd));
        assert_eq!(here.direct.as_ref().and_then(|d| d.profile.clone()), None);
        assert!(!here.warnings.iter().any(|w| w.starts_with(OVER_BUDGET)), "{:?}", here.warnings);
        assert_eq!(here.summary(), "Athena $0.000305 · here: 64.0 MB read, ≈ 210 GET requests ≈ $0.000084");
        assert_eq!(here.direct.as_ref().map(|d| (d.get_requests, d.metadata_get_requests)), Some((210, 20)));
        // A table scanned twice (a self-join) loads its metadata once.
        let mut twice = scans(&budget);
        twice.tables.push(twice.tables[0].clone());
        let twice = twice.with_direct(&budget);
        assert_eq!(twice.direct.as_ref().map(|d| (d.get_requests, d.metadata_get_requests)), Some((190 * 2 + 20, 20)));

        let athena = scans(&budget).with_twin("lake", &budget);
        assert_eq!(athena.cost_usd, athena_usd, "an Athena profile is gated on what it bills");
        assert_eq!(athena.verdict(&budget), Verdict::Confirm(0.0001));
        let direct = athena.direct.as_ref().unwrap();
        assert_eq!((direct.get_requests, direct.bytes, direct.profile.as_deref()), (210, 64 * bill::MIB, Some("lake")));
        assert!((direct.cost_usd - direct_usd).abs() < 1e-15);
        let json = serde_json::to_value(&athena).unwrap();
        assert_eq!((json["direct"]["profile"].as_str(), json["athena"]["cost_usd"].as_f64()), (Some("lake"), Some(athena_usd)));
        assert_eq!(athena.summary(), "Athena $0.000305 · here (profile lake): 64.0 MB read, ≈ 210 GET requests ≈ $0.000084");
        let text = athena.render();
        assert!(text.contains("→ $0.000305 at $5.00/TB") && text.contains("\nhere (profile lake): 64.0 MB read, ≈ 210 GET requests ≈ $0.000084\n"), "{text}");
        assert!(!text.contains("read directly:"), "{text}");
    }
}
