"""Names: normalisation, scoring and search, kept behind one small interface.

- `normalize` / `tokens` / `compact` / `fold_text`: canonical forms of a name (pure, cached):
  Unicode, invisible characters, look-alike letters, transliteration, legal forms, numbers.
- `similarity(a, b)`: a symmetric score in [0, 1]; `explain(a, b)` says why.
- `compare_dob` / `compare_identifiers`: evidence beyond the name, against a list entry's.
- `NameIndex`: the listed names of a rule set, searchable by a query name without a full scan.
"""

from .identity import IdentityEvidence, compare_dob, compare_identifiers
from .index import NameCandidate, NameIndex, NameMatch, SearchWork
from .match import MAX_WORDS, Aligned, Explanation, Weights, address_similarity, explain, similarity
from .normalize import compact, fold_text, normalize, tokens
from .transliterate import transliterate

__all__ = [
    "MAX_WORDS",
    "Aligned",
    "Explanation",
    "IdentityEvidence",
    "NameCandidate",
    "NameIndex",
    "NameMatch",
    "SearchWork",
    "Weights",
    "address_similarity",
    "compact",
    "compare_dob",
    "compare_identifiers",
    "explain",
    "fold_text",
    "normalize",
    "similarity",
    "tokens",
    "transliterate",
]
