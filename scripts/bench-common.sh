# Shared by scripts/bench-server.sh and scripts/bench-client.sh: a temporary work
# directory with a private tmux server, cleaned up on exit, the seeded corpus, and
# readers of a process's CPU ticks and resident memory. Source it after `cd` to the
# repository root.

work=$(mktemp -d)
TMUX_SOCKET="$work/tmux.sock"
pids_to_kill=()
cleanup() {
    tmux -S "$TMUX_SOCKET" kill-server 2>/dev/null || true
    for pid in "${pids_to_kill[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Writes the seeded corpus of $1 MB to $work/corpus and sets corpus_bytes.
make_corpus() {
    python3 scripts/gen-bench-corpus.py "$work/corpus" "$1"
    corpus_bytes=$(stat -c %s "$work/corpus")
}

# Waits until tmux window $1 (of session "bench") shows a line matching regex $2, at
# most $3 seconds.
wait_for_line() {
    local deadline=$((SECONDS + $3))
    until tmux -S "$TMUX_SOCKET" capture-pane -p -t "bench:$1" | grep -qE "$2"; do
        ((SECONDS < deadline)) || { echo "$1: timed out waiting for $2" >&2; exit 1; }
        sleep 0.05
    done
}

# Runs $2 in a new tmux window named $1 (creating the 80x24 session "bench" first).
open_window() {
    if tmux -S "$TMUX_SOCKET" has-session 2>/dev/null; then
        tmux -S "$TMUX_SOCKET" new-window -d -n "$1" "$2"
    else
        tmux -S "$TMUX_SOCKET" -f /dev/null new-session -d -s bench -n "$1" -x 80 -y 24 "$2"
    fi
}

cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
