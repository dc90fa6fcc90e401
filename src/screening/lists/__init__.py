"""Official screening lists: reading them, keeping them fresh, comparing releases.

- `read_list(path)`: a CSL CSV (2019, 2022, 2025 layouts) or JSON, an OFAC legacy set, the
  BIS Denied Persons List, the UN Security Council Consolidated List (XML), the EU Financial
  Sanctions Files (XML or CSV), the UK Sanctions List (XML or CSV), the OFSI consolidated list
  (CSV) or OpenSanctions FtM JSON Lines, recognised by content, into a `ListFile` of frozen
  `ListEntry`.
- `update_list(source, dest, now=...)`: download, validate and atomically install a list with
  a manifest (`SOURCES` names the official addresses).
- `diff_lists(old, new)`: entries added, removed and changed, matched on each list's own key.
- `screening.lists.rescreen`: which recorded decisions a new list would change.

`load_rules(lists=[...])` turns the entries into rules under the ``list_policy`` rules.
"""

from .diff import EntryChange, ListDiff, diff_lists
from .formats import FORMATS, read_list
from .model import ListEntry, ListFile, ListPart
from .update import DEFAULT_MAX_DROP, SOURCES, ListSource, UpdateResult, update_list

__all__ = [
    "DEFAULT_MAX_DROP",
    "FORMATS",
    "SOURCES",
    "EntryChange",
    "ListDiff",
    "ListEntry",
    "ListFile",
    "ListPart",
    "ListSource",
    "UpdateResult",
    "diff_lists",
    "read_list",
    "update_list",
]
