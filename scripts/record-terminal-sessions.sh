#!/usr/bin/env bash
# Records the raw output of real full-screen programs (top, vim.tiny) running on an
# 80x24 pty, for the emulator-versus-tmux comparison test
# (mosh-core/tests/terminal_tmux_compare.rs). The recordings are checked in, so the
# test does not depend on live process lists or timing; rerun this script to renew
# them. Needs util-linux `script`, procps `top` and `vim.tiny` (Debian: vim-tiny).
set -euo pipefail
cd "$(dirname "$0")/.."
out=mosh-core/tests/data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TERM=xterm-256color NCURSES_NO_UTF8_ACS=1 LANG=C.UTF-8

# `script` writes a header and a trailer line around the program's output.
strip() { sed '1d;$d' "$1" >"$2"; }

script -q --log-out "$work/top.raw" \
    -c 'stty rows 24 cols 80; top -d 0.3 -n 3' </dev/null >/dev/null
strip "$work/top.raw" "$out/top.typescript"

# A file to edit: numbered lines with some UTF-8, wide characters and a long line.
{
    for i in $(seq 1 60); do
        echo "line $i: the quick brown fox jumps over the lazy dog — ünïcödé 日本語 $i"
    done
    printf 'a very long line that wraps: %0.s0123456789' $(seq 1 12)
    echo
} >"$work/edit.txt"
# Keystrokes: page down, scroll with Ctrl-E and Ctrl-Y, delete lines, open a line
# and type into it, search, go to the end and back to the top, then quit.
keys=(
    "" 0.6 $'\x06' 0.3 $'\x05\x05\x05' 0.3 $'\x19' 0.3 'dd' 0.3 '3dd' 0.3
    'Onew text typed here' 0.3 $'\x1b' 0.3 '/lazy' 0.2 $'\r' 0.3 'G' 0.3 'gg' 0.3
    'ifront ' 0.3 $'\x1b' 0.3 'j0x' 0.3 ':q!' 0.2 $'\r' 0.5
)
{
    for ((i = 0; i < ${#keys[@]}; i += 2)); do
        printf '%s' "${keys[i]}"
        sleep "${keys[i + 1]}"
    done
} | script -q --log-out "$work/vim.raw" \
    -c "stty rows 24 cols 80; vim.tiny -N -u NONE -i NONE '+set nomore' $work/edit.txt" >/dev/null
strip "$work/vim.raw" "$out/vim.typescript"
ls -l "$out"/*.typescript
