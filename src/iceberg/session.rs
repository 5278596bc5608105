//! A DataFusion session over one lake catalog, shared by the local engine (which runs its
//! plans) and the Athena estimate (which only plans): Athena's time-travel syntax rewritten,
//! read-only checked, parameters bound, and DataFusion's errors turned into ones that say
//! what to do. Tables load when a query names them.

use std::sync::Arc;

use datafusion::common::ScalarValue;
use datafusion::error::DataFusionError;
use datafusion::execution::context::{SQLOptions, SessionConfig, SessionContext};
use datafusion::logical_expr::LogicalPlan;

use super::catalog::LakeCatalog;
use super::tables::{LakeTables, qualified};
use super::timetravel;
use crate::error::{FathomError, Result};
use crate::library::ParamValue;

/// The DataFusion catalog name the lake is registered under.
pub const CATALOG: &str = "lake";

pub struct LakeSession {
    ctx: SessionContext,
    tables: Arc<LakeTables>,
    default_schema: String,
}

impl LakeSession {
    /// A session whose unqualified names resolve in `default_schema`.
    pub fn new(tables: Arc<LakeTables>, default_schema: &str) -> Self {
        let mut config = SessionConfig::new()
            .with_default_catalog_and_schema(CATALOG, default_schema)
            .with_information_schema(true);
        let parquet = &mut config.options_mut().execution.parquet;
        // Row groups and pages are pruned by statistics; rows are filtered after decoding
        // (late materialization would read fewer pages than Athena bills, and the ledger's
        // "actual" is meant to be Athena's bytes: tests/estimate.rs holds it within 10%).
        parquet.pushdown_filters = false;
        // Fetch the footer, not a 512 KiB tail: the bytes read are what Athena bills.
        parquet.metadata_size_hint = None;
        let ctx = SessionContext::new_with_config(config);
        ctx.register_catalog(CATALOG, Arc::new(LakeCatalog::new(tables.clone())));
        LakeSession { ctx, tables, default_schema: default_schema.to_string() }
    }

    pub fn ctx(&self) -> &SessionContext {
        &self.ctx
    }

    pub fn tables(&self) -> &Arc<LakeTables> {
        &self.tables
    }

    pub fn default_schema(&self) -> &str {
        &self.default_schema
    }

    /// The logical plan of `sql` (time travel rewritten, read-only checked, params bound).
    pub async fn plan(&self, sql: &str, params: &[ParamValue]) -> Result<LogicalPlan> {
        let sql = timetravel::rewrite(sql)?;
        // The catalog's names are listed only when a query needs them: information_schema,
        // or an unknown table's "did you mean".
        if sql.to_ascii_lowercase().contains("information_schema") {
            self.tables.list().await?;
        }
        let plan = match self.ctx.state().create_logical_plan(&sql).await {
            Ok(plan) => plan,
            Err(e) => {
                if let Some(name) = missing_table(&e.find_root().to_string()) {
                    if self.tables.listed().is_none() {
                        self.tables.list().await?;
                    }
                    // Listings hold Iceberg tables only: a catalog entry of another kind (a
                    // Glue Hive table) fails to load with a message that says so.
                    let name = if name.contains('.') { name } else { format!("{}.{name}", self.default_schema) };
                    self.tables.load(&super::tables::ident(&name)).await?;
                }
                return Err(self.map_err(e));
            }
        };
        read_only().verify_plan(&plan).map_err(|e| self.map_err(e))?;
        if params.is_empty() {
            return Ok(plan);
        }
        let types = plan.get_parameter_types().map_err(|e| self.map_err(e))?;
        let mut values = Vec::with_capacity(params.len());
        for (i, p) in params.iter().enumerate() {
            let v = scalar(p);
            let v = match types.get(&format!("${}", i + 1)).cloned().flatten() {
                Some(dt) if dt != v.data_type() => v.cast_to(&dt).map_err(|_| {
                    FathomError::Param(format!(
                        "parameter value {} cannot be used where the query expects {dt}; pass a value of that type",
                        p.describe()
                    ))
                })?,
                _ => v,
            };
            values.push(v);
        }
        plan.with_param_values(values).map_err(|e| self.map_err(e))
    }

