"""The HTTP layer: one httpx.Client created on first use, JSON in and out, retries, error mapping.

httpx is imported only when the first request is sent, so ``import platformxe.client`` and building a
``Client`` stay cheap for the Terraform provider, which starts several times per plan.

TLS settings are built once per process (:func:`tls_context`): loading the CA bundle costs ≈ 20 ms,
and the Terraform provider builds a new client on every ``ConfigureProvider`` (each walk, and in
reattach mode several walks per process). An ``http://`` endpoint never speaks TLS (every request
goes to a path under the endpoint, redirects are not followed), so its client loads no CA bundle:
its transport gets a context that trusts nothing, which would fail rather than go unverified.
"""

from __future__ import annotations

import functools
import json as jsonlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from platformxe.client._retry import RetryPolicy, parse_retry_after
from platformxe.client.errors import (
    ConfigurationError,
    ConnectError,
    RequestTimeout,
    TransportError,
    UnexpectedResponse,
    error_from_response,
)

if TYPE_CHECKING:
    import ssl

    import httpx

__all__ = ["HttpCore", "Secret"]

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})


@functools.cache
def tls_context() -> ssl.SSLContext:
    """httpx's default verification context (CA bundle, ``SSL_CERT_FILE``/``SSL_CERT_DIR``), built once
    per process and shared by every client of it."""
    import httpx  # deferred with the client: only a process sending requests loads it

    return httpx.create_ssl_context(trust_env=True)


def _trusting_nothing() -> ssl.SSLContext:
    """A verifying client context without any CA: for plaintext endpoints, which never use it."""
    import ssl  # deferred: loaded by httpx anyway, and only once a request is sent

    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def warm_up() -> None:
    """Import httpx and build :func:`tls_context` now (a long-lived process about to send requests
    calls this in a background thread, so its first request does not pay for them)."""
    tls_context()


class Secret:
    """Holds the API key so that ``repr``, ``vars`` and tracebacks show ``'***'``, never the key."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The key itself (only for the Authorization header)."""
        return self._value

    def __repr__(self) -> str:
        return "'***'"

    __str__ = __repr__


class Answer:
    """A decoded successful answer and how it was obtained."""

    __slots__ = ("attempts", "body", "status", "uncertain_retry")

    def __init__(self, status: int, body: Any, attempts: int, uncertain_retry: bool) -> None:
        self.status = status
        self.body = body
        self.attempts = attempts
        self.uncertain_retry = uncertain_retry


