#!/usr/bin/env bash
# Issue 18 §2, ours against Debian's stock mosh 1.4 in one run: Ctrl-C through a
# flood on a slow link. Each client (in tmux, 80×24) runs `seq 999999999` on its own
# server through mosh-impair at DELAY_MS one-way; after 3 s of flood Ctrl-C is
# pressed, and the time until the client's pane shows the new prompt is measured
# (pane polled every 2 ms). Pairs: ours, stock, and each server with the other client.
# Usage: scripts/bench-interrupt.sh [RUNS=9] [DELAY_MS=250] (environment).
# Results: docs/benchmarks.md.
exec bash "$(dirname "$0")/bench-python.sh" bench_interrupt.py "${RUNS:-9}" "${DELAY_MS:-250}"
