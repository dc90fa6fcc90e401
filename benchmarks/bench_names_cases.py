"""Per-class figures of the name matcher on the labelled sets of issue 15 (full CSL 2022-05).

Reads ``benchmarks/names_cases/<set>/*.jsonl`` (made by ``make_names_cases.py``) and prints, per
class: top-1 recall of its queries at the rule set's ``possible`` threshold, the pairwise AUC of
its pairs (each query with its source name is a true pair; the negative pairs are written in the
file), and over the unlisted real names the false-alarm rate; then the median query time, the
index build time (best of 3, cold caches) and the peak memory of a fresh process.

    python benchmarks/bench_names_cases.py [--set tune|aside|both] [--show 5] [--lists combined]

The aside set's misses and alarms are never printed unless ``--show-aside`` is given: its
figures can be taken without seeing what it fails on.

``--lists combined`` (issue 18) runs the same sets, in the same run, against the CSL index above
and against the combined index (CSL + OFAC + UN + EU + UK + OFSI) built exactly as
bench_lists_combined.py builds it: ``load_rules(lists=COMBINED)`` and the rule set's own name
index (``RuleSet.names``, keyed by entity id), then prints the two side by side with the issue
15 targets. The truth of a query is a set of CSL entry ids, and on the combined index the same
party is listed again under other ids (OFAC's SDN, the UN list, ...), so there an entity is a
true answer when one of its names (name or alias) has the same token set as the query's source
name (``frozenset(tokens(name))``, legal forms kept as canonical words, as make_names_cases.py
decides its truth on the CSL), or when it was loaded from the CSL file with one of the query's
CSL truth ids. False alarms as on the CSL: an unlisted name whose best hit is at or above
``possible``; as a name unlisted on the CSL may be listed on another list (a UN listing), the
rate is also given without the unlisted names that are listed there (a name of the same token
set), and those are shown. The pairs' scores (AUC) do not depend on the index's entries; they
are measured on each all the same. Before each timed set the names package's caches are emptied
and warmed alike, so the index searched second does not find the queries' words already worked
out. The index build time and memory are those bench_lists_combined.py reports, measured by its
own code in a fresh process (``--child combined``: one process, not its best of 3).

Two more modes, for work on the matcher's speed that must not change its results:

- ``--results FILE``: every search result (key, name, score, verified, detail) of every query of
  both labelled sets and of bench_names.py, at the ``possible`` threshold and from an index built
  for 0.70, plus the score and explanation of every labelled pair, one JSON line per query;
  ``--same-as FILE`` then says whether this code gives byte-identical lines, and shows the first
  that differ. Write FILE before a change, compare after it.
- ``--against REV``: the median query time of this tree against another revision's (default
  e03227f, the matcher before issue 15) in the same run: each in its own process (the other from
  a `git worktree` of REV), the two timing the same queries in alternating rounds; per query the
  fastest of its rounds, then the median over the queries of each set, and the ratio. Then the
  same per class of each labelled set, and over bench_names.py's queries (its perturbations of
  listed names and its unlisted names): the matcher's benchmark when issue 15 set the target,
  timed in rounds of their own after the labelled sets' (so their first round is not cold:
  the labelled sets' queries have warmed the caches of common words).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_names import SEED, _probe, build_index, candidates, read_csl, thresholds

from screening.names import NameCandidate, NameIndex, tokens

CASES = Path(__file__).resolve().parent / "names_cases"
ROOT = Path(__file__).resolve().parents[1]
BASELINE = "e03227f"
"""The matcher before issue 15: its median query time is the speed target's reference."""


def load(which: str) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for path in sorted((CASES / which).glob("*.jsonl")):
        lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]
        out[path.stem] = [x for x in lines if "type" in x]
    return out


def auc(pos: list[float], neg: list[float]) -> float:
    """The probability that a true pair outscores a false one (ties count half)."""
    if not pos or not neg:
        return float("nan")
    neg_sorted = sorted(neg)
    import bisect

    total = 0.0
    for p in pos:
        lo = bisect.bisect_left(neg_sorted, p)
        hi = bisect.bisect_right(neg_sorted, p)
        total += lo + 0.5 * (hi - lo)
    return total / (len(pos) * len(neg))


