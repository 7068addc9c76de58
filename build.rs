//! Rebuild when the embedded lessons or assets change (include_dir cannot
//! tell cargo on stable Rust), and lay out a release binary's code so the
//! reader's pages sit together.

use std::env;

fn main() {
    println!("cargo:rerun-if-changed=lessons");
    println!("cargo:rerun-if-changed=assets");
    order_reader_code();
}

/// The kernel maps a binary's code 64 KiB around each page first run
/// (fault-around), so code the reader runs, scattered through the whole
/// text, made nearly all of it resident. build/reader-symbols.txt lists
/// the functions a reading session runs (scripts/reader-symbols.sh makes
/// it); the linker puts them first, together. Only where the linker is
/// known to be lld, which reads the list (rust's default on x86_64 Linux),
/// and only for release builds; a name the binary lacks is skipped, so a
/// stale list costs memory, never a build (scripts/memory-cost.sh shows it).
fn order_reader_code() {
    const LIST: &str = "build/reader-symbols.txt";
    println!("cargo:rerun-if-changed={LIST}");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let var = |name: &str| env::var(name).unwrap_or_default();
    let lld_by_default = var("TARGET") == "x86_64-unknown-linux-gnu"
        && env::var_os("RUSTC_LINKER").is_none()
        && !var("CARGO_ENCODED_RUSTFLAGS").contains("link");
    if lld_by_default && var("PROFILE") == "release" {
        let list = format!("{}/{LIST}", var("CARGO_MANIFEST_DIR"));
        println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={list}");
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}
