"""Where the real list snapshots are (``../shared/data``), and helpers to write list files.

Tests that need the snapshots use `needs_data` and are skipped, with the reason, only when the
shared folder is absent. Nothing here copies the snapshots into the project: tests write their
modified copies (truncated, corrupt, edited) into pytest's ``tmp_path``.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DATA = SHARED / "data"
CSL_2022 = DATA / "csl" / "consolidated_csl_2022-05.csv.gz"
CSL_2025 = DATA / "csl" / "consolidated_csl_sample_2025.csv"
CSL_2019 = DATA / "csl" / "csl_sample_2019-12.csv"
ENTITY_LIST = DATA / "entity_list" / "entity_list_from_csl_2022-05.csv"
OFAC_SET = DATA / "ofac" / "consistent_set_2022-01"
OFAC_2024_SDN = DATA / "ofac" / "sdn_2024-05-03" / "sdn.csv"
OFAC_2025_ALT_ADD = DATA / "ofac" / "alt_add_2025-01-06"
NON_SDN = DATA / "ofac" / "non_sdn_consolidated_2025-12"
DPL = DATA / "bis_dpl" / "dpl_2022-09.txt"
UN = DATA / "un" / "un_sc_consolidated_2026-02-27.xml.gz"
TEST_DATA = Path(__file__).resolve().parents[1] / "data"
API_JSON = TEST_DATA / "csl_api_sample.json"
EU_XML = TEST_DATA / "eu_fsf_sample.xml"
"""Built from the FSF XML 1.1 layout, not a real release (no snapshot could be found)."""
EU_CSV = TEST_DATA / "eu_fsf_sample.csv"
"""Built from the FSF CSV 1.1 layout (one row per fact, ``;``), not a real release."""
UK_XML = TEST_DATA / "uk_sanctions_list_sample.xml"
UK_CSV = TEST_DATA / "uk_sanctions_list_sample.csv"
OFSI_CSV = TEST_DATA / "ofsi_conlist_sample.csv"
"""Built from the FCDO UK Sanctions List XML layout, not a real release."""
FTM = TEST_DATA / "opensanctions_sample.ftm.json"
"""Built from the FollowTheMoney entity layout, not a real OpenSanctions export."""

needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"shared list snapshots not found at {DATA} (clone shared/ beside)"
)

CSL_HEADER = [
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
    "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
    "vessel_flag", "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
    "dates_of_birth", "nationalities", "places_of_birth", "source_information_url", "ids",
]  # fmt: skip

EL = "Entity List (EL) - Bureau of Industry and Security"
SDN = "Specially Designated Nationals (SDN) - Treasury Department"
UVL = "Unverified List (UVL) - Bureau of Industry and Security"
MEU = "Military End User (MEU) List - Bureau of Industry and Security"
DPL_SOURCE = "Denied Persons List (DPL) - Bureau of Industry and Security"


def csl_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSL CSV (plain or gzip) as dicts."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


def write_csl(path: Path, rows: list[dict[str, str]], *, header: list[str] | None = None) -> Path:
    """Write CSL rows (missing columns empty) as a CSV in the 2022 layout (or ``header``)."""
    columns = header or CSL_HEADER
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    data = out.getvalue().encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
    return path


def row(source: str, name: str, **fields: str) -> dict[str, str]:
    """One CSL row."""
    return {"source": source, "name": name, **fields}
