//! Fetching a finished query's rows as Arrow batches: the result CSV streamed straight from S3
//! (one request, however many rows), or GetQueryResults pages of 1,000 rows when S3 may not be
//! read. Both are typed by the ResultSetMetadata.

use std::collections::VecDeque;
use std::sync::Arc;

use arrow::array::Int64Array;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use aws_sdk_athena::types::{QueryExecution, ResultSet, StatementType};

use super::client::{Clients, is_access_denied, sdk_error, split_s3_url};
use super::csv::CsvReader;
use super::types::{BatchBuilder, Column, schema};
use crate::config::AthenaResults;
use crate::engine::BatchStream;
use crate::error::{FathomError, Result};

/// Rows per Arrow batch.
pub const BATCH_ROWS: usize = 8192;
/// GetQueryResults' largest page.
const PAGE_ROWS: i32 = 1000;

/// How the rows were fetched (for stats and the bench).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    S3Csv,
    Api,
}

/// The rows of a finished query: schema, how, and the batch stream.
pub struct Fetched {
    pub schema: SchemaRef,
    pub via: Via,
    pub batches: BatchStream,
}

fn is_dml(qe: &QueryExecution) -> bool {
    matches!(qe.statement_type(), Some(StatementType::Dml) | None)
}

/// Fetches the rows of `qe` (which has SUCCEEDED).
pub async fn fetch(clients: &Clients, qe: &QueryExecution, mode: AthenaResults) -> Result<Fetched> {
    let id = qe.query_execution_id().unwrap_or_default().to_string();
    // The first page: the column types, and for small results all the rows.
    let (result_set, next, update_count) = page(&clients.athena, &id, None).await?;
    let columns: Vec<Column> = result_set
        .result_set_metadata()
        .map(|m| m.column_info().iter().map(Column::from_sdk).collect())
        .unwrap_or_default();
    if columns.is_empty() {
        return Ok(no_columns(update_count));
    }
    let schema = schema(&columns);
    let location = qe.result_configuration().and_then(|r| r.output_location()).map(str::to_string);
    let csv = location.filter(|l| l.ends_with(".csv") && is_dml(qe));
    let all_in_first = next.is_none();
    let use_s3 = match mode {
        AthenaResults::S3 => true,
        AthenaResults::Auto => !all_in_first,
        AthenaResults::Api => false,
    };
    if let Some(location) = csv
        && use_s3
    {
        match s3_stream(clients, &location, schema.clone()).await {
            Ok(batches) => return Ok(Fetched { schema, via: Via::S3Csv, batches }),
            // S3 refused the read: the rows come through GetQueryResults instead (quietly: in
            // the workbench stderr is the screen).
            Err(S3Error::Denied(_)) if mode == AthenaResults::Auto => {}
            Err(S3Error::Denied(msg)) | Err(S3Error::Other(msg)) => return Err(FathomError::Query(msg)),
        }
    }
    let batches = api_stream(clients.athena.clone(), id, schema.clone(), result_set, next, is_dml(qe));
    Ok(Fetched { schema, via: Via::Api, batches })
}

/// One GetQueryResults page (`token`: the one after the first): its rows, the next page's
/// token, and the update count.
async fn page(athena: &aws_sdk_athena::Client, id: &str, token: Option<String>) -> Result<(ResultSet, Option<String>, Option<i64>)> {
    let out = athena
        .get_query_results()
        .query_execution_id(id)
        .set_next_token(token)
        .max_results(PAGE_ROWS)
        .send()
        .await
        .map_err(|e| sdk_error(&format!("reading the results of Athena query {id}"), e))?;
    let update_count = out.update_count();
    Ok((out.result_set.unwrap_or_else(|| ResultSet::builder().build()), out.next_token, update_count))
}

/// A statement without result columns (CTAS, INSERT, DDL): its update count, if any.
fn no_columns(update_count: Option<i64>) -> Fetched {
    match update_count {
        Some(n) => {
            let schema = Arc::new(Schema::new(vec![Field::new("rows_affected", DataType::Int64, false)]));
            let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(vec![n]))]);
            Fetched {
                schema,
                via: Via::Api,
                batches: Box::pin(futures::stream::iter(vec![batch.map_err(|e| FathomError::Query(e.to_string()))])),
            }
        }
        None => Fetched { schema: Arc::new(Schema::empty()), via: Via::Api, batches: Box::pin(futures::stream::empty()) },
    }
}

