#!/usr/bin/env bash
# One command for the wheel: builds it (scripts/wheel.sh, a release build:
# minutes) and runs tests/wheel.rs, which installs it into a fresh venv
# with no Rust on PATH and runs forklab from there. The test is required
# to run here (FORKLAB_REQUIRE_WHEEL=1), not skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/wheel.sh "$@"
wheel=$(ls -t target/wheels/forklab-*manylinux*x86_64.whl | head -n 1)
echo "== tests/wheel.rs with $wheel"
FORKLAB_WHEEL="$PWD/$wheel" FORKLAB_REQUIRE_WHEEL=1 cargo test --test wheel -- --nocapture
