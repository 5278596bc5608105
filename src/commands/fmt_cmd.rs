//! `fathom fmt [FILE | -] [--write]`: prints the SQL formatted (header, comments and
//! `:params` kept exactly), or rewrites the file in place, atomically (a temporary file in
//! the same directory, renamed over it).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{FathomError, Result};
use crate::library::format::format_sql;

#[derive(Debug, Clone, Default)]
pub struct FmtArgs {
    /// A .sql file, or `-` (or nothing) for stdin.
    pub file: Option<PathBuf>,
    /// Rewrite the file instead of printing.
    pub write: bool,
}

/// The text to print (empty after `--write`).
pub fn run(args: &FmtArgs) -> Result<String> {
    let file = args.file.as_deref().filter(|p| *p != Path::new("-"));
    let Some(path) = file else {
        if args.write {
            return Err(FathomError::Other("--write needs a FILE to rewrite (stdin cannot be written back)".into()));
        }
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| FathomError::io("reading the SQL from stdin", e))?;
        return format_sql(&text);
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        FathomError::io(format!("cannot read {} (name an existing .sql file, or - for stdin)", path.display()), e)
    })?;
    let out = format_sql(&text).map_err(|e| FathomError::Other(format!("{}: {e}", path.display())))?;
    if !args.write {
        return Ok(out);
    }
    if out != text {
        write_atomically(path, &out)?;
    }
    Ok(String::new())
}

/// Replaces `path` with `text`: a reader sees the old file or the new one, never half.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let what = || format!("rewriting {}", path.display());
    let mut tmp = tempfile::Builder::new().prefix(".fathom-fmt.").suffix(".tmp").tempfile_in(dir).map_err(|e| FathomError::io(what(), e))?;
    tmp.write_all(text.as_bytes()).map_err(|e| FathomError::io(what(), e))?;
    if let Ok(meta) = std::fs::metadata(path) {
        // Keep the file's permissions (the temporary file is created 0600).
        tmp.as_file().set_permissions(meta.permissions()).map_err(|e| FathomError::io(what(), e))?;
    }
    tmp.persist(path).map_err(|e| FathomError::io(what(), e.error))?;
    Ok(())
}