    /// Turns DataFusion's errors into ones that say what to do.
    pub fn map_err(&self, e: DataFusionError) -> FathomError {
        let root = e.find_root();
        if let DataFusionError::External(inner) = root
            && let Some(fe) = inner.downcast_ref::<FathomError>()
        {
            return match fe {
                FathomError::Query(m) => FathomError::Query(m.clone()),
                other => FathomError::Other(other.to_string()),
            };
        }
        if let DataFusionError::SQL(pe, _) = root {
            use datafusion::sql::sqlparser::parser::ParserError;
            let msg = match pe.as_ref() {
                ParserError::ParserError(m) | ParserError::TokenizerError(m) => m.clone(),
                ParserError::RecursionLimitExceeded => "the query nests too deeply".to_string(),
            };
            return syntax_error(&msg);
        }
        let e = root.to_string();
        if let Some(name) = missing_table(&e) {
            return FathomError::UnknownTable { hint: self.nearest(&name), name };
        }
        if ["DDL not supported", "DML not supported", "Statement not supported"].iter().any(|m| e.contains(m)) {
            return FathomError::Query(format!(
                "{}; the local engine is read-only: run SELECT queries (writes are refused)",
                e.trim_start_matches("Error during planning: ")
            ));
        }
        FathomError::Query(e)
    }

    /// "unknown table X; did you mean ...?" (the catalog's names listed first).
    pub async fn unknown_table(&self, name: &str) -> FathomError {
        if let Err(e) = self.tables.list().await {
            return e;
        }
        FathomError::UnknownTable { hint: self.nearest(name), name: name.to_string() }
    }

    /// "; did you mean a, b, c?" from the tables listed so far.
    pub fn nearest(&self, name: &str) -> String {
        let want = name.to_ascii_lowercase();
        let short = want.rsplit('.').next().unwrap_or(&want).to_string();
        let listed = self.tables.listed().unwrap_or_default();
        let mut scored: Vec<(f64, String)> = listed
            .iter()
            .map(|t| {
                let q = qualified(t);
                let s = strsim::jaro_winkler(&want, &q).max(strsim::jaro_winkler(&short, t.name()));
                (s, q)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let names: Vec<String> = scored.into_iter().take(3).map(|(_, q)| q).collect();
        if names.is_empty() {
            "; the catalog has no tables (run `fathom demo` to build the demo lake)".into()
        } else {
            format!("; did you mean {}?", names.join(", "))
        }
    }
}

fn read_only() -> SQLOptions {
    SQLOptions::new().with_allow_ddl(false).with_allow_dml(false).with_allow_statements(false)
}

pub fn syntax_error(rest: &str) -> FathomError {
    let (message, position) = match rest.rsplit_once(" at Line: ") {
        Some((m, pos)) => {
            let mut parts = pos.split(", Column: ");
            let line = parts.next().unwrap_or("?").trim();
            let col = parts.next().unwrap_or("?").trim();
            (m.to_string(), format!(" at line {line}:{col}"))
        }
        None => (rest.to_string(), String::new()),
    };
    FathomError::Syntax { message, position }
}

fn missing_table(e: &str) -> Option<String> {
    let rest = e.split("table '").nth(1)?;
    let (name, tail) = rest.split_once('\'')?;
    if !tail.trim_start().starts_with("not found") {
        return None;
    }
    let name = name.strip_prefix(&format!("{CATALOG}.")).unwrap_or(name);
    Some(name.to_string())
}

fn scalar(v: &ParamValue) -> ScalarValue {
    match v {
        ParamValue::Text(s) => ScalarValue::Utf8(Some(s.clone())),
        ParamValue::Int(i) => ScalarValue::Int64(Some(*i)),
        ParamValue::Float(f) => ScalarValue::Float64(Some(*f)),
        ParamValue::Date(d) => ScalarValue::Date32(Some(
            (*d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32,
        )),
        ParamValue::Bool(b) => ScalarValue::Boolean(Some(*b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_positions_become_line_col() {
        let e = syntax_error("Expected: end of statement, found: FORM at Line: 2, Column: 3").to_string();
        assert_eq!(e, "SQL syntax error at line 2:3: Expected: end of statement, found: FORM");
        assert_eq!(missing_table("Error during planning: table 'lake.a.b' not found").as_deref(), Some("a.b"));
    }
}
