#!/usr/bin/env python3
"""A seeded mixed terminal corpus for the server and client benchmarks: words, SGR
8/256/true colours, cursor positioning, erase in line, long wrapping lines, UTF-8
(accented, CJK wide, combining), tabs. No mode changes, so the terminal ends where it
started. Usage: gen-bench-corpus.py PATH MEGABYTES"""
import random, sys
path, mb = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261121)
words = ["mosh", "state", "sync", "datagram", "roam", "terminal", "été", "naïve",
         "日本語", "漢字", "e\u0301", "tab\tstop", "0123456789", "the", "quick", "fox"]
out, size = [], 0
while size < mb * 1_000_000:
    r = rng.random()
    if r < 0.55:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 14)))
    elif r < 0.75:
        line = "".join(
            f"\x1b[{rng.choice([31, 32, 33, 34, 35, 36, 1, 4, 7])}m{rng.choice(words)}\x1b[0m "
            f"\x1b[38;5;{rng.randint(0, 255)}m{rng.choice(words)}\x1b[0m "
            f"\x1b[48;2;{rng.randint(0,255)};{rng.randint(0,255)};{rng.randint(0,255)}m{rng.choice(words)}\x1b[0m"
            for _ in range(rng.randint(1, 4)))
    elif r < 0.85:
        line = f"\x1b[{rng.randint(1, 24)};{rng.randint(1, 80)}H{rng.choice(words)}\x1b[K"
    else:
        line = "".join(rng.choice(words) for _ in range(rng.randint(20, 60)))  # wraps
    chunk = (line + "\r\n").encode()
    out.append(chunk)
    size += len(chunk)
out.append(b"\x1b[0m\r\n")
open(path, "wb").write(b"".join(out))
