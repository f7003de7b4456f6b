"""The measurements of scripts/bench-silent-client.sh (see there)."""

import os
import re
import signal
import statistics
import threading
import time

from bench_sessions import STOCK_CLIENT, STOCK_SERVER, Bench, parse_args


def silent_minute(bench, label, server_binary):
    port, key = bench.server(server_binary)
    listen, counts, _ = bench.proxy(port)
    pid = bench.client(label, STOCK_CLIENT, listen, key)
    bench.type(label, "i=0; while [ $i -lt 400 ]; do echo tick $i; i=$((i+1)); sleep 0.2; done")
    bench.wait(label, lambda text: "tick 2" in text, 10)
    os.kill(pid, signal.SIGSTOP)
    time.sleep(1.5)  # the proxy reports every second: take the count after the stop
    before = counts["down"]
    per_10 = []
    last = before
    for _ in range(6):
        time.sleep(10)
        per_10.append(counts["down"] - last)
        last = counts["down"]
    os.kill(pid, signal.SIGCONT)
    return last - before, per_10


def recovery(bench, label, server_binary, client_binary, run):
    port, key = bench.server(server_binary)
    # The blackout starts 8 s after the proxy, when the session is up and printing.
    listen, _, started = bench.proxy(port, ["--blackout-at-secs", "8", "--blackout-secs", "30"])
    name = f"{label}{run}"
    bench.client(name, client_binary, listen, key)
    bench.type(name, "while :; do date +T%s%3N; sleep 0.02; done")
    back = started + 38.0
    wall_back_ms = (time.time() + (back - time.monotonic())) * 1000
    while time.monotonic() < back:
        time.sleep(0.005)
    while True:
        stamps = [int(s) for s in re.findall(r"T(\d{13})", bench.screen(name))]
        if stamps and max(stamps) >= wall_back_ms:
            return time.monotonic() - back
        if time.monotonic() - back > 20:
            return float("inf")
        time.sleep(0.005)


def main():
    args = parse_args("a client that stopped answering")
    bench = Bench(args)
    try:
        results = {}
        threads = [threading.Thread(target=lambda l=l, s=s: results.__setitem__(l, silent_minute(bench, l, s)))
                   for l, s in (("silent_ours", args.our_server), ("silent_stock", STOCK_SERVER))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for label in ("silent_ours", "silent_stock"):
            total, per_10 = results[label]
            print(f"{label}: {total} datagrams in the minute after the client stopped; per 10 s {per_10}")
        pairs = {"ours": (args.our_server, args.our_client), "stock": (STOCK_SERVER, STOCK_CLIENT),
                 "ourserver_stockclient": (args.our_server, STOCK_CLIENT)}
        took = {label: [] for label in pairs}
        for run in range(args.runs):
            results = {}
            threads = [threading.Thread(target=lambda l=l, p=p: results.__setitem__(l, recovery(bench, l, *p, run)))
                       for l, p in pairs.items()]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            for label in pairs:
                took[label].append(results[label])
            print(f"run {run}: " + ", ".join(f"{l} {results[l]:.3f} s" for l in pairs), flush=True)
        for label, values in took.items():
            print(f"recovery {label}: median {statistics.median(values):.3f} s, "
                  f"runs {sorted(round(v, 3) for v in values)}")
    finally:
        bench.close()


if __name__ == "__main__":
    main()
