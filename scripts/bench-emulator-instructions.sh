#!/usr/bin/env bash
# Instructions the emulator spends per MiB of each benchmark corpus, and the frame
# generator per diff of each of its benchmark cases, counted by
# callgrind: deterministic, so a before/after comparison holds on a shared machine
# whose wall-clock figures vary by tens of percent. Needs valgrind.
# Usage: scripts/bench-emulator-instructions.sh. Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)" >&2; exit 1; }
cargo build --release -q -p mosh-core --example emulator_instructions --example frame_diff_instructions
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$target/release/examples/$1" "$2" "$3" 2>&1 \
        | awk '/Collected/ {print $4}'
}
for corpus in plain mixed editor unicode; do
    # The corpus is generated once either way: the difference is three feeds.
    base=$(count emulator_instructions "$corpus" 0)
    fed=$(count emulator_instructions "$corpus" 3)
    echo "$corpus: $(( (fed - base) / 3 )) instructions per feed of the 1 MiB corpus"
done
for case in one_typed_character one_line_scroll full_screen_redraw initial_full_frame_dense; do
    # The screens are built once either way: the difference is 100 diffs.
    base=$(count frame_diff_instructions "$case" 0)
    done_=$(count frame_diff_instructions "$case" 100)
    echo "diff $case: $(( (done_ - base) / 100 )) instructions per diff"
done
