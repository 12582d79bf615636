"""Runs one benchmark command on a quiet machine and says whether it stayed quiet.

    python3 quiet_run.py OUT.json -- COMMAND [ARG...]

Waits (up to --wait seconds) until the machine has been at least 90 % idle for 5 s in a row, then
runs COMMAND (which must print JSON on stdout; its stderr passes through), and writes OUT.json:
the command's JSON under "result", plus wall time, the CPU time of the command and all its
descendants ("own_cpu_s", from getrusage of waited-for children), and the CPU time everything
else on the machine used meanwhile ("foreign_cpu_s" = busy time from /proc/stat minus own). A
foreign share of more than a few percent of the wall time means the figures are disturbed.
Standard library only; Linux only.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--wait", type=float, default=900)
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    waited = wait_quiet(a.wait)
    load = os.getloadavg()
    busy0, _ = cpu_times()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    wall = time.time() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy1, _ = cpu_times()
    own = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    foreign = max(0.0, (busy1 - busy0) - own)
    try:
        result = json.loads(proc.stdout)
    except json.JSONDecodeError:
        result = {"stdout": proc.stdout}
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
