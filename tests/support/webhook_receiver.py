"""A real HTTP webhook receiver on loopback for bus tests: records every request it gets.

with WebhookReceiver() as rx:
    rx.url                      # http://127.0.0.1:PORT/hook
    rx.respond(500, times=2)    # the next two requests answer 500, then 200 again
    rx.wait_for(3)              # block until three requests arrived
    rx.requests[0].headers / .body / .json()
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.time)

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


@dataclass
class Reply:
    """A scripted answer: status, headers, and seconds to wait before answering."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class WebhookReceiver:
    """A threaded HTTP server on 127.0.0.1 answering 200 unless told otherwise."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._script: deque[Reply] = deque()
        self.default = Reply()
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                with receiver._cond:
                    reply = receiver._script.popleft() if receiver._script else receiver.default
                    receiver.requests.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    receiver._cond.notify_all()
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the sender gave up (timeout)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The URL to subscribe."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def start(self) -> WebhookReceiver:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut down."""
        self._server.shutdown()
        self._server.server_close()

    def respond(
        self, status: int, times: int = 1, headers: dict[str, str] | None = None, delay: float = 0.0
    ) -> None:
        """Answer the next ``times`` requests with ``status`` (and ``headers``, after ``delay`` s)."""
        with self._cond:
            self._script.extend(Reply(status, dict(headers or {}), delay) for _ in range(times))

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Block until at least ``count`` requests arrived; AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} webhook requests, got {len(self.requests)}")
                self._cond.wait(left)
            return list(self.requests)

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
