"""Rule tooling speed, as ratios against baselines measured in the same run.

- baseline "load": loading and indexing the bundled rules (what every `rules` command does).
- "refuse": loading a copy with one slip each (a syntax error, a dangling reference, ...).
- "alias bomb": refusing a 2 MiB "billion laughs" file, against parsing a realistic rule file
  of the same size (thousands of entities: the most a file under the size limit can cost).
- "lint": linting the loaded rules.
- "impact": `impact` over N past transactions (two screenings each), against screening them once.

Run: python benchmarks/bench_rules.py [--rounds N]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from timing import best_of

from screening import RuleError, load_rules
from screening._io.yamlfile import MAX_BYTES, parse_yaml
from screening.authoring import lint, load_scenario, scenario_files
from screening.changes import HistoryEntry, impact
from screening.engine import evaluate
from screening.errors import YamlProblem

ROOT = Path(__file__).resolve().parents[1]

SLIPS = {
    "bad indentation": (
        "red-flags.yaml",
        "    kind: destination_mis",
        "      kind: destination_mis",
    ),
    "unknown key": ("listings.yaml", "    to: 2017-03-28\n", "    too: 2017-03-28\n"),
    "dangling reference": ("listings.yaml", "entity: zte-parsian", "entity: zte-persian"),
    "inverted dates": ("listings.yaml", "from: 2016-03-08\n    to", "from: 2018-03-08\n    to"),
}


def _refused(directory: Path) -> None:
    try:
        load_rules(directory)
    except RuleError:
        return
    raise AssertionError("the slip was not refused")


def _bomb(target: int) -> str:
    lines = ["rules:", '  - &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"  - &l{n} [{','.join([f'*l{n - 1}'] * 10)}]" for n in range(1, 9)]
    text = "\n".join(lines) + "\n"
    filler = "  - [*l8,*l8,*l8,*l8,*l8,*l8,*l8,*l8,*l8,*l8]\n"
    return text + filler * ((target - len(text)) // len(filler))


_ENTITY = """\
  - id: entity-{i}
    kind: entity
    name: Example Trading Company Number {i} Limited
    aliases: [Example Trading {i}, ETC {i} Ltd.]
    addresses:
      - Unit {i}, 6th Floor, Tower 1, No. 5, Guanghua Road, Chaoyang District, Beijing
    country: CN
    citation: 81 FR 12004 (Mar. 8, 2016)
"""


def _plain(target: int) -> str:
    """A realistic rule file of about ``target`` bytes: thousands of entity rules."""
    parts, size, i = ["rules:\n"], 7, 0
    while size < target:
        part = _ENTITY.format(i=i)
        parts.append(part)
        size, i = size + len(part), i + 1
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="best of N rounds per figure")
    parser.add_argument("--history", type=int, default=20, help="passes over the scenarios")
    args = parser.parse_args()
    rules_dir = ROOT / "rules"

    load_s = best_of(lambda: load_rules(rules_dir), args.rounds)
    print(f"baseline load (bundled rules)  : {load_s * 1000:8.1f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        for name, (file, old, new) in SLIPS.items():
            target = Path(tmp) / name.replace(" ", "-")
            shutil.copytree(rules_dir, target)
            path = target / file
            path.write_text(path.read_text("utf-8").replace(old, new, 1), encoding="utf-8")
            t = best_of(lambda target=target: _refused(target), args.rounds)  # type: ignore[misc]
            print(f"refuse {name:<24}: {t * 1000:8.1f} ms  ({t / load_s:.2f}x load)")

    bomb, plain = _bomb(MAX_BYTES - 1024), _plain(MAX_BYTES - 2048)

    def refuse_bomb() -> None:
        try:
            parse_yaml(bomb, "bomb.yaml")
        except YamlProblem:
            return
        raise AssertionError("the bomb was read")

    bomb_s = best_of(refuse_bomb, args.rounds)
    plain_s = best_of(lambda: parse_yaml(plain, "plain.yaml"), max(1, args.rounds // 2))
    print(
        f"alias bomb ({len(bomb) >> 10} KiB) refused : {bomb_s * 1000:8.1f} ms  "
        f"({bomb_s / plain_s:.5f}x parsing a rule file of that size, {plain_s * 1000:.0f} ms)"
    )

    rules = load_rules(rules_dir)
    lint_s = best_of(lambda: lint(rules), args.rounds)
    print(
        f"lint                           : {lint_s * 1000:8.1f} ms  ({lint_s / load_s:.2f}x load)"
    )

    scenarios = [load_scenario(p) for p in scenario_files(ROOT / "examples" / "zte")]
    history = [
        HistoryEntry(i, s.transaction, s.as_of or s.transaction.date)
        for i, s in enumerate(scenarios * args.history, 1)
    ]
    once_s = best_of(
        lambda: [evaluate(e.transaction, rules, e.as_of) for e in history], args.rounds
    )
    other = load_rules(rules_dir)
    impact_s = best_of(lambda: impact(rules, other, history), args.rounds)
    print(
        f"impact over {len(history)} transactions   : {impact_s * 1000:8.1f} ms  "
        f"({impact_s / once_s:.2f}x screening them once, {len(history) / impact_s:.0f} tx/s)"
    )


if __name__ == "__main__":
    main()
