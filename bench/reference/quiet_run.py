"""Runs one benchmark command on a quiet machine and says whether it stayed quiet.

    python3 quiet_run.py [--wait S] OUT.json -- COMMAND [ARG...]

Waits (up to --wait seconds) until the machine has been at least 90 % idle for 5 s in a row, then
runs COMMAND (which must print JSON on stdout; its stderr passes through), and writes OUT.json:
the command's JSON under "result", plus wall time, the CPU time of the command and all its
descendants ("own_cpu_s") and the CPU time every other process used meanwhile ("foreign_cpu_s"),
both from sampling /proc/PID/stat of every process twice a second (a process's ancestry decides
which side it is on; Chromium's renderers are descendants of the command). A foreign share of more
than a few percent of the wall time means the figures are disturbed.
Standard library only; Linux only.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time


def cpu_times():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    idle = v[3] + v[4]
    return (sum(v[:8]) - idle) / hz, idle / hz  # busy, idle (seconds, all CPUs)


def wait_quiet(limit, window=5.0, share=0.9):
    ncpu = os.cpu_count() or 1
    start = time.time()
    quiet_since = None
    busy0, idle0 = cpu_times()
    while time.time() - start < limit:
        time.sleep(1.0)
        busy1, idle1 = cpu_times()
        total = (busy1 - busy0) + (idle1 - idle0)
        idle_share = (idle1 - idle0) / total if total > 0 else 1.0
        busy0, idle0 = busy1, idle1
        if idle_share >= share:
            quiet_since = quiet_since or time.time() - 1.0
            if time.time() - quiet_since >= window:
                return time.time() - start
        else:
            quiet_since = None
    print(f"quiet_run: machine still busy after {limit:.0f} s; running anyway", file=sys.stderr)
    return time.time() - start


def processes():
    """{pid: (ppid, cpu seconds)} of every process now."""
    hz = os.sysconf("SC_CLK_TCK")
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        fields = s[s.rindex(")") + 2:].split()
        out[int(d)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / hz)
    return out


class Sampler(threading.Thread):
    """Attributes CPU time to the tree under `root` or to everything else."""

    def __init__(self, root):
        super().__init__(daemon=True)
        self.root = root
        self.first = processes()  # before: baseline of everyone
        self.last = {}
        self.tree = {root}
        self.stop = threading.Event()

    def sample(self):
        now = processes()
        for pid, (ppid, _) in sorted(now.items()):
            if ppid in self.tree:
                self.tree.add(pid)
        for pid, (_, cpu) in now.items():
            self.last[pid] = cpu

    def run(self):
        while not self.stop.wait(0.5):
            self.sample()

    def totals(self):
        self.stop.set()
        self.join()
        self.sample()
        own = foreign = 0.0
        for pid, cpu in self.last.items():
            used = cpu - self.first.get(pid, (0, 0.0))[1]
            if pid in self.tree:
                own += used
            elif pid != os.getpid():
                foreign += used
        return own, foreign


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit(__doc__)
    cut = argv.index("--")
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--wait", type=float, default=900, help="longest wait for a quiet machine (s)")
    a = p.parse_args(argv[:cut])
    cmd = argv[cut + 1:]
    waited = wait_quiet(a.wait)
    load = os.getloadavg()
    t0 = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    stdout, _ = proc.communicate()
    wall = time.time() - t0
    own, foreign = sampler.totals()
    try:
        result = json.loads(stdout)
    except json.JSONDecodeError:
        result = {"stdout": stdout}
    record = {
        "command": cmd, "exit": proc.returncode, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0)),
        "waited_for_quiet_s": round(waited, 1), "loadavg_at_start": load, "wall_s": round(wall, 2),
        "own_cpu_s": round(own, 2), "foreign_cpu_s": round(foreign, 2), "result": result,
    }
    with open(a.out, "w") as f:
        json.dump(record, f, indent=2, ensure_ascii=False)
    print(f"quiet_run: {os.path.basename(a.out)}: exit {proc.returncode}, {wall:.1f} s wall, {own:.1f} s own CPU, "
          f"{foreign:.1f} s foreign CPU ({100 * foreign / max(wall, 1e-9):.1f} % of one core)", file=sys.stderr)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
