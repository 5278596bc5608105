//! What a query reads: every table scan (joins, CTEs, subqueries, UNION, self-joins each
//! counted) with its projected columns and the filters that can prune. Read from
//! DataFusion's optimized plan; when DataFusion cannot plan the SQL, a token walk keeps a
//! superset of columns and no pruning (a "conservative" estimate).

use std::collections::BTreeSet;

use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::logical_expr::{Expr, LogicalPlan};
use datafusion::sql::sqlparser::tokenizer::Token;

use crate::catalog::TableInfo;
use crate::error::{FathomError, Result};
use crate::iceberg::session::LakeSession;
use crate::iceberg::tables::{ident, qualified};
use crate::iceberg::timetravel::{self, AsOf};
use crate::sqltext::{is_keyword, is_trivia, tokenize};

/// One table scan of a query.
#[derive(Debug, Clone)]
pub struct Scan {
    pub schema: String,
    pub table: String,
    pub as_of: Option<AsOf>,
    /// Columns read, as named in the table.
    pub columns: Vec<String>,
    /// Filters pushed to the scan (may prune files).
    pub filters: Vec<Expr>,
    /// The query selected every column (`SELECT *`).
    pub star: bool,
}

impl Scan {
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.table)
    }

    /// Column names the pushed filters mention.
    pub fn filter_columns(&self) -> BTreeSet<String> {
        self.filters.iter().flat_map(|f| f.column_refs().into_iter().map(|c| c.name.clone())).collect()
    }
}

fn split_name(name: &str) -> (String, Option<AsOf>) {
    match AsOf::parse_name(name) {
        Some((base, as_of)) => (base.to_string(), Some(as_of)),
        None => (name.to_string(), None),
    }
}

/// The table scans of an optimized logical plan (metadata and system tables skipped).
pub fn from_plan(plan: &LogicalPlan, default_schema: &str, wildcard: bool) -> Result<Vec<Scan>> {
    let mut out = Vec::new();
    plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node {
            let schema = scan.table_name.schema().unwrap_or(default_schema).to_string();
            let (table, as_of) = split_name(scan.table_name.table());
            if !table.contains('$') && schema != "information_schema" {
                let all = scan.source.schema().fields().len();
                let columns: Vec<String> =
                    scan.projected_schema.fields().iter().map(|f| f.name().clone()).collect();
                out.push(Scan {
                    schema,
                    table,
                    as_of,
                    star: wildcard && (scan.projection.is_none() || columns.len() == all),
                    columns,
                    filters: scan.filters.clone(),
                });
            }
        }
        Ok(TreeNodeRecursion::Continue)
    })
    .map_err(|e| crate::error::FathomError::Query(e.to_string()))?;
    Ok(out)
}

/// Scans of `sql`, from DataFusion's optimized plan over the lake session, or the
/// conservative token walk when DataFusion cannot plan it for a reason other than a mistake
/// in the SQL (the reason is returned). Only the tables the query names are loaded.
pub async fn of_sql(session: &LakeSession, sql: &str, params: &[crate::library::ParamValue]) -> Result<(Vec<Scan>, Option<String>)> {
    match session.plan(sql, params).await {
        Ok(plan) => {
            let optimized = session.ctx().state().optimize(&plan).map_err(|e| session.map_err(e))?;
            let wildcard = has_wildcard(sql)?;
            Ok((from_plan(&optimized, session.default_schema(), wildcard)?, None))
        }
        Err(FathomError::Query(reason)) => {
            let sql = timetravel::rewrite(sql)?;
            let tables: Vec<TableInfo> = session
                .tables()
                .list()
                .await?
                .iter()
                .map(|t| TableInfo { schema: t.namespace().join("."), name: t.name().to_string() })
                .collect();
            // Which tables the text names, then the columns of those only.
            let named = from_tokens(&sql, &tables, |_| vec![])?;
            let mut columns = std::collections::HashMap::new();
            for s in &named {
                let table = session.tables().require(&ident(&s.qualified())).await?;
                let names = table.metadata().current_schema().as_struct().fields().iter().map(|f| f.name.clone()).collect();
                columns.insert(qualified(table.identifier()), names);
            }
            let found = from_tokens(&sql, &tables, |t| {
                columns.get(&format!("{}.{}", t.schema, t.name)).cloned().unwrap_or_default()
            })?;
            Ok((found, Some(reason)))
        }
        Err(e) => Err(e),
    }
}

