"""The service and the party cache, against the full Consolidated Screening List, as ratios
measured in one run.

1. **Party cache.** A stream of transactions (``bench_batch``'s generator: real unlisted names,
   about 1% perturbed listed ones) rewritten so that 80% of party occurrences repeat a party
   seen before; ``screen_many`` in one process with ``party_cache=0`` and with the default
   cache, alternating which goes first, best of ``--rounds`` each, in CPU time (one process:
   what another job on the machine disturbs least; wall time beside it), the heap frozen
   after loading as ``screening serve`` and ``screening batch`` freeze theirs. The results
   must be byte-identical.
2. **HTTP vs screen_many.** ``screening serve --workers 2 --lists CSL`` on 127.0.0.1 (a
   subprocess) against ``screen_many(workers=2)`` on the same transactions (the plain stream),
   both without the party cache (the server would otherwise remember every party from one
   round to the next), in alternating rounds. The HTTP client is a minimal keep-alive
   HTTP/1.1 client on asyncio (pre-built requests, 32 connections): on a 2-core machine the
   client shares the cores with the two server workers, and a heavier client (httpx) would
   mostly measure itself. Its CPU time is reported, and so is the CPU time each side spends per
   transaction (the server's workers; screen_many's process and pool), which a busy machine
   disturbs far less than wall time, and how the server's CPU time split between its workers
   (a worker that holds most connections shows here).
3. **Latency** at half the best HTTP throughput just measured: requests sent on a fixed
   schedule (open loop, so a slow answer does not slow the sender), p50 / p95 / p99 of each,
   ``--rounds`` rounds.

The machine may be shared: every figure is printed with the 1-minute load average when it was
measured, and each comparison is best of ``--rounds`` rounds (the fastest round of each side,
the lowest p99), alternating the sides so that both see the same drift.
4. **Load run**: ``--load`` requests (default 5,000) from 32 concurrent clients, every response
   checked against the service's own OpenAPI schema (DecisionRecord); zero errors expected.

Run: python benchmarks/bench_serve.py [--transactions N] [--rounds N] [--load N] [--cache-only]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bench_batch as bb
import httpx
import jsonschema

from screening import load_rules, screen_many
from screening.service import new_key

CLIENTS = 32


def repeating(txs: list[dict[str, Any]], share: float, seed: int = 3) -> list[dict[str, Any]]:
    """The same transactions with each party replaced, with probability ``share``, by one seen
    before (name, aliases and all), else kept: a stream where ``share`` of parties repeat."""
    rng = random.Random(seed)
    seen: list[str] = []
    out = []
    for tx in txs:
        parties = []
        for party in tx["parties"]:
            if seen and rng.random() < share:
                party = {**party, "name": rng.choice(seen)}
            else:
                seen.append(party["name"])
            parties.append(party)
        out.append({**tx, "parties": parties})
    return out


def loadavg() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def cache_ratio(txs: list[dict[str, Any]], rules: Any, rounds: int) -> dict[str, Any]:
    """Uncached against cached screening of ``txs`` in this process, alternating which goes
    first round by round. Both run in one process, so the ratio is of CPU time (what another
    job on a shared machine disturbs least); wall time is reported beside it."""

    def run(size: int) -> tuple[float, float, list[str]]:
        start, cpu = time.perf_counter(), time.process_time()
        out = [r.model_dump_json() for r in screen_many(txs, rules=rules, party_cache=size)]
        return time.perf_counter() - start, time.process_time() - cpu, out

    plain: list[tuple[float, float]] = []
    cached: list[tuple[float, float]] = []
    same = True
    for i in range(rounds):
        order = (0, 10_000) if i % 2 == 0 else (10_000, 0)
        runs = {size: run(size) for size in order}
        (a, a_cpu, out_a), (b, b_cpu, out_b) = runs[0], runs[10_000]
        plain.append((a, a_cpu))
        cached.append((b, b_cpu))
        same = same and out_a == out_b
        print(
            f"  round: uncached {len(txs) / a_cpu:.0f} tx/s, cached {len(txs) / b_cpu:.0f} "
            f"tx/s of CPU, {a_cpu / b_cpu:.2f}x (wall {a / b:.2f}x; {loadavg()})",
            flush=True,
        )
    best_plain, best_cached = min(c for _, c in plain), min(c for _, c in cached)
    return {
        "uncached_tx_s": len(txs) / best_plain,
        "cached_tx_s": len(txs) / best_cached,
        "ratio": best_plain / best_cached,
        "wall_ratio": min(w for w, _ in plain) / min(w for w, _ in cached),
        "identical": same,
    }


# --- a minimal HTTP/1.1 keep-alive client --------------------------------------------------------


def request_bytes(port: int, key: str, body: bytes) -> bytes:
    head = (
        f"POST /v1/screen HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(int(x.split(":")[1]) for x in lines if x.lower().startswith("content-length"))
    return status, await reader.readexactly(length)


async def closed_loop(port: int, requests: list[bytes]) -> tuple[float, list[int]]:
    """Every request, from CLIENTS connections each sending its next as soon as it has the
    answer: seconds taken and the statuses."""
    statuses: list[int] = []

    async def client(share: list[bytes]) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for request in share:
            status, _ = await exchange(reader, writer, request)
            statuses.append(status)
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client(requests[i::CLIENTS]) for i in range(CLIENTS)))
    return time.perf_counter() - start, statuses


async def open_loop(port: int, requests: list[bytes], rate: float) -> list[float]:
    """Request i is sent at i / rate seconds (on a free connection of a pool): latencies."""
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(CLIENTS):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies: list[float] = []
    start = time.perf_counter()

    async def one(i: int, request: bytes) -> None:
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sent = time.perf_counter()
        conn = await pool.get()
        status, _ = await exchange(*conn, request)
        latencies.append(time.perf_counter() - sent)
        pool.put_nowait(conn)
        assert status == 200, status

    await asyncio.gather(*(one(i, r) for i, r in enumerate(requests)))
    while not pool.empty():
        pool.get_nowait()[1].close()
    return latencies


@contextlib.contextmanager
def client_gc_paused() -> Iterator[None]:
    """No garbage collection in this (the client's) process while it times the server. Its
    heap holds the CSL's names and the requests; a full collection of it stops the event loop
    for 55-70 ms (measured with gc.callbacks), and every request in flight then counted the
    client's pause as the server's latency (p99 of 40-66 ms in half the rounds). The server's
    workers collect as they always do (their heap is frozen after loading)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(workers: int, key_line: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SCREENING_API_KEYS": key_line}
    command = [sys.executable, "-m", "screening", "serve", "--lists", str(bb.CSL)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    command += ["--party-cache", "0"]  # as screen_many below: the same work on both sides
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                # Several workers: wait until each has loaded (each answers readyz only then).
                time.sleep(2 + 8 * (workers > 1))
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise SystemExit(log.read_text())
        time.sleep(0.5)
    process.kill()
    raise SystemExit("the server did not become ready in 180 s")


def workers_of(pid: int) -> list[int]:
    """The server's worker processes (children of the supervisor), or the server itself."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return [pid]
    return [int(x) for x in text.split()] or [pid]


def cpu_seconds(pids: list[int]) -> list[float]:
    """User + system CPU seconds of each process so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = []
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        out.append((int(fields[11]) + int(fields[12])) / tick)
    return out


def own_cpu() -> float:
    """CPU seconds of this process and its reaped children (screen_many's pool)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--transactions", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--load", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--cache-only",
        action="store_true",
        help="measure the party cache only (part 1), without starting the server",
    )
    args = parser.parse_args()

    print(f"{loadavg()}; {os.cpu_count()} CPUs", flush=True)
    listed, sdn_numbers = bb.csl_names()
    unlisted = bb.unlisted_names({x.casefold() for x in listed}, sdn_numbers)
    txs = bb.transactions(args.transactions, listed, unlisted)
    rules = load_rules(lists=[bb.CSL])
    list(screen_many(bb.transactions(50, listed, unlisted, seed=8), rules=rules))  # warm up
    # The heap frozen, as `screening serve` and `screening batch` freeze theirs after loading
    # (and the README advises an application to): a full collection otherwise walks the whole
    # rule set, more often the more a run allocates, and the rounds drift apart as it grows.
    gc.collect()
    gc.freeze()

    # 1. the party cache
    stream = repeating(txs, 0.8)
    cache = cache_ratio(stream, rules, args.rounds)
    print(
        f"party cache, 80% of parties repeating, {len(stream)} tx, one process: "
        f"uncached {cache['uncached_tx_s']:.0f} tx/s, cached {cache['cached_tx_s']:.0f} tx/s "
        f"of CPU, ratio {cache['ratio']:.2f}x (wall {cache['wall_ratio']:.2f}x; best of "
        f"{args.rounds} each; target >= 3x); "
        f"byte-identical: {cache['identical']} ({loadavg()})",
        flush=True,
    )
    if args.cache_only:
        return

    # 2. HTTP with N workers against screen_many with N processes, alternating round by round
    # (the server idles while screen_many runs, and the reverse): the machine's speed drifts
    # with other work, so each round's ratio is taken within the round, and the median kept.
    key, line = new_key("bench", ["screen", "admin"])
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        server = start_server(args.workers, line, port, log)
        try:
            requests = [request_bytes(port, key, json.dumps(tx).encode()) for tx in txs]
            asyncio.run(closed_loop(port, requests[:200]))  # warm every worker
            ratios, http_rates, many_rates, errors = [], [], [], 0
            many_cpu, http_cpu, split = [], [], [0.0] * len(workers_of(server.pid))
            client_cpu = http_seconds = 0.0
            for _ in range(args.rounds):
                # One thread: screen_many forks its workers (the fast path), as in production.
                assert threading.active_count() == 1, threading.enumerate()
                start, cpu0 = time.perf_counter(), own_cpu()
                results = screen_many(txs, rules=rules, workers=args.workers, party_cache=0)
                done = sum(1 for _ in results)
                many_rates.append(done / (time.perf_counter() - start))
                many_cpu.append((own_cpu() - cpu0) / done)
                many_load = loadavg()
                pids = workers_of(server.pid)
                before, cpu0 = cpu_seconds(pids), time.process_time()
                with client_gc_paused():
                    seconds, statuses = asyncio.run(closed_loop(port, requests))
                client_cpu += time.process_time() - cpu0
                used = [b - a for a, b in zip(before, cpu_seconds(pids), strict=True)]
                if len(used) == len(split):
                    split = [x + y for x, y in zip(split, used, strict=True)]
                http_cpu.append(sum(used) / len(requests))
                http_seconds += seconds
                http_rates.append(len(requests) / seconds)
                errors += sum(s != 200 for s in statuses)
                ratios.append(http_rates[-1] / many_rates[-1])
                print(
                    f"  round: screen_many {many_rates[-1]:.0f} tx/s, "
                    f"{many_cpu[-1] * 1000:.2f} ms CPU/tx ({many_load}); HTTP "
                    f"{http_rates[-1]:.0f} tx/s, {http_cpu[-1] * 1000:.2f} ms server CPU/tx, "
                    f"{ratios[-1]:.0%} ({loadavg()})",
                    flush=True,
                )
            http_rate = max(http_rates)
            # The supervisor's children are the workers and multiprocessing's resource tracker
            # (idle): the workers' shares.
            shares = "/".join(f"{x / sum(split):.0%}" for x in split if x > 0.01 * sum(split))
            print(
                f"screen_many, {args.workers} processes: best {max(many_rates):.0f} tx/s, "
                f"{min(many_cpu) * 1000:.2f} ms CPU/tx; HTTP, {args.workers} workers, "
                f"{CLIENTS} connections: best {http_rate:.0f} tx/s, "
                f"{min(http_cpu) * 1000:.2f} ms server CPU/tx (workers' CPU split {shares}); "
                f"HTTP / screen_many: best {http_rate / max(many_rates):.0%} (target >= 70%; "
                "rounds " + ", ".join(f"{r:.0%}" for r in ratios) + "), "
                f"CPU/tx {min(many_cpu) / min(http_cpu):.0%}; {errors} errors; "
                f"client CPU {client_cpu:.1f} s of {http_seconds:.1f} s ({loadavg()})",
                flush=True,
            )

            # 3. latency at half that load, best of the rounds
            rate = http_rate / 2
            count = min(len(requests), int(rate * 20))
            runs = []
            for _ in range(args.rounds):
                with client_gc_paused():
                    latencies = asyncio.run(open_loop(port, requests[:count], rate))
                p50, p95, p99 = (percentile(latencies, q) * 1000 for q in (0.5, 0.95, 0.99))
                runs.append((p99, p95, p50, loadavg()))
                print(f"  round: p50 {p50:.1f}, p95 {p95:.1f}, p99 {p99:.1f} ms ({runs[-1][3]})")
            p99, p95, p50, at = min(runs)
            print(
                f"latency at {rate:.0f} req/s ({count} requests), best of {args.rounds}: "
                f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms (target p99 < 25 ms; "
                f"{at})",
                flush=True,
            )

            # 4. the load run, every answer checked against the served schema
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": key}) as c:
                doc = c.get("/openapi.json").json()
            schema = {
                "$ref": "#/components/schemas/DecisionRecord",
                "components": doc["components"],
            }
            validator = jsonschema.Draft202012Validator(schema)
            load = [txs[i % len(txs)] | {"id": f"load-{i}"} for i in range(args.load)]
            problems = asyncio.run(load_run(port, key, load, validator))
            print(
                f"load run: {args.load} requests from {CLIENTS} clients, "
                f"{len(problems)} errors or schema violations"
                + (f": {problems[:3]}" if problems else "")
                + f" ({loadavg()})",
                flush=True,
            )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)


async def load_run(
    port: int, key: str, txs: list[dict[str, Any]], validator: jsonschema.Draft202012Validator
) -> list[str]:
    problems: list[str] = []

    async def client(share: list[dict[str, Any]]) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for tx in share:
            status, body = await exchange(
                reader, writer, request_bytes(port, key, json.dumps(tx).encode())
            )
            if status != 200:
                problems.append(f"{tx['id']}: {status} {body[:100]!r}")
                continue
            record = json.loads(body)
            problems.extend(f"{tx['id']}: {e.message}" for e in validator.iter_errors(record))
            if record["transaction_id"] != tx["id"]:
                problems.append(f"{tx['id']}: answered for {record['transaction_id']}")
        writer.close()

    await asyncio.gather(*(client(txs[i::CLIENTS]) for i in range(CLIENTS)))
    return problems


if __name__ == "__main__":
    main()
