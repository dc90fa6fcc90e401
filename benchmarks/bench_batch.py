"""Batch throughput with the full Consolidated Screening List, as ratios measured in one run.

Transactions are generated from real names in ../shared/data: 3-5 parties each, drawn from real
names that are *not* on the loaded CSL (OFAC SDN entries added after the 2022-05 CSL snapshot,
and non-SDN entries it does not hold); about 1% of transactions carry one CSL name or alias,
perturbed (typo, word order, case, dropped or added legal form, look-alike letter). Then:

- ``screen_many``:      the library call, in one process (``workers=1``) and in N worker processes
                        (N = usable CPUs unless --workers), its results read and hashed;
- ``screening batch``:  the command's batch job (`run_batch`), one process and N processes, from
                        a JSON Lines file to another (the workers render the output lines);
- Dask:                 ``screen_bag`` on a ``LocalCluster(n_workers=N, processes=True,
                        threads_per_worker=1)``, worker profiler off (cluster start-up and
                        imports excluded, shipping the rule set to the workers included);
- naive:                every party name against every CSL name with an exhaustive rapidfuzz
                        WRatio scan (``process.extractOne``), on a smaller sample: the baseline;

with the peak resident memory (VmHWM) of the largest worker process (of the process itself for
one-process paths). All paths must reach the same decisions.

Each run is a fresh interpreter that loads the full CSL (``load_rules(lists=[csl])``), warms up
on the same 50 other transactions and freezes its heap (``gc.freeze()``, as the README advises
and ``screening batch`` does; ``--no-freeze`` to compare): no path inherits the caches another
warmed. The machine's speed drifts by 10-20% from minute to minute, so the process paths run
``--rounds`` times in alternating order and each figure is a median; the N-process ratio is
taken within each round. Runs are short against a day's batch: the first sight of each name and
word costs more (about 0.5 s of CPU for the 5,000 names here), and every worker pays it, which
weighs on the ratio at a few thousand transactions and fades at tens of thousands.

Run: python benchmarks/bench_batch.py [--transactions N] [--rounds N] [--workers N] [--no-dask]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import gzip
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from screening import RuleSet, load_rules, screen_many
from screening.batch import run_batch, usable_cpus

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CSL = DATA / "csl" / "consolidated_csl_2022-05.csv.gz"
SDN_LATER = DATA / "ofac" / "sdn_2024-05-03" / "sdn.csv"
NON_SDN = DATA / "ofac" / "non_sdn_consolidated_2025-12" / "cons_prim.csv"

COUNTRIES = ["DE", "FR", "GB", "NL", "JP", "KR", "SG", "MY", "AE", "TR", "IN", "BR", "MX", "CA"]
ROLES = ["buyer", "consignee", "intermediate_consignee", "end_user", "forwarder", "payer"]
ITEMS = [
    ("office chairs", "EAR99"),
    ("core router", "5A991"),
    ("network switch", "5A992"),
    ("microprocessor", "3A991"),
    ("server", "4A994"),
]
LEGAL = ["Ltd", "LLC", "Co.", "GmbH", "Limited", "Corporation", "JSC", "FZE"]
LOOKALIKE = {
    "a": "\u0430",
    "e": "\u0435",
    "o": "\u043e",
    "c": "\u0441",
    "p": "\u0440",
    "x": "\u0445",
}


# --- real names ----------------------------------------------------------------------------


def csl_names() -> tuple[list[str], set[str]]:
    """Every name and alias on the CSL, and the SDN entry numbers it holds."""
    names: list[str] = []
    sdn_numbers: set[str] = set()
    with gzip.open(CSL, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            names.append(row["name"].strip())
            names += [a.strip() for a in row["alt_names"].split(";") if a.strip()]
            if row["source"].startswith("Specially Designated Nationals"):
                sdn_numbers.add(row["entity_number"].strip())
    return [n for n in names if n], sdn_numbers


def unlisted_names(listed: set[str], sdn_numbers: set[str]) -> list[str]:
    """Real names not on the 2022-05 CSL: OFAC entries added later, non-SDN entries."""
    out = []
    for path, skip_known in ((SDN_LATER, True), (NON_SDN, False)):
        with path.open(encoding="utf-8", errors="replace", newline="") as f:
            for row in csv.reader(f):
                if len(row) < 3 or (skip_known and row[0].strip() in sdn_numbers):
                    continue
                name = row[1].strip()
                if name and name != "-0-" and name.casefold() not in listed:
                    out.append(name)
    return sorted(set(out))


# --- transactions ------------------------------------------------------------------------------


def perturb(name: str, rng: random.Random) -> str:
    kind = rng.choice(["typo", "order", "case", "legal", "drop", "lookalike"])
    words = name.split()
    if kind == "typo" and len(name) > 4:
        i = rng.randrange(1, len(name) - 2)
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == "order" and len(words) > 1:
        return " ".join(words[1:] + words[:1])
    if kind == "case":
        return name.title() if name.isupper() else name.upper()
    if kind == "legal":
        return f"{name} {rng.choice(LEGAL)}"
    if kind == "drop" and len(words) > 2:
        return " ".join(words[:-1])
    return "".join(LOOKALIKE.get(ch, ch) if rng.random() < 0.3 else ch for ch in name)


def transactions(
    n: int, listed: list[str], unlisted: list[str], seed: int = 7
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        destination = rng.choice(COUNTRIES)
        parties: list[dict[str, Any]] = [
            {"role": "exporter", "name": rng.choice(unlisted), "country": "US"}
        ]
        for role in rng.sample(ROLES, rng.randint(2, 4)):
            parties.append({"role": role, "name": rng.choice(unlisted), "country": destination})
        if rng.random() < 0.01:
            rng.choice(parties[1:])["name"] = perturb(rng.choice(listed), rng)
        items = []
        for _ in range(rng.randint(1, 3)):
            description, eccn = rng.choice(ITEMS)
            items.append(
                {
                    "description": description,
                    "eccn": eccn,
                    "origin": rng.choice(["US", "US", "DE", "CN"]),
                    "quantity": rng.randint(1, 50),
                    "unit_value": f"{rng.randint(100, 50000)}.00",
                    "us_content_value": "10.00",
                }
            )
        day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365))
        out.append(
            {
                "id": f"bench-{i:06d}",
                "date": day.isoformat(),
                "destination": destination,
                "parties": parties,
                "items": items,
            }
        )
    return out


# --- measuring ---------------------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have exited (the pool's workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def naive(txs: list[dict[str, Any]], names: list[str]) -> int:
    """Screen each party name with an exhaustive WRatio scan of every listed name."""
    hits = 0
    for tx in txs:
        for party in tx["parties"]:
            if process.extractOne(party["name"], names, scorer=fuzz.WRatio, score_cutoff=90):
                hits += 1
    return hits


def consume(results: Iterable[Any]) -> str:
    """Read a stream of results as a consumer would (without keeping them): one hash of every
    outcome and hit (rule, party, score), in order, which the paths must agree on."""
    h = hashlib.sha256()
    for r in results:
        hits = [(x.rule_id, x.party, x.score) for x in r.decision.hits] if r.decision else []
        h.update(repr((r.index, r.id, r.outcome.value, r.error, hits)).encode())
    return h.hexdigest()


def run_dask(
    txs: list[dict[str, Any]], rules: RuleSet, workers: int
) -> tuple[float, str, int, float]:
    import dask
    import dask.bag as db
    import distributed

    from screening.batch.dask import screen_bag

    with (
        # The worker profiler samples stacks every 10 ms: about a fifth of the CPU of this
        # CPU-bound work. Turned off here, as the README advises for screening clusters.
        dask.config.set({"distributed.worker.profile.enabled": False}),
        distributed.LocalCluster(
            n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(lambda: __import__("screening.batch.dask"))  # imports are not the rule shipping
        bag = db.from_sequence(txs, npartitions=workers * 8)
        before = sum(client.run(time.process_time).values())
        # Each partition's results come to the client as soon as they are ready, and leave the
        # worker (as writing them out would); `.compute()` would hold every result on the
        # workers until the last is done, then gather them all on one.
        parts = screen_bag(bag, rules).to_delayed()

        def stream() -> Iterator[Any]:
            futures = client.compute(parts)
            position = {f.key: i for i, f in enumerate(futures)}
            got: dict[int, list[Any]] = {}
            for future in distributed.as_completed(futures):
                got[position[future.key]] = future.result()
                future.release()
            return (r for i in range(len(parts)) for r in got[i])

        seconds, result = timed(lambda: consume(stream()))
        busy = sum(client.run(time.process_time).values()) - before
        peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return seconds, result, max(peaks.values()), busy


def batch_job(txs: list[dict[str, Any]], rules: RuleSet, workers: int) -> tuple[float, str]:
    """`run_batch` (what ``screening batch`` runs) from a JSON Lines file to another: seconds
    taken, and one hash of the output (the paths must agree)."""
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        source.write_text("".join(json.dumps(tx) + "\n" for tx in txs), encoding="utf-8")
        seconds, _ = timed(
            lambda: run_batch(
                str(source), str(target), rules=rules, workers=workers, progress=False
            )
        )
        return seconds, hashlib.sha256(target.read_bytes()).hexdigest()


def measure_path(path: str, n: int, workers: int, freeze: bool) -> dict[str, Any]:
    """Run one path in this (fresh) process: load the CSL, warm up, screen, report."""
    listed, sdn_numbers = csl_names()
    unlisted = unlisted_names({x.casefold() for x in listed}, sdn_numbers)
    txs = transactions(n, listed, unlisted)
    load_s, rules = timed(lambda: load_rules(lists=[CSL]))
    rules_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    warm = transactions(50, listed, unlisted, seed=8)
    list(screen_many(warm, rules=rules))  # the same small warm-up on every path
    if freeze:  # as the README advises a long-running process (`screening batch` does it)
        gc.collect()
        gc.freeze()
    out: dict[str, Any] = {"load_s": load_s, "rules_kb": rules_kb, "rules": repr(rules)}
    out["load_average"] = os.getloadavg()[0]
    count = 1 if path.endswith("one") else workers
    cpu = cpu_seconds()
    if path == "dask":
        seconds, result, peak, busy = run_dask(txs, rules, workers)
        return out | {"seconds": seconds, "cpu": busy, "digest": result, "peak_kb": peak}
    if path.startswith("api"):
        seconds, result = timed(lambda: consume(screen_many(txs, rules=rules, workers=count)))
    else:
        seconds, result = batch_job(txs, rules, count)
    out |= {"seconds": seconds, "cpu": cpu_seconds() - cpu, "digest": result}
    # The workers have exited (and were waited for): the largest of them, or this process.
    who = resource.RUSAGE_SELF if count == 1 else resource.RUSAGE_CHILDREN
    return out | {"peak_kb": resource.getrusage(who).ru_maxrss}


def run_path(path: str, n: int, workers: int, freeze: bool) -> dict[str, Any]:
    """`measure_path` in a new interpreter: no path inherits another's warm caches."""
    command = [
        sys.executable,
        __file__,
        "--path",
        path,
        "--transactions",
        str(n),
        "--workers",
        str(workers),
        *([] if freeze else ["--no-freeze"]),
    ]
    # One hash seed for every run: set layouts (and so their speed) do not vary between runs.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"the {path} path failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median time (the lower one of an even count)."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    return ordered[(len(ordered) - 1) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--transactions", type=int, default=20000)
    parser.add_argument("--naive", type=int, default=40, help="transactions for the baseline")
    parser.add_argument("--workers", type=int, default=usable_cpus())
    parser.add_argument("--rounds", type=int, default=3, help="runs of each process path")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument(
        "--no-freeze", action="store_true", help="leave the loaded rule set to the collector"
    )
    parser.add_argument(
        "--path",
        choices=["api-one", "api-many", "batch-one", "batch-many", "dask"],
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args()

    if not CSL.exists():
        raise SystemExit(f"needs the shared data: {CSL} not found")
    if args.path:  # a child run: one path, one JSON line out
        freeze = not args.no_freeze
        print(json.dumps(measure_path(args.path, args.transactions, args.workers, freeze)))
        return
    listed, sdn_numbers = csl_names()
    unlisted = unlisted_names({n.casefold() for n in listed}, sdn_numbers)
    txs = transactions(args.transactions, listed, unlisted)
    known = set(unlisted)
    planted = sum(1 for tx in txs for p in tx["parties"] if p["name"] not in known)
    print(
        f"names: {len(listed)} listed on the CSL, {len(unlisted)} real unlisted; "
        f"{len(txs)} transactions, {sum(len(t['parties']) for t in txs)} parties, "
        f"{planted} with a perturbed listed name"
    )
    print("each path runs in a fresh process that loads the full CSL itself")

    freeze = not args.no_freeze
    many = f"{args.workers} processes"
    paths = {
        "screen_many, one process": "api-one",
        f"screen_many, {many}": "api-many",
        "screening batch, one process": "batch-one",
        f"screening batch, {many}": "batch-many",
    }
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in paths}
    ratios: dict[str, list[float]] = {"screen_many": [], "screening batch": []}
    for r in range(args.rounds):
        # Alternate the order: a drift in the machine's speed cancels out.
        for name, path in paths.items() if r % 2 == 0 else reversed(paths.items()):
            runs[name].append(run_path(path, args.transactions, args.workers, freeze))
        line = []
        for api in ratios:
            one = runs[f"{api}, one process"][-1]["seconds"]
            ratios[api].append(one / runs[f"{api}, {many}"][-1]["seconds"])
            line.append(f"{api} {len(txs) / one:.0f} tx/s in one process, x{ratios[api][-1]:.2f}")
        print(f"round {r + 1}: " + "; ".join(line))
    rows = {name: _median_run(found) for name, found in runs.items()}
    if not args.no_dask:
        rows[f"Dask LocalCluster x{args.workers}"] = run_path(
            "dask", args.transactions, args.workers, freeze
        )
    first = rows["screen_many, one process"]
    print(f"rules: {first['rules']}; loaded in {first['load_s']:.2f} s")
    for name, found in runs.items():
        family = (
            "screen_many, one process" if "batch" not in name else "screening batch, one process"
        )
        for row in found:
            assert row["digest"] == rows[family]["digest"], f"{name}: different decisions"
    if not args.no_dask:
        assert rows[f"Dask LocalCluster x{args.workers}"]["digest"] == first["digest"], "Dask"

    sample = txs[: args.naive]
    naive_s, _ = timed(lambda: naive(sample, listed))
    naive_rate = len(sample) / naive_s

    one_rate = len(txs) / first["seconds"]
    print(
        f"\nmedians of {args.rounds} rounds (each run a fresh process; the order alternates). "
        f"{many} vs one process, per round:"
    )
    for api, found in ratios.items():
        print(
            f"  {api:<16} median x{statistics.median(found):.2f} "
            f"(x{min(found):.2f} to x{max(found):.2f})"
        )
    print()
    print(
        f"{'path':<32} {'tx/s':>7} {'x one':>6} {'x naive':>8} {'CPUs busy':>9} "
        f"{'tx/CPU-s':>9} {'load avg':>8}  peak memory per process (VmHWM)"
    )
    for name, row in rows.items():
        rate = len(txs) / row["seconds"]
        base = rows["screening batch, one process"] if "batch" in name else first
        x_one = rate / (len(txs) / base["seconds"])
        busy = f"{row['cpu'] / row['seconds']:9.2f} {len(txs) / row['cpu']:9.0f}"
        print(
            f"{name:<32} {rate:7.0f} {x_one:6.2f} {rate / naive_rate:8.1f} {busy} "
            f"{row['load_average']:8.2f}  {row['peak_kb'] / 1024:.0f} MB"
        )
    print(
        f"{'naive WRatio scan':<32} {naive_rate:7.1f} {naive_rate / one_rate:6.3f} "
        f"{1:8.1f} {'':>28}  ({len(sample)} transactions, {len(listed)} names each party)"
    )
    print(
        "CPUs busy = CPU seconds used / wall seconds (N processes: the parent and its workers;\n"
        "Dask: the workers). Below the worker count, the machine did not give the run its cores\n"
        "(other load) and the N-process ratio is capped by that; tx/CPU-s does not depend on it.\n"
        "load avg = the machine's 1-minute load average as the path started."
    )
    print(f"\nrule set loaded: {first['rules_kb'] / 1024:.0f} MB resident (peak) in one process")
    print(
        "targets (full CSL): >= 1000 tx/s one process; >= 1.7x with 2 workers; "
        "<= 400 MB per worker."
    )


if __name__ == "__main__":
    main()
