//! Data files on S3 read through the table's own Iceberg `FileIO` (opendal's S3 service,
//! configured by the catalog with the profile's credentials, region and endpoint): every
//! ranged read is one GET, sent concurrently, counted as bytes and requests. Read-only by
//! construction: this reader has no write path, and the scan never asks FileIO for an
//! output file.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::physical_plan::ParquetFileReaderFactory;
use datafusion::physical_plan::metrics::{ExecutionPlanMetricsSet, MetricBuilder};
use futures::future::BoxFuture;
use iceberg::io::{FileIO, FileRead};
use parquet::arrow::arrow_reader::ArrowReaderOptions;
use parquet::arrow::async_reader::AsyncFileReader;
use parquet::errors::ParquetError;
use parquet::file::metadata::{ParquetMetaData, ParquetMetaDataReader};

use super::read_bytes::{BYTES_SCANNED, Counting, GET_REQUESTS};
use crate::error::FathomError;

/// Requests to read a file's footer: its last 8 bytes (the footer's length), the footer, then
/// the page indexes (written by iceberg-rust, Spark and Trino; pyarrow writes them only when
/// asked, and a file without them takes one request less).
pub const FOOTER_GETS: u64 = 3;

/// Whether a data file is read through FileIO (a remote object store) rather than the local
/// file system.
pub fn is_remote(path: &str) -> bool {
    ["s3://", "s3a://", "s3n://"].iter().any(|p| path.starts_with(p))
}

/// Opens the planned remote data files of one scan through the table's FileIO. DataFusion
/// names each file by an object-store path; `urls` maps it back to the file's own URL.
#[derive(Debug)]
pub struct FileIoReaderFactory {
    file_io: FileIO,
    urls: HashMap<String, String>,
}

impl FileIoReaderFactory {
    pub fn new(file_io: FileIO, urls: HashMap<String, String>) -> Self {
        FileIoReaderFactory { file_io, urls }
    }
}

impl ParquetFileReaderFactory for FileIoReaderFactory {
    fn create_reader(
        &self,
        partition_index: usize,
        file: PartitionedFile,
        metadata_size_hint: Option<usize>,
        metrics: &ExecutionPlanMetricsSet,
    ) -> datafusion::error::Result<Box<dyn AsyncFileReader + Send>> {
        let location = file.object_meta.location.to_string();
        let url = self.urls.get(&location).cloned().unwrap_or(location);
        let size = file.object_meta.size;
        let inner = FileIoRanges { file_io: self.file_io.clone(), url, reader: None, size };
        let bytes = MetricBuilder::new(metrics).counter(BYTES_SCANNED, partition_index);
        let gets = MetricBuilder::new(metrics).counter(GET_REQUESTS, partition_index);
        Ok(Box::new(Counting::new(inner, size, metadata_size_hint, bytes).with_gets(gets).with_page_index()))
    }
}

/// Ranged reads of one file; the FileIO reader is opened on the first read (no request).
struct FileIoRanges {
    file_io: FileIO,
    url: String,
    reader: Option<Arc<dyn FileRead>>,
    size: u64,
}

impl FileIoRanges {
    async fn reader(&mut self) -> parquet::errors::Result<Arc<dyn FileRead>> {
        if let Some(r) = &self.reader {
            return Ok(r.clone());
        }
        let input = self.file_io.new_input(&self.url).map_err(|e| read_error(&self.url, &e))?;
        let reader: Arc<dyn FileRead> = Arc::from(input.reader().await.map_err(|e| read_error(&self.url, &e))?);
        self.reader = Some(reader.clone());
        Ok(reader)
    }
}

/// A failed read as a message naming the file; a refusal names the permission it needs.
pub fn read_error(url: &str, e: &iceberg::Error) -> ParquetError {
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    let message = s3_hint(&format!("data file {url}"), &detail).unwrap_or_else(|| {
        let lower = detail.to_ascii_lowercase();
        if ["notfound", "status: 404", "nosuchkey"].iter().any(|m| lower.contains(m)) {
            format!("data file {url} is missing from S3 (404), though the table's metadata lists it: the table needs repair by its writer")
        } else {
            format!("reading data file {url} failed: {}", first_line(&detail))
        }
    });
    ParquetError::External(Box::new(FathomError::Query(message)))
}

/// What an S3 refusal (403) or a redirect to another region means for reading `what`, and
/// what to do; None for other failures.
pub fn s3_hint(what: &str, detail: &str) -> Option<String> {
    let lower = detail.to_ascii_lowercase();
    if ["permissiondenied", "permission denied", "accessdenied", "status: 403"].iter().any(|m| lower.contains(m)) {
        return Some(format!(
            "reading {what} was refused (403 Access Denied): the credentials in use need s3:GetObject on it (check the IAM policy or pick another aws_profile)"
        ));
    }
    if ["permanentredirect", "authorizationheadermalformed", "301 moved"].iter().any(|m| lower.contains(m)) {
        return Some(format!(
            "reading {what} failed: its bucket is in another region than the profile's: set `region` in the profile to the bucket's region (the one the lake lives in)"
        ));
    }
    None
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

impl AsyncFileReader for FileIoRanges {
    fn get_bytes(&mut self, range: Range<u64>) -> BoxFuture<'_, parquet::errors::Result<Bytes>> {
        Box::pin(async move {
            let reader = self.reader().await?;
            reader.read(range).await.map_err(|e| read_error(&self.url, &e))
        })
    }

    /// One GET per range, all at once.
    fn get_byte_ranges(&mut self, ranges: Vec<Range<u64>>) -> BoxFuture<'_, parquet::errors::Result<Vec<Bytes>>> {
        Box::pin(async move {
            let reader = self.reader().await?;
            let url = self.url.as_str();
            futures::future::try_join_all(ranges.into_iter().map(|r| {
                let reader = reader.clone();
                async move { reader.read(r).await.map_err(|e| read_error(url, &e)) }
            }))
            .await
        })
    }

    fn get_metadata<'a>(
        &'a mut self,
        options: Option<&'a ArrowReaderOptions>,
    ) -> BoxFuture<'a, parquet::errors::Result<Arc<ParquetMetaData>>> {
        Box::pin(async move {
            let reader = ParquetMetaDataReader::new().with_metadata_options(options.map(|o| o.metadata_options().clone()));
            let size = self.size;
            Ok(Arc::new(reader.load_and_finish(self, size).await?))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_paths_are_remote_and_local_ones_are_not() {
        assert!(is_remote("s3://lake/warehouse/x.parquet") && is_remote("s3a://b/k"));
        assert!(!is_remote("/tmp/x.parquet") && !is_remote("file:///tmp/x.parquet"));
    }

    #[test]
    fn a_refused_read_names_the_file_and_s3_get_object() {
        let e = iceberg::Error::new(iceberg::ErrorKind::Unexpected, "Failure in doing io operation")
            .with_source(std::io::Error::other("PermissionDenied (permanent) at read, context: { response: 403 }"));
        let msg = read_error("s3://lake/d/f.parquet", &e).to_string();
        assert!(msg.contains("s3://lake/d/f.parquet") && msg.contains("s3:GetObject"), "{msg}");
        let e = iceberg::Error::new(iceberg::ErrorKind::Unexpected, "Failure in doing io operation")
            .with_source(std::io::Error::other("S3Error { code: \"PermanentRedirect\", message: \"The bucket you are attempting to access must be addressed using the specified endpoint\" }"));
        let msg = read_error("s3://lake/d/f.parquet", &e).to_string();
        assert!(msg.contains("another region") && msg.contains("`region`"), "{msg}");
    }
}
