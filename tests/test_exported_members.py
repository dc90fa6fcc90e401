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


PACKAGES = [
    "screening",
    "screening.names",
    "screening.lists",
    "screening.rules",
    "screening.audit",
    "screening.changes",
    "screening.authoring",
    "screening.report",
    "screening.batch",
    "screening.service",
    "screening.cli",
]
"""The public package and every face other code imports from (one per layer)."""


def _isort_style(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 keeps `__all__` in: CONSTANTS, then Classes, then the rest."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_exports_exactly_its_public_names(package: str) -> None:
    """`__all__` is sorted, names only what exists, and leaves out nothing public the face
    defines or imports: a name reachable from a face but not in `__all__` is an accident."""
    module = importlib.import_module(package)
    exported = module.__all__
    assert exported == sorted(exported, key=_isort_style), f"{package}.__all__ is not sorted"
    assert len(exported) == len(set(exported)), f"{package}.__all__ repeats a name"
    missing = [name for name in exported if not hasattr(module, name)]
    assert missing == [], f"{package}.__all__ names what {package} lacks: {missing}"
    public = sorted(
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and type(value).__module__ != "__future__"  # `from __future__ import annotations`
    )
    unexported = [name for name in public if name not in exported]
    assert unexported == [], f"{package} has public names outside __all__: {unexported}"
