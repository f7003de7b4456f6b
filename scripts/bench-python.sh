#!/usr/bin/env bash
# Runs one of the Python session benchmarks (scripts/bench_*.py) on release builds of
# our server, desktop client and mosh-impair. Usage (from the other bench scripts):
#   scripts/bench-python.sh SCRIPT.py RUNS DELAY_MS
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in tmux python3 mosh-client mosh-server; do
    command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install mosh tmux python3)" >&2; exit 1; }
done
cargo build --release -q -p mosh-server -p mosh-desktop -p mosh-netem \
    --bin mosh-server --bin mosh-client --bin mosh-impair
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
exec python3 "scripts/$1" \
    --our-server "$target/release/mosh-server" --our-client "$target/release/mosh-client" \
    --impair "$target/release/mosh-impair" --runs "$2" --delay-ms "$3"
