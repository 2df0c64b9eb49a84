"""``platformxe.Client``: configuration, the low-level ``request`` and the ``events`` namespace."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from platformxe._version import __version__
from platformxe.client._custom_events import BASE, Events
from platformxe.client._http import HttpCore, Secret
from platformxe.client._objects import ApiObject
from platformxe.client._retry import RetryPolicy
from platformxe.client.errors import ConfigurationError, UnexpectedResponse

__all__ = ["DEFAULT_USER_AGENT", "ENDPOINT_ENV", "KEY_ENV", "Client"]

ENDPOINT_ENV = "PLATFORMXE_ENDPOINT"
KEY_ENV = "PLATFORMXE_API_KEY"


DEFAULT_USER_AGENT = f"platformxe-python/{__version__} (Python {sys.version_info[0]}.{sys.version_info[1]})"


def normalise_endpoint(raw: str) -> str:
    """The base URL without a trailing slash and without a trailing ``/v1`` (or ``/v1/events/custom``).

    Raises ConfigurationError for anything that is not an absolute http(s) URL.
    """
    text = raw.strip().rstrip("/")
    for suffix in (BASE, "/v1"):
        if text.endswith(suffix):
            # The SDK adds /v1/... itself; a user copying the API's base path should still work.
            text = text[: -len(suffix)].rstrip("/")
            break
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"endpoint {raw!r} is not an http(s) base URL; expected something like "
            f"'http://127.0.0.1:8780' (set it with endpoint= or {ENDPOINT_ENV})"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"endpoint {raw!r} must not carry a query or fragment")
    return text


class Client:
    """A PlatformXe API client.

    ``endpoint`` is the service's base URL without ``/v1`` (default: env ``PLATFORMXE_ENDPOINT``),
    ``api_key`` the organisation's key (default: env ``PLATFORMXE_API_KEY``). ``timeout`` applies to
    each phase of a request (connect, read, write), ``max_retries`` to 429/5xx answers and connection
    failures (see the retry rules in ``docs/sdk.md``). ``organization_id``, when given, is checked
    against the key's organisation before the first call. ``transport`` is an httpx transport (e.g.
    ``httpx.MockTransport`` in tests); ``sleep`` replaces ``time.sleep`` between retries.

    Use as a context manager, or call ``close()``, to release connections.
    """

    def __init__(
        self,
        endpoint: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 3,
        organization_id: str | None = None,
        transport: Any = None,
        user_agent: str = DEFAULT_USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        endpoint = endpoint if endpoint is not None else os.environ.get(ENDPOINT_ENV)
        if not endpoint or not endpoint.strip():
            raise ConfigurationError(
                f"no PlatformXe endpoint: pass endpoint='http://host:8780' or set {ENDPOINT_ENV}"
            )
        key = api_key if api_key is not None else os.environ.get(KEY_ENV)
        if not key or not key.strip():
            raise ConfigurationError(f"no PlatformXe API key: pass api_key=... or set {KEY_ENV}")
        if any(c.isspace() for c in key.strip()) or not key.strip().isprintable():
            raise ConfigurationError(
                f"the API key (api_key= or {KEY_ENV}) contains whitespace or control characters"
            )
        if not isinstance(timeout, int | float) or timeout <= 0:
            raise ConfigurationError(f"timeout must be a positive number of seconds, not {timeout!r}")
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise ConfigurationError(f"max_retries must be an integer ≥ 0, not {max_retries!r}")
        self.endpoint = normalise_endpoint(endpoint)
        self.organization_id = organization_id
        self.timeout = float(timeout)
        self.max_retries = max_retries
        policy = retry_policy if retry_policy is not None else RetryPolicy(max_retries=max_retries)
        if retry_policy is not None:
            self.max_retries = retry_policy.max_retries
        self._core = HttpCore(
            self.endpoint,
            Secret(key.strip()),
            timeout=self.timeout,
            retry=policy,
            transport=transport,
            user_agent=user_agent,
            sleep=sleep,
        )
        self._org_checked = organization_id is None
        self._org_lock = threading.Lock()
        #: ``client.events.custom.*``: the SDK surface of docs/sdk.md.
        self.events = Events(self)

    def __repr__(self) -> str:
        org = f", organization_id={self.organization_id!r}" if self.organization_id else ""
        return f"platformxe.Client(endpoint={self.endpoint!r}{org})"

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection pool; the client cannot be used afterwards."""
        self._core.close()

    def request(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        *,
        idempotent: bool | None = None,
    ) -> Any:
        """Send one authenticated request and return the decoded JSON answer (plain dicts and lists).

        ``path`` is relative to the endpoint (``/v1/events/custom/health``); ``params`` with None values
        are dropped. Raises the exceptions of :mod:`platformxe.client.errors`. ``idempotent`` says
        whether the request may be repeated after an uncertain failure (default: by HTTP method).
        """
        if not self._org_checked:
            self.verify_organization()
        return self._core.send(method, path, json=json, params=params, idempotent=idempotent).body

    def verify_organization(self) -> str:
        """The organisation id of the API key; raises ConfigurationError when ``organization_id`` was
        given and differs. Every organisation has ``platformxe.generic``, whose registration names it."""
        with self._org_lock:
            answer = self._core.send("GET", f"{BASE}/registrations/platformxe/generic/versions/latest")
            actual = answer.body.get("organizationId") if isinstance(answer.body, dict) else None
            if not isinstance(actual, str):
                raise UnexpectedResponse(
                    "the registry did not name the key's organisation (platformxe.generic has no organizationId)",
                    status=answer.status,
                )
            if self.organization_id is not None and actual != self.organization_id:
                raise ConfigurationError(
                    f"organization_id {self.organization_id!r} does not match the API key's organisation "
                    f"{actual!r}; fix organization_id or use that organisation's key"
                )
            self._org_checked = True
            return actual

    def healthz(self) -> ApiObject:
        """The unauthenticated liveness probe ``GET /healthz`` (``{"status": "ok"}``)."""
        return ApiObject(self._core.send("GET", "/healthz", authenticated=False).body)

    def openapi(self) -> dict[str, Any]:
        """The registry's OpenAPI 3.1 document ``GET /v1/openapi.json`` (unauthenticated), as a dict."""
        body = self._core.send("GET", "/v1/openapi.json", authenticated=False).body
        if not isinstance(body, dict):
            raise UnexpectedResponse("the registry's /v1/openapi.json is not a JSON object", status=200)
        return body
