"""`update_list`: downloads are validated before they replace anything, installed atomically with
a manifest, and the current copy survives every kind of bad download (made here in tmp_path)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.listdata import (
    CSL_2022,
    CSL_2025,
    DPL,
    EL,
    FTM,
    OFAC_SET,
    OFSI_CSV,
    UK_CSV,
    UN,
    csl_rows,
    needs_data,
    row,
    write_csl,
)
from helpers.strategies import SETTINGS
from screening import ListError, ListUpdateError, load_rules
from screening.errors import Problem
from screening.lists import SOURCES, read_list, update_list
from screening.lists.update import fetch_url

NOW = dt.datetime(2025, 1, 6, 12, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2025, 1, 7, 6, 30, tzinfo=dt.UTC)


def offer(tmp_path: Path, name: str, data: bytes) -> str:
    """Put ``data`` where a file:// URL can fetch it; returns the URL."""
    folder = tmp_path / "server"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    return (folder / name).as_uri()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: to prove a copy was left untouched."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))


# --- installing -------------------------------------------------------------------------------


@needs_data
def test_update_installs_the_list_with_a_manifest(tmp_path: Path) -> None:
    dest = tmp_path / "lists"
    url = CSL_2022.as_uri()
    result = update_list("csl", dest, now=NOW, url=url)
    assert (result.status, result.directory, result.previous_entries) == (
        "created",
        dest / "csl",
        None,
    )
    assert visible(dest) == ["csl"]
    assert visible(dest / "csl") == ["consolidated.csv.gz", "manifest.json"]
    assert (dest / "csl" / "consolidated.csv.gz").read_bytes() == CSL_2022.read_bytes()
    manifest = json.loads((dest / "csl" / "manifest.json").read_text("utf-8"))
    sha = hashlib.sha256(CSL_2022.read_bytes()).hexdigest()
    assert manifest == {
        "source": "csl",
        "format": "csl-csv",
        "fetched_at": "2025-01-06T12:00:00Z",
        "checked_at": "2025-01-06T12:00:00Z",
        "sha256": sha,
        "entries": 14159,
        "entries_by_list": read_list(CSL_2022).counts(),
        "files": [
            {
                "name": "consolidated.csv.gz",
                "url": url,
                "sha256": sha,
                "bytes": CSL_2022.stat().st_size,
                "rows": 14160,
            }
        ],
        "previous": None,
    }
    listed = read_list(dest / "csl")
    assert (listed.path, listed.sha256, listed.fetched_at, listed.url) == (
        str(dest / "csl"),
        sha,
        "2025-01-06T12:00:00Z",
        url,
    )


@needs_data
def test_decisions_cite_the_installed_list_and_its_fetch(tmp_path: Path) -> None:
    dest = tmp_path / "lists"
    update_list("csl", dest, now=NOW, url=CSL_2025.as_uri())
    (version,) = load_rules(lists=[dest / "csl"]).lists
    assert (version.file, version.format, version.entries) == (str(dest / "csl"), "csl-csv", 13)
    assert (version.fetched_at, version.url) == ("2025-01-06T12:00:00Z", CSL_2025.as_uri())


@needs_data
def test_the_same_release_again_is_unchanged(tmp_path: Path) -> None:
    dest = tmp_path / "lists"
    update_list("csl", dest, now=NOW, url=CSL_2025.as_uri())
    result = update_list("csl", dest, now=LATER, url=CSL_2025.as_uri())
    assert result.status == "unchanged"
    assert visible(dest) == ["csl"]  # nothing to keep as previous
    manifest = json.loads((dest / "csl" / "manifest.json").read_text("utf-8"))
    assert (manifest["fetched_at"], manifest["checked_at"]) == (
        "2025-01-06T12:00:00Z",
        "2025-01-07T06:30:00Z",
    )


@needs_data
def test_a_new_release_replaces_the_current_and_keeps_it_as_previous(tmp_path: Path) -> None:
    dest = tmp_path / "lists"
    update_list("csl", dest, now=NOW, url=CSL_2025.as_uri())
    before = snapshot(dest / "csl")
    rows = csl_rows(CSL_2025)
    new = write_csl(tmp_path / "new.csv", [*rows, row(EL, "Newly Listed Co.", _id="n1")])
    result = update_list("csl", dest, now=LATER, url=new.as_uri())
    assert (result.status, result.manifest.entries, result.previous_entries) == ("updated", 14, 13)
    assert visible(dest) == ["csl", "csl.previous"]
    assert snapshot(dest / "csl.previous") == before
    assert result.manifest.previous == {
        "sha256": hashlib.sha256(CSL_2025.read_bytes()).hexdigest(),
        "entries": 13,
        "fetched_at": "2025-01-06T12:00:00Z",
    }
    assert "Newly Listed Co." in {e.name for e in read_list(dest / "csl").entries}


