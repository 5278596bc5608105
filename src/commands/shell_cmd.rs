//! Shell integration, generated from the CLI definition: completion scripts (clap_complete),
//! man pages (clap_mangen), and the version text (version, git commit, engines).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use clap_complete::Shell;

use crate::config::ENGINES;
use crate::error::{FathomError, Result};

/// The commit build.rs recorded: empty when built outside a git checkout.
const COMMIT: &str = env!("FATHOM_GIT_COMMIT");

static SHORT: LazyLock<String> = LazyLock::new(|| match COMMIT {
    "" => env!("CARGO_PKG_VERSION").to_string(),
    c => format!("{} ({c})", env!("CARGO_PKG_VERSION")),
});

static LONG: LazyLock<String> = LazyLock::new(|| {
    let commit = match COMMIT {
        "" => "none (not built from a git checkout)",
        c => c,
    };
    format!("{}\ncommit: {commit}\nengines: {}", env!("CARGO_PKG_VERSION"), ENGINES.join(", "))
});

/// `fathom -V`: the version, and the commit when built from a checkout.
pub fn short_version() -> &'static str {
    &SHORT
}

/// `fathom --version`: the version, the commit (or that there is none) and the engines built in.
pub fn long_version() -> &'static str {
    &LONG
}

/// The completion script for `shell`, for the command `cmd` describes.
pub fn completions(shell: Shell, cmd: &mut clap::Command) -> Vec<u8> {
    let mut out = Vec::new();
    let name = cmd.get_name().to_string();
    clap_complete::generate(shell, cmd, name, &mut out);
    out
}

/// The man page of `cmd` (section 1, roff), listing its subcommands.
pub fn man_page(cmd: clap::Command) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut out).map_err(|e| FathomError::io("rendering the man page", e))?;
    Ok(out)
}

/// Writes the man pages of `cmd` and of each subcommand (`fathom.1`, `fathom-run.1`, ...) into
/// `dir`, creating it; returns the files written.
pub fn write_man_pages(cmd: clap::Command, dir: &Path) -> Result<Vec<PathBuf>> {
    fn walk(cmd: &clap::Command, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, dir, out)?;
        }
        out.push(clap_mangen::Man::new(cmd.clone()).generate_to(dir)?);
        Ok(())
    }
    std::fs::create_dir_all(dir).map_err(|e| FathomError::io(format!("creating {}", dir.display()), e))?;
    // as clap_mangen::generate_to: subcommands named `fathom-run`, no `help` page
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut files = Vec::new();
    walk(&cmd, dir, &mut files).map_err(|e| FathomError::io(format!("writing man pages into {}", dir.display()), e))?;
    Ok(files)
}
