"""`lists update` refuses a release that lost a column or changed nearly every entry at once
(issue 13, item 7): a CSL with the addresses column removed was "updated" (14,159 entries, every
address gone) because the shrink check counts rows only. ``force`` installs it anyway."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import pytest

from helpers.clirun import cli
from helpers.listdata import CSL_2022, CSL_HEADER, csl_rows, needs_data, write_csl
from screening import ListUpdateError
from screening.lists import read_list, update_list

NOW = dt.datetime(2025, 1, 6, 12, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2025, 1, 7, 6, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    if not CSL_2022.exists():
        pytest.skip(f"shared list snapshots not found at {CSL_2022}")
    return csl_rows(CSL_2022)


@pytest.fixture(scope="module")
def installed_once(tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, str]]) -> Path:
    dest = tmp_path_factory.mktemp("installed") / "lists"
    update_list("csl", dest, now=NOW, url=CSL_2022.as_uri())
    return dest


@pytest.fixture
def installed(installed_once: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "lists"
    shutil.copytree(installed_once, dest)
    return dest


def _refused(dest: Path, url: str) -> str:
    before = {p: p.read_bytes() for p in (dest / "csl").rglob("*") if p.is_file()}
    with pytest.raises(ListUpdateError) as caught:
        update_list("csl", dest, now=LATER, url=url)
    assert {p: p.read_bytes() for p in (dest / "csl").rglob("*") if p.is_file()} == before
    return str(caught.value)


@needs_data
@pytest.mark.parametrize("column", ["addresses", "alt_names", "programs", "start_date"])
def test_a_release_without_a_column_is_refused(
    installed: Path, tmp_path: Path, rows: list[dict[str, str]], column: str
) -> None:
    header = [c for c in CSL_HEADER if c != column]
    url = write_csl(tmp_path / "cut.csv", rows, header=header).as_uri()
    message = _refused(installed, url)
    assert f"the header lacks the column(s) {column} of the csl-csv layout" in message
    assert "--force" in message


@needs_data
def test_a_first_install_without_a_column_is_refused(
    tmp_path: Path, rows: list[dict[str, str]]
) -> None:
    header = [c for c in CSL_HEADER if c != "addresses"]
    url = write_csl(tmp_path / "cut.csv", rows, header=header).as_uri()
    with pytest.raises(ListUpdateError, match="lacks the column"):
        update_list("csl", tmp_path / "lists", now=NOW, url=url)


@needs_data
def test_a_release_with_nearly_every_name_changed_is_refused_unless_forced(
    installed: Path, tmp_path: Path, rows: list[dict[str, str]]
) -> None:
    shifted = [{**r, "name": r["title"] or r["remarks"] or "x"} for r in rows]  # a column shift
    url = write_csl(tmp_path / "shifted.csv", shifted).as_uri()
    assert "changed their names" in _refused(installed, url)
    result = update_list("csl", installed, now=LATER, url=url, force=True)
    assert result.status == "updated"


@needs_data
def test_a_field_emptied_in_nearly_every_entry_is_refused(
    installed: Path, tmp_path: Path, rows: list[dict[str, str]]
) -> None:
    emptied = [{**r, "addresses": ""} for r in rows]  # the column kept, its values gone
    url = write_csl(tmp_path / "emptied.csv", emptied).as_uri()
    assert "'addresses' dropped from" in _refused(installed, url)


@needs_data
@pytest.mark.parametrize(("share", "seed"), [(0.02, 1), (0.3, 2)])
def test_an_ordinary_release_is_accepted(
    installed: Path, tmp_path: Path, rows: list[dict[str, str]], share: float, seed: int
) -> None:
    """Renaming up to 30% of the entries (far more than any real release) passes the checks."""
    rng = random.Random(seed)
    changed = [{**r, "name": r["name"] + " Ltd"} if rng.random() < share else r for r in rows]
    url = write_csl(tmp_path / "next.csv.gz", changed).as_uri()
    assert update_list("csl", installed, now=LATER, url=url).status == "updated"


@needs_data
def test_the_cli_says_force_and_installs_with_it(
    installed: Path, tmp_path: Path, rows: list[dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    header = [c for c in CSL_HEADER if c != "addresses"]
    url = write_csl(tmp_path / "cut.csv", rows, header=header).as_uri()
    rc, _ = cli("lists", "update", "--source", "csl", "--url", url, "--dest", installed)
    assert rc == 3
    assert "--force" in capsys.readouterr().err
    rc, _ = cli("lists", "update", "--source", "csl", "--url", url, "--dest", installed, "--force")
    assert rc == 0
    assert not any(e.addresses for e in read_list(installed / "csl").entries)