Truth = Callable[[dict[str, Any]], Collection[str]]


def csl_truth(case: dict[str, Any]) -> Collection[str]:
    """The labelled truth: the CSL entry ids listing the query's source name."""
    return case["truth"]  # type: ignore[no-any-return]


def combined_truth(rules: Any) -> tuple[Truth, Callable[[str], bool]]:
    """The truth of a query on the combined rule set (module docstring): the ids of the entities
    with a name of the source's token set, and of the CSL's entities with a truth id; and
    whether a name is listed there (one of its entities' names has the name's token set)."""
    by_tokens: dict[frozenset[str], set[str]] = defaultdict(set)
    by_csl_id: dict[str, set[str]] = defaultdict(set)
    for entity in rules.entities.values():
        for name in (entity.name, *(a.name for a in entity.aliases)):
            by_tokens[frozenset(tokens(name))].add(entity.id)
        for listing in rules.listings.get(entity.id, ()):
            own = getattr(listing, "entry_id", None)
            if own and listing.id.startswith("csl-"):  # loaded from the CSL file
                by_csl_id[own].add(entity.id)

    def truth(case: dict[str, Any]) -> Collection[str]:
        out = set(by_tokens.get(frozenset(tokens(case["source"])), ()))
        for entry_id in case["truth"]:
            out |= by_csl_id.get(entry_id, set())
        return out

    def listed(name: str) -> bool:
        return frozenset(tokens(name)) in by_tokens

    return truth, listed


def clear_caches() -> None:
    """Empty the module-level caches of the names package (not its one-entry tables)."""
    for name, mod in list(sys.modules.items()):
        if not name.startswith("screening.names"):
            continue
        for fn in list(vars(mod).values()):
            info = getattr(fn, "cache_info", None)
            if info is not None and info().maxsize != 1:
                fn.cache_clear()


