//! Schema-aware completion, pure and IO-free: given the statement, the cursor and the names
//! a profile has (tables, the columns loaded so far, the engine's functions), which
//! candidates fit the word being typed, best first. Keywords; schemas and tables; columns of
//! the tables in scope, also through aliases (`m.tic` → `m.ticker` when the statement reads
//! `reference.tb_meta m`, before or after the cursor); functions; the header's `:params`.
//! The TUI keeps the names and the popup (`tui/complete.rs`); loading them is the executor's.

pub mod keywords;
pub mod rank;
pub mod scope;

use std::collections::{BTreeSet, HashMap};

use crate::catalog::TableInfo;
pub use scope::{TableRef, Word};

/// At most this many candidates are kept for the popup.
pub const LIMIT: usize = 200;

/// What a candidate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Column,
    Table,
    Schema,
    Function,
    Keyword,
    Param,
}

impl Kind {
    /// A short tag for the popup.
    pub fn tag(self) -> &'static str {
        match self {
            Kind::Column => "col",
            Kind::Table => "table",
            Kind::Schema => "schema",
            Kind::Function => "fn",
            Kind::Keyword => "kw",
            Kind::Param => "param",
        }
    }
}

/// One candidate: the text a pick puts in place of the typed word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub text: String,
    pub kind: Kind,
}

impl Item {
    fn new(text: impl Into<String>, kind: Kind) -> Item {
        Item { text: text.into(), kind }
    }

    /// The part after the last `.` (a table's name without its schema).
    pub fn last_part(&self) -> &str {
        self.text.rsplit('.').next().unwrap_or(&self.text)
    }
}

/// The columns of one table, as loaded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Columns {
    pub names: Vec<String>,
    /// Loaded from the disk cache and older than its TTL: offered, and loaded again when the
    /// table is in scope.
    pub stale: bool,
    /// When they were described (Unix seconds; 0: this session, not yet saved).
    pub at: u64,
}

/// The names a profile's completion knows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Names {
    pub tables: Vec<TableInfo>,
    /// By `key(schema, table)`.
    pub columns: HashMap<String, Columns>,
    pub functions: Vec<String>,
}

/// The columns map's key of a table.
pub fn key(schema: &str, table: &str) -> String {
    format!("{}.{}", schema.to_lowercase(), table.to_lowercase())
}

impl Names {
    /// The schema of a table named without one, when exactly one schema has it.
    fn schema_of(&self, name: &str) -> Option<&str> {
        let mut found = self.tables.iter().filter(|t| t.name.eq_ignore_ascii_case(name));
        let first = found.next()?;
        found.next().is_none().then_some(first.schema.as_str())
    }

    /// The (schema, table) a reference resolves to, when its schema is known.
    pub fn resolve(&self, r: &TableRef) -> Option<(String, String)> {
        let schema = r.schema.as_deref().or_else(|| self.schema_of(&r.name))?;
        Some((schema.to_string(), r.name.clone()))
    }

    fn columns_of(&self, r: &TableRef) -> &[String] {
        self.resolve(r).and_then(|(s, t)| self.columns.get(&key(&s, &t))).map(|c| c.names.as_slice()).unwrap_or(&[])
    }

    /// Tables of `refs` whose columns are not loaded (or are stale), to describe.
    pub fn missing(&self, refs: &[TableRef]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for r in refs {
            let Some((s, t)) = self.resolve(r) else { continue };
            let known = self.tables.is_empty() || self.tables.iter().any(|x| x.schema.eq_ignore_ascii_case(&s) && x.name.eq_ignore_ascii_case(&t));
            let loaded = self.columns.get(&key(&s, &t)).is_some_and(|c| !c.stale);
            if known && !loaded && !out.iter().any(|(a, b)| key(a, b) == key(&s, &t)) {
                out.push((s, t));
            }
        }
        out
    }
}

/// What to complete at a cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub word: Word,
    /// Tables in the statement (for loading their columns).
    pub scope: Vec<TableRef>,
    pub items: Vec<Item>,
}

