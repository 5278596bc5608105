//! The cache's files: `<dir>/<key>.arrow` (the result, Arrow IPC) beside `<key>.json` (when it
//! was made, what it cost, the snapshots it stands for). Written through temp files and
//! renamed, so a reader never sees half an entry; read back whole and checked, so a damaged
//! entry is a miss (and is removed); over `max_bytes` the least recently used go first.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Key;

/// What is known of a cached result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub created: DateTime<Utc>,
    pub rows: u64,
    /// What the run that made it was billed (or would have been): what a hit saves.
    pub cost_usd: f64,
    pub snapshots: Vec<(String, i64)>,
    /// The TTL it was kept under, when no snapshot alone keys it.
    #[serde(default)]
    pub max_age_secs: Option<u64>,
}

/// A result found in the cache.
#[derive(Debug, Clone)]
pub struct Hit {
    pub entry: Entry,
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

/// How full the store is.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stats {
    pub entries: usize,
    pub bytes: u64,
    pub max_bytes: u64,
}

/// An entry a TTL limits is reused only while it is at most that old.
fn young_enough(entry: &Entry, key: &Key) -> bool {
    key.max_age_secs.is_none_or(|max| (Utc::now() - entry.created).num_seconds() <= i64::try_from(max).unwrap_or(i64::MAX))
}

#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    max_bytes: u64,
}

impl Store {
    pub fn new(dir: PathBuf, max_mb: u64) -> Store {
        Store { dir, max_bytes: max_mb.saturating_mul(1024 * 1024) }
    }

    fn paths(&self, key: &Key) -> (PathBuf, PathBuf) {
        (self.dir.join(format!("{}.arrow", key.hex)), self.dir.join(format!("{}.json", key.hex)))
    }

    /// The result under `key`, if whole; a damaged entry is removed and missed.
    pub fn get(&self, key: &Key) -> Option<Hit> {
        let (data, meta) = self.paths(key);
        let read = || -> Result<Option<Hit>, String> {
            let entry: Entry = serde_json::from_slice(&std::fs::read(&meta).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
            if !young_enough(&entry, key) {
                return Ok(None);
            }
            let reader = arrow::ipc::reader::FileReader::try_new(BufReader::new(File::open(&data).map_err(|e| e.to_string())?), None)
                .map_err(|e| e.to_string())?;
            let schema = reader.schema();
            let batches = reader.collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())?;
            let rows: u64 = batches.iter().map(|b| b.num_rows() as u64).sum();
            if rows != entry.rows {
                return Err(format!("{rows} rows where {} were written", entry.rows));
            }
            Ok(Some(Hit { entry, schema, batches }))
        };
        match read() {
            Ok(None) => None,
            Ok(Some(hit)) => {
                // Used now: the last to be evicted.
                let _ = File::options().append(true).open(&data).and_then(|f| f.set_modified(SystemTime::now()));
                Some(hit)
            }
            Err(_) => {
                if data.exists() || meta.exists() {
                    let _ = std::fs::remove_file(&data);
                    let _ = std::fs::remove_file(&meta);
                }
                None
            }
        }
    }

    /// True when an entry for `key` is there, young enough for it (it may still prove damaged
    /// when read).
    pub fn contains(&self, key: &Key) -> bool {
        let (data, meta) = self.paths(key);
        if key.max_age_secs.is_some() {
            let entry = std::fs::read(&meta).ok().and_then(|b| serde_json::from_slice::<Entry>(&b).ok());
            return data.is_file() && entry.is_some_and(|e| young_enough(&e, key));
        }
        data.is_file() && meta.is_file()
    }

    /// A writer for the result of `key`; nothing is visible until `commit`.
    pub fn writer(&self, key: &Key, schema: &SchemaRef) -> Option<Writer> {
        std::fs::create_dir_all(&self.dir).ok()?;
        let tmp = tempfile::Builder::new().prefix(".entry.").suffix(".tmp").tempfile_in(&self.dir).ok()?;
        let file = tmp.reopen().ok()?;
        let ipc = arrow::ipc::writer::FileWriter::try_new(std::io::BufWriter::new(file), schema).ok()?;
        Some(Writer { store: self.clone(), key: key.clone(), tmp, ipc: Some(ipc), rows: 0, bytes: 0 })
    }

