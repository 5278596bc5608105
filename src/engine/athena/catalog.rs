//! What Athena can see, from Glue (databases, tables, columns) and the workgroup (output
//! location, per-query scan cutoff, named queries). The lake's Iceberg tables load through
//! [`crate::engine::aws::glue_catalog`].

use futures::StreamExt;

use super::client::{Clients, sdk_error};
use crate::config::AthenaProfile;
use crate::engine::{ColumnDetail, TableInfo};
use crate::error::{FathomError, Result};

/// The workgroup's settings that matter before a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workgroup {
    pub name: String,
    /// Athena cancels a query once it has scanned this many bytes (and bills them).
    pub cutoff_bytes: Option<u64>,
    pub output_location: Option<String>,
    /// The workgroup's settings override the client's (output location included).
    pub enforced: bool,
}

pub async fn workgroup(clients: &Clients, name: &str) -> Result<Workgroup> {
    let out = clients
        .athena
        .get_work_group()
        .work_group(name)
        .send()
        .await
        .map_err(|e| sdk_error(&format!("reading the Athena workgroup '{name}'"), e))?;
    let config = out.work_group().and_then(|w| w.configuration());
    Ok(Workgroup {
        name: name.to_string(),
        cutoff_bytes: config.and_then(|c| c.bytes_scanned_cutoff_per_query()).map(|b| b.max(0) as u64),
        output_location: config
            .and_then(|c| c.result_configuration())
            .and_then(|r| r.output_location())
            .map(str::to_string),
        enforced: config.and_then(|c| c.enforce_work_group_configuration()).unwrap_or(false),
    })
}

/// Every table in every Glue database of the catalog.
pub async fn tables(clients: &Clients, profile: &AthenaProfile) -> Result<Vec<TableInfo>> {
    let mut databases = Vec::new();
    let mut pages = clients.glue.get_databases().set_catalog_id(profile.glue_catalog_id.clone()).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error("listing the Glue databases", e))?;
        databases.extend(page.database_list().iter().map(|d| d.name().to_string()));
    }
    let mut out = Vec::new();
    for db in databases {
        let mut pages = clients
            .glue
            .get_tables()
            .database_name(&db)
            .set_catalog_id(profile.glue_catalog_id.clone())
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error(&format!("listing the tables of Glue database '{db}'"), e))?;
            out.extend(page.table_list().iter().map(|t| TableInfo { schema: db.clone(), name: t.name().to_string() }));
        }
    }
    out.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    Ok(out)
}

/// A Glue table's own description.
#[derive(Debug, Clone, PartialEq)]
pub struct GlueTable {
    pub columns: Vec<ColumnDetail>,
    /// Hive-style partition keys (`dt`, `region`).
    pub partition_keys: Vec<String>,
    /// `table_type = ICEBERG`: described from its Iceberg metadata instead.
    pub iceberg: bool,
}

pub async fn glue_table(clients: &Clients, profile: &AthenaProfile, db: &str, name: &str) -> Result<GlueTable> {
    let out = clients
        .glue
        .get_table()
        .database_name(db)
        .name(name)
        .set_catalog_id(profile.glue_catalog_id.clone())
        .send()
        .await
        .map_err(|e| sdk_error(&format!("reading table {db}.{name} from Glue"), e))?;
    let t = out.table().ok_or_else(|| FathomError::UnknownTable { name: format!("{db}.{name}"), hint: String::new() })?;
    let column = |c: &aws_sdk_glue::types::Column| ColumnDetail {
        name: c.name().to_string(),
        data_type: c.r#type().unwrap_or("?").to_string(),
        nullable: true,
    };
    let mut columns: Vec<ColumnDetail> =
        t.storage_descriptor().map(|sd| sd.columns().iter().map(column).collect()).unwrap_or_default();
    columns.extend(t.partition_keys().iter().map(column));
    Ok(GlueTable {
        columns,
        partition_keys: t.partition_keys().iter().map(|c| c.name().to_string()).collect(),
        iceberg: t
            .parameters()
            .and_then(|p| p.get("table_type"))
            .is_some_and(|v| v.eq_ignore_ascii_case("iceberg")),
    })
}

pub use crate::catalog::NamedQuery;

/// The workgroup's named queries, sorted by name.
pub async fn named_queries(clients: &Clients, workgroup: &str) -> Result<Vec<NamedQuery>> {
    let mut ids = Vec::new();
    let mut pages = clients.athena.list_named_queries().work_group(workgroup).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error(&format!("listing the named queries of workgroup '{workgroup}'"), e))?;
        ids.extend(page.named_query_ids().iter().cloned());
    }
    let athena = clients.athena.clone();
    let fetched: Vec<Result<Option<NamedQuery>>> = futures::stream::iter(ids)
        .map(|id| {
            let athena = athena.clone();
            async move {
                let out = athena
                    .get_named_query()
                    .named_query_id(&id)
                    .send()
                    .await
                    .map_err(|e| sdk_error(&format!("reading named query {id}"), e))?;
                Ok(out.named_query().map(|q| NamedQuery {
                    id: id.clone(),
                    name: q.name().to_string(),
                    description: q.description().map(str::to_string),
                    database: q.database().to_string(),
                    sql: q.query_string().to_string(),
                }))
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut out = Vec::new();
    for q in fetched {
        if let Some(q) = q? {
            out.push(q);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
