#!/usr/bin/env bash
# Server CPU during a 10 s `seq` flood (issue 29's goals: at most half of stock's with
# either client, at least 100 MB of output per CPU-second), ours against Debian's stock
# mosh-server in the same run. A server that keeps up lets seq write more in the 10 s,
# so the output each one took in is printed beside its CPU time. Each case
# starts a server on loopback, attaches a client in tmux (80×24), runs
# `timeout 10 seq 1 999999999` and reads the server's utime + stime from /proc:
#   ours + our mosh-client keeping scrollback (MOSH_LOCAL_SCROLLBACK: 10,000 lines,
#   the scrollback extension on), ours + our client without it, ours + stock client,
#   stock + stock client. Usage: scripts/bench-flood.sh [ROUNDS=2]. Results:
#   docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
for tool in tmux python3 /usr/bin/mosh-server /usr/bin/mosh-client; do
    command -v "$tool" >/dev/null || { echo "$tool not found (apt-get install mosh tmux python3)" >&2; exit 1; }
done
cargo build --release -q -p mosh-server -p mosh-desktop --bin mosh-server --bin mosh-client
ours=target/release

# flood SERVER CLIENT [scrollback]: prints the server's CPU seconds over the flood, the
# output it took in, and the two divided.
flood() {
    local server=$1 client=$2 scrollback=${3:-} work out port key pid name before after
    work=$(mktemp -d)
    out=$(env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 SHELL=/bin/sh PS1='$ ' \
        "$server" new -i 127.0.0.1 -p 0 -- /bin/sh 2>"$work/err" </dev/null)
    read -r port key < <(sed -n 's/^MOSH CONNECT \([0-9]*\) \(.*\)$/\1 \2/p' <<<"$out")
    pid=$(sed -n 's/.*detached, pid = \([0-9]*\)\].*/\1/p' "$work/err")
    name=flood$$
    tmux new-session -d -s "$name" -x 80 -y 24 \
        "env MOSH_KEY=$key ${scrollback:+MOSH_LOCAL_SCROLLBACK=1} LANG=C.UTF-8 TERM=xterm-256color $client 127.0.0.1 $port"
    sleep 2
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    tmux send-keys -t "$name" "timeout 10 seq 1 999999999; echo fl''ood-done" Enter
    for _ in $(seq 1 60); do
        sleep 0.5
        tmux capture-pane -p -t "$name" | grep -q flood-done && break
    done
    sleep 1
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    # The last number seq printed: the flood's output is 1..N, one per line.
    last=$(tmux capture-pane -p -t "$name" | grep -E '^[0-9]+$' | tail -n 1)
    python3 - "$before" "$after" "$(getconf CLK_TCK)" "${last:-0}" <<'PY'
import sys
before, after, tick, last = (int(x) for x in sys.argv[1:])
seconds = (after - before) / tick
# Bytes of "1\n" .. "last\n".
output, digits, low = 0, 1, 1
while low <= last:
    high = min(last, 10 ** digits - 1)
    output += (high - low + 1) * (digits + 1)
    low, digits = high + 1, digits + 1
print(f"{seconds:5.2f} s CPU, {output / 1e6:7.1f} MB of output, {output / 1e6 / max(seconds, 0.01):6.1f} MB per CPU-second")
PY
    tmux send-keys -t "$name" exit Enter
    sleep 1
    tmux kill-session -t "$name" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
    rm -rf "$work"
}

for round in $(seq 1 "$ROUNDS"); do
    echo "round $round: server CPU seconds over a 10 s seq flood"
    echo "  ours  + our client, scrollback kept: $(flood $ours/mosh-server $ours/mosh-client scrollback)"
    echo "  ours  + our client, none kept:       $(flood $ours/mosh-server $ours/mosh-client)"
    echo "  ours  + stock client:                $(flood $ours/mosh-server /usr/bin/mosh-client)"
    echo "  stock + stock client:                $(flood /usr/bin/mosh-server /usr/bin/mosh-client)"
done
