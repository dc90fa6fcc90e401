"""The public surface of `screening`: `__all__` is sorted, complete and importable."""

from __future__ import annotations

import importlib
import types

import pytest

import screening


def test_all_is_sorted() -> None:
    assert screening.__all__ == sorted(screening.__all__)


def test_all_has_no_duplicates() -> None:
    assert len(screening.__all__) == len(set(screening.__all__))


@pytest.mark.parametrize("name", screening.__all__)
def test_every_exported_name_exists(name: str) -> None:
    module = importlib.import_module("screening")
    assert hasattr(module, name), f"screening.__all__ names {name!r}, which does not exist"


@pytest.mark.parametrize("name", [n for n in screening.__all__ if not n.startswith("__")])
def test_every_exported_member_is_defined_in_the_package(name: str) -> None:
    member = getattr(screening, name)
    assert member.__module__.split(".")[0] == "screening", (
        f"{name} comes from {member.__module__}, not from screening"
    )


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from screening import *", namespace)
    namespace.pop("__builtins__", None)
    assert sorted(namespace) == sorted(screening.__all__)


def test_every_public_member_is_exported() -> None:
    """Nothing public (other than submodules) is reachable only by accident."""
    public = sorted(
        name
        for name, value in vars(screening).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    )
    assert public == sorted(n for n in screening.__all__ if not n.startswith("_"))


def test_version_is_a_string() -> None:
    assert isinstance(screening.__version__, str)
    assert screening.__version__.strip()
