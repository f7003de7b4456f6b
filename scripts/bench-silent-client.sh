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
exec bash "$(dirname "$0")/bench-python.sh" bench_silent_client.py "${RUNS:-7}" "${DELAY_MS:-0}"
