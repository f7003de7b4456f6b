"""Sessions for the Python benchmarks: mosh servers (ours or stock) started with
`new`, mosh-impair in front of each, clients in windows of a private tmux server."""

import argparse
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

STOCK_SERVER = shutil.which("mosh-server")
STOCK_CLIENT = shutil.which("mosh-client")


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp()
        self.socket = os.path.join(self.work, "tmux.sock")
        self.processes = []
        self.pids = []
        self.lock = threading.Lock()
        self.tmux("new-session", "-d", "-s", "bench", "-x", "80", "-y", "24", "-n", "idle", "sleep 100000")
        self.tmux("set-option", "-t", "bench", "remain-on-exit", "on")

    def close(self):
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)
        for pid in self.pids:
            for sig in (signal.SIGCONT, signal.SIGTERM):
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
        for process in self.processes:
            process.kill()
        shutil.rmtree(self.work, ignore_errors=True)

    def tmux(self, *args):
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True).stdout

    def server(self, binary):
        env = {"PATH": os.environ["PATH"], "HOME": os.environ["HOME"], "LANG": "C.UTF-8",
               "SHELL": "/bin/sh", "PS1": "$ "}
        out = subprocess.run([binary, "new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"],
                             env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        port, key = re.search(r"^MOSH CONNECT (\d+) (\S+)$", out.stdout, re.M).groups()
        pid = int(re.search(r"detached, pid = (\d+)", out.stderr).group(1))
        self.pids.append(pid)
        return int(port), key

    def proxy(self, port, extra=()):
        process = subprocess.Popen(
            [self.args.impair, "--listen", "127.0.0.1:0", "--upstream", f"127.0.0.1:{port}",
             "--report-secs", "1", "--delay-ms", str(self.args.delay_ms), *extra],
            stdout=subprocess.PIPE, text=True)
        self.processes.append(process)
        listen = int(re.search(r"listening on 127.0.0.1:(\d+)", process.stdout.readline()).group(1))
        state = {"down": 0}

        def read():
            for line in process.stdout:
                found = re.search(r"down: (\d+) datagrams", line)
                if found:
                    state["down"] = int(found.group(1))

        threading.Thread(target=read, daemon=True).start()
        return listen, state, time.monotonic()

    def client(self, name, binary, port, key):
        pid_file = os.path.join(self.work, f"{name}.pid")
        command = (f"sh -c 'echo $$ > {pid_file}; exec env MOSH_KEY={key} LANG=C.UTF-8 "
                   f"TERM=xterm-256color {binary} 127.0.0.1 {port}'; sleep 600")
        with self.lock:
            self.tmux("new-window", "-d", "-t", "bench", "-n", name, command)
        deadline = time.monotonic() + 10
        while not (os.path.exists(pid_file) and open(pid_file).read().strip()):
            assert time.monotonic() < deadline, f"{name}: no client pid"
            time.sleep(0.02)
        pid = int(open(pid_file).read())
        self.pids.append(pid)
        self.wait(name, lambda text: re.search(r"^\$", text, re.M), 15)
        return pid

    def screen(self, name):
        return self.tmux("capture-pane", "-p", "-t", f"bench:{name}")

    def wait(self, name, condition, timeout):
        deadline = time.monotonic() + timeout
        while not condition(self.screen(name)):
            assert time.monotonic() < deadline, f"{name}: timed out; screen:\n{self.screen(name)}"
            time.sleep(0.01)

    def type(self, name, text):
        self.tmux("send-keys", "-t", f"bench:{name}", "-l", text)
        self.tmux("send-keys", "-t", f"bench:{name}", "Enter")


def parse_args(description):
    """The arguments scripts/bench-python.sh passes to every benchmark."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--our-server", required=True)
    parser.add_argument("--our-client", required=True)
    parser.add_argument("--impair", required=True)
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--delay-ms", type=int, required=True)
    return parser.parse_args()