/// True when the SQL selects `*` or `t.*` somewhere.
pub fn has_wildcard(sql: &str) -> Result<bool> {
    let toks = tokenize(sql)?;
    let sig: Vec<&Token> = toks.iter().map(|t| &t.token).filter(|t| !is_trivia(t)).collect();
    Ok(sig.windows(2).any(|w| {
        matches!(w[1], Token::Mul)
            && (is_keyword(w[0], "select") || is_keyword(w[0], "distinct") || matches!(w[0], Token::Period | Token::Comma))
    }))
}

/// The conservative reading of SQL DataFusion cannot plan: tables after FROM/JOIN, every
/// column of theirs that the text names (all of them after a `*`), and no filters.
pub fn from_tokens(sql: &str, tables: &[TableInfo], columns_of: impl Fn(&TableInfo) -> Vec<String>) -> Result<Vec<Scan>> {
    let toks = tokenize(sql)?;
    let sig: Vec<&Token> = toks.iter().map(|t| &t.token).filter(|t| !is_trivia(t)).collect();
    let words: BTreeSet<String> =
        sig.iter().filter_map(|t| if let Token::Word(w) = t { Some(w.value.to_ascii_lowercase()) } else { None }).collect();
    let star = has_wildcard(sql)?;
    let mut out = Vec::new();
    for (i, t) in sig.iter().enumerate() {
        if !(is_keyword(t, "from") || is_keyword(t, "join")) {
            continue;
        }
        let mut parts = Vec::new();
        let mut j = i + 1;
        while let Some(Token::Word(w)) = sig.get(j) {
            parts.push(w.value.clone());
            if matches!(sig.get(j + 1), Some(Token::Period)) {
                j += 2;
            } else {
                break;
            }
        }
        let Some(last) = parts.last() else { continue };
        let (name, as_of) = split_name(last);
        let schema = if parts.len() >= 2 { Some(parts[parts.len() - 2].clone()) } else { None };
        let Some(info) = tables.iter().find(|t| t.name == name && schema.as_ref().is_none_or(|s| *s == t.schema)) else {
            continue;
        };
        let all = columns_of(info);
        let columns = if star { all.clone() } else { all.iter().filter(|c| words.contains(&c.to_ascii_lowercase())).cloned().collect() };
        out.push(Scan { schema: info.schema.clone(), table: info.name.clone(), as_of, star, columns, filters: vec![] });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_walk_keeps_a_superset_of_columns() {
        let tables = vec![
            TableInfo { schema: "market_data".into(), name: "us_stocks_price".into() },
            TableInfo { schema: "reference".into(), name: "tb_meta".into() },
        ];
        let cols = |t: &TableInfo| match t.name.as_str() {
            "tb_meta" => vec!["meta_id".to_string(), "ticker".to_string(), "name".to_string()],
            _ => vec!["meta_id".to_string(), "trade_date".to_string(), "close".to_string(), "adj_close".to_string()],
        };
        let sql = "SELECT approx_percentile(p.adj_close, 0.5), m.ticker FROM market_data.us_stocks_price p JOIN reference.tb_meta m ON m.meta_id = p.meta_id";
        let scans = from_tokens(sql, &tables, cols).unwrap();
        assert_eq!(scans.len(), 2);
        assert_eq!(scans[0].columns, vec!["meta_id", "adj_close"]);
        assert_eq!(scans[1].columns, vec!["meta_id", "ticker"]);
        let scans = from_tokens("SELECT * FROM market_data.\"us_stocks_price@v7\"", &tables, cols).unwrap();
        assert_eq!(scans[0].columns.len(), 4);
        assert_eq!(scans[0].as_of, Some(AsOf::Version(7)));
    }
}
