#!/usr/bin/env bash
# The soak benchmark (docs/benchmarks.md): one live session through the impairment
# proxy for SOAK_MINUTES (default 60) with roams and background pauses, memory and
# descriptors of both ends sampled each minute. Not a CI test.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=C.UTF-8
cargo build -q --release -p mosh-server
SOAK_MINUTES=${SOAK_MINUTES:-60} cargo bench -q -p mosh-ffi --bench soak
