"""Names: normalisation and matching, kept behind one small interface.

- `normalize` / `tokens` / `compact`: canonical forms of a name (pure, cached).
- `similarity(a, b)`: a symmetric score in [0, 1].
- `NameIndex`: the listed names of a rule set, searchable by a query name.
"""

from .match import NameCandidate, NameIndex, NameMatch, address_similarity, similarity
from .normalize import compact, fold_text, normalize, tokens

__all__ = [
    "NameCandidate",
    "NameIndex",
    "NameMatch",
    "address_similarity",
    "compact",
    "fold_text",
    "normalize",
    "similarity",
    "tokens",
]