def run(
    index: NameIndex,
    which: str,
    possible: float,
    show: int,
    truth: Truth = csl_truth,
    label: str = "",
    listed: Callable[[str], bool] | None = None,
) -> dict[str, Any]:
    classes = load(which)
    times: list[float] = []
    figures: dict[str, Any] = {}
    all_pos: list[float] = []
    all_neg: list[float] = []
    print(f"\n== set {which}{label}")
    print(f"{'class':12}{'recall':>8}{'n':>5}{'AUC':>8}{'pos':>6}{'neg':>6}  mean neg score")
    for cls, cases in classes.items():
        if cls == "unlisted":
            continue
        hits = total = 0
        pos: list[float] = []
        neg: list[float] = []
        misses = []
        by_how: dict[str, list[float]] = defaultdict(list)
        for c in cases:
            if c["type"] == "query":
                start = time.perf_counter()
                found = index.search(c["query"], cutoff=possible)
                times.append(time.perf_counter() - start)
                ok = bool(found) and found[0].key in truth(c)
                hits += ok
                total += 1
                by_how[c["how"]].append(ok)
                if not ok:
                    misses.append((c["how"], c["query"], c["source"], found[0] if found else None))
                pos.append(index.similarity(c["query"], c["source"]))
            elif c["same"] is None:  # measured apart: the score must drop, not vanish
                s = index.similarity(c["a"], c["b"])
                by_how["apart " + c["how"] + " (score < 1)"].append(s < 1.0)
                by_how["apart " + c["how"] + " (score >= possible)"].append(s >= possible)
            else:
                s = index.similarity(c["a"], c["b"])
                (pos if c["same"] else neg).append(s)
                if not c["same"]:
                    by_how["neg " + c["how"].split(":")[0]].append(s < possible)
        a = auc(pos, neg)
        all_pos += pos
        all_neg += neg
        rec = hits / total if total else float("nan")
        mean_neg = statistics.mean(neg) if neg else float("nan")
        print(f"{cls:12}{rec:8.3f}{total:5}{a:8.3f}{len(pos):6}{len(neg):6}  {mean_neg:.3f}")
        for how, oks in sorted(by_how.items()):
            label = (
                "below possible"
                if how.startswith("neg ")
                else ""
                if how.startswith("apart")
                else "top-1"
            )
            print(f"    {how:44} {label} {sum(oks) / len(oks):.3f} of {len(oks)}")
        for how, q, src, got in misses[:show]:
            top = f"{got.name!r} {got.score}" if got else "-"
            print(f"    miss [{how}] {q!r} (from {src!r}) -> {top}")
        figures[cls] = {"recall": rec, "auc": a, "n": total}
    alarms = []
    unlisted = classes.get("unlisted", [])
    for c in unlisted:
        start = time.perf_counter()
        found = index.search(c["query"], cutoff=possible)
        times.append(time.perf_counter() - start)
        if found:
            alarms.append((c["query"], found[0].name, found[0].score))
    rate = len(alarms) / max(1, len(unlisted))
    overall = auc(all_pos, all_neg)
    print(f"{'ALL pairs':12}{'':13}{overall:8.3f}{len(all_pos):6}{len(all_neg):6}")
    print(f"false alarms on {len(unlisted)} unlisted real names: {rate:.3f} ({len(alarms)})")
    for q, name, s in alarms[:show]:
        print(f"    alarm {q!r} -> {name!r} {s}")
    # Names unlisted on the CSL may be listed on another list (the UN's, a later SDN): there a
    # hit is no false alarm. The rate without them, beside the plain one.
    on_list = [c["query"] for c in unlisted if listed and listed(c["query"])]
    true_alarms = [a for a in alarms if a[0] not in on_list]
    rate_apart = len(true_alarms) / max(1, len(unlisted) - len(on_list))
    if listed:
        print(
            f"    of the {len(unlisted)}, {len(on_list)} listed on this index (a name of the same "
            f"token set): {on_list}; without them {rate_apart:.3f} "
            f"({len(true_alarms)} of {len(unlisted) - len(on_list)})"
        )
    med = statistics.median(times) * 1000
    print(f"median ms/query {med:.3f} (p95 {sorted(times)[int(0.95 * len(times))] * 1000:.2f})")
    figures.update(auc=overall, alarms=rate, alarms_apart=rate_apart, median_ms=med)
    figures.update(n_alarms=len(alarms), n_unlisted=len(unlisted), n_times=len(times))
    return figures


# --- results, for checking that a change of speed changes no result ------------------------------


def _bench_names_queries() -> list[str]:
    """The queries of bench_names.py at its defaults (positives and negatives)."""
    from bench_names import negatives, positives

    entries = read_csl()
    return [q.text for q in positives(entries, 300) + negatives(entries, random.Random(SEED), 300)]


def _labelled_queries() -> list[str]:
    out = []
    for which in ("tune", "aside"):
        for cases in load(which).values():
            out += [c["query"] for c in cases if "query" in c]
    return out


def _labelled_pairs() -> list[tuple[str, str]]:
    out = []
    for which in ("tune", "aside"):
        for cases in load(which).values():
            for c in cases:
                if c["type"] == "query":
                    out.append((c["query"], c["source"]))
                elif "a" in c:
                    out.append((c["a"], c["b"]))
    return out


def write_results(path: Path, cands: list[NameCandidate], possible: float) -> str:
    """One JSON line per query and index (see the module docstring); returns the digest."""
    queries = list(dict.fromkeys(_labelled_queries() + _bench_names_queries()))
    digest = hashlib.sha256()
    with path.open("w", encoding="utf-8") as out:

        def line(record: Any) -> None:
            text = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
            digest.update(text.encode())
            out.write(text)

        for cutoff in (possible, 0.70):
            index = NameIndex(cands, cutoff=cutoff)
            for q in queries:
                found = index.search(q, cutoff=cutoff)
                line(
                    [
                        "search",
                        cutoff,
                        q,
                        [[m.key, m.name, m.score, m.verified, m.detail] for m in found],
                    ]
                )
        for a, b in _labelled_pairs():
            line(["pair", a, b, index.similarity(a, b), index.explain(a, b).to_dict()])
    return digest.hexdigest()


