//! The shape in `../shared/design.md`, checked on the source: the modules import each other
//! without cycles (the estimate sits below the engines, shared types in a leaf), `views`
//! never imports `update`, and the files of `tui/update/` that own a pane or an overlay
//! import none of each other (they share through `ctx.rs` and `run.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file under `src/` as (module path, text without its test module).
fn sources() -> Vec<(Vec<String>, String)> {
    fn walk(dir: &Path, out: &mut Vec<(Vec<String>, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).unwrap();
                let mut module: Vec<String> = rel.with_extension("").iter().map(|c| c.to_string_lossy().into_owned()).collect();
                if module.last().is_some_and(|m| m == "mod") {
                    module.pop();
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let text = match text.find("#[cfg(test)]") {
                    Some(i) => text[..i].to_string(),
                    None => text,
                };
                out.push((module, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

/// The `crate::a::b::…` paths a text names, each as its segments.
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let path: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':').collect();
        out.push(path.split("::").filter(|s| !s.is_empty()).map(str::to_string).collect());
    }
    out
}

/// Edges between the nodes `node` maps a module path to (self-edges dropped).
fn graph(node: impl Fn(&[String]) -> Option<String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in sources() {
        let Some(from) = node(&module) else { continue };
        for path in crate_paths(&text) {
            if let Some(to) = node(&path)
                && to != from
            {
                g.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    g
}

fn cycles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn dfs(u: &str, g: &BTreeMap<String, BTreeSet<String>>, state: &mut BTreeMap<String, u8>, stack: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        state.insert(u.to_string(), 1);
        stack.push(u.to_string());
        for v in g.get(u).into_iter().flatten() {
            match state.get(v.as_str()) {
                Some(1) => {
                    let at = stack.iter().position(|s| s == v).unwrap_or(0);
                    out.push(stack[at..].iter().cloned().chain([v.clone()]).collect());
                }
                Some(_) => {}
                None => dfs(v, g, state, stack, out),
            }
        }
        stack.pop();
        state.insert(u.to_string(), 2);
    }
    let (mut state, mut out) = (BTreeMap::new(), Vec::new());
    for u in g.keys() {
        if !state.contains_key(u) {
            dfs(u, g, &mut state, &mut Vec::new(), &mut out);
        }
    }
    out
}

const TOP: &[&str] = &[
    "catalog", "chart", "commands", "config", "engine", "error", "estimate", "export", "history", "iceberg", "lake", "library",
    "quality", "run", "sqltext", "tui",
];

#[test]
fn the_modules_import_each_other_without_cycles() {
    let top = graph(|m| m.first().filter(|m| TOP.contains(&m.as_str())).cloned());
    assert!(top.contains_key("tui") && top["tui"].contains("run"), "the scan sees the imports: {top:?}");
    assert_eq!(cycles(&top), Vec::<Vec<String>>::new(), "module cycles in {top:#?}");
    // The leaf of shared catalog types imports nothing of the crate but the error type.
    assert!(top.get("catalog").is_none_or(|deps| deps.iter().all(|d| d == "error")), "{:?}", top.get("catalog"));
    // The run pipeline sits below the workbench and the commands, never above them.
    for above in ["tui", "commands"] {
        assert!(!top.get("run").is_some_and(|d| d.contains(above)), "run imports {above}");
    }
}

#[test]
fn the_workbench_files_import_downward_only() {
    let tui = graph(|m| match m {
        [t, sub, file, ..] if t == "tui" && sub == "update" => Some(format!("update::{file}")),
        [t, sub, ..] if t == "tui" => Some(sub.clone()),
        _ => None,
    });
    assert_eq!(cycles(&tui), Vec::<Vec<String>>::new(), "cycles among the workbench's files: {tui:#?}");
    let views: Vec<&String> = tui.iter().filter(|(k, _)| *k == "views").flat_map(|(_, d)| d).collect();
    assert!(!views.iter().any(|d| d.starts_with("update")), "views import update: {views:?}");
    let owners = ["update::panes", "update::overlays", "update::lists", "update::budget", "update::questions"];
    for owner in owners {
        let deps = tui.get(owner).cloned().unwrap_or_default();
        let others: Vec<&String> = deps.iter().filter(|d| owners.contains(&d.as_str())).collect();
        assert!(others.is_empty(), "{owner} imports {others:?}; share through update::ctx or update::run");
    }
    for shared in ["update::ctx", "update::run"] {
        let deps = tui.get(shared).cloned().unwrap_or_default();
        assert!(!deps.iter().any(|d| owners.contains(&d.as_str())), "{shared} imports a pane's file: {deps:?}");
    }
}

#[test]
fn main_is_thin_and_no_engine_is_named_above_engine() {
    let main = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs")).unwrap();
    let code_lines = main.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("//")).count();
    assert!(code_lines < 320, "main.rs has {code_lines} lines of code: dispatch into commands/");
    for (module, text) in sources() {
        if module.first().is_some_and(|m| m == "engine" || m == "config" || m == "lake") {
            continue;
        }
        for bad in ["kind() == \"", "kind() != \"", "UNPRICED_ENGINES", "engine::athena::", "engine::postgres::", "engine::local::"] {
            let allowed = bad.starts_with("engine::") && module.first().is_some_and(|m| m == "run" || m == "commands");
            assert!(allowed || !text.contains(bad), "src/{} names an engine ({bad}): ask its caps() instead", module.join("/"));
        }
    }
}
