#!/usr/bin/env bash
# Issue 18 §1, ours against Debian's stock mosh 1.4 in one run, over real UDP on
# loopback through mosh-impair (pass-through unless said otherwise):
#   1. datagrams a server sends to a client that stopped answering (stock mosh-client
#      SIGSTOPped, as a phone suspends an app) in the minute after, while the shell
#      prints a line every 200 ms;
#   2. recovery after a 30 s dead link (mosh-impair --blackout-secs 30, no hint to
#      either side): time from the link's return until the client's pane shows the
#      server's output of that moment (the shell prints the time every 20 ms), for
#      our client with our server and stock's client with stock's server.
# Usage: scripts/bench-silent-client.sh [RUNS=7] [DELAY_MS=0] (environment).
# Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in tmux python3 mosh-client mosh-server; do
    command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install mosh tmux python3)" >&2; exit 1; }
done
cargo build --release -q -p mosh-server -p mosh-desktop -p mosh-core \
    --bin mosh-server --bin mosh-client --bin mosh-impair
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
exec python3 scripts/bench_silent_client.py \
    --our-server "$target/release/mosh-server" --our-client "$target/release/mosh-client" \
    --impair "$target/release/mosh-impair" --runs "${RUNS:-7}" --delay-ms "${DELAY_MS:-0}"
