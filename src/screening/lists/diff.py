"""What changed between two releases of a list: entries added, removed and changed.

Entries are matched by source list and the list's most stable key (`ListEntry.release_key`):
the CSL ``_id``, OFAC ``ent_num``, UN reference number, EU logical id, UK unique id, OFSI group
id, FtM id. An entry whose key changed but whose name did not (a release in another layout, or
a derived id whose fields changed) is matched by name when exactly one removed and one added
entry of the same list share it, and reported as changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import ListEntry, ListFile

__all__ = ["EntryChange", "ListDiff", "diff_lists"]


@dataclass(frozen=True, slots=True)
class EntryChange:
    """One entry in both releases, with the names of the fields that differ."""

    old: ListEntry
    new: ListEntry
    fields: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the entry's list and id, and each changed field's old and new value."""
        old, new = self.old.to_dict(every_field=True), self.new.to_dict(every_field=True)
        return {
            "list": self.new.list,
            "id": self.new.id,
            "name": self.new.name,
            "row": self.new.row,
            "changes": {f: {"old": old[f], "new": new[f]} for f in self.fields},
        }


@dataclass(frozen=True, slots=True)
class ListDiff:
    """The difference between an old and a new release of a list."""

    old: ListFile
    new: ListFile
    added: tuple[ListEntry, ...]
    removed: tuple[ListEntry, ...]
    changed: tuple[EntryChange, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def entries(self) -> tuple[ListEntry, ...]:
        """Every entry involved: added, removed, and both sides of each change."""
        both = tuple(e for c in self.changed for e in (c.old, c.new))
        return self.added + self.removed + both

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready and deterministic (entries sorted by list and id)."""

        def side(f: ListFile) -> dict[str, Any]:
            return {
                "file": f.path,
                "format": f.format,
                "sha256": f.sha256,
                "entries": len(f.entries),
            }

        return {
            "old": side(self.old),
            "new": side(self.new),
            "added": [e.to_dict() for e in self.added],
            "removed": [e.to_dict() for e in self.removed],
            "changed": [c.to_dict() for c in self.changed],
        }


def _name_key(entry: ListEntry) -> tuple[str, str]:
    return (entry.list, " ".join(entry.name.casefold().split()))


def _differing(old: ListEntry, new: ListEntry) -> tuple[str, ...]:
    a, b = old.content(), new.content()
    return tuple(k for k in a if k != "derived" and a[k] != b[k])


def diff_lists(old: ListFile, new: ListFile) -> ListDiff:
    """Entries added, removed and changed from ``old`` to ``new`` (any two supported lists)."""
    old_by = {e.release_key: e for e in old.entries}
    new_by = {e.release_key: e for e in new.entries}
    changed = []
    for key in sorted(old_by.keys() & new_by.keys()):
        fields = _differing(old_by[key], new_by[key])
        if fields:
            changed.append(EntryChange(old_by[key], new_by[key], fields))
    gone = [old_by[k] for k in sorted(old_by.keys() - new_by.keys())]
    came = [new_by[k] for k in sorted(new_by.keys() - old_by.keys())]
    # Pair a removed and an added entry of one list with one name: the id changed.
    gone_names: dict[tuple[str, str], list[ListEntry]] = {}
    came_names: dict[tuple[str, str], list[ListEntry]] = {}
    for e in gone:
        gone_names.setdefault(_name_key(e), []).append(e)
    for e in came:
        came_names.setdefault(_name_key(e), []).append(e)
    paired: set[int] = set()
    for key, olds in gone_names.items():
        news = came_names.get(key, [])
        if len(olds) == 1 and len(news) == 1:
            a, b = olds[0], news[0]
            changed.append(EntryChange(a, b, _differing(a, b)))
            paired.update((id(a), id(b)))
    changed.sort(key=lambda c: c.new.release_key)
    return ListDiff(
        old=old,
        new=new,
        added=tuple(e for e in came if id(e) not in paired),
        removed=tuple(e for e in gone if id(e) not in paired),
        changed=tuple(changed),
    )
