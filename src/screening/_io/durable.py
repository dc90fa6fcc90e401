"""Durable files: one exclusive lock, atomic replacement, and appends that survive a crash.

Every file the library writes for keeps goes through here: decision logs (`append_lines`),
batch outputs (the lock, `replace_file`) and installed official lists (`atomic_write`,
`write_synced`, `fsync_directory`).

The lock is the `filelock` package's native lock on an open descriptor (``flock`` on POSIX,
``LockFileEx`` on Windows), so it is released when the process dies. Where the platform or
filesystem cannot lock at all, `try_lock` and `locked` raise `LockUnavailableError` rather than
going on unlocked, where two writers could interleave or overwrite each other.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..errors import LockUnavailableError, LogError

__all__ = [
    "append_lines",
    "atomic_write",
    "fsync_directory",
    "fsync_file",
    "locked",
    "replace_file",
    "try_lock",
    "unlock",
    "write_synced",
]

_POLL_SECONDS = 0.01
"""How often a waiting `locked` tries again (filelock polls a non-blocking lock)."""


# --- the lock -------------------------------------------------------------------------------


def _native_lock(fd: int, *, blocking: bool) -> bool:
    """The lock factory: filelock's exclusive lock on ``fd``; False when held elsewhere and
    ``blocking`` is off. Raises OSError when the platform cannot lock (imported late: the
    package costs tens of milliseconds at start-up, and most commands never lock)."""
    from filelock import lock_descriptor

    return lock_descriptor(fd, blocking=blocking, poll_interval=_POLL_SECONDS)


_HELD: dict[int, tuple[int, int]] = {}
"""Descriptors this process locked, with the (device, inode) of the file locked: a forked child
lets go of them (`_let_go`). A descriptor closed without `unlock` stays here, and its number
may name another file by then: the file's identity tells them apart."""


def try_lock(fd: int, path: str | Path, *, wait: bool = False) -> bool:
    """Take the exclusive lock on the open descriptor ``fd`` (the file at ``path``).

    Returns False when another process holds it (only without ``wait``). Raises
    `LockUnavailableError` when this platform or filesystem cannot lock the file.
    The lock is the taking process's alone: a child forked while it is held (a batch worker)
    does not share it, so it goes when the taker dies, whatever its children do.
    """
    try:
        taken = _native_lock(fd, blocking=wait)
    except OSError as exc:
        raise LockUnavailableError(str(path), exc.strerror or str(exc)) from None
    if taken:
        with contextlib.suppress(OSError):
            info = os.fstat(fd)
            _HELD[fd] = (info.st_dev, info.st_ino)
    return taken


def unlock(fd: int) -> None:
    """Release a lock taken by `try_lock` (closing ``fd`` releases it too)."""
    from filelock import unlock_descriptor

    _HELD.pop(fd, None)
    with contextlib.suppress(OSError):  # the lock goes with the descriptor anyway
        unlock_descriptor(fd)


def _let_go() -> None:
    """In a forked child: drop the child's references to the locked files (``flock`` is held by
    the open file, which fork shares), so a child that outlives its parent (``kill -9`` of a
    batch run) cannot keep the output locked. Each descriptor still naming the locked file is
    pointed at the null device rather than closed, so it never names another file the child
    opens later; never unlocked, which would release the parent's lock too."""
    if not _HELD:
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd, identity in _HELD.items():
            try:
                info = os.fstat(fd)
            except OSError:
                continue  # closed since
            if (info.st_dev, info.st_ino) == identity:  # not a number reused for another file
                os.dup2(null, fd, inheritable=False)
    finally:
        os.close(null)
    _HELD.clear()


if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork, so nothing to share
    os.register_at_fork(after_in_child=_let_go)


@contextlib.contextmanager
def locked(fd: int, path: str | Path) -> Iterator[None]:
    """Hold the exclusive lock on ``fd`` for the block, waiting for it if another process has
    it. Raises `LockUnavailableError` when the file cannot be locked."""
    try_lock(fd, path, wait=True)
    try:
        yield
    finally:
        unlock(fd)


