"""``platformxe serve``: run the registry HTTP API.

Stdout carries exactly one line, ``platformxe registry listening on http://HOST:PORT``, once the
socket accepts connections (``--port 0`` picks a free port; scripts and tests parse the line).
Logs, including uvicorn's access log (method, path, status — never headers or bodies), go to
stderr. SIGINT and SIGTERM finish in-flight requests and exit 0.
"""

from __future__ import annotations

import argparse
import copy
import os
import signal
import socket
import sys
from typing import Any

from platformxe.cli.database import add_db_argument, exists, shown

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8780


def add_parser(subparsers: Any) -> None:
    """Register the ``serve`` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="run the registry HTTP API",
        description="Serve the custom-events registry API (/v1/events/custom) on HOST:PORT.",
    )
    add_db_argument(parser)
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"interface to bind (default: {DEFAULT_HOST})")
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"TCP port, 0 = any free port (default: {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="log level of the server's stderr log (default: info)",
    )
    parser.add_argument("--no-access-log", action="store_true", help="do not log one line per request")
    parser.add_argument(
        "--judge-workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes judging dry-runs, registrations and large payloads "
        "(default: one per core, at most 4; 0 = judge in the server process, no isolation)",
    )
    parser.add_argument(
        "--compare-budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="time the compatibility checker may take per dry-run or registration; past it the change "
        "is 'not proven: the schemas are too costly to compare' (default: 1.0)",
    )
    parser.add_argument(
        "--regex-budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="regular-expression time one request may spend on tenant patterns, all matches "
        "together (default: 0.1 per emit, 0.25 per dry-run or registration)",
    )
    parser.add_argument(
        "--judge-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="wall-clock backstop of one judgement in a worker; past it the worker is replaced "
        "(default: 3.0 for dry-runs and registrations, 2.0 for payloads)",
    )
    parser.add_argument(
        "--rate-limit",
        action="append",
        default=[],
        metavar="TIER.KIND=LIMITS",
        help="override a per-organisation rate limit, e.g. free.emit=10/second;600/minute or "
        "*.write=off (TIER: free, basic, pro, enterprise or *; KIND: emit or write; repeatable; "
        "defaults in docs/limits.md)",
    )
    parser.add_argument(
        "--no-rate-limits", action="store_true", help="serve without per-organisation rate limits"
    )
    parser.add_argument(
        "--max-in-flight",
        type=int,
        default=None,
        metavar="N",
        help="requests of one organisation served at once (default: 16; 0 = no cap)",
    )
    add_bus_arguments(parser)
    parser.set_defaults(func=run)


def add_bus_arguments(parser: Any, bus_required: bool = False) -> None:
    """The delivery flags ``serve`` and ``worker`` share (docs/bus.md)."""
    parser.add_argument(
        "--bus",
        default=None,
        required=bus_required,
        metavar="nats://HOST:PORT",
        help="NATS JetStream to relay to (scale-out: `platformxe worker` processes deliver); "
        "default for serve: the embedded bus (this process delivers)",
    )
    parser.add_argument(
        "--allow-private-webhooks",
        action="store_true",
        default=os.environ.get("PLATFORMXE_ALLOW_PRIVATE_WEBHOOKS", "") in ("1", "true", "yes"),
        help="accept http:// webhook URLs and ones resolving to private, loopback or link-local addresses "
        "(development and tests; also PLATFORMXE_ALLOW_PRIVATE_WEBHOOKS=1)",
    )
    parser.add_argument(
        "--retry-schedule",
        default=None,
        metavar="SECONDS,...",
        help="seconds to wait before each delivery attempt (default: 0,5,300,1800,7200,18000,36000,36000)",
    )
    parser.add_argument(
        "--delivery-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="seconds a receiver has to answer (default: 15)",
    )


def bus_settings(args: argparse.Namespace) -> Any:
    """The :class:`BusSettings` of the parsed flags; ValueError with a message for the user."""
    # deferred: the bus package (~30 ms, bench/deferred_imports.py); every CLI start loads this
    # module to build its parser (cli/main.py)
    from platformxe.registry.bus.settings import DEFAULT_DELIVERY_TIMEOUT, BusSettings, parse_retry_schedule

    timeout = DEFAULT_DELIVERY_TIMEOUT if args.delivery_timeout is None else float(args.delivery_timeout)
    if not 0 < timeout <= 300:
        raise ValueError(f"--delivery-timeout {args.delivery_timeout} must be between 0 and 300 seconds")
    settings = BusSettings(allow_private_webhooks=bool(args.allow_private_webhooks), delivery_timeout=timeout)
    if args.retry_schedule is not None:
        settings = BusSettings(
            allow_private_webhooks=settings.allow_private_webhooks,
            delivery_timeout=timeout,
            retry_schedule=parse_retry_schedule(args.retry_schedule),
        )
    return settings


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio only turns Nagle off (TCP_NODELAY) on sockets whose proto is
    # IPPROTO_TCP, and with Nagle on every response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        # Listening before the URL is printed: early clients wait in the backlog, never refused.
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging with every handler on stderr: stdout is reserved for the URL line."""
    from uvicorn.config import LOGGING_CONFIG  # deferred with uvicorn in run()

    config = copy.deepcopy(LOGGING_CONFIG)
    config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    config["loggers"]["platformxe"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return config


def run(args: argparse.Namespace) -> int:
    """Open (and migrate) the database, bind, print the URL and serve until a signal."""
    # deferred: uvicorn, starlette and the registry (~200 ms, bench/deferred_imports.py); every
    # CLI start loads this module to build its parser (cli/main.py)
    import uvicorn

    from platformxe.registry.app import build_app
    from platformxe.registry.bus import BusHandle
    from platformxe.registry.bus.embedded import EmbeddedBus
    from platformxe.registry.storage import StorageError, open_store

    if not 0 <= args.port <= 65535:
        print(f"platformxe serve: error: --port {args.port} is not a TCP port (0-65535)", file=sys.stderr)
        return 2
    try:
        limiter = _limiter(args)
    except ValueError as exc:
        print(f"platformxe serve: error: {exc}", file=sys.stderr)
        return 2
    new = not exists(args.db)
    try:
        settings = bus_settings(args)
    except ValueError as exc:
        print(f"platformxe serve: error: {exc}", file=sys.stderr)
        return 2
    try:
        store = open_store(args.db)
    except StorageError as exc:
        print(f"platformxe serve: error: {exc}", file=sys.stderr)
        return 2
    print(
        f"platformxe serve: {'created the new' if new else 'using'} database {shown(args.db)}",
        file=sys.stderr,
    )
    try:
        sock = _bind(args.host, args.port)
    except OSError as exc:
        store.close()
        print(
            f"platformxe serve: error: cannot listen on {args.host}:{args.port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 2
    from platformxe.registry.judging import DEFAULT_WORKERS, Judge  # deferred: see run()

    workers = DEFAULT_WORKERS if args.judge_workers is None else args.judge_workers
    if workers < 0:
        sock.close()
        store.close()
        print(f"platformxe serve: error: --judge-workers {workers} must be 0 or more", file=sys.stderr)
        return 2
    timings = {}
    if args.compare_budget is not None:
        timings["compare_seconds"] = args.compare_budget
    if args.regex_budget is not None:
        timings["emit_regex_seconds"] = timings["verdict_regex_seconds"] = args.regex_budget
    if args.judge_timeout is not None:
        timings["verdict_timeout"] = timings["payload_timeout"] = args.judge_timeout
    if any(value < 0 for value in timings.values()):
        sock.close()
        store.close()
        print(
            "platformxe serve: error: --compare-budget, --regex-budget and --judge-timeout must be 0 or more",
            file=sys.stderr,
        )
        return 2
    judge = Judge(workers, **timings).start()
    host, port = sock.getsockname()[:2]
    shown_host = f"[{host}]" if ":" in host else host
    bus: Any
    if args.bus:
        try:
            bus, handle = _nats_bus(args.bus, store, settings)
        except Exception as exc:
            sock.close()
            judge.close()
            store.close()
            print(f"platformxe serve: error: cannot reach the bus at {args.bus}: {exc}", file=sys.stderr)
            return 2
    else:
        embedded = EmbeddedBus(store, settings).start()
        bus, handle = embedded, BusHandle(settings=settings, notify=embedded.notify)
    config = uvicorn.Config(
        build_app(store, judge, limiter, handle),
        log_config=_log_config(args.log_level),
        log_level=args.log_level,
        access_log=not args.no_access_log,
        lifespan="off",
        server_header=False,
    )
    server = uvicorn.Server(config)
    # uvicorn drains in-flight requests on SIGINT/SIGTERM, then re-delivers the signal to the
    # handler that was installed before it started. Ours turns that into a normal return, so a
    # clean stop closes the database and exits 0 rather than dying by the signal.
    previous = {sig: signal.signal(sig, _stopped) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(f"platformxe registry listening on http://{shown_host}:{port}", flush=True)
        server.run(sockets=[sock])
    except _Stopped:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
        judge.close()
        bus.stop()
        store.close()
    return 0


def _limiter(args: argparse.Namespace) -> Any:
    """The rate limiter the options describe (ValueError naming a bad option)."""
    # deferred: the rate limiter and the limits library (~100 ms, bench/deferred_imports.py);
    # every CLI start loads this module to build its parser (cli/main.py)
    from platformxe.registry.ratelimit import DEFAULT_MAX_IN_FLIGHT, RateLimiter, parse_setting

    overrides = {}
    for text in args.rate_limit:
        tier, kind, value = parse_setting(text)
        overrides[(tier, kind)] = value
    in_flight = DEFAULT_MAX_IN_FLIGHT if args.max_in_flight is None else args.max_in_flight
    if in_flight < 0:
        raise ValueError(f"--max-in-flight {in_flight} must be 0 (no cap) or more")
    return RateLimiter(overrides, enabled=not args.no_rate_limits, max_in_flight=in_flight)


class _NatsBus:
    """The server's side of ``--bus nats``: the link and the outbox publisher, stopped together."""

    def __init__(self, link: Any, publisher: Any) -> None:
        self.link, self.publisher = link, publisher

    def stop(self) -> None:
        self.publisher.stop()
        self.link.close()


def _nats_bus(url: str, store: Any, settings: Any) -> tuple[_NatsBus, Any]:
    # deferred: nats-py and the relay load only for `serve --bus nats://…`
    from platformxe.registry.bus import BusHandle
    from platformxe.registry.bus.nats_bus import NatsLink, OutboxPublisher, mark_published

    if not url.startswith(("nats://", "tls://")):
        raise ValueError("--bus must be a nats:// URL")
    link = NatsLink(url)
    link.connect()
    publisher = OutboxPublisher(store, link).start()

    def push(event_id: str, canonical_name: str, org_id: str) -> None:
        link.publish(event_id, canonical_name, org_id)
        mark_published(store, event_id)

    return _NatsBus(link, publisher), BusHandle(settings=settings, push=push)


class _Stopped(Exception):
    """Raised by the signal handler once uvicorn has shut down gracefully."""


def _stopped(signum: int, frame: Any) -> None:
    raise _Stopped(signal.Signals(signum).name)
