"""The fuzz harness of benchmarks/fuzz_loaders.py, briefly: a few dozen mutated inputs per
loader, so CI keeps the harness working and catches a crash that is easy to reach. The long run
(10 minutes and more) is ``python benchmarks/fuzz_loaders.py --seconds 600``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

HARNESS = Path(__file__).resolve().parents[1] / "benchmarks" / "fuzz_loaders.py"


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_loaders", HARNESS)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fuzz_loaders", module)
    spec.loader.exec_module(module)
    return module


FUZZ = _harness()


@pytest.mark.parametrize("name", sorted(FUZZ.TARGETS))
def test_no_fuzzed_input_crashes_a_loader(name: str, tmp_path: Path) -> None:
    target = FUZZ.TARGETS[name](tmp_path)
    FUZZ.fuzz_once(target, 15 if name == "rules" else 40)


def test_a_mutation_changes_the_seed() -> None:
    assert FUZZ._mutate(b"abc", [(0, 1, 0, b"X")]) == b"aXbc"
    assert FUZZ._mutate(b"abc", [(1, 0, 2, b"")]) == b"c"
    assert FUZZ._mutate(b"abc", [(4, 1, 0, b"")]) == b"a"