# --- fsync and atomic replacement -----------------------------------------------------------


def fsync_file(path: Path) -> None:
    """Flush a file's data to disk (a file written by another library, such as pyarrow)."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_directory(directory: Path) -> None:
    """Make the entries of ``directory`` durable (a file created or renamed in it).

    POSIX only: where a directory cannot be opened (Windows) or fsynced, it does nothing.
    """
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse
        pass
    finally:
        os.close(fd)


def replace_file(source: Path, target: Path) -> None:
    """Rename the finished file ``source`` over ``target``, durably: its data is fsynced first
    and the directory after, so after a crash ``target`` is the old file or the new, whole."""
    fsync_file(source)
    os.replace(source, target)
    fsync_directory(target.parent)


def write_synced(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` and fsync it (a new file, in a directory that is renamed into
    place afterwards; use `atomic_write` to replace a file others may be reading)."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a reader, or a crash, only ever sees the old file
    or the new one whole: written under a temporary name beside it, fsynced, renamed over.

    Raises OSError when the file cannot be written; the old file is then untouched.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        # O_EXCL: never write through a file someone else made; 0o666 minus the umask, as open.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


# --- appending ------------------------------------------------------------------------------


def append_lines(
    path: Path,
    lines: Sequence[bytes],
    *,
    chain: Callable[[bytes | None], Sequence[bytes]] | None = None,
) -> int:
    """Append whole lines (each ending in ``\\n``) to the log at ``path``; returns the count.

    Under the lock, so concurrent writers never interleave: a line left unterminated by a
    crash is closed with a newline first (it stays one unreadable line instead of corrupting the
    next record), each line is one ``write`` call, and the file is fsynced before returning, so
    a line reported written is on disk. Creating the file fsyncs its directory too.

    With ``chain``, the lines written are ``chain(last)`` instead, where ``last`` is the log's
    last non-blank line (without its newline; None for an empty log), read under the same lock:
    so a record can carry the hash of the one before it, whoever else appends.

    Raises `LogError` when the log cannot be opened, locked or written; lines written before a
    failure stay.
    """
    _check_lines(lines)
    created = not path.exists()
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LogError(f"{path}: cannot open the log for appending: {exc.strerror}") from None
    try:
        with locked(fd, path):
            size = os.fstat(fd).st_size
            if chain is not None:
                lines = chain(_last_line(fd, size))
                _check_lines(lines)
            if size and os.pread(fd, 1, size - 1) != b"\n":
                _write(fd, b"\n", path)  # close a line a crash left unterminated
            for data in lines:
                _write(fd, data, path)
            os.fsync(fd)
    except LockUnavailableError as exc:
        raise LogError(str(exc)) from None
    except OSError as exc:
        raise LogError(f"{path}: cannot write the log: {exc.strerror}") from None
    finally:
        os.close(fd)
    if created:
        fsync_directory(path.parent)
    return len(lines)


def _check_lines(lines: Sequence[bytes]) -> None:
    if any(not line.endswith(b"\n") or b"\n" in line[:-1] for line in lines):
        raise ValueError("each line must end with its only newline")


def _last_line(fd: int, size: int) -> bytes | None:
    """The last non-blank line of the file (without its newline), read backwards in blocks."""
    end = size
    tail = b""
    while end > 0:
        start = max(0, end - 65536)
        tail = os.pread(fd, end - start, start) + tail
        end = start
        parts = tail.split(b"\n")
        for i in range(len(parts) - 1, -1, -1):
            if parts[i].strip():
                if i > 0 or end == 0:  # whole: a newline (or the file's start) before it
                    return parts[i]
                break
    return None


def _write(fd: int, data: bytes, path: Path) -> None:
    written = os.write(fd, data)
    if written != len(data):  # only on a full disk or a signal: never leave half a line quiet
        raise LogError(f"{path}: short write ({written} of {len(data)} bytes); log line torn")
