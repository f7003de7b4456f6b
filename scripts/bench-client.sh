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

work=$(mktemp -d)
TMUX_SOCKET="$work/tmux.sock"
pids_to_kill=()
cleanup() {
    tmux -S "$TMUX_SOCKET" kill-server 2>/dev/null || true
    for pid in "${pids_to_kill[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# The same seeded corpus generator idea as bench-server.sh: words, colours, cursor
# moves, wrapping lines, wide and combining characters.
python3 - "$work/corpus" "$CORPUS_MB" <<'PY'
import random, sys
path, mb = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261121)
words = ["mosh", "state", "sync", "été", "日本語", "e\u0301", "0123456789", "fox"]
out, size = [], 0
while size < mb * 1_000_000:
    r = rng.random()
    if r < 0.6:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 14)))
    elif r < 0.8:
        line = f"\x1b[3{rng.randint(1,7)}m{rng.choice(words)}\x1b[0m \x1b[38;5;{rng.randint(0,255)}m{rng.choice(words)}\x1b[0m"
    elif r < 0.9:
        line = f"\x1b[{rng.randint(1, 24)};{rng.randint(1, 80)}H{rng.choice(words)}\x1b[K"
    else:
        line = "".join(rng.choice(words) for _ in range(rng.randint(20, 60)))
    chunk = (line + "\r\n").encode()
    out.append(chunk)
    size += len(chunk)
open(path, "wb").write(b"".join(out) + b"\x1b[0m\r\n")
PY
corpus_bytes=$(stat -c %s "$work/corpus")

wait_for_line() {
    local deadline=$((SECONDS + $3))
    until tmux -S "$TMUX_SOCKET" capture-pane -p -t "bench:$1" | grep -qE "$2"; do
        ((SECONDS < deadline)) || { echo "$1: timed out waiting for $2" >&2; exit 1; }
        sleep 0.05
    done
}
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# Starts a stock server and client $2 in window $1; sets CLIENT_PID_$1.
start_session() {
    local name=$1 client=$2 out port key pid spid
    out=$(env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 SHELL=/bin/sh PS1='$ ' \
        mosh-server new -i 127.0.0.1 -p 0 -- /bin/sh 2>"$work/$name.err" </dev/null)
    read -r port key < <(sed -n 's/^MOSH CONNECT \([0-9]*\) \(.*\)$/\1 \2/p' <<<"$out")
    spid=$(sed -n 's/.*detached, pid = \([0-9]*\)\].*/\1/p' "$work/$name.err")
    pids_to_kill+=("$spid")
    local cmd="env MOSH_KEY=$key LANG=C.UTF-8 TERM=xterm-256color $client 127.0.0.1 $port"
    if tmux -S "$TMUX_SOCKET" has-session 2>/dev/null; then
        tmux -S "$TMUX_SOCKET" new-window -d -n "$name" "$cmd"
    else
        tmux -S "$TMUX_SOCKET" -f /dev/null new-session -d -s bench -n "$name" -x 80 -y 24 "$cmd"
    fi
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
    tmux -S "$TMUX_SOCKET" send-keys -t "bench:$name" "timeout $FLOOD_SECS sh -c 'while :; do cat $work/corpus; done'; echo FLOOD-DO''NE" Enter
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
