"""Timing helpers shared by the benchmark scripts (run them as `python benchmarks/NAME.py`)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def best_of(fn: Callable[[], Any], rounds: int) -> float:
    """The fastest of ``rounds`` runs of ``fn``, in seconds: the least disturbed by other load."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB: VmHWM where /proc has it (Linux).

    Not ru_maxrss there: it is kept across fork and exec, so a fresh process started by a large
    one reports the large one's peak until it passes it (a 9 MB child of a 500 MB parent says
    500 MB); VmHWM belongs to the process's own memory, made new by exec."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, BSD


def us_list_rows(csl: Path, ofac: Path) -> int:
    """Rows of the CSL (gzip CSV) and the OFAC triple read with the csv module only.

    The no-validation baseline the list-loading benchmarks report their figures against.
    """
    rows = 0
    with gzip.open(csl, "rt", encoding="utf-8", newline="") as handle:
        rows += sum(1 for _ in csv.reader(handle))
    for name in ("sdn.csv", "alt.csv", "add.csv"):
        text = (ofac / name).read_text("utf-8")
        rows += sum(1 for _ in csv.reader(io.StringIO(text, newline="")))
    return rows


def run_child(script: str, kind: str) -> dict[str, Any]:
    """Run ``script --child kind`` in a fresh process and return the JSON it prints.

    A fresh process per measurement keeps peak memory (`peak_mb`) its own.
    """
    out = subprocess.run(
        [sys.executable, script, "--child", kind], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]