def same_results(expected: Path, cands: list[NameCandidate], possible: float) -> int:
    """0 when this code writes the lines of ``expected``; else 1, showing the first that differ."""
    with tempfile.TemporaryDirectory() as tmp:
        got = Path(tmp) / "results.jsonl"
        digest = write_results(got, cands, possible)
        old = expected.read_text(encoding="utf-8").splitlines()
        new = got.read_text(encoding="utf-8").splitlines()
    differ = [(a, b) for a, b in zip(old, new, strict=False) if a != b]
    print(f"{len(new)} lines (expected {len(old)}), {len(differ)} differ; sha256 {digest}")
    for a, b in differ[:5]:
        print(f"  expected {a[:400]}\n  got      {b[:400]}")
    return 0 if not differ and len(old) == len(new) else 1


# --- the speed of two trees, in the same run ------------------------------------------------------


def _worker(queries_file: str) -> int:
    """A timing process: builds the index of the ``screening`` on its path, then, for each line
    read (a JSON list of set names), times every query of those sets once and writes the times
    (seconds) as one JSON line."""
    _, possible = thresholds()
    sets = json.loads(Path(queries_file).read_text(encoding="utf-8"))
    index = NameIndex(candidates(read_csl()), cutoff=possible)
    for q in sets["warm"]:
        index.search(q, cutoff=possible)
    print("ready", flush=True)
    for line in sys.stdin:
        times = {}
        for which in json.loads(line):
            queries = sets["sets"][which]
            row = []
            for q in queries:
                start = time.perf_counter()
                index.search(q, cutoff=possible)
                row.append(time.perf_counter() - start)
            times[which] = row
        print(json.dumps(times), flush=True)
    return 0


def _baseline_tree(rev: str) -> Path:
    """A `git worktree` of ``rev`` (made once, detached, beside the temporary files)."""
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", rev],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    tree = Path(tempfile.gettempdir()) / f"screening-{sha}"
    if not (tree / "src" / "screening").is_dir():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), sha], check=True
        )
    return tree


