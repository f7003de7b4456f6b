#!/usr/bin/env bash
# Issue 18 §2, ours against Debian's stock mosh 1.4 in one run: Ctrl-C through a
# flood on a slow link. Each client (in tmux, 80×24) runs `seq 999999999` on its own
# server through mosh-impair at DELAY_MS one-way; after 3 s of flood Ctrl-C is
# pressed, and the time until the client's pane shows the new prompt is measured
# (pane polled every 2 ms). Pairs: our client with our server, stock with stock.
# Usage: scripts/bench-interrupt.sh [RUNS=9] [DELAY_MS=250] (environment).
# Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in tmux python3 mosh-client mosh-server; do
    command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install mosh tmux python3)" >&2; exit 1; }
done
cargo build --release -q -p mosh-server -p mosh-desktop -p mosh-core \
    --bin mosh-server --bin mosh-client --bin mosh-impair
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
exec python3 scripts/bench_interrupt.py \
    --our-server "$target/release/mosh-server" --our-client "$target/release/mosh-client" \
    --impair "$target/release/mosh-impair" --runs "${RUNS:-9}" --delay-ms "${DELAY_MS:-250}"
