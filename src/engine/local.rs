//! The embedded engine: DataFusion over the local Iceberg warehouse. Read-only: DDL, DML
//! and SET statements are refused; time travel in Athena's syntax is rewritten first.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::common::ScalarValue;
use datafusion::error::DataFusionError;
use datafusion::execution::context::{SQLOptions, SessionConfig, SessionContext};
use datafusion::logical_expr::LogicalPlan;
use futures::StreamExt;

use crate::config::{Budget, LocalProfile};
use crate::estimate::scans::{self, Scan};
use crate::estimate::{Estimate, Estimator};
use crate::engine::lake_catalog::LakeCatalogProvider;
use crate::engine::{Engine, QueryStream, TableDetail, TableInfo, functions, lake_describe, scan, timetravel};
use crate::error::{FathomError, Result};
use crate::lake::catalog;
use crate::library::{ParamValue, PlaceholderStyle};

/// The DataFusion catalog name the lake is registered under.
pub const CATALOG: &str = "lake";

pub struct LocalEngine {
    ctx: SessionContext,
    tables: Vec<TableInfo>,
    columns: HashMap<String, Vec<String>>,
    default_schema: String,
    estimator: Estimator,
    iceberg: Arc<dyn iceberg::Catalog>,
}

impl LocalEngine {
    /// Opens the warehouse of `profile` (its catalog must exist).
    pub async fn open(profile: &LocalProfile) -> Result<Self> {
        let iceberg = catalog::open(profile, false).await?;
        Self::with_catalog(iceberg, &profile.catalog).await
    }

    /// DataFusion over any Iceberg catalog (the local SQL catalog, or Glue for Athena's
    /// estimate); `label` names the catalog in errors.
    pub async fn with_catalog(iceberg: Arc<dyn iceberg::Catalog>, label: &str) -> Result<Self> {
        let estimator = Estimator::new(iceberg.clone());
        let provider = LakeCatalogProvider::try_new(iceberg.clone()).await.map_err(|e| FathomError::Metadata {
            table: format!("a table in {label}"),
            message: e.to_string(),
        })?;
        let schemas = datafusion::catalog::CatalogProvider::schema_names(&provider);
        let default_schema = schemas
            .iter()
            .find(|s| *s == "default")
            .or(schemas.first())
            .cloned()
            .unwrap_or_else(|| "default".to_string());
        let mut tables = Vec::new();
        let mut columns = HashMap::new();
        for s in &schemas {
            if let Some(sp) = datafusion::catalog::CatalogProvider::schema(&provider, s) {
                for name in sp.table_names().into_iter().filter(|t| !t.contains('$')) {
                    if let Ok(Some(t)) = sp.table(&name).await {
                        columns.insert(format!("{s}.{name}"), t.schema().fields().iter().map(|f| f.name().clone()).collect());
                    }
                    tables.push(TableInfo { schema: s.clone(), name });
                }
            }
        }
        let config = SessionConfig::new()
            .with_default_catalog_and_schema(CATALOG, &default_schema)
            .with_information_schema(true);
        let ctx = SessionContext::new_with_config(config);
        ctx.register_catalog(CATALOG, Arc::new(provider));
        functions::register(&ctx);
        Ok(LocalEngine { ctx, tables, columns, default_schema, estimator, iceberg })
    }

