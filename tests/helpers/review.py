"""Transactions for the review desk's service tests."""

from __future__ import annotations

from typing import Any


def near_miss(tx_id: str = "tx-near-miss", name: str = "ZTEC Corporation") -> dict[str, Any]:
    """A transaction whose one hit is a possible name match (a review a reviewer can settle):
    its end user's name is near 'ZTE Corporation', listed on the Entity List on its date."""
    return {
        "id": tx_id,
        "date": "2016-03-15",
        "destination": "CN",
        "parties": [
            {"role": "exporter", "name": "Example Router Inc.", "country": "US"},
            {"role": "consignee", "name": "Shenzhen Example Trading Co.", "country": "CN"},
            {"role": "end_user", "name": name, "country": "CN"},
        ],
        "items": [
            {
                "description": "core routers",
                "eccn": "5A991",
                "origin": "US",
                "quantity": 20,
                "unit_value": 25000,
            }
        ],
    }
