//! The bytes a native scan really reads, as Athena bills them: every fetch from a data file
//! (footer, page indexes and column chunks), counted as the scan's `bytes_scanned`, and,
//! for files read from S3, the GET requests (one per ranged read) as `get_requests`.
//! DataFusion's own reader counts column chunks only and caches footers across queries, so
//! the local engine reads each file through this one instead.

use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::physical_plan::ParquetFileReaderFactory;
use datafusion::physical_plan::metrics::{Count, ExecutionPlanMetricsSet, MetricBuilder};
use futures::future::BoxFuture;
use datafusion::object_store::ObjectStore;
use parquet::arrow::arrow_reader::ArrowReaderOptions;
use parquet::arrow::async_reader::{AsyncFileReader, ParquetObjectReader};
use parquet::file::metadata::{PageIndexPolicy, ParquetMetaData, ParquetMetaDataReader};

/// The metric name, DataFusion's Parquet scan's own.
pub const BYTES_SCANNED: &str = "bytes_scanned";
/// Ranged reads sent to an object store (each one S3 GET).
pub const GET_REQUESTS: &str = "get_requests";

/// Opens data files for DataFusion's Parquet source, counting what is fetched.
#[derive(Debug)]
pub struct CountingReaderFactory {
    store: Arc<dyn ObjectStore>,
}

impl CountingReaderFactory {
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        CountingReaderFactory { store }
    }
}

impl ParquetFileReaderFactory for CountingReaderFactory {
    fn create_reader(
        &self,
        partition_index: usize,
        file: PartitionedFile,
        metadata_size_hint: Option<usize>,
        metrics: &ExecutionPlanMetricsSet,
    ) -> datafusion::error::Result<Box<dyn AsyncFileReader + Send>> {
        let size = file.object_meta.size;
        let inner = ParquetObjectReader::new(self.store.clone(), file.object_meta.location).with_file_size(size);
        Ok(Box::new(Counting::new(inner, size, metadata_size_hint, MetricBuilder::new(metrics).counter(BYTES_SCANNED, partition_index))))
    }
}

/// A reader that counts what it fetches: bytes always, requests when `gets` is set.
pub struct Counting<R> {
    inner: R,
    counter: Count,
    gets: Option<Count>,
    size: u64,
    hint: Option<usize>,
    page_index: bool,
}

impl<R> Counting<R> {
    pub fn new(inner: R, size: u64, hint: Option<usize>, counter: Count) -> Self {
        Counting { inner, counter, gets: None, size, hint, page_index: false }
    }

    /// Reads the page indexes with the footer, whether asked or not: then the whole region
    /// after the column chunks is read (what the estimate counts), in a known number of reads.
    pub fn with_page_index(mut self) -> Self {
        self.page_index = true;
        self
    }

    /// Also counts each ranged read as one request.
    pub fn with_gets(mut self, gets: Count) -> Self {
        self.gets = Some(gets);
        self
    }
}

impl<R: AsyncFileReader> AsyncFileReader for Counting<R> {
    fn get_bytes(&mut self, range: Range<u64>) -> BoxFuture<'_, parquet::errors::Result<Bytes>> {
        self.counter.add((range.end - range.start) as usize);
        if let Some(g) = &self.gets {
            g.add(1);
        }
        self.inner.get_bytes(range)
    }

    fn get_byte_ranges(&mut self, ranges: Vec<Range<u64>>) -> BoxFuture<'_, parquet::errors::Result<Vec<Bytes>>> {
        self.counter.add(ranges.iter().map(|r| (r.end - r.start) as usize).sum());
        if let Some(g) = &self.gets {
            g.add(ranges.len());
        }
        self.inner.get_byte_ranges(ranges)
    }

    /// The footer (and the page indexes when asked), fetched through `get_bytes` so it counts.
    fn get_metadata<'a>(
        &'a mut self,
        options: Option<&'a ArrowReaderOptions>,
    ) -> BoxFuture<'a, parquet::errors::Result<Arc<ParquetMetaData>>> {
        Box::pin(async move {
            let mut reader = ParquetMetaDataReader::new()
                .with_metadata_options(options.map(|o| o.metadata_options().clone()))
                .with_prefetch_hint(self.hint);
            if self.page_index {
                reader = reader.with_page_index_policy(PageIndexPolicy::Optional);
            } else if let Some(o) = options
                && (o.column_index_policy() != PageIndexPolicy::Skip || o.offset_index_policy() != PageIndexPolicy::Skip)
            {
                reader = reader.with_column_index_policy(o.column_index_policy()).with_offset_index_policy(o.offset_index_policy());
            }
            let size = self.size;
            Ok(Arc::new(reader.load_and_finish(self, size).await?))
        })
    }
}