    /// The logical plan of `sql` (time travel rewritten, read-only checked, params bound).
    async fn plan(&self, sql: &str, params: &[ParamValue]) -> Result<LogicalPlan> {
        let sql = timetravel::rewrite(sql)?;
        let plan = self.ctx.state().create_logical_plan(&sql).await.map_err(|e| self.map_err(e))?;
        Self::read_only().verify_plan(&plan).map_err(|e| self.map_err(e))?;
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

    /// Scans of `sql`, from DataFusion's optimized plan, or the conservative token walk when
    /// DataFusion cannot plan it for a reason other than a mistake in the SQL.
    async fn scans(&self, sql: &str, params: &[ParamValue]) -> Result<(Vec<Scan>, Option<String>)> {
        match self.plan(sql, params).await {
            Ok(plan) => {
                let optimized = self.ctx.state().optimize(&plan).map_err(|e| self.map_err(e))?;
                let wildcard = scans::has_wildcard(sql)?;
                Ok((scans::from_plan(&optimized, &self.default_schema, wildcard)?, None))
            }
            Err(FathomError::Query(reason)) => {
                let sql = timetravel::rewrite(sql)?;
                let found = scans::from_tokens(&sql, &self.tables, |t| {
                    self.columns.get(&format!("{}.{}", t.schema, t.name)).cloned().unwrap_or_default()
                })?;
                Ok((found, Some(reason)))
            }
            Err(e) => Err(e),
        }
    }

    fn read_only() -> SQLOptions {
        SQLOptions::new().with_allow_ddl(false).with_allow_dml(false).with_allow_statements(false)
    }

    /// Turns DataFusion's errors into ones that say what to do.
    fn map_err(&self, e: DataFusionError) -> FathomError {
        if let DataFusionError::SQL(pe, _) = e.find_root() {
            use datafusion::sql::sqlparser::parser::ParserError;
            let msg = match pe.as_ref() {
                ParserError::ParserError(m) | ParserError::TokenizerError(m) => m.clone(),
                ParserError::RecursionLimitExceeded => "the query nests too deeply".to_string(),
            };
            return syntax_error(&msg);
        }
        let e = e.find_root().to_string();
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

    fn nearest(&self, name: &str) -> String {
        let want = name.to_ascii_lowercase();
        let short = want.rsplit('.').next().unwrap_or(&want).to_string();
        let mut scored: Vec<(f64, String)> = self
            .tables
            .iter()
            .map(|t| {
                let q = format!("{}.{}", t.schema, t.name);
                let s = strsim::jaro_winkler(&want, &q).max(strsim::jaro_winkler(&short, &t.name));
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

fn syntax_error(rest: &str) -> FathomError {
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

#[async_trait]
impl Engine for LocalEngine {
    fn kind(&self) -> &'static str {
        "local"
    }

    /// Priced as Athena would bill the same scan; queries end with their stream.
    fn caps(&self) -> crate::engine::Caps {
        crate::engine::Caps { priced: true, ..Default::default() }
    }

    fn placeholder_style(&self) -> PlaceholderStyle {
        PlaceholderStyle::Dollar
    }

    async fn execute(&self, sql: &str, params: &[ParamValue]) -> Result<QueryStream> {
        let plan = self.plan(sql, params).await?;
        let df = self.ctx.execute_logical_plan(plan).await.map_err(|e| self.map_err(e))?;
        let physical = df.create_physical_plan().await.map_err(|e| self.map_err(e))?;
        let stream = datafusion::physical_plan::execute_stream(physical.clone(), self.ctx.task_ctx())
            .map_err(|e| self.map_err(e))?;
        let schema = stream.schema();
        let batches = stream.map(|r| r.map_err(|e| FathomError::Query(e.find_root().to_string())));
        let scanned = Box::new(move || Some(scan::bytes_scanned(&physical)));
        Ok(QueryStream { schema, batches: Box::pin(batches), scanned })
    }

    async fn estimate(&self, sql: &str, params: &[ParamValue], budget: &Budget, with_files: bool) -> Result<Estimate> {
        let (scans, conservative) = self.scans(sql, params).await?;
        let mut tables = Vec::with_capacity(scans.len());
        for scan in &scans {
            tables.push(self.estimator.plan(scan, with_files).await?);
        }
        Ok(Estimate::assemble(tables, conservative, budget))
    }

    async fn tables(&self) -> Result<Vec<TableInfo>> {
        Ok(self.tables.clone())
    }

    async fn describe(&self, schema: &str, table: &str) -> Result<TableDetail> {
        if !self.tables.iter().any(|t| t.schema == schema && t.name == table) {
            let name = format!("{schema}.{table}");
            return Err(FathomError::UnknownTable { hint: self.nearest(&name), name });
        }
        let ident = iceberg::TableIdent::new(iceberg::NamespaceIdent::new(schema.to_string()), table.to_string());
        let loaded = self.iceberg.load_table(&ident).await.map_err(|e| FathomError::Metadata {
            table: format!("{schema}.{table}"),
            message: e.to_string(),
        })?;
        Ok(lake_describe::detail(loaded.metadata()))
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
