//! Rebuild when the embedded lessons or assets change (include_dir cannot
//! tell cargo on stable Rust).

fn main() {
    println!("cargo:rerun-if-changed=lessons");
    println!("cargo:rerun-if-changed=assets");
}
