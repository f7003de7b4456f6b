"""The measurements of scripts/bench-interrupt.sh (see there)."""

import statistics
import time

from bench_sessions import STOCK_CLIENT, STOCK_SERVER, Bench, parse_args


def interrupt(bench, name, server_binary, client_binary):
    port, key = bench.server(server_binary)
    listen, _, _ = bench.proxy(port)
    bench.client(name, client_binary, listen, key)
    bench.type(name, "seq 999999999")
    bench.wait(name, lambda text: any(line.strip().isdigit() and int(line) > 1000
                                      for line in text.splitlines()), 15)
    time.sleep(3)
    pressed = time.monotonic()
    bench.tmux("send-keys", "-t", f"bench:{name}", "C-c")
    while True:
        if any(line.rstrip() == "$" for line in bench.screen(name).splitlines()):
            took = time.monotonic() - pressed
            break
        if time.monotonic() - pressed > 20:
            raise RuntimeError(f"{name}: no prompt 20 s after Ctrl-C; the pane shows:\n{bench.screen(name)}")
        time.sleep(0.002)
    bench.tmux("kill-window", "-t", f"bench:{name}")
    return took


def main():
    args = parse_args("Ctrl-C through a flood")
    bench = Bench(args)
    pairs = {
        "ours": (args.our_server, args.our_client),
        "our server, stock client": (args.our_server, STOCK_CLIENT),
        "stock server, our client": (STOCK_SERVER, args.our_client),
        "stock": (STOCK_SERVER, STOCK_CLIENT),
    }
    took = {label: [] for label in pairs}
    try:
        for run in range(args.runs):
            for index, (label, (server, client)) in enumerate(pairs.items()):
                took[label].append(interrupt(bench, f"p{index}r{run}", server, client))
            print(f"run {run}: " + ", ".join(f"{l} {took[l][-1] * 1000:.0f} ms" for l in pairs), flush=True)
        for label, values in took.items():
            print(f"Ctrl-C to prompt, {label}, {args.delay_ms} ms one-way: median "
                  f"{statistics.median(values) * 1000:.0f} ms, runs {sorted(round(v * 1000) for v in values)}")
    finally:
        bench.close()


if __name__ == "__main__":
    main()