/// The candidates for the word ending at byte `cursor` of `statement`. `params`: the names
/// the header declares.
pub fn complete(statement: &str, cursor: usize, names: &Names, params: &[String]) -> Completion {
    let word = scope::word_at(statement, cursor);
    let scope = scope::tables_in(statement);
    let mut items = Vec::new();
    if word.param {
        items.extend(params.iter().map(|p| Item::new(p.clone(), Kind::Param)));
    } else if let Some(q) = &word.qualifier {
        let by_alias = scope.iter().filter(|r| r.alias.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(q)));
        let by_name = scope.iter().filter(|r| r.alias.is_none() && r.name.eq_ignore_ascii_case(q));
        for r in by_alias.chain(by_name) {
            items.extend(names.columns_of(r).iter().map(|c| Item::new(c.clone(), Kind::Column)));
        }
        items.extend(names.tables.iter().filter(|t| t.schema.eq_ignore_ascii_case(q)).map(|t| Item::new(t.name.clone(), Kind::Table)));
    } else {
        let mut seen = BTreeSet::new();
        for r in &scope {
            for c in names.columns_of(r) {
                if seen.insert(c.to_lowercase()) {
                    items.push(Item::new(c.clone(), Kind::Column));
                }
            }
        }
        let schemas: BTreeSet<&str> = names.tables.iter().map(|t| t.schema.as_str()).collect();
        items.extend(names.tables.iter().map(|t| Item::new(format!("{}.{}", t.schema, t.name), Kind::Table)));
        items.extend(schemas.into_iter().map(|s| Item::new(s, Kind::Schema)));
        items.extend(names.functions.iter().map(|f| Item::new(f.clone(), Kind::Function)));
        items.extend(keywords::KEYWORDS.iter().map(|k| Item::new(*k, Kind::Keyword)));
    }
    let items = rank::rank(&word.typed, items, LIMIT);
    Completion { word, scope, items }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let table = |s: &str, n: &str| TableInfo { schema: s.into(), name: n.into() };
        let mut n = Names {
            tables: vec![table("market_data", "kr_stocks_price"), table("market_data", "us_stocks_price"), table("reference", "tb_meta")],
            functions: vec!["date_trunc".into(), "sum".into()],
            ..Names::default()
        };
        let cols = |c: &[&str]| Columns { names: c.iter().map(|s| s.to_string()).collect(), stale: false, at: 0 };
        n.columns.insert(key("reference", "tb_meta"), cols(&["meta_id", "ticker", "name", "sector", "iso_code"]));
        n.columns.insert(key("market_data", "us_stocks_price"), cols(&["meta_id", "trade_date", "close", "adj_close"]));
        n
    }

    fn texts(c: &Completion) -> Vec<&str> {
        c.items.iter().map(|i| i.text.as_str()).collect()
    }

    fn at_end(sql: &str) -> Completion {
        complete(sql, sql.len(), &names(), &["start".into(), "ticker".into()])
    }

    #[test]
    fn tables_of_a_schema_and_columns_through_aliases() {
        assert_eq!(texts(&at_end("SELECT * FROM market_data.us_sto")), vec!["us_stocks_price"]);
        assert_eq!(texts(&at_end("SELECT * FROM reference.tb_meta m WHERE m.sec")), vec!["sector"]);
        // The FROM after the cursor counts too.
        let sql = "SELECT m.tic FROM reference.tb_meta AS m";
        assert_eq!(texts(&complete(sql, "SELECT m.tic".len(), &names(), &[])), vec!["ticker"]);
        // An unaliased table is its own qualifier; a schema's tables after its dot.
        let sql = "SELECT tb_meta.iso FROM reference.tb_meta";
        assert_eq!(texts(&complete(sql, "SELECT tb_meta.iso".len(), &names(), &[])), vec!["iso_code"]);
        assert_eq!(texts(&at_end("SELECT * FROM reference.")), vec!["tb_meta"]);
        // Tables named without their schema resolve when the name is unique.
        let sql = "SELECT t.adj FROM us_stocks_price t";
        assert_eq!(texts(&complete(sql, "SELECT t.adj".len(), &names(), &[])), vec!["adj_close"]);
    }

    #[test]
    fn unqualified_words_offer_columns_in_scope_first_then_everything() {
        let c = complete("SELECT tick FROM reference.tb_meta", "SELECT tick".len(), &names(), &[]);
        assert_eq!(c.items.first().map(|i| (i.text.as_str(), i.kind)), Some(("ticker", Kind::Column)), "{c:?}");
        assert_eq!(texts(&at_end("SELECT * FROM us_sto")), vec!["market_data.us_stocks_price"]);
        let c = at_end("SEL");
        assert_eq!(c.items.first().map(|i| (i.text.as_str(), i.kind)), Some(("SELECT", Kind::Keyword)));
        let c = at_end("SELECT date_t");
        assert_eq!(c.items.first().map(|i| (i.text.as_str(), i.kind)), Some(("date_trunc", Kind::Function)));
        let c = at_end("SELECT * FROM x WHERE d >= :st");
        assert_eq!(texts(&c), vec!["start"]);
        assert_eq!(c.word.typed, "st");
    }

    #[test]
    fn missing_columns_are_asked_once_per_table() {
        let n = names();
        let refs = scope::tables_in("SELECT 1 FROM market_data.kr_stocks_price a JOIN market_data.kr_stocks_price b ON true JOIN reference.tb_meta m ON true JOIN nowhere.x ON true");
        assert_eq!(n.missing(&refs), vec![("market_data".to_string(), "kr_stocks_price".to_string())]);
        let mut stale = n.clone();
        if let Some(c) = stale.columns.get_mut(&key("reference", "tb_meta")) {
            c.stale = true;
        }
        assert_eq!(stale.missing(&scope::tables_in("SELECT 1 FROM reference.tb_meta")).len(), 1);
        // While the table list is still loading, a schema-qualified table is described anyway.
        let loading = Names::default();
        assert_eq!(loading.missing(&scope::tables_in("SELECT 1 FROM reference.tb_meta m")), vec![("reference".to_string(), "tb_meta".to_string())]);
    }
}
