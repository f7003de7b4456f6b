#!/usr/bin/env bash
# Server benchmarks, ours against Debian's stock mosh-server in the same run, each
# serving the stock mosh-client (in tmux) through mosh-impair in pass-through mode:
#   1. resident memory (VmRSS) of an idle, attached session;
#   2. bytes on the wire per minute while idle (both directions, counted by the proxy);
#   3. server CPU seconds per MB of terminal output (`cat` of a seeded mixed corpus).
# Usage: scripts/bench-server.sh [IDLE_SECS=60] [CORPUS_MB=16] (environment).
# Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
IDLE_SECS=${IDLE_SECS:-60}
CORPUS_MB=${CORPUS_MB:-16}
STOCK_SERVER=${STOCK_SERVER:-/usr/bin/mosh-server}
for tool in tmux python3 mosh-client "$STOCK_SERVER"; do
    command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install mosh tmux python3)" >&2; exit 1; }
done

cargo build --release -q -p mosh-server -p mosh-netem --bin mosh-server --bin mosh-impair
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
OUR_SERVER="$target/release/mosh-server"
IMPAIR="$target/release/mosh-impair"

# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh
make_corpus "$CORPUS_MB"

# Starts server $2 as session $1 behind a pass-through proxy, with the stock client
# in a tmux window named $1. Sets SERVER_PID_$1 and PROXY_LOG_$1.
start_session() {
    local name=$1 server=$2 out port key pid listen
    out=$(env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 SHELL=/bin/sh PS1='$ ' \
        "$server" new -i 127.0.0.1 -p 0 -- /bin/sh 2>"$work/$name.err" </dev/null)
    read -r port key < <(sed -n 's/^MOSH CONNECT \([0-9]*\) \(.*\)$/\1 \2/p' <<<"$out")
    pid=$(sed -n 's/.*detached, pid = \([0-9]*\)\].*/\1/p' "$work/$name.err")
    [[ -n $port && -n $pid ]] || { echo "$name: no session: $out $(cat "$work/$name.err")" >&2; exit 1; }
    pids_to_kill+=("$pid")
    "$IMPAIR" --listen 127.0.0.1:0 --upstream "127.0.0.1:$port" --report-secs 1 >"$work/$name.proxy" &
    pids_to_kill+=($!)
    until listen=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/$name.proxy") && [[ -n $listen ]]; do sleep 0.05; done
    local client="env MOSH_KEY=$key LANG=C.UTF-8 TERM=xterm-256color mosh-client 127.0.0.1 $listen"
    open_window "$name" "$client"
    wait_for_line "$name" '^\$' 20
    printf -v "SERVER_PID_$name" %s "$pid"
    printf -v "PROXY_LOG_$name" %s "$work/$name.proxy"
}


# Total bytes both ways so far, from the proxy's newest report line.
proxy_bytes() {
    tail -n 1 "$1" | sed -n 's/.*up: [0-9]* datagrams \([0-9]*\) bytes.*down: [0-9]* datagrams \([0-9]*\) bytes.*/\1 \2/p' \
        | awk '{ print $1 + $2 }'
}


start_session ours "$OUR_SERVER"
start_session stock "$STOCK_SERVER"
sleep 5  # let both settle into idle heartbeats
for name in ours stock; do
    pid_var="SERVER_PID_$name"; log_var="PROXY_LOG_$name"
    printf -v "rss_$name" %s "$(rss_kib "${!pid_var}")"
    printf -v "idle_start_$name" %s "$(proxy_bytes "${!log_var}")"
done
sleep "$IDLE_SECS"
for name in ours stock; do
    log_var="PROXY_LOG_$name"; start_var="idle_start_$name"
    printf -v "idle_bytes_$name" %s "$(( $(proxy_bytes "${!log_var}") - ${!start_var} ))"
done

ticks_per_sec=$(getconf CLK_TCK)
for name in ours stock; do
    pid_var="SERVER_PID_$name"; pid=${!pid_var}
    before=$(cpu_ticks "$pid"); started=$(date +%s.%N)
    tmux -S "$TMUX_SOCKET" send-keys -t "bench:$name" -l "clear; cat $work/corpus; echo DONE''MARK"
    tmux -S "$TMUX_SOCKET" send-keys -t "bench:$name" Enter
    wait_for_line "$name" '^DONEMARK' 600
    after=$(cpu_ticks "$pid"); ended=$(date +%s.%N)
    printf -v "cpu_$name" %s "$(awk -v t=$((after - before)) -v hz="$ticks_per_sec" -v b="$corpus_bytes" \
        'BEGIN { printf "%.3f", t / hz / (b / 1e6) }')"
    printf -v "wall_$name" %s "$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", b - a }')"
    printf -v "rss_after_$name" %s "$(rss_kib "$pid")"
done

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== corpus: $corpus_bytes bytes (seed 20261121); idle window: ${IDLE_SECS}s"
printf '%-42s %14s %14s\n' "" "ours" "stock 1.4.0"
printf '%-42s %14s %14s\n' "idle session VmRSS (KiB)" "$rss_ours" "$rss_stock"
printf '%-42s %14s %14s\n' "VmRSS after the corpus (KiB)" "$rss_after_ours" "$rss_after_stock"
printf '%-42s %14s %14s\n' "idle bytes per minute (both directions)" \
    "$((idle_bytes_ours * 60 / IDLE_SECS))" "$((idle_bytes_stock * 60 / IDLE_SECS))"
printf '%-42s %14s %14s\n' "server CPU seconds per MB of output" "$cpu_ours" "$cpu_stock"
printf '%-42s %14s %14s\n' "wall seconds for the whole cat" "$wall_ours" "$wall_stock"