def against(rev: str, rounds: int) -> int:
    """Times this tree and ``rev`` on the same queries in alternating rounds (module docstring)."""
    classes: dict[str, list[str]] = {}  # each query's class, in the order of its set
    sets: dict[str, list[str]] = {}
    for which in ("tune", "aside"):
        timed = [
            (cls, c["query"])
            for cls, cases in load(which).items()
            for c in cases
            if c["type"] == "query" or cls == "unlisted"
        ]
        classes[which] = [cls for cls, _ in timed]
        sets[which] = [query for _, query in timed]
    sets["bench_names"] = _bench_names_queries()
    warm = [c["query"] + " warm" for c in load("tune").get("leet", [])[:30] if c["type"] == "query"]
    trees = {"this": ROOT, rev: _baseline_tree(rev)}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump({"sets": sets, "warm": warm}, fh)
    workers = {}
    for name, tree in trees.items():
        env = dict(os.environ, PYTHONPATH=str(tree / "src"))
        workers[name] = subprocess.Popen(
            [sys.executable, __file__, "--worker", fh.name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tree,
        )
    try:
        for w in workers.values():
            assert w.stdout is not None
            assert w.stdout.readline().strip() == "ready"
        best: dict[str, dict[str, list[float]]] = {}
        first: dict[str, dict[str, list[float]]] = {}
        # The labelled sets' rounds first, as before bench_names.py's queries were timed too:
        # those, in rounds of their own after, cannot push the sets' words out of the caches.
        phases = [list(classes), ["bench_names"]]
        for sets_timed, r in ((p, r) for p in phases for r in range(rounds)):
            order = list(workers) if r % 2 == 0 else list(workers)[::-1]
            for name in order:
                w = workers[name]
                assert w.stdin is not None
                assert w.stdout is not None
                w.stdin.write(json.dumps(sets_timed) + "\n")
                w.stdin.flush()
                got = json.loads(w.stdout.readline())
                if r == 0:
                    first.setdefault(name, {}).update(got)
                mine = best.setdefault(name, {})
                for which, row in got.items():
                    had = mine.get(which, row)
                    mine[which] = [min(a, b) for a, b in zip(had, row, strict=True)]
    finally:
        for w in workers.values():
            if w.stdin:
                w.stdin.close()
            w.wait()
        os.unlink(fh.name)
    for label, times in (
        (f"per query the fastest of {rounds} alternating rounds", best),
        ("first round only: caches of query words as cold as in the plain benchmark", first),
    ):
        print(f"median ms/query ({label}):")
        for which in sets:
            now = statistics.median(times["this"][which]) * 1000
            then = statistics.median(times[rev][which]) * 1000
            print(f"  {which:11} {rev}: {then:.3f}  this tree: {now:.3f}  ratio {now / then:.2f}x")
        for which, of_query in classes.items():
            for cls in sorted(set(of_query)):
                at = [i for i, c in enumerate(of_query) if c == cls]
                now = statistics.median(times["this"][which][i] for i in at) * 1000
                then = statistics.median(times[rev][which][i] for i in at) * 1000
                row = f"{then:.3f}  this tree: {now:.3f}  ratio {now / then:.2f}x"
                print(f"    {which} {cls:10} ({len(at):3}) {rev}: {row}")
    load_avg = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load_avg[0]:.1f} {load_avg[1]:.1f}")
    return 0


def warm(index: NameIndex, which: str, possible: float) -> None:
    """Warm caches, as a running service has, on queries that are not the set's own."""
    for c in load(which).get("leet", [])[:30]:
        if c["type"] == "query":
            index.search(c["query"] + " warm", cutoff=possible)


