#!/usr/bin/env bash
# Installs every tool the project needs, idempotently: the Rust wasm target, the pinned
# wasm-bindgen CLI and worker-build (cached per version outside the repo), the npm packages, and
# with `--browser` Debian's Chromium and ChromeDriver for the browser tests.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

want_browser=false
[ "${1:-}" = "--browser" ] && want_browser=true

step "Rust toolchain (rust-toolchain.toml: 1.95.0 + wasm32-unknown-unknown)"
command -v rustup >/dev/null || die "rustup is missing: install Rust from rustup first"
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
note "$(rustc --version)"

install_crate() { # name version dir binary [cargo install flags…]
  local name="$1" version="$2" dir="$3" binary="$4"
  shift 4
  # A marker written after a finished install: some of these binaries have no `--version`.
  if [ -x "$dir/bin/$binary" ] && [ -f "$dir/.installed-$version" ]; then
    note "$name $version already in $dir"
  elif [ -x "$dir/bin/$binary" ] && "$dir/bin/$binary" --version 2>/dev/null | grep -q "$version"; then
    touch "$dir/.installed-$version"
    note "$name $version already in $dir"
  else
    note "installing $name $version into $dir (once per machine; 5–20 minutes on 2 cores)"
    cargo install --locked --root "$dir" "$name" --version "$version" "$@"
    touch "$dir/.installed-$version"
  fi
}
step "wasm-bindgen CLI $WASM_BINDGEN_VERSION"
install_crate wasm-bindgen-cli "$WASM_BINDGEN_VERSION" "$WASM_BINDGEN_DIR" wasm-bindgen
step "worker-build $WORKER_BUILD_VERSION"
install_crate worker-build "$WORKER_BUILD_VERSION" "$WORKER_BUILD_DIR" worker-build
step "wasm-split-cli $WASM_SPLIT_VERSION (splits the app's wasm by route)"
install_crate wasm_split_cli_support "$WASM_SPLIT_VERSION" "$WASM_SPLIT_DIR" wasm-split-cli --features build-binary

if [ "${IMP_WANT_TWIGGY:-}" = 1 ]; then
  step "twiggy $TWIGGY_VERSION (code size by function, for make size)"
  install_crate twiggy "$TWIGGY_VERSION" "$TWIGGY_DIR" twiggy
fi

step "npm packages (wrangler, workerd, binaryen, playwright-core, axe-core)"
if [ -x node_modules/.bin/wrangler ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  note "node_modules is up to date"
else
  npm ci --no-audit --no-fund --loglevel=error
fi

step "Rust crates (cargo fetch --locked)"
cargo fetch --locked --quiet

if $want_browser; then
  step "Chromium, ChromeDriver and a CJK font (Debian packages)"
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && fc-list 2>/dev/null | grep -qi "wenquanyi"; then
    note "$(/usr/bin/chromium --version 2>/dev/null || echo chromium present)"
  else
    command -v apt-get >/dev/null || die "apt-get is missing: install chromium and chromium-driver by hand"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    # A CJK font, so zh-TW screens render (and screenshot) as people see them.
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null
    note "$(/usr/bin/chromium --version)"
  fi
fi