    /// Every entry's data file with its size and last use.
    fn files(&self) -> Vec<(PathBuf, u64, SystemTime)> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else { return vec![] };
        dir.flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "arrow"))
            .filter_map(|e| {
                let m = e.metadata().ok()?;
                Some((e.path(), m.len(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH)))
            })
            .collect()
    }

    pub fn stats(&self) -> Stats {
        let files = self.files();
        Stats { entries: files.len(), bytes: files.iter().map(|f| f.1).sum(), max_bytes: self.max_bytes }
    }

    /// Removes every entry; returns how many there were.
    pub fn clear(&self) -> std::io::Result<usize> {
        let files = self.files();
        for (data, _, _) in &files {
            std::fs::remove_file(data)?;
            let _ = std::fs::remove_file(data.with_extension("json"));
        }
        Ok(files.len())
    }

    /// Removes the least recently used entries until the store fits.
    fn evict(&self) {
        let mut files = self.files();
        let mut total: u64 = files.iter().map(|f| f.1).sum();
        files.sort_by_key(|f| f.2);
        for (data, size, _) in files {
            if total <= self.max_bytes {
                break;
            }
            let _ = std::fs::remove_file(&data);
            let _ = std::fs::remove_file(data.with_extension("json"));
            total -= size;
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// A result being written to the cache as its batches arrive.
pub struct Writer {
    store: Store,
    key: Key,
    tmp: tempfile::NamedTempFile,
    ipc: Option<arrow::ipc::writer::FileWriter<std::io::BufWriter<File>>>,
    rows: u64,
    bytes: u64,
}

impl Writer {
    /// Adds a batch; a result larger than the whole store is given up on.
    pub fn push(&mut self, batch: &RecordBatch) {
        self.rows += batch.num_rows() as u64;
        self.bytes += batch.get_array_memory_size() as u64;
        if self.bytes > self.store.max_bytes {
            self.ipc = None;
        }
        if let Some(w) = &mut self.ipc
            && w.write(batch).is_err()
        {
            self.ipc = None;
        }
    }

    /// Makes the entry visible (data first, then what it is), then evicts what no longer fits.
    pub fn commit(self, cost_usd: f64) -> bool {
        let Some(mut ipc) = self.ipc else { return false };
        if ipc.finish().is_err() {
            return false;
        }
        drop(ipc);
        let (data, meta) = self.store.paths(&self.key);
        let entry = Entry { created: Utc::now(), rows: self.rows, cost_usd, snapshots: self.key.snapshots.clone(), max_age_secs: self.key.max_age_secs };
        let Ok(json) = serde_json::to_vec(&entry) else { return false };
        if self.tmp.persist(&data).is_err() {
            return false;
        }
        let written = tempfile::Builder::new()
            .prefix(".meta.")
            .tempfile_in(&self.store.dir)
            .and_then(|mut t| std::io::Write::write_all(&mut t, &json).map(|_| t))
            .and_then(|t| t.persist(&meta).map_err(|e| e.error));
        self.store.evict();
        written.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::Int64Array;
    use arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    fn batch(n: i64) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int64, false)]));
        RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from_iter_values(0..n))]).unwrap()
    }

    fn key(hex: &str) -> Key {
        Key { hex: hex.into(), snapshots: vec![("t".into(), 1)], max_age_secs: None }
    }

    fn put(store: &Store, k: &Key, rows: i64) {
        let b = batch(rows);
        let mut w = store.writer(k, &b.schema()).unwrap();
        w.push(&b);
        assert!(w.commit(0.25));
    }

    #[test]
    fn round_trips_counts_corruption_as_a_miss_and_evicts_the_least_recently_used() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf(), 1);
        assert!(store.get(&key("a")).is_none());
        put(&store, &key("a"), 1000);
        let hit = store.get(&key("a")).unwrap();
        assert_eq!((hit.entry.rows, hit.entry.cost_usd, hit.batches[0].num_rows()), (1000, 0.25, 1000));
        // A damaged entry is a miss, and is gone.
        std::fs::write(dir.path().join("a.arrow"), b"not arrow").unwrap();
        assert!(store.get(&key("a")).is_none());
        assert!(!dir.path().join("a.json").exists());
        // Over the size, the least recently used entry goes first.
        put(&store, &key("b"), 60_000);
        std::thread::sleep(std::time::Duration::from_millis(20));
        put(&store, &key("c"), 60_000);
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(store.get(&key("b")).is_some(), "b used last");
        put(&store, &key("d"), 60_000);
        let kept: Vec<bool> = ["b", "c", "d"].iter().map(|k| store.get(&key(k)).is_some()).collect();
        assert_eq!(kept, [true, false, true], "{:?}", store.stats());
        assert_eq!(store.clear().unwrap(), 2);
        assert_eq!(store.stats().entries, 0);
    }

    #[test]
    fn an_entry_older_than_its_keys_ttl_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf(), 16);
        put(&store, &key("t"), 10);
        // Made two hours ago.
        let meta = dir.path().join("t.json");
        let mut entry: Entry = serde_json::from_slice(&std::fs::read(&meta).unwrap()).unwrap();
        entry.created -= chrono::Duration::hours(2);
        std::fs::write(&meta, serde_json::to_vec(&entry).unwrap()).unwrap();
        let within = |hours: u64| Key { max_age_secs: Some(hours * 3600), ..key("t") };
        assert!(store.get(&within(1)).is_none() && !store.contains(&within(1)), "older than an hour's TTL");
        assert!(store.contains(&within(3)));
        assert_eq!(store.get(&within(3)).map(|h| h.entry.rows), Some(10), "the entry is kept for a longer TTL");
        assert!(store.get(&key("t")).is_some(), "no TTL: the snapshots alone decide");
    }
}
