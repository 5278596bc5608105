//! Ranking candidates against what was typed: fuzzy with nucleo, prefix matches first,
//! then nucleo's score, then the candidate's own order (columns in table order).

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::Item;

/// The items that match `typed`, best first; all of them, in their order, when nothing is typed.
pub fn rank(typed: &str, items: Vec<Item>, limit: usize) -> Vec<Item> {
    if typed.is_empty() {
        return items.into_iter().take(limit).collect();
    }
    let pattern = Pattern::new(typed, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let lower = typed.to_lowercase();
    let mut buf = Vec::new();
    let mut scored: Vec<(bool, u32, usize, Item)> = items
        .into_iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let score = pattern.score(Utf32Str::new(&item.text, &mut buf), &mut matcher)?;
            let prefix = item.last_part().to_lowercase().starts_with(&lower) || item.text.to_lowercase().starts_with(&lower);
            Some((prefix, score, i, item))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    scored.into_iter().take(limit).map(|(_, _, _, item)| item).collect()
}

/// The longer word every candidate starts with, when `typed` is a prefix of all of them (in
/// any case) and they share more than it: what Tab can put in before the user picks one.
/// `None` when the list may be cut (`complete::LIMIT`), so a shared prefix would be a guess.
pub fn common_prefix(typed: &str, items: &[Item]) -> Option<String> {
    if items.len() < 2 || items.len() >= super::LIMIT {
        return None;
    }
    let lower = typed.to_lowercase();
    if !items.iter().all(|i| i.text.to_lowercase().starts_with(&lower)) {
        return None;
    }
    let first: Vec<char> = items[0].text.chars().collect();
    let mut n = first.len();
    for item in &items[1..] {
        n = n.min(item.text.chars().zip(&first).take_while(|(a, b)| a == *b).count());
    }
    let prefix: String = first[..n].iter().collect();
    (prefix.chars().count() > typed.chars().count()).then_some(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complete::Kind;

    fn items(names: &[&str]) -> Vec<Item> {
        names.iter().map(|n| Item { text: n.to_string(), kind: Kind::Column }).collect()
    }

    fn texts(v: &[Item]) -> Vec<&str> {
        v.iter().map(|i| i.text.as_str()).collect()
    }

    #[test]
    fn prefix_matches_come_before_fuzzy_ones() {
        let got = rank("sec", items(&["meta_id", "ticker", "asset_class", "sector", "iso_code"]), 10);
        assert_eq!(texts(&got), vec!["sector", "asset_class"]);
        let got = rank("TIC", items(&["meta_id", "ticker", "name"]), 10);
        assert_eq!(texts(&got), vec!["ticker"]);
        let got = rank("us_sto", items(&["market_data.kr_stocks_price", "market_data.us_stocks_price"]), 10);
        assert_eq!(texts(&got), vec!["market_data.us_stocks_price"]);
        let got = rank("", items(&["b", "a"]), 1);
        assert_eq!(texts(&got), vec!["b"]);
    }
}
