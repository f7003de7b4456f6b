#!/usr/bin/env bash
# Datagram benchmarks: mosh-core's criterion bench, then, in the same run, OpenSSL's
# AES-128-OCB on the same datagram sizes. Stock mosh 1.4 exposes no datagram-level
# entry point; Debian's build links OpenSSL libcrypto for AES, so OpenSSL's own OCB
# is the reference figure for the C side. Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v openssl >/dev/null || { echo "openssl not found (apt-get install openssl)" >&2; exit 1; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== mosh-core (criterion)"
cargo bench --bench datagram -- --warm-up-time 2 --measurement-time 5 2>&1 \
    | grep -E '^(datagram|pipeline)/|time:|thrpt:' | grep -v '%'

# Sealed sizes: keystroke datagram and a full IPv4-MTU datagram (see benches/datagram.rs).
echo "== OpenSSL $(openssl version | cut -d' ' -f2) EVP aes-128-ocb (encrypt, includes per-message setup)"
for bytes in 45 1228; do
    openssl speed -seconds 3 -bytes "$bytes" -evp aes-128-ocb 2>/dev/null \
        | awk -v b="$bytes" '/^AES-128-OCB/ { kps=$2; sub(/k$/,"",kps);
            printf "plaintext %5d bytes: %8.1f ns/message, %8.1f MB/s\n", b, b/(kps*1000)*1e9, kps/1000 }'
done
