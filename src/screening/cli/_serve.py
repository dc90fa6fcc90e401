"""``screening serve``: the HTTP service (`screening.service`) on uvicorn."""

from __future__ import annotations

import dataclasses
import os
import secrets
from pathlib import Path

import click

from ..batch import usable_cpus
from ..engine import DEFAULT_PARTY_CACHE
from ..rules import load_rules
from ._options import COUNT, PATH, lists_option, rules_option, store_option
from ._output import EXIT_USAGE, error, stdout

__all__ = ["serve"]


@click.command(short_help="run the HTTP service (needs the 'serve' extra)")
@rules_option
@lists_option("also screen against an official list file or directory (repeatable)")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", type=COUNT, default=8000, show_default=True, help="port to listen on")
@click.option(
    "--workers",
    type=COUNT,
    default=1,
    metavar="N",
    help="worker processes (default 1; 0: one per CPU); each loads the rules itself",
)
@click.option(
    "--keys",
    type=PATH,
    metavar="FILE",
    help="API keys file, lines 'PRINCIPAL SCOPES sha256:HEX' (SCREENING_API_KEYS adds to it)",
)
@click.option(
    "--max-body",
    type=COUNT,
    default=1_000_000,
    metavar="BYTES",
    show_default=True,
    help="largest request body (413 above it)",
)
@click.option(
    "--max-batch-body",
    type=COUNT,
    default=100_000_000,
    metavar="BYTES",
    show_default=True,
    help="largest body of POST /v1/screen/batch",
)
@click.option(
    "--party-cache",
    type=COUNT,
    default=DEFAULT_PARTY_CACHE,
    metavar="N",
    show_default=True,
    help="parties whose name search each worker remembers (0: none)",
)
@store_option()
@click.option("--access-log", is_flag=True, help="log every request (uvicorn's access log)")
@click.option(
    "--new-key",
    metavar="PRINCIPAL:SCOPES",
    help="print a new API key and its keys-file line (scopes: screen, review, admin), and exit",
)
def serve(
    rules: Path | None,
    lists: tuple[Path, ...],
    host: str,
    port: int,
    workers: int,
    keys: Path | None,
    max_body: int,
    max_batch_body: int,
    party_cache: int,
    store: str | None,
    access_log: bool,
    new_key: str | None,
) -> int:
    """Serve screening over HTTP: POST /v1/screen, POST /v1/screen/batch, GET /v1/search,
    GET /v1/rules, POST /v1/admin/reload (or SIGHUP), /healthz, /readyz, /metrics and
    /openapi.json. Every request but health and readiness needs an API key with its scope.
    With --store, screening applies the reviewers' dispositions and opens cases there, and
    the review desk is served: GET /v1/cases, GET /v1/cases/ID, POST /v1/cases/ID/decision
    (scope review) and the reviewer's page at /review (login with a review key).
    Without --keys or SCREENING_API_KEYS a key for this run is made and printed on stderr.

    Stops gracefully on Ctrl-C or SIGTERM (uvicorn then ends the process by that signal);
    exits 3 on unreadable keys or an unusable store, 4 on bad rules or lists, before
    listening.

    \b
    Examples:
      screening serve --new-key orders:screen >> keys.txt
      screening serve --keys keys.txt --host 0.0.0.0 --port 8000 --workers 2
      screening serve --keys keys.txt --store sqlite:///screening.db
    """
    try:
        import uvicorn

        from ..service import CONFIG_ENV, SCOPES, FairLoop, ServiceConfig, create_app
        from ..service import new_key as make_key
    except ImportError as exc:
        error(f"screening serve: error: {exc.name} is missing: pip install 'screening[serve]'")
        return EXIT_USAGE

    if new_key is not None:
        principal, _, scopes = new_key.partition(":")
        key, line = make_key(principal, scopes.split(",") if scopes else [])
        stdout().write(f"# key for '{principal}' (give it to them; it is not kept): {key}\n")
        stdout().write(line + "\n")
        return 0

    rule_set = load_rules(rules, lists=lists)  # fail here, with exit 4, not in each worker
    if store is not None:  # and here, with exit 3, for a store that cannot be used
        from ..store import open_store

        open_store(store).close()
    config = ServiceConfig(
        rules=str(rules) if rules is not None else None,
        lists=tuple(str(p) for p in lists),
        keys_file=str(keys) if keys is not None else None,
        max_body=max_body,
        max_batch_body=max_batch_body,
        party_cache=party_cache,
        store=store,
        # One secret per run, shared by the workers: a reviewer's session cookie holds in any.
        session_secret=os.environ.get("SCREENING_SESSION_SECRET") or secrets.token_hex(32),
        freeze_heap=True,
    )
    if not len(config.keys()):
        key, line = make_key("local", SCOPES)
        config = dataclasses.replace(config, extra_keys=line)
        error(
            "screening serve: no API keys given (--keys FILE or SCREENING_API_KEYS); "
            f"this run accepts one made now, with every scope: {key}"
        )
    count = workers or usable_cpus()
    common = {
        "host": host,
        "port": port,
        "lifespan": "on",
        "server_header": False,
        "access_log": access_log,
        "log_level": "info",
    }
    if count == 1:
        app = create_app(config, rules=rule_set)
        uvicorn.Server(uvicorn.Config(app, **common)).run()  # type: ignore[arg-type]
        return 0
    del rule_set  # each worker loads its own
    # Workers share the connections out (see FairLoop), rather than the first awake taking all.
    common["loop"] = f"{FairLoop.__module__}:{FairLoop.__qualname__}"
    os.environ[CONFIG_ENV] = dataclasses.replace(config, supervisor_pid=os.getpid()).to_json()
    uvicorn.run("screening.service:app_from_env", factory=True, workers=count, **common)  # type: ignore[arg-type]
    return 0
