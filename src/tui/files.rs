//! The file side of "open a .sql file" (run by the executor, never by `update`): reading the
//! file, and completing a typed path from the directory it names.

use std::path::{Path, PathBuf};

/// The text of `path`, or why it cannot be opened (said so the user can fix it).
pub fn read_sql(path: &Path) -> Result<String, String> {
    let shown = path.display();
    if path.is_dir() {
        return Err(format!("{shown} is a folder: name a .sql file in it (Tab completes)"));
    }
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{shown} does not exist: check the path (Tab completes)"),
        _ => format!("cannot read {shown}: {e}"),
    })?;
    String::from_utf8(bytes).map_err(|_| format!("{shown} is not UTF-8 text: open a .sql file"))
}

/// `~/` at the start means the home directory.
fn expand(input: &str) -> PathBuf {
    match (input.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(input),
    }
}

/// Completes `input` as far as the names in its directory agree: a single folder gets its
/// `/`, a single file its full name. Only folders and `.sql` files are offered. The error
/// lists the choices when they differ right after `input`, or says nothing matches.
pub fn complete_path(input: &str) -> Result<String, String> {
    let (dir_part, stem) = match input.rfind('/') {
        Some(i) => (&input[..=i], &input[i + 1..]),
        None => ("", input),
    };
    let dir = if dir_part.is_empty() { PathBuf::from(".") } else { expand(dir_part) };
    let listing = std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut names: Vec<String> = listing
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            let wanted = is_dir || name.ends_with(".sql");
            (wanted && name.starts_with(stem) && (!name.starts_with('.') || stem.starts_with('.')))
                .then(|| if is_dir { format!("{name}/") } else { name })
        })
        .collect();
    names.sort();
    let Some(first) = names.first() else {
        return Err(format!("no folder or .sql file starts with '{input}'"));
    };
    let common = names.iter().fold(first.clone(), |acc, n| {
        acc.chars().zip(n.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect()
    });
    if names.len() > 1 && common.len() <= stem.len() {
        let shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
        let more = if names.len() > 8 { format!(" and {} more", names.len() - 8) } else { String::new() };
        return Err(format!("{}{more}", shown.join("  ")));
    }
    Ok(format!("{dir_part}{common}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_folders_and_sql_files_and_lists_choices() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().display().to_string();
        std::fs::create_dir(dir.path().join("market")).unwrap();
        std::fs::write(dir.path().join("market/daily_prices.sql"), "select 1").unwrap();
        std::fs::write(dir.path().join("market/daily_stats.sql"), "select 2").unwrap();
        std::fs::write(dir.path().join("market/notes.txt"), "x").unwrap();
        assert_eq!(complete_path(&format!("{root}/mar")).unwrap(), format!("{root}/market/"));
        assert_eq!(complete_path(&format!("{root}/market/d")).unwrap(), format!("{root}/market/daily_"));
        let choices = complete_path(&format!("{root}/market/daily_")).unwrap_err();
        assert_eq!(choices, "daily_prices.sql  daily_stats.sql");
        assert_eq!(complete_path(&format!("{root}/market/daily_p")).unwrap(), format!("{root}/market/daily_prices.sql"));
        let none = complete_path(&format!("{root}/market/n")).unwrap_err();
        assert!(none.contains("no folder or .sql file starts with"), "{none}");
        assert!(complete_path(&format!("{root}/nope/x")).unwrap_err().starts_with("cannot list"));
    }

    #[test]
    fn reading_says_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("q.sql");
        std::fs::write(&f, "select 1\n").unwrap();
        assert_eq!(read_sql(&f).unwrap(), "select 1\n");
        assert!(read_sql(&dir.path().join("missing.sql")).unwrap_err().contains("does not exist"));
        assert!(read_sql(dir.path()).unwrap_err().contains("is a folder"));
        std::fs::write(&f, [0xff, 0xfe, 0x00]).unwrap();
        assert!(read_sql(&f).unwrap_err().contains("not UTF-8"));
    }
}