class HttpCore:
    """Sends JSON requests to the registry with auth, retries and error mapping."""

    def __init__(
        self,
        endpoint: str,
        api_key: Secret,
        *,
        timeout: float,
        retry: RetryPolicy,
        transport: Any,
        user_agent: str,
        sleep: Callable[[float], None],
    ) -> None:
        self.endpoint = endpoint
        self._api_key = api_key
        self.timeout = timeout
        self.retry = retry
        self._transport = transport
        self.user_agent = user_agent
        self._sleep = sleep
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._closed:
                raise ConfigurationError("this platformxe.Client is closed; create a new one")
            if self._client is None:
                import httpx  # deferred: ~90 ms (bench/deferred_imports.py) importers of the SDK do not pay

                transport = self._transport
                if transport is None:
                    plaintext = self.endpoint.lower().startswith("http://")
                    transport = httpx.HTTPTransport(
                        verify=_trusting_nothing() if plaintext else tls_context()
                    )
                self._client = httpx.Client(
                    base_url=self.endpoint,
                    timeout=httpx.Timeout(self.timeout),
                    transport=transport,
                    headers={"User-Agent": self.user_agent, "Accept": "application/json"},
                    follow_redirects=False,
                )
            return self._client

    def close(self) -> None:
        """Close the connection pool (idempotent)."""
        with self._lock:
            self._closed = True
            if self._client is not None:
                self._client.close()
                self._client = None

    def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        authenticated: bool = True,
    ) -> Answer:
        """Send one API request, retrying what is safe to retry; raise the SDK's exceptions.

        ``idempotent`` says whether repeating the request after an uncertain failure (5xx, connection
        lost after sending) is harmless; by default only GET/HEAD/OPTIONS/PUT/PATCH/DELETE are.
        """
        import httpx  # deferred with the client above: the first request pays for it, not the import

        method = method.upper()
        if not path.startswith("/"):
            path = "/" + path
        retry_safe = method in _IDEMPOTENT_METHODS if idempotent is None else idempotent
        headers = {"Authorization": f"Bearer {self._api_key.reveal()}"} if authenticated else {}
        content: bytes | None = None
        if json is not None:
            headers["Content-Type"] = "application/json"
            try:
                content = jsonlib.dumps(
                    json, ensure_ascii=False, allow_nan=False, separators=(",", ":")
                ).encode()
            except (TypeError, ValueError) as exc:
                raise TypeError(f"the request body of {method} {path} is not valid JSON: {exc}") from exc
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        http = self._http()
        url = self.endpoint + path
        attempt = 0
        uncertain = False
        while True:
            attempt += 1
            try:
                response = http.request(method, path, content=content, params=query, headers=headers)
            except httpx.RequestError as exc:  # transport failures, undecodable bodies, redirect loops
                # Connect-phase failures mean nothing reached the server, so any request may be resent.
                sent = not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
                if attempt <= self.retry.max_retries and (retry_safe or not sent):
                    uncertain = uncertain or sent
                    self._wait(method, path, attempt, type(exc).__name__, None)
                    continue
                raise _transport_error(exc, method, url, attempt) from exc
            status = response.status_code
            if status < 400:
                return Answer(status, _decode_success(response, method, path, attempt), attempt, uncertain)
            retryable = status == 429 or (status >= 500 and retry_safe)
            if retryable and attempt <= self.retry.max_retries:
                uncertain = uncertain or status >= 500
                self._wait(method, path, attempt, f"HTTP {status}", response.headers.get("Retry-After"))
                continue
            raise _error_from(response, method, path, attempt, uncertain)

    def _wait(self, method: str, path: str, attempt: int, why: str, retry_after: str | None) -> None:
        delay = self.retry.delay(attempt, parse_retry_after(retry_after, now=time.time))
        logging.getLogger("platformxe.client").info(
            "platformxe: %s %s failed (%s); retry %d/%d in %.2f s",
            method,
            path,
            why,
            attempt,
            self.retry.max_retries,
            delay,
        )
        self._sleep(delay)


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _decode_success(response: httpx.Response, method: str, path: str, attempt: int) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise UnexpectedResponse(
            f"{method} {path} answered HTTP {response.status_code} with a body that is not JSON",
            status=response.status_code,
            method=method,
            path=path,
            attempts=attempt,
            request_id=response.headers.get("X-Request-Id"),
        ) from exc


def _error_from(response: httpx.Response, method: str, path: str, attempt: int, uncertain: bool) -> Exception:
    try:
        body = response.json()
    except ValueError:
        body = None
    return error_from_response(
        response.status_code,
        body,
        text=response.text if body is None else "",
        request_id=response.headers.get("X-Request-Id"),
        method=method,
        path=path,
        attempts=attempt,
        uncertain_retry=uncertain,
    )


def _transport_error(exc: Exception, method: str, url: str, attempts: int) -> TransportError:
    import httpx  # loaded already: a transport error comes from a request httpx sent

    tries = f" after {attempts} attempts" if attempts > 1 else ""
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeout(
            f"{method} {url} timed out{tries} ({type(exc).__name__})",
            method=method,
            url=url,
            advice="raise timeout= if the server is slow",
        )
    if isinstance(exc, httpx.ConnectError):
        return ConnectError(
            f"cannot connect to {url}{tries}: {exc}",
            method=method,
            url=url,
            advice="check that the registry is running and that the endpoint is right",
        )
    return TransportError(
        f"{method} {url} failed{tries}: {type(exc).__name__}: {exc}", method=method, url=url
    )
