#!/usr/bin/env bash
# Runs every Kotlin test: bindings/kotlin (the generated binding + the thin layer, on the
# JVM through JNA, against real servers on loopback) and apps/android-demo (core on the
# JVM, the app under Robolectric). Works from a fresh clone on Debian 12 as root: installs
# the JDK, Maven, mosh (the stock server) and OpenSSH (the throwaway sshd) if missing,
# builds the Rust pieces the tests load or start, then runs Maven with its test output
# visible. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

missing=()
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
[ -x /usr/bin/mosh-server ] || missing+=(mosh)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh-keygen >/dev/null || missing+=(openssh-client)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "test-kotlin: install ${missing[*]} (apt-get) or run as root" >&2
        exit 1
    fi
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
command -v cargo >/dev/null || { echo "test-kotlin: cargo not found; install Rust (rustup.rs)" >&2; exit 1; }

# What the tests load (JNA: target/debug/libmosh_ffi.so) and start.
cargo build -p mosh-ffi --lib
cargo build -p mosh-server
cargo build -p mosh-netem --bin mosh-impair

# The binding: tests, then install the jar and its test-helpers jar for the demo.
nice mvn -B -ntp -f bindings/kotlin/pom.xml clean install
# The binding as Android builds it: compiled against the framework, checked against API 24.
nice mvn -B -ntp -f bindings/kotlin/android-api-check/pom.xml clean process-classes
# The demo: core on the JVM, the app under Robolectric; both checked against API 26.
nice mvn -B -ntp -f apps/android-demo/pom.xml clean test

echo "test-kotlin: all Kotlin tests passed in $(( $(date +%s) - started )) s"
