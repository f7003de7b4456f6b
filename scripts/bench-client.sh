#!/usr/bin/env bash
# Client benchmarks, our mosh-client against Debian's stock mosh-client in the same
# run, each attached (in tmux, 80x24) to its own stock mosh-server on loopback:
#   1. resident memory (VmRSS) of the client once connected and idle;
#   2. client CPU per second while idle;
#   3. client CPU per second while receiving a flood (`cat` of a seeded mixed corpus,
#      repeated for FLOOD_SECS).
# Usage: scripts/bench-client.sh   (IDLE_SECS=30 CORPUS_MB=2 FLOOD_SECS=10 in the environment).
# CPU comes from /proc/PID/stat (10 ms ticks). Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
IDLE_SECS=${IDLE_SECS:-30}
CORPUS_MB=${CORPUS_MB:-2}
FLOOD_SECS=${FLOOD_SECS:-10}
for tool in tmux python3 mosh-client mosh-server; do
    command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install mosh tmux python3)" >&2; exit 1; }
done
cargo build --release -q -p mosh-desktop --bin mosh-client
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
OUR_CLIENT="$target/release/mosh-client"
STOCK_CLIENT=$(command -v mosh-client)

# shellcheck source=scripts/bench-common.sh
source scripts/bench-common.sh
make_corpus "$CORPUS_MB"


# Starts a stock server and client $2 in window $1; sets CLIENT_PID_$1.
start_session() {
    local name=$1 client=$2 out port key pid spid
    out=$(env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 SHELL=/bin/sh PS1='$ ' \
        mosh-server new -i 127.0.0.1 -p 0 -- /bin/sh 2>"$work/$name.err" </dev/null)
    read -r port key < <(sed -n 's/^MOSH CONNECT \([0-9]*\) \(.*\)$/\1 \2/p' <<<"$out")
    spid=$(sed -n 's/.*detached, pid = \([0-9]*\)\].*/\1/p' "$work/$name.err")
    pids_to_kill+=("$spid")
    local cmd="env MOSH_KEY=$key LANG=C.UTF-8 TERM=xterm-256color $client 127.0.0.1 $port"
    open_window "$name" "$cmd"
    wait_for_line "$name" '^\$' 20
    pid=$(pgrep -f "$client 127.0.0.1 $port\$" | head -n 1)
    [[ -n $pid ]] || { echo "$name: client pid not found" >&2; exit 1; }
    printf -v "CLIENT_PID_$name" %s "$pid"
}

start_session ours "$OUR_CLIENT"
start_session stock "$STOCK_CLIENT"
sleep 5
for name in ours stock; do
    pid_var="CLIENT_PID_$name"
    printf -v "rss_$name" %s "$(rss_kib "${!pid_var}")"
    printf -v "idle0_$name" %s "$(cpu_ticks "${!pid_var}")"
done
sleep "$IDLE_SECS"
for name in ours stock; do
    pid_var="CLIENT_PID_$name"; start_var="idle0_$name"
    printf -v "idle_ticks_$name" %s "$(( $(cpu_ticks "${!pid_var}") - ${!start_var} ))"
done
for name in ours stock; do
    pid_var="CLIENT_PID_$name"
    before=$(cpu_ticks "${!pid_var}")
    start=$(date +%s.%N)
    # timeout cuts the corpus anywhere, even inside an escape sequence: ESC ends it
    # and CR LF starts the marker's line.
    tmux -S "$TMUX_SOCKET" send-keys -t "bench:$name" "timeout $FLOOD_SECS sh -c 'while :; do cat $work/corpus; done'; printf '\\033[0m\\r\\n'; echo FLOOD-DO''NE" Enter
    wait_for_line "$name" '^FLOOD-DONE' 300
    end=$(date +%s.%N)
    printf -v "flood_ticks_$name" %s "$(( $(cpu_ticks "${!pid_var}") - before ))"
    printf -v "flood_secs_$name" %s "$(echo "$end - $start" | bc -l)"
    printf -v "rss_after_$name" %s "$(rss_kib "${!pid_var}")"
done
echo "corpus: $corpus_bytes bytes; idle: ${IDLE_SECS}s"
for name in ours stock; do
    idle_var="idle_ticks_$name"; fl_var="flood_ticks_$name"; fs_var="flood_secs_$name"
    rss_var="rss_$name"; rssa_var="rss_after_$name"
    printf '%-6s rss_idle=%s KiB rss_after_flood=%s KiB idle_cpu=%.2f ms/s flood_cpu=%.1f ms/s (over %.1f s)\n' \
        "$name" "${!rss_var}" "${!rssa_var}" \
        "$(echo "${!idle_var} * 10 / $IDLE_SECS" | bc -l)" \
        "$(echo "${!fl_var} * 10 / ${!fs_var}" | bc -l)" \
        "${!fs_var}"
done
