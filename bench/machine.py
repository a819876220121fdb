"""Machine facts, CPU use and git state for the benchmarks' JSON.

Every bench's JSON must carry the same facts, measured the same way: a figure means something only
beside the machine, the load and the tree it was measured on, and two scripts' runs can be compared
only if "cores" or "commit" mean the same thing in both. Each script used to work these out on its
own (one counted all cores, another the usable ones; one read the commit at the end of a run and
picked up a commit made meanwhile). This module is the one place that does it; the standard library
only, so the export virtualenv can use it too.
"""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def cpu_name() -> str:
    """The CPU's model name from /proc/cpuinfo, else what `platform` knows."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def usable_cores() -> int:
    """Cores this process may run on (its affinity), not the machine's count: a bench pinned to two
    cores of a larger host has two."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy (all cores, since boot), from /proc/stat; None
    without it. The difference over a window, minus the bench's own CPU time, is what everything
    else on the machine took meanwhile."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in first[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM). Not ru_maxrss: Linux carries that over from the parent
    across exec, so a child would report the bench's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def git_state() -> dict[str, object] | None:
    """The commit measured and the tracked files that differed from it: the figures belong to that
    tree. Call it when a run starts, so a commit made while it runs is not claimed. None outside a
    git checkout."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return None
    return {"commit": commit, "modified_tracked_files": [line[3:] for line in changed]}


def facts() -> dict[str, object]:
    """The machine a run measured: CPU model, usable cores, Python version, OS and architecture."""
    return {
        "cpu": cpu_name(),
        "cores_usable": usable_cores(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
