"""Durable files: the one lock (two processes contend; without a lock nothing is written),
atomic replacement (a reader or a failure never sees a partial file) and durable, ordered
appends."""

from __future__ import annotations

import datetime as dt
import errno
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from helpers.clirun import cli
from helpers.listdata import EL, row, write_csl
from screening._io import durable
from screening._io.logfile import append_lines
from screening.errors import ListUpdateError, LockUnavailableError, LogError
from screening.lists import update_list

NOW = dt.datetime(2025, 1, 6, 12, 0, tzinfo=dt.UTC)

HOLD = """
import os, sys, time
from pathlib import Path
from screening._io import durable
path = Path(sys.argv[1])
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
durable.try_lock(fd, path, wait=True)
print("locked", flush=True)
sys.stdin.readline()  # hold the lock until the parent says so
"""

WAIT = """
import os, sys, time
from pathlib import Path
from screening._io import durable
path = Path(sys.argv[1])
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
with durable.locked(fd, path):
    print(f"locked {time.monotonic()}", flush=True)
"""

APPEND = """
import sys
from pathlib import Path
from screening._io.logfile import append_lines
path, who, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for i in range(count):
    append_lines(path, [f'{{"who":"{who}","n":{i}}}', f'{{"who":"{who}","n":{i},"pair":1}}'])
"""


def python(script: str, *args: str | Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def no_lock(fd: int, *, blocking: bool) -> bool:
    """What filelock does where there is no fcntl."""
    raise OSError(errno.ENOSYS, "fcntl is unavailable")


# --- the lock ---------------------------------------------------------------------------------


def test_a_second_process_is_refused_while_the_first_holds_the_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a"}\n', encoding="utf-8")
    path = tmp_path / "out.jsonl"
    holder = python(HOLD, path)
    assert holder.stdout is not None
    assert holder.stdin is not None
    try:
        assert holder.stdout.readline() == "locked\n"
        fd = os.open(path, os.O_RDWR)
        try:
            assert durable.try_lock(fd, path) is False
            assert cli("batch", source, "-o", path, "-q") == (3, "")
            assert capsys.readouterr().err == (
                f"error: batch: {path}: another 'screening batch' run is writing this output\n"
            )
        finally:
            os.close(fd)
    finally:
        holder.communicate("\n", timeout=30)
    assert holder.returncode == 0
    fd = os.open(path, os.O_RDWR)  # the holder is gone: its lock went with it
    try:
        assert durable.try_lock(fd, path) is True
    finally:
        os.close(fd)


def test_a_waiting_process_gets_the_lock_only_when_it_is_released(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        with durable.locked(fd, path):
            waiter = python(WAIT, path)
            time.sleep(0.5)
            assert waiter.poll() is None  # still waiting
            released = time.monotonic()
        out, _ = waiter.communicate(timeout=30)
    finally:
        os.close(fd)
    assert waiter.returncode == 0
    assert float(out.split()[1]) >= released


def test_without_a_lock_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(durable, "_native_lock", no_lock)
    path = tmp_path / "log.jsonl"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        with pytest.raises(LockUnavailableError) as info:
            durable.try_lock(fd, path)
    finally:
        os.close(fd)
    assert (info.value.path, info.value.reason) == (str(path), "fcntl is unavailable")
    message = "cannot lock the file (fcntl is unavailable); refusing to write without a lock"
    assert str(info.value) == f"{path}: {message}"

    with pytest.raises(LogError) as log_error:
        append_lines(path, ['{"a":1}'])
    assert str(log_error.value) == f"{path}: {message}"
    assert path.read_bytes() == b""

    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    capsys.readouterr()
    assert cli("batch", source, "-o", out, "-q") == (3, "")
    assert capsys.readouterr().err == f"error: batch: {out}: {message}\n"
    assert out.read_bytes() == b""

    csl = write_csl(tmp_path / "csl.csv", [row(EL, "Alpha Co.", _id="a1")])
    dest = tmp_path / "lists"
    with pytest.raises(ListUpdateError) as update_error:
        update_list("csl", dest, now=NOW, url=csl.as_uri())
    assert [str(p) for p in update_error.value.problems] == [f"{dest / '.csl.lock'}: {message}"]
    assert not (dest / "csl").exists()


# --- atomic replacement -----------------------------------------------------------------------


def test_a_reader_sees_the_old_file_or_the_new_never_a_part(tmp_path: Path) -> None:
    path = tmp_path / "MANIFEST.json"
    versions = [b"a" * 1_000_000, b"b" * 2_000_000]
    durable.atomic_write(path, versions[0])
    seen: set[bytes] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(path.read_bytes())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(40):
            durable.atomic_write(path, versions[i % 2])
    finally:
        stop.set()
        reader.join()
    assert seen <= set(versions)
    assert [p.name for p in tmp_path.iterdir()] == ["MANIFEST.json"]  # no temporary left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "MANIFEST.json"
    durable.atomic_write(path, b"old")

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        durable.atomic_write(path, b"new, and longer")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["MANIFEST.json"]


def test_atomic_write_keeps_the_usual_permissions(tmp_path: Path) -> None:
    path = tmp_path / "x"
    durable.atomic_write(path, b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


# --- appending --------------------------------------------------------------------------------


def test_appends_from_two_processes_are_whole_and_in_order(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    writers = [python(APPEND, path, who, "200") for who in ("a", "b")]
    for writer in writers:
        writer.communicate(timeout=120)
        assert writer.returncode == 0
    lines = path.read_text("utf-8").split("\n")
    assert lines.pop() == ""
    assert len(lines) == 800
    for who in ("a", "b"):
        mine = [line for line in lines if f'"who":"{who}"' in line]
        assert mine == [
            x
            for i in range(200)
            for x in (f'{{"who":"{who}","n":{i}}}', f'{{"who":"{who}","n":{i},"pair":1}}')
        ]
    for first, second in zip(lines[::2], lines[1::2], strict=True):  # one call's lines together
        assert second == first[:-1] + ',"pair":1}'


def test_an_append_is_on_disk_before_it_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "log.jsonl"
    synced: list[tuple[int, int]] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        st = os.fstat(fd)
        synced.append((st.st_ino, st.st_size))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    append_lines(path, ['{"a":1}', '{"b":2}'])
    assert (path.stat().st_ino, 16) in synced  # the log, with both lines, then the directory
    assert (tmp_path.stat().st_ino, tmp_path.stat().st_size) in synced  # created: entry too


def test_a_line_torn_by_a_crash_is_closed_before_the_next(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b'{"a":1}\n{"torn":')
    append_lines(path, ['{"b":2}'])
    assert path.read_bytes() == b'{"a":1}\n{"torn":\n{"b":2}\n'