@needs_data
def test_ofac_set_is_fetched_with_its_companions(tmp_path: Path) -> None:
    dest = tmp_path / "lists"
    result = update_list("sdn", dest, now=NOW, url=(OFAC_SET / "sdn.csv").as_uri())
    assert visible(dest / "sdn") == ["add.csv", "alt.csv", "manifest.json", "sdn.csv"]
    assert [f.name for f in result.manifest.files] == ["sdn.csv", "alt.csv", "add.csv"]
    assert [f.rows for f in result.manifest.files] == [9044, 12409, 13625]
    assert result.notes[0].startswith("optional sdn_comments.csv not fetched (download failed:")
    assert read_list(dest / "sdn").entries == read_list(OFAC_SET).entries


@needs_data
def test_companions_follow_the_letter_case_of_the_official_service(tmp_path: Path) -> None:
    served = tmp_path / "exports"
    served.mkdir()
    for name in ("sdn.csv", "alt.csv", "add.csv"):
        shutil.copy(OFAC_SET / name, served / name.upper())
    (served / "SDN_COMMENTS.CSV").write_text("306,a.k.a. 'BANCO'.\n", "utf-8")
    result = update_list("sdn", tmp_path / "lists", now=NOW, url=(served / "SDN.CSV").as_uri())
    assert [f.url.rsplit("/", 1)[1] for f in result.manifest.files] == [
        "SDN.CSV", "ALT.CSV", "ADD.CSV", "SDN_COMMENTS.CSV",
    ]  # fmt: skip
    bank = next(e for e in read_list(tmp_path / "lists" / "sdn").entries if e.id == "306")
    assert "BANCO" in bank.aliases  # the comment's weak a.k.a.


@needs_data
def test_missing_required_companion_is_refused(tmp_path: Path) -> None:
    shutil.copy(OFAC_SET / "sdn.csv", tmp_path / "sdn.csv")
    shutil.copy(OFAC_SET / "alt.csv", tmp_path / "alt.csv")
    with pytest.raises(ListUpdateError) as caught:
        update_list("sdn", tmp_path / "lists", now=NOW, url=(tmp_path / "sdn.csv").as_uri())
    (problem,) = caught.value.problems
    assert problem.file == (tmp_path / "add.csv").as_uri()
    assert problem.message.startswith("download failed: ")
    assert not (tmp_path / "lists" / "sdn").exists()


@needs_data
def test_official_addresses_are_tried_in_order(tmp_path: Path) -> None:
    first, second = SOURCES["dpl"].urls
    asked: list[str] = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        if url == first:
            return b"<html>moved</html>"  # what a retired address may serve
        return DPL.read_bytes()

    result = update_list("dpl", tmp_path / "lists", now=NOW, fetch=fetch)
    assert asked == [first, second]
    assert result.manifest.primary.url == second
    assert result.manifest.entries == 486


# --- refused: the current copy is left as it was ----------------------------------------------


@pytest.fixture(scope="module")
def installed_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CSL_2022.exists():
        pytest.skip(f"shared list snapshots not found at {CSL_2022}")
    dest = tmp_path_factory.mktemp("installed") / "lists"
    update_list("csl", dest, now=NOW, url=CSL_2022.as_uri())
    return dest


@pytest.fixture
def installed(installed_once: Path, tmp_path: Path) -> Path:
    """``lists/`` with the 2022-05 CSL installed (a fresh copy for each test)."""
    dest = tmp_path / "lists"
    shutil.copytree(installed_once, dest)
    return dest


def refused(dest: Path, url: str, **options: float) -> list[str]:
    """Problems of a refused update, after checking that nothing under ``dest`` changed."""
    before = snapshot(dest)
    with pytest.raises(ListUpdateError) as caught:
        update_list("csl", dest, now=LATER, url=url, **options)  # type: ignore[arg-type]
    assert snapshot(dest) == before
    assert visible(dest) == ["csl"]  # no half-written directory left behind
    return [str(p) for p in caught.value.problems]


