//! Iceberg's column rule for DataFusion's Parquet reader: a table column is found in a data
//! file by its field id (`PARQUET:field_id`), never by name. So a renamed column reads its
//! old file column, a column added after a file was written reads NULL from it, a dropped
//! column is never read, and a dropped-then-re-added name reads NULL from files that hold the
//! dropped column. Type promotion (int -> long, float -> double) is the cast DataFusion's
//! default adapter inserts once the column is resolved. Files without field ids (written
//! outside Iceberg) fall back to matching by name.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::datatypes::{Field, Schema, SchemaRef};
use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode};
use datafusion::common::{Result, ScalarValue};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_expr::expressions::{Column, lit};
use datafusion::physical_expr_adapter::{DefaultPhysicalExprAdapterFactory, PhysicalExprAdapter, PhysicalExprAdapterFactory};
use parquet::arrow::PARQUET_FIELD_ID_META_KEY;

/// The field id an Arrow field carries, if any.
pub fn field_id(field: &Field) -> Option<i32> {
    field.metadata().get(PARQUET_FIELD_ID_META_KEY).and_then(|v| v.parse().ok())
}

/// Maps table columns to file columns by field id.
#[derive(Debug, Default, Clone)]
pub struct FieldIdAdapterFactory;

impl PhysicalExprAdapterFactory for FieldIdAdapterFactory {
    fn create(&self, logical: SchemaRef, physical: SchemaRef) -> Result<Arc<dyn PhysicalExprAdapter>> {
        let by_id = physical.fields().iter().any(|f| field_id(f).is_some());
        let physical_by_id: HashMap<i32, &str> =
            physical.fields().iter().filter_map(|f| field_id(f).map(|id| (id, f.name().as_str()))).collect();
        let mut map = HashMap::new();
        let mut renamed = Vec::with_capacity(logical.fields().len());
        for (i, f) in logical.fields().iter().enumerate() {
            let found = if by_id {
                field_id(f).and_then(|id| physical_by_id.get(&id).map(|n| n.to_string()))
            } else {
                physical.field_with_name(f.name()).ok().map(|p| p.name().clone())
            };
            let name = match &found {
                Some(p) => p.clone(),
                None => format!("__fathom_absent_{i}"),
            };
            renamed.push(f.as_ref().clone().with_name(name));
            map.insert(f.name().clone(), found.map(Ok).unwrap_or_else(|| Err(f.data_type().clone())));
        }
        let renamed = Arc::new(Schema::new_with_metadata(renamed, logical.metadata().clone()));
        let inner = DefaultPhysicalExprAdapterFactory.create(renamed, physical)?;
        Ok(Arc::new(FieldIdAdapter { map, inner }))
    }
}

#[derive(Debug)]
struct FieldIdAdapter {
    /// Table column name -> the file's column name, or the type of the NULLs it reads as.
    map: HashMap<String, std::result::Result<String, arrow::datatypes::DataType>>,
    inner: Arc<dyn PhysicalExprAdapter>,
}

impl PhysicalExprAdapter for FieldIdAdapter {
    fn rewrite(&self, expr: Arc<dyn PhysicalExpr>) -> Result<Arc<dyn PhysicalExpr>> {
        let renamed = expr
            .transform(|e| {
                let Some(c) = e.as_any().downcast_ref::<Column>() else { return Ok(Transformed::no(e)) };
                match self.map.get(c.name()) {
                    Some(Ok(file_name)) if file_name == c.name() => Ok(Transformed::no(e)),
                    Some(Ok(file_name)) => Ok(Transformed::yes(Arc::new(Column::new(file_name, c.index())) as _)),
                    Some(Err(data_type)) => Ok(Transformed::yes(lit(ScalarValue::try_from(data_type)?))),
                    None => Ok(Transformed::no(e)),
                }
            })
            .data()?;
        self.inner.rewrite(renamed)
    }
}
