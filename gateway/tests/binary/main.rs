//! Tests that run the built `hisgw` executable, as hospital IT and the
//! operating system do: its commands, and processes killed, stopped and
//! running side by side. One test binary, so it is linked once.

mod cli;
mod processes;

use std::path::{Path, PathBuf};

/// The repository root (the demo mappings live under it).
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
