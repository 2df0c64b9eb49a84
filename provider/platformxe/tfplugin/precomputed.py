"""Precomputed answers: the serialized responses that depend only on the provider's code.

``GetMetadata``, ``GetProviderSchema`` and ``GetResourceIdentitySchemas`` say the same thing in
every process of one provider build. Terraform asks for them first, in each of the processes it
starts per run, so a provider can ship them as bytes and have the server answer them before it
has imported protobuf, the framework or its own modules (``serve(..., answers=load(path))``).

The file is JSON, ``{"<method>": "<base64 of the serialized response>"}``, written by
:func:`dump` from :func:`compute` (``make generate``). A test compares it with the live provider;
at run time the server compares them too, once the provider has loaded, and drops (and logs) an
answer that went stale, so a schema edited without regenerating is served live from then on.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["METHODS", "compute", "dump", "load", "stale_answers"]

#: The RPCs whose answer depends only on the provider's code (their requests carry nothing).
METHODS = ("GetMetadata", "GetProviderSchema", "GetResourceIdentitySchemas")


def load(path: str | Path) -> dict[str, bytes]:
    """The answers stored at ``path``; {} when the file is missing or unreadable (served live)."""
    try:
        stored = json.loads(Path(path).read_text(encoding="utf-8"))
        return {m: base64.b64decode(stored[m]) for m in METHODS if isinstance(stored.get(m), str)}
    except (OSError, ValueError, AttributeError):
        return {}


def _live(servicer: Any, method: str) -> Any:
    # deferred: protobuf and the stubs (~80 ms, bench/deferred_imports.py); serving the stored
    # bytes (load) is what the provider does before its handshake, without them
    from platformxe.tfplugin._generated import tfplugin6_pb2 as pb

    # the undecorated method: this is no RPC, so it must not log like one
    return getattr(type(servicer), method).__wrapped__(servicer, getattr(pb, method).Request())


def compute(provider: Any) -> dict[str, bytes]:
    """The serialized answers of ``provider`` (a Provider, its class or a factory), deterministic."""
    from platformxe.tfplugin.servicer import ProviderServicer  # deferred: see _live

    servicer = ProviderServicer(provider)
    return {m: _live(servicer, m).SerializeToString(deterministic=True) for m in METHODS}


def dump(answers: Mapping[str, bytes]) -> str:
    """The file's text for ``answers``."""
    body = {m: base64.b64encode(answers[m]).decode("ascii") for m in METHODS if m in answers}
    return json.dumps(body, indent=1, sort_keys=True) + "\n"


def stale_answers(servicer: Any, answers: Mapping[str, bytes]) -> list[str]:
    """The methods whose stored answer differs from what ``servicer``'s provider says now."""
    from platformxe.tfplugin._generated import tfplugin6_pb2 as pb  # deferred: see _live

    stale = []
    for method, answer in answers.items():
        stored = getattr(pb, method).Response.FromString(answer)
        if stored != _live(servicer, method):
            stale.append(method)
    return stale
