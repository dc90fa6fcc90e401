"""Fuzzing the loaders and the single-file path: no input may crash them (issue 13).

Each target takes bytes mutated from a real seed (a bundled rule file, an official list sample,
a scenario) and feeds them to a loader; the only acceptable failure is a `ScreeningError` (a
located, explained refusal), and ``screening screen FILE`` must never exit 6 (internal error).
Hypothesis draws the mutations (byte edits and tokens that broke parsers before: anchors,
tags, deep nesting, BOMs, control and bidi characters) and shrinks any crash it finds.

Run: python benchmarks/fuzz_loaders.py [--seconds 600] [--target NAME]
(tests/test_fuzz.py runs every target for a few examples in CI.)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening import ScreeningError, bundled_rules_dir, load_rules
from screening._io.documents import parse_document
from screening.api import transaction_from
from screening.cli import main
from screening.lists import read_list

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

TOKENS = [
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"&a [1]",
    b"*a",
    b"!!python/object:os.system",
    b"!!binary",
    b"<<: *a",
    b"[" * 200,
    b"{" * 200,
    b"- " * 200,
    b"\n---\n",
    b"\t",
    b"\r",
    b'"',
    b"'",
    b",",
    b";",
    b":",
    b"\\u0000",
    b"\\ud800",
    "\u202e".encode(),
    "\u3164".encode(),
    "\u200b".encode(),
    b"9" * 5000,
    b"1e999",
    b"NaN",
    b"-0",
    b"2016-02-30",
    b"9999-12-31",
    b"0000-01-01",
    b"null",
    b"~",
    b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>",
    b"&a;",
    b"<![CDATA[",
    b"</",
    b"A" * 3000,
]


def _mutate(seed: bytes, edits: list[tuple[int, int, int, bytes]]) -> bytes:
    data = bytearray(seed)
    for op, at, length, payload in edits:
        pos = at % (len(data) + 1)
        if op == 0:  # insert
            data[pos:pos] = payload
        elif op == 1:  # delete
            del data[pos : pos + length]
        elif op == 2:  # replace
            data[pos : pos + len(payload)] = payload
        elif op == 3:  # duplicate a slice
            data[pos:pos] = data[pos : pos + length]
        else:  # truncate
            del data[pos:]
    return bytes(data)


EDITS = st.lists(
    st.tuples(
        st.integers(0, 4),
        st.integers(0, 1 << 20),
        st.integers(0, 64),
        st.sampled_from(TOKENS) | st.binary(max_size=16),
    ),
    max_size=6,
)


# --- targets -------------------------------------------------------------------------------


class Target:
    """One loader under fuzzing: its seeds and how to feed it a mutated seed."""

    def __init__(self, name: str, seeds: list[tuple[str, bytes]], run: Callable[..., None]):
        self.name = name
        self.seeds = seeds
        self.run = run


def _rules_target(work: Path) -> Target:
    bundled = bundled_rules_dir()
    seeds = [(p.name, p.read_bytes()) for p in sorted(bundled.glob("*.yaml"))]
    directory = work / "rules"

    def run(name: str, data: bytes) -> None:
        if directory.exists():
            shutil.rmtree(directory)
        shutil.copytree(bundled, directory)
        (directory / name).write_bytes(data)
        with contextlib.suppress(ScreeningError):
            load_rules(directory)

    return Target("rules", seeds, run)


def _lists_target(work: Path) -> Target:
    sources = [
        ROOT / "tests" / "data" / "csl_api_sample.json",
        ROOT / "tests" / "data" / "eu_fsf_sample.csv",
        ROOT / "tests" / "data" / "eu_fsf_sample.xml",
        ROOT / "tests" / "data" / "opensanctions_sample.ftm.json",
        ROOT / "tests" / "data" / "uk_sanctions_list_sample.xml",
        SHARED / "csl" / "consolidated_csl_sample_2025.csv",
    ]
    seeds = [(p.name, p.read_bytes()) for p in sources if p.is_file()]
    dpl = SHARED / "bis_dpl" / "dpl_2022-09.txt"
    if dpl.is_file():  # the head of the file: a whole 145 KB file per example is too slow
        seeds.append(("dpl.txt", b"".join(dpl.read_bytes().splitlines(keepends=True)[:40])))

    def run(name: str, data: bytes) -> None:
        path = work / name
        path.write_bytes(data)
        with contextlib.suppress(ScreeningError):
            read_list(path)

    return Target("lists", seeds, run)


def _scenario_seeds() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted((ROOT / "examples" / "zte").glob("*.yaml"))]


def _document_seeds() -> list[tuple[str, bytes]]:
    import json

    import yaml

    seeds = _scenario_seeds()
    out = list(seeds)
    for name, data in seeds[:5]:  # the same transactions as JSON
        tx = yaml.safe_load(data).get("transaction")
        out.append((name.replace(".yaml", ".json"), json.dumps(tx, default=str).encode()))
    return out


def _documents_target(work: Path) -> Target:
    def run(name: str, data: bytes) -> None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return  # read_document refuses it before parsing (tested in tests/io)
        with contextlib.suppress(ScreeningError):
            doc = parse_document(text, name, is_json=name.endswith(".json"))
            key = None if name.endswith(".json") else "transaction"
            transaction_from(doc, key=key)

    return Target("documents", _document_seeds(), run)


def _cli_target(work: Path) -> Target:
    def run(name: str, data: bytes) -> None:
        import yaml

        path = work / ("tx.json" if name.endswith(".json") else "tx.yaml")
        if name.endswith(".yaml"):  # `screen` reads a transaction, a scenario holds one
            with contextlib.suppress(Exception):
                data = yaml.safe_dump(yaml.safe_load(data)["transaction"]).encode()
        path.write_bytes(data)
        out = io.StringIO()
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(["screen", str(path)], stdout=out)
        assert code != 6, f"internal error (exit 6): {err.getvalue()[-2000:]}"

    return Target("cli", _document_seeds(), run)


TARGETS: dict[str, Callable[[Path], Target]] = {
    "rules": _rules_target,
    "lists": _lists_target,
    "documents": _documents_target,
    "cli": _cli_target,
}


def fuzz_once(target: Target, examples: int) -> None:
    """Run ``examples`` fuzzed inputs through ``target``; raises on the first crash (shrunk)."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(seed=st.sampled_from(target.seeds), edits=EDITS)
    def check(seed: tuple[str, bytes], edits: list[tuple[int, int, int, bytes]]) -> None:
        target.run(seed[0], _mutate(seed[1], edits))

    check()


def main_fuzz(seconds: float, names: list[str]) -> int:
    found = 0
    with tempfile.TemporaryDirectory() as tmp:
        share = seconds / len(names)
        for name in names:
            work = Path(tmp) / name
            work.mkdir()
            target = TARGETS[name](work)
            start = time.monotonic()
            runs = examples = 0
            while time.monotonic() - start < share:
                try:
                    fuzz_once(target, 50)
                except Exception:  # a crash: report it and go on
                    found += 1
                    print(f"--- {name}: CRASH", file=sys.stderr)
                    traceback.print_exc()
                runs += 1
                examples += 50
            took = time.monotonic() - start
            print(f"{name}: {examples} inputs in {took:.0f} s ({examples / took:.1f}/s)")
    print(f"crashes found: {found}")
    return 1 if found else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--target", action="append", choices=sorted(TARGETS))
    args = parser.parse_args()
    sys.exit(main_fuzz(args.seconds, args.target or list(TARGETS)))
