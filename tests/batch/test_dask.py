"""`screening.batch.dask` on a real `distributed.LocalCluster` (two worker processes): the same
decisions as `screen`, in order, with the rule set shipped to each worker once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import dask.bag as db
import dask.dataframe as dd
import distributed
import pandas as pd
import pytest

from helpers.zte import zte_transactions
from screening import BatchError, RuleSet, load_rules, parse_transaction, screen_many
from screening.batch import flat_columns, result_from_row, transaction_to_row
from screening.batch.dask import screen_bag, screen_dataframe

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=":0",  # a free port: never clash with another run
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="module")
def txs() -> list[dict[str, Any]]:
    scenarios = zte_transactions()
    out: list[dict[str, Any]] = [
        {**scenarios[i % len(scenarios)], "id": f"tx-{i:03d}"} for i in range(50)
    ]
    out[7] = {"id": "bad", "date": "2020-02-30", "destination": "DE", "items": [{}]}
    return out


def test_a_bag_gives_the_decisions_of_screen_in_order(
    client: Any, rules: RuleSet, txs: list[dict[str, Any]]
) -> None:
    bag = db.from_sequence(txs, npartitions=4)
    results = screen_bag(bag, rules).compute()
    assert results == list(screen_many(txs, rules=rules))
    assert results[7].error is not None
    assert "date:" in results[7].error


def test_without_a_cluster_the_rule_set_is_one_node_of_the_graph(
    rules: RuleSet, txs: list[dict[str, Any]]
) -> None:
    with dask.config.set(scheduler="sync"):  # a local scheduler, even with a client around
        bag = screen_bag(db.from_sequence(txs, npartitions=5), rules)
        keys = [str(k) for k in dict(bag.__dask_graph__())]
        assert [k for k in keys if "screening-rules" in k] == [
            f"screening-rules-{rules.fingerprint}"
        ]
        assert bag.compute() == list(screen_many(txs, rules=rules))


def test_on_a_cluster_the_rule_set_is_sent_to_every_worker_once_not_in_the_graph(
    client: Any, rules: RuleSet, txs: list[dict[str, Any]]
) -> None:
    bag = screen_bag(db.from_sequence(txs, npartitions=5), rules)
    graph = dict(bag.__dask_graph__())
    assert all(not isinstance(task, RuleSet) for task in graph.values())
    assert bag.compute() == list(screen_many(txs, rules=rules))
    [key] = _rule_keys(client, rules)  # kept while the bag is alive
    holders = client.who_has()[key]
    assert sorted(holders) == sorted(client.scheduler_info()["workers"])  # both workers


def test_the_same_rule_set_is_scattered_once_however_many_bags_are_screened(
    client: Any, rules: RuleSet, txs: list[dict[str, Any]]
) -> None:
    # Each bag dropped at once: scattering its key again would race with its release on the
    # scheduler (dask/distributed#8576), which once cancelled a computation here.
    for _ in range(6):
        bag = screen_bag(db.from_sequence(txs, npartitions=3), rules)
        assert bag.compute() == list(screen_many(txs, rules=rules))
        del bag
    assert len(_rule_keys(client, rules)) == 1


def _rule_keys(client: Any, rules: RuleSet) -> list[str]:
    prefix = f"screening-rules-{rules.fingerprint}"
    return [str(k) for k in client.who_has() if str(k).startswith(prefix)]


def test_a_rules_directory_is_loaded_once_per_worker(
    client: Any, txs: list[dict[str, Any]]
) -> None:
    directory = ROOT / "rules"
    bag = db.from_sequence(txs, npartitions=6)
    results = screen_bag(bag, directory, as_of=dt.date(2016, 3, 10)).compute()
    here = load_rules(directory)  # the same files, so the same sources (file:line) in hits
    assert results == list(screen_many(txs, rules=here, as_of=dt.date(2016, 3, 10)))

    def loads() -> int:
        from screening.batch.dask import _load

        return _load.cache_info().misses

    assert set(client.run(loads).values()) <= {0, 1}
    assert sum(client.run(loads).values()) >= 1


def test_a_dataframe_in_the_flat_layout_gives_the_same_results(
    client: Any, rules: RuleSet, txs: list[dict[str, Any]]
) -> None:
    good = [tx for tx in txs if tx["id"] != "bad"]
    rows = [transaction_to_row(parse_transaction(tx)) for tx in good]
    columns = flat_columns(5, 3)
    pdf = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], dtype="object")
    pdf.index = pd.RangeIndex(100, 100 + len(pdf))
    frame = dd.from_pandas(pdf, npartitions=3)
    out = screen_dataframe(frame, rules).compute()
    assert list(out.index) == list(pdf.index)  # rows line up with the input's
    got = [result_from_row(r) for r in out.to_dict("records")]
    assert got == list(screen_many(good, rules=rules))


def test_a_dataframe_with_an_unknown_column_is_refused_at_once(rules: RuleSet) -> None:
    frame = dd.from_pandas(pd.DataFrame({"id": ["a"], "destinaton": ["DE"]}), npartitions=1)
    with pytest.raises(BatchError, match="unknown column 'destinaton'"):
        screen_dataframe(frame, rules)
