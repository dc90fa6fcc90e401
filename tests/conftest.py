"""Test-suite settings: Hypothesis explores new examples on every local run, and the same ones
in CI (``HYPOTHESIS_PROFILE=ci``, set by .ci/run), so that a CI run is repeatable: the same
commit passes or fails alike, and a new counterexample is found at a desk, not at a merge."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
