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


def kangxun_order(tx_id: str = "po-1") -> dict[str, Any]:
    """A US router order (5A991) to ZTE Kangxun in March 2017, while it was on the Entity List:
    a review with a name-match hit (``el-zte-kangxun``) that a reviewer can decide."""
    return {
        "id": tx_id,
        "date": "2017-03-01",
        "destination": "CN",
        "parties": [
            {"role": "buyer", "name": "ZTE Kangxun Telecom", "country": "CN"},
            {"role": "end_user", "name": "Acme Trading", "country": "CN"},
        ],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": 100}],
    }