@needs_data
def test_truncated_download_is_refused(installed: Path, tmp_path: Path) -> None:
    text = gzip.decompress(CSL_2022.read_bytes())
    cut = text[: len(text) // 2]
    line = cut.count(b"\n") + 1
    url = offer(tmp_path, "cut.csv", cut)
    problems = refused(installed, url)
    assert len(problems) == 1
    assert problems[0].startswith(f"{url}:{line}: ")
    assert "the file may be truncated or corrupt" in problems[0]


@needs_data
def test_download_cut_at_a_row_boundary_is_refused_by_the_drop_check(
    installed: Path, tmp_path: Path
) -> None:
    text = gzip.decompress(CSL_2022.read_bytes())
    cut = text[: text.index(b"\n", len(text) // 2) + 1]  # whole rows, half of them
    url = offer(tmp_path, "half.csv", cut)
    (first, *_) = refused(installed, url)
    assert first.startswith(f"{url}: ")
    assert "entries, the current copy has 14159: a drop of" in first
    assert "is more than the 10% allowed (--max-drop); the download may be truncated" in first


@needs_data
def test_truncated_gzip_download_is_refused(installed: Path, tmp_path: Path) -> None:
    data = CSL_2022.read_bytes()
    url = offer(tmp_path, "cut.csv.gz", data[: len(data) - 1000])
    assert refused(installed, url) == [f"{url}: truncated gzip file (compressed data ends early)"]


@needs_data
def test_corrupt_download_is_refused(installed: Path, tmp_path: Path) -> None:
    data = bytearray(CSL_2022.read_bytes())
    data[20000:20200] = bytes(200)
    url = offer(tmp_path, "bad.csv.gz", bytes(data))
    (problem,) = refused(installed, url)
    assert problem.startswith(f"{url}: corrupt gzip file: ")


@needs_data
def test_empty_download_is_refused(installed: Path, tmp_path: Path) -> None:
    url = offer(tmp_path, "empty.csv", b"")
    assert refused(installed, url) == [f"{url}: file is empty"]


@needs_data
def test_a_vanished_list_is_refused_even_when_the_total_barely_moves(
    installed: Path, tmp_path: Path
) -> None:
    rows = [r for r in csl_rows(CSL_2022) if r["source"] != EL]
    url = write_csl(tmp_path / "no-el.csv", rows).as_uri()
    assert refused(installed, url, max_drop=0.2) == [
        f"{url}: entries dropped by more than the 20% allowed (--max-drop) in list(s) EL 2001 → 0"
    ]


@needs_data
def test_a_file_of_another_format_is_refused(installed: Path) -> None:
    assert refused(installed, DPL.as_uri()) == [
        f"{DPL.as_uri()}: expected a csl-csv file, got bis-dpl"
    ]


@needs_data
def test_a_tampered_installed_file_is_refused_at_load(installed: Path) -> None:
    path = installed / "csl" / "consolidated.csv.gz"
    data = gzip.decompress(path.read_bytes()).replace(b"Beijing 8-Star", b"Beijing 9-Star")
    path.write_bytes(gzip.compress(data))
    with pytest.raises(ListError) as caught:
        load_rules(lists=[installed / "csl"])
    (problem,) = caught.value.problems
    assert problem.file == f"{installed / 'csl'}/consolidated.csv.gz"
    assert "does not match the manifest's" in problem.message


# --- downloads over HTTP ----------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/short.csv":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"source,name\n")
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "served"
    folder.mkdir()

    def handler(*args: object) -> _Handler:
        return _Handler(*args, directory=str(folder))  # type: ignore[arg-type]

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@needs_data
def test_http_download(server: str, tmp_path: Path) -> None:
    shutil.copy(CSL_2025, tmp_path / "served" / "consolidated.csv")
    result = update_list("csl", tmp_path / "lists", now=NOW, url=f"{server}/consolidated.csv")
    assert result.manifest.entries == 13


def test_http_errors_are_update_errors(server: str) -> None:
    with pytest.raises(ListUpdateError) as caught:
        fetch_url(f"{server}/missing.csv")
    assert str(caught.value) == f"{server}/missing.csv: download failed: HTTP 404 File not found"
    with pytest.raises(ListUpdateError) as caught:
        fetch_url(f"{server}/short.csv")
    assert str(caught.value) == f"{server}/short.csv: download truncated: 12 of 1000 bytes"


def test_unsupported_scheme() -> None:
    with pytest.raises(ListUpdateError, match="unsupported URL scheme 'ftp'"):
        fetch_url("ftp://example.org/sdn.csv")


def test_the_fetch_time_must_be_timezone_aware(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        update_list("csl", tmp_path, now=dt.datetime(2025, 1, 1), url="file:///nowhere")


def test_unknown_source(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown list source 'ofac'"):
        update_list("ofac", tmp_path, now=NOW)


# --- property: never a half list --------------------------------------------------------------


@needs_data
@SETTINGS
@given(
    cut=st.integers(min_value=0, max_value=CSL_2025.stat().st_size - 1 if CSL_2025.exists() else 1)
)
def test_any_truncation_leaves_either_the_old_list_or_whole_entries(
    cut: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Cut the (fully quoted) 2025 sample anywhere: the update is refused and the current copy
    is untouched, or what is installed is whole entries of the release, never a cut one."""
    folder = tmp_path_factory.mktemp("cut")
    full = CSL_2025.read_bytes()
    dest = folder / "lists"
    update_list("csl", dest, now=NOW, url=CSL_2025.as_uri())
    before = snapshot(dest / "csl")
    url = offer(folder, "cut.csv", full[:cut])
    try:
        update_list("csl", dest, now=LATER, url=url)
    except ListUpdateError:
        assert snapshot(dest / "csl") == before
        return
    originals = {e.key: e.content() for e in read_list(CSL_2025).entries}
    installed = read_list(dest / "csl").entries
    assert installed
    assert all(originals[e.key] == e.content() for e in installed)


# --- the lists beyond the US ------------------------------------------------------------------


def test_the_official_addresses_of_the_lists_beyond_the_us() -> None:
    assert SOURCES["un"].urls == ("https://scsanctions.un.org/resources/xml/en/consolidated.xml",)
    assert SOURCES["un"].format == "un-xml"
    (eu,) = SOURCES["eu"].urls
    assert eu.startswith(
        "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token="
    )
    assert SOURCES["eu"].format == "eu-xml"
    assert SOURCES["eu-csv"].format == "eu-csv"
    assert SOURCES["opensanctions"].format == "ftm-json"
    assert SOURCES["uk"].urls == ("https://docs.fcdo.gov.uk/docs/UK-Sanctions-List.xml",)
    assert SOURCES["uk"].format == "uk-xml"
    assert SOURCES["uk-csv"].urls == (
        "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv",
        "https://docs.fcdo.gov.uk/docs/UK-Sanctions-List.csv",
    )
    assert SOURCES["uk-csv"].format == "uk-csv"
    assert SOURCES["ofsi"].urls == (
        "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
    )
    assert SOURCES["ofsi"].format == "ofsi-csv"


@pytest.mark.parametrize(
    ("source", "sample", "entries"), [("uk-csv", UK_CSV, 4), ("ofsi", OFSI_CSV, 3)]
)
def test_the_uk_csv_lists_are_installed_from_their_addresses(
    tmp_path: Path, source: str, sample: Path, entries: int
) -> None:
    """The first address fails (the FCDO has moved its files before): the next one is tried."""
    asked: list[str] = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        if len(asked) == 1 and len(SOURCES[source].urls) > 1:
            raise ListUpdateError([Problem("download failed: Not Found", file=url)])
        return sample.read_bytes()

    result = update_list(source, tmp_path / "lists", now=NOW, fetch=fetch)
    assert asked == list(SOURCES[source].urls)
    assert (result.status, result.manifest.entries) == ("created", entries)
    listed = read_list(tmp_path / "lists" / source)
    assert (listed.format, len(listed.entries), listed.url) == (
        SOURCES[source].format,
        entries,
        asked[-1],
    )


@needs_data
def test_the_un_list_is_installed_from_its_official_address(tmp_path: Path) -> None:
    asked: list[str] = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        return UN.read_bytes()

    result = update_list("un", tmp_path / "lists", now=NOW, fetch=fetch)
    assert asked == list(SOURCES["un"].urls)
    assert (result.status, result.manifest.entries) == ("created", 1003)
    assert visible(tmp_path / "lists" / "un") == ["consolidated.xml.gz", "manifest.json"]
    listed = read_list(tmp_path / "lists" / "un")
    assert (listed.format, len(listed.entries), listed.url) == ("un-xml", 1003, asked[0])
    assert len(load_rules(lists=[tmp_path / "lists" / "un"]).listings) >= 1003


@needs_data
def test_a_shrunken_un_list_is_refused_and_the_copy_kept(tmp_path: Path) -> None:
    dest = tmp_path / "lists"
    update_list("un", dest, now=NOW, fetch=lambda url: UN.read_bytes())
    before = snapshot(dest / "un")
    text = gzip.decompress(UN.read_bytes()).decode("utf-8")
    cut = text.index("<ENTITIES>")  # every entity gone: 273 of 1003 entries
    small = text[:cut] + "<ENTITIES/></CONSOLIDATED_LIST>\n"
    with pytest.raises(ListUpdateError) as err:
        update_list("un", dest, now=LATER, fetch=lambda url: small.encode("utf-8"))
    assert "730 entries, the current copy has 1003: a drop of 27%" in str(err.value)
    assert snapshot(dest / "un") == before


def test_another_format_offered_as_the_eu_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ListUpdateError) as err:
        update_list("eu", tmp_path / "lists", now=NOW, fetch=lambda url: FTM.read_bytes())
    assert "expected a eu-xml file, got ftm-json" in str(err.value)
    assert not (tmp_path / "lists" / "eu").exists()
