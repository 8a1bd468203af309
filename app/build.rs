//! With the `split` feature (the shipped build, see `scripts/build.sh`), the linker keeps its
//! relocations in the wasm, which `wasm-split-cli` needs to cut the lazy routes into pieces.
//! A linker argument, not `RUSTFLAGS`, so `.cargo/config.toml`'s flags stay in force.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    let split = std::env::var_os("CARGO_FEATURE_SPLIT").is_some();
    if wasm && split {
        println!("cargo:rustc-link-arg-cdylib=--emit-relocs");
    }
}
