//! The saved-query browser's model: the queries found under the project's `queries/` and the
//! user's query dir, grouped by folder, with a fuzzy filter and folding.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::library::{Header, parse_header};

/// One saved query file, read once at start.
#[derive(Debug, Clone)]
pub struct SavedQuery {
    pub path: PathBuf,
    /// Folder label, e.g. `queries/market` or `~user/queries`.
    pub group: String,
    /// File stem, e.g. `daily_prices`.
    pub stem: String,
    pub text: String,
    /// The parsed header, or what is wrong with it.
    pub header: Result<Header, String>,
    /// The profile it opens on: Athena named queries belong to their profile; files open on
    /// the default one.
    pub profile: Option<String>,
}

impl SavedQuery {
    pub fn from_text(path: PathBuf, group: String, text: String) -> SavedQuery {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let header = parse_header(&text, &path).map_err(|e| e.to_string());
        SavedQuery { path, group, stem, text, header, profile: None }
    }

    /// An Athena named query of `profile`'s workgroup, shown in the group `athena:<profile>`.
    pub fn named(profile: &str, q: &crate::catalog::NamedQuery) -> SavedQuery {
        let mut text = format!("-- name: {}\n", q.name.replace('\n', " "));
        if let Some(d) = q.description.as_deref().filter(|d| !d.trim().is_empty()) {
            text.push_str(&format!("-- description: {}\n", d.replace('\n', " ")));
        }
        text.push_str("-- engine: athena\n");
        text.push_str(&q.sql);
        let path = PathBuf::from(format!("athena://{profile}/{}", q.id));
        let mut sq = SavedQuery::from_text(path, format!("athena:{profile}"), text);
        sq.stem = q.name.clone();
        sq.profile = Some(profile.to_string());
        sq
    }

    /// The header's name, else the file stem.
    pub fn title(&self) -> &str {
        self.header.as_ref().ok().and_then(|h| h.name.as_deref()).unwrap_or(&self.stem)
    }
}

/// Reads every `.sql` file under each `(label, dir)` (two levels deep), sorted by folder
/// and name. Missing dirs are skipped; unreadable files are skipped.
pub fn load(dirs: &[(String, PathBuf)]) -> Vec<SavedQuery> {
    let mut out = Vec::new();
    for (label, dir) in dirs {
        walk(dir, label, 0, &mut out);
    }
    sort(&mut out);
    out
}

/// Folder order, then name.
fn sort(items: &mut [SavedQuery]) {
    items.sort_by(|a, b| (a.group.as_str(), a.stem.as_str()).cmp(&(b.group.as_str(), b.stem.as_str())));
}

fn walk(dir: &Path, label: &str, depth: usize, out: &mut Vec<SavedQuery>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && depth < 2 {
            let name = entry.file_name().to_string_lossy().into_owned();
            walk(&path, &format!("{label}/{name}"), depth + 1, out);
        } else if path.extension().is_some_and(|e| e == "sql")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            out.push(SavedQuery::from_text(path, label.to_string(), text));
        }
    }
}

/// A visible row of the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Group(usize),
    Query(usize),
}

#[derive(Debug, Clone, Default)]
pub struct Browser {
    pub items: Vec<SavedQuery>,
    pub filter: String,
    pub filtering: bool,
    /// Index into `rows()`.
    pub selected: usize,
    pub collapsed: BTreeSet<String>,
}

/// Fuzzy match: every char of `needle` appears in order in `hay` (case-insensitive).
pub fn fuzzy_match(needle: &str, hay: &str) -> bool {
    let mut hay = hay.chars().flat_map(char::to_lowercase);
    needle.chars().flat_map(char::to_lowercase).filter(|c| !c.is_whitespace()).all(|n| hay.any(|h| h == n))
}

impl Browser {
    pub fn new(items: Vec<SavedQuery>) -> Browser {
        Browser { items, ..Browser::default() }
    }

    /// Adds the named queries of `profile` (replacing any it had), keeping folder order.
    pub fn set_named(&mut self, profile: &str, items: Vec<SavedQuery>) {
        self.items.retain(|q| q.profile.as_deref() != Some(profile));
        self.items.extend(items);
        sort(&mut self.items);
    }

    fn matches(&self, q: &SavedQuery) -> bool {
        self.filter.is_empty() || fuzzy_match(&self.filter, &format!("{} {} {}", q.group, q.stem, q.title()))
    }

    /// Group headers and the queries under them (folded groups show no queries; a filter
    /// unfolds everything and hides groups without matches).
    pub fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        let mut last: Option<&str> = None;
        for (i, q) in self.items.iter().enumerate() {
            if !self.matches(q) {
                continue;
            }
            if last != Some(q.group.as_str()) {
                rows.push(Row::Group(i));
                last = Some(&q.group);
            }
            if !self.filter.is_empty() || !self.collapsed.contains(&q.group) {
                rows.push(Row::Query(i));
            }
        }
        rows
    }

    /// The selected query, if the selection is on one.
    pub fn selected_query(&self) -> Option<&SavedQuery> {
        match self.rows().get(self.selected) {
            Some(Row::Query(i)) => self.items.get(*i),
            _ => None,
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        let n = self.rows().len();
        if n == 0 {
            self.selected = 0;
            return;
        }
        self.selected = (self.selected as isize + delta).clamp(0, n as isize - 1) as usize;
    }

    /// After the filter changes: select the first matching query.
    pub fn select_first_query(&mut self) {
        let rows = self.rows();
        self.selected = rows.iter().position(|r| matches!(r, Row::Query(_))).unwrap_or(0);
    }

    pub fn toggle_group(&mut self, item: usize) {
        if let Some(q) = self.items.get(item) {
            let g = q.group.clone();
            if !self.collapsed.remove(&g) {
                self.collapsed.insert(g);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(group: &str, stem: &str, name: &str) -> SavedQuery {
        SavedQuery::from_text(PathBuf::from(format!("{group}/{stem}.sql")), group.into(), format!("-- name: {name}\nSELECT 1"))
    }

    #[test]
    fn fuzzy_filter_matches_subsequences_and_hides_empty_groups() {
        let mut b = Browser::new(vec![q("market", "daily_prices", "Daily prices"), q("market", "last_30_days", "Last 30"), q("portfolio", "nav", "NAV")]);
        assert_eq!(b.rows().len(), 5);
        b.filter = "dlyprc".into();
        b.select_first_query();
        assert_eq!(b.rows(), vec![Row::Group(0), Row::Query(0)]);
        assert_eq!(b.selected_query().unwrap().stem, "daily_prices");
        assert!(fuzzy_match("NAV", "portfolio nav"));
        assert!(!fuzzy_match("xyz", "portfolio nav"));
    }

    #[test]
    fn groups_fold_and_the_real_query_dir_loads_with_headers() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
        let mut b = Browser::new(load(&[("queries".into(), dir)]));
        assert!(b.items.len() >= 10, "{}", b.items.len());
        let daily = b.items.iter().find(|q| q.stem == "daily_prices").unwrap();
        assert_eq!(daily.group, "queries/market");
        assert_eq!(daily.title(), "Daily prices of one ticker");
        assert_eq!(daily.header.as_ref().unwrap().params.len(), 2);
        let before = b.rows().len();
        b.toggle_group(0);
        assert!(b.rows().len() < before);
    }
}
