#!/usr/bin/env bash
# The main job: a real session on this machine. Builds our mosh-server and client,
# starts the server on loopback and attaches the client to it. Extra arguments go to
# mosh-demo, e.g. `--link delay=250ms,loss=5%` to feel a mobile link on a laptop, or
# `-- htop` to run a program instead of your login shell. Quit with Ctrl-^ . or `exit`.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
    *UTF-8* | *utf8* | *UTF8* | *utf-8*) ;;
    *) export LANG=C.UTF-8 ;;
esac
cargo build --release --quiet -p mosh-server -p mosh-desktop
exec target/release/mosh-demo "$@"
