//! Build script: records the git commit fathom is built from, for `fathom --version`. A build
//! outside a git checkout (a tarball, `cargo install` from the registry, no git installed) records
//! none and builds all the same.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `git ARGS` run in the crate's directory: its trimmed stdout, or None on any failure.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(dir).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The commit of the checkout this crate is the top of (not of an enclosing repository that a
/// tarball happens to be unpacked in), with the files whose change moves it.
fn commit(dir: &Path) -> Option<(String, Vec<PathBuf>)> {
    let top = PathBuf::from(git(dir, &["rev-parse", "--show-toplevel"])?);
    if top.canonicalize().ok()? != dir.canonicalize().ok()? {
        return None;
    }
    let hash = git(dir, &["rev-parse", "--short=12", "HEAD"])?;
    let mut watch = vec![PathBuf::from(git(dir, &["rev-parse", "--git-path", "HEAD"])?)];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watch.extend(git(dir, &["rev-parse", "--git-path", &branch]).map(PathBuf::from));
    }
    watch.extend(git(dir, &["rev-parse", "--git-path", "packed-refs"]).map(PathBuf::from));
    Some((hash, watch.into_iter().map(|p| if p.is_absolute() { p } else { dir.join(p) }).collect()))
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| ".".into()));
    let hash = match commit(&dir) {
        Some((hash, watch)) => {
            // A watched path that does not exist would rerun this script on every build.
            for path in watch.iter().filter(|p| p.exists()) {
                println!("cargo:rerun-if-changed={}", path.display());
            }
            hash
        }
        None => String::new(),
    };
    println!("cargo:rustc-env=FATHOM_GIT_COMMIT={hash}");
}