enum S3Error {
    Denied(String),
    Other(String),
}

/// Streams the result CSV from S3: parse chunks as they arrive, yield full batches.
async fn s3_stream(clients: &Clients, location: &str, schema: SchemaRef) -> std::result::Result<BatchStream, S3Error> {
    let (bucket, key) = split_s3_url(location).map_err(|e| S3Error::Other(e.to_string()))?;
    let out = clients.s3.get_object().bucket(&bucket).key(&key).send().await.map_err(|e| {
        if is_access_denied(&e) {
            S3Error::Denied(sdk_error(&format!("reading {location}"), e).to_string())
        } else {
            S3Error::Other(sdk_error(&format!("reading the result file {location}"), e).to_string())
        }
    })?;
    struct St {
        body: aws_sdk_s3::primitives::ByteStream,
        reader: CsvReader,
        builder: BatchBuilder,
        ready: VecDeque<RecordBatch>,
        header_seen: bool,
        done: bool,
        location: String,
    }
    let st = St {
        body: out.body,
        reader: CsvReader::new(),
        builder: BatchBuilder::new(schema, BATCH_ROWS),
        ready: VecDeque::new(),
        header_seen: false,
        done: false,
        location: location.to_string(),
    };
    let stream = futures::stream::try_unfold(st, |mut st| async move {
        loop {
            if let Some(b) = st.ready.pop_front() {
                return Ok(Some((b, st)));
            }
            if st.done {
                return Ok(None);
            }
            let mut records = Vec::new();
            match st.body.next().await {
                Some(chunk) => {
                    let chunk = chunk.map_err(|e| FathomError::Query(format!("reading {}: {e}", st.location)))?;
                    st.reader.feed(&chunk, &mut records).map_err(|e| FathomError::Query(format!("{}: {e}", st.location)))?;
                }
                None => {
                    st.reader.finish(&mut records).map_err(|e| FathomError::Query(format!("{}: {e}", st.location)))?;
                    st.done = true;
                }
            }
            for r in records {
                if !st.header_seen {
                    st.header_seen = true;
                    continue;
                }
                if let Some(b) = st.builder.push(r.iter().map(|f| f.as_deref()))? {
                    st.ready.push_back(b);
                }
            }
            if st.done
                && let Some(b) = st.builder.finish()?
            {
                st.ready.push_back(b);
            }
        }
    });
    Ok(Box::pin(stream))
}

/// Streams GetQueryResults pages. On the first page of a SELECT the first row is the header.
fn api_stream(
    athena: aws_sdk_athena::Client,
    id: String,
    schema: SchemaRef,
    first: ResultSet,
    next: Option<String>,
    header_first: bool,
) -> BatchStream {
    struct St {
        athena: aws_sdk_athena::Client,
        id: String,
        page: Option<ResultSet>,
        next: Option<String>,
        skip_header: bool,
        builder: BatchBuilder,
        ready: VecDeque<RecordBatch>,
        done: bool,
    }
    let st = St {
        athena,
        id,
        page: Some(first),
        next,
        skip_header: header_first,
        builder: BatchBuilder::new(schema, BATCH_ROWS),
        ready: VecDeque::new(),
        done: false,
    };
    Box::pin(futures::stream::try_unfold(st, |mut st| async move {
        loop {
            if let Some(b) = st.ready.pop_front() {
                return Ok(Some((b, st)));
            }
            if st.done {
                return Ok(None);
            }
            let page = match st.page.take() {
                Some(p) => p,
                None => match st.next.take() {
                    Some(token) => {
                        let (rows, next, _) = page(&st.athena, &st.id, Some(token)).await?;
                        st.next = next;
                        rows
                    }
                    None => {
                        st.done = true;
                        if let Some(b) = st.builder.finish()? {
                            st.ready.push_back(b);
                        }
                        continue;
                    }
                },
            };
            let mut rows = page.rows().iter();
            if std::mem::take(&mut st.skip_header) {
                rows.next();
            }
            for row in rows {
                if let Some(b) = st.builder.push(row.data().iter().map(|d| d.var_char_value()))? {
                    st.ready.push_back(b);
                }
            }
        }
    }))
}