def combined(args: argparse.Namespace) -> int:
    """The sets on the CSL index and on the combined index, side by side (module docstring)."""
    from bench_lists_combined import COMBINED
    from bench_lists_combined import __file__ as lists_bench
    from timing import run_child

    from screening import load_rules

    _, possible = thresholds()
    cands = candidates(read_csl())
    csl_index, wall, cpu = build_index(cands, possible)
    print(f"CSL 2022-05: {len(cands)} names; possible {possible}; index {csl_index.stats()}")
    start = time.perf_counter()
    rules = load_rules(lists=list(COMBINED))
    load_s = time.perf_counter() - start
    assert rules.matching.possible == possible, (rules.matching.possible, possible)
    entries = sum(v.entries for v in rules.lists)
    print(
        f"combined ({', '.join(p.name for p in COMBINED)}): {entries} entries from "
        f"{len(rules.lists)} lists, {len(rules.entities)} entities (the bundled rules' too); "
        f"load_rules {load_s:.1f} s in this process; index {rules.names.stats()}"
    )
    truth, listed = combined_truth(rules)
    figures: dict[tuple[str, str], dict[str, Any]] = {}
    sets = ("tune", "aside") if args.set == "both" else (args.set,)
    for which in sets:
        for name, index, judge, on_list in (
            ("CSL", csl_index, csl_truth, None),
            ("combined", rules.names, truth, listed),
        ):
            clear_caches()
            warm(index, which, possible)
            label = f" on {name}"
            shown = _shown(args, which)
            figures[which, name] = run(index, which, possible, shown, judge, label, on_list)
    built = run_child(lists_bench, "combined") if args.memory else None

    print("\n== summary: targets of issue 15, on the CSL and on the combined index")
    for which in sets:
        csl, comb = figures[which, "CSL"], figures[which, "combined"]
        auc_target = 0.92 if which == "tune" else 0.90
        print(f"set {which}: {'class':10}{'n':>5}  {'recall CSL':>10}{'combined':>10}  (>= 0.95)")
        for cls, row in csl.items():
            if not isinstance(row, dict):
                continue
            got = comb[cls]["recall"]
            mark = "holds" if got >= 0.95 else "FAILS"
            print(f"{'':10}{cls:10}{row['n']:5}  {row['recall']:10.3f}{got:10.3f}  {mark}")
        for key, what, target, at_least in (
            ("auc", f"pairwise AUC (>= {auc_target})", auc_target, True),
            ("alarms", "false alarms (<= 0.02)", 0.02, False),
            ("alarms_apart", "  without names listed there", 0.02, False),
        ):
            ok = comb[key] >= target if at_least else comb[key] <= target
            mark = "holds" if ok else "FAILS"
            print(f"{'':10}{what:27}  {csl[key]:10.3f}{comb[key]:10.3f}  {mark}")
        ratio = comb["median_ms"] / csl["median_ms"]
        print(
            f"{'':10}{'median ms/query':27}  {csl['median_ms']:10.3f}{comb['median_ms']:10.3f}  "
            f"combined/CSL {ratio:.2f}x over {comb['n_times']} queries"
        )
    print(f"\nCSL index build (best of 3, cold caches): {wall:.2f} s wall, {cpu:.2f} s CPU")
    if built:
        ix = built["index"]
        verdict = "within" if ix["cpu"] <= 3 and built["peak_mb"] <= 300 else "OVER"
        print(
            f"combined, as bench_lists_combined.py measures it (one fresh process): load_rules "
            f"{built['seconds']:.2f} s wall, {built['cpu']:.2f} s CPU, peak {built['peak_mb']:.0f} "
            f"MB; of which the name index {ix['seconds']:.2f} s wall, {ix['cpu']:.2f} s CPU, "
            f"{ix['rss_after'] - ix['rss_before']:+.0f} MB resident after it, peak "
            f"{ix['peak_after']:.0f} MB: build <= 3 s CPU and peak <= 300 MB {verdict}"
        )
    load_avg = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load_avg[0]:.1f}")
    return 0


def _shown(args: argparse.Namespace, which: str) -> int:
    """How many misses and alarms to print for a set: none of the set kept aside unless asked
    (``--show-aside``), so that running it for its figures never shows what it fails on."""
    return args.show if which != "aside" or args.show_aside else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", default="tune", choices=["tune", "aside", "both"])
    ap.add_argument("--show", type=int, default=5, help="misses and alarms shown (tune set)")
    ap.add_argument(
        "--show-aside", action="store_true", help="show them for the set kept aside too"
    )
    ap.add_argument("--lists", default="csl", choices=["csl", "combined"], help="CSL, or both")
    ap.add_argument("--memory", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--results", type=Path, help="write every result to this file and stop")
    ap.add_argument("--same-as", type=Path, help="compare every result with this file and stop")
    ap.add_argument("--against", metavar="REV", nargs="?", const=BASELINE, help="time against REV")
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds of --against")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return _worker(args.worker)
    if args.against:
        return against(args.against, args.rounds)
    if args.results or args.same_as:
        _, possible = thresholds()
        cands = candidates(read_csl())
        if args.results:
            print(f"sha256 {write_results(args.results, cands, possible)}")
            return 0
        return same_results(args.same_as, cands, possible)
    if args.lists == "combined":
        return combined(args)
    probe = _probe() if args.memory else None
    _, possible = thresholds()
    cands = candidates(read_csl())
    index, wall, cpu = build_index(cands, possible)
    print(f"CSL 2022-05: {len(cands)} names; possible {possible}; index {index.stats()}")
    for which in ("tune", "aside") if args.set == "both" else (args.set,):
        warm(index, which, possible)
        run(index, which, possible, _shown(args, which))
    print(f"\nindex build (best of 3, cold caches): {wall:.2f} s wall, {cpu:.2f} s CPU")
    if probe:
        print(f"peak RSS of a fresh process with the index: {probe[2]:.0f} MB")
    load_avg = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load_avg[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
