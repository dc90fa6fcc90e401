"""`screening serve`: the library as an HTTP service (FastAPI on uvicorn), with API keys, limits,
metrics and atomic rule reloads. Needs the ``serve`` extra (``pip install 'screening[serve]'``).

The layer above batch, reports and changes, below the command line. With a review store
(``ServiceConfig.store``) the review desk joins: ``/v1/cases`` (scope ``review``) and the
reviewer's page at ``/review``; other routes join through ``create_app(routers=...)``.
"""

from __future__ import annotations

from ._app import CONFIG_ENV, KEYS_ENV, Refusal, Service, ServiceConfig, app_from_env, create_app
from ._keys import SCOPES, ApiKeys, Principal, hash_key, new_key, parse_keys
from ._loop import FairLoop
from ._state import Loaded, RulesHolder

__all__ = [
    "CONFIG_ENV",
    "KEYS_ENV",
    "SCOPES",
    "ApiKeys",
    "FairLoop",
    "Loaded",
    "Principal",
    "Refusal",
    "RulesHolder",
    "Service",
    "ServiceConfig",
    "app_from_env",
    "create_app",
    "hash_key",
    "new_key",
    "parse_keys",
]
