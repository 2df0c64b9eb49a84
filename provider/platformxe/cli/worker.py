"""``platformxe worker --bus nats://… --db …``: deliver from NATS JetStream (the scale-out bus).

Any number of workers, on any machines, share one durable consumer: each relays stream messages
into deliveries in the database and delivers them (docs/bus.md). Stdout carries one line,
``platformxe worker consuming <url>``, once it runs; SIGINT/SIGTERM finish the deliveries in
flight and exit 0.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from typing import Any

from platformxe.cli.database import add_db_argument
from platformxe.cli.serve import add_bus_arguments, bus_settings


def add_parser(subparsers: Any) -> None:
    """Register the ``worker`` subcommand."""
    parser = subparsers.add_parser(
        "worker",
        help="deliver emitted events from NATS JetStream (with serve --bus nats://…)",
        description="Consume the bus's JetStream stream and deliver to subscribers.",
    )
    add_db_argument(parser)
    parser.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="log level on stderr (default: info)",
    )
    add_bus_arguments(parser, bus_required=True)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Consume and deliver until a signal."""
    # deferred: the bus, nats-py and storage load when the worker runs, not for `platformxe --help`
    from platformxe.registry.bus.deliverer import Deliverer
    from platformxe.registry.bus.federation import FederationRelay
    from platformxe.registry.bus.nats_bus import StreamRelay
    from platformxe.registry.bus.workflow import WorkflowRunner
    from platformxe.registry.storage import StorageError, open_store

    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr)
    try:
        settings = bus_settings(args)
    except ValueError as exc:
        print(f"platformxe worker: error: {exc}", file=sys.stderr)
        return 2
    if not str(args.bus).startswith(("nats://", "tls://")):
        print("platformxe worker: error: --bus must be a nats:// URL", file=sys.stderr)
        return 2
    try:
        store = open_store(args.db)
    except StorageError as exc:
        print(f"platformxe worker: error: {exc}", file=sys.stderr)
        return 2
    deliverer = Deliverer(store, settings, WorkflowRunner(store), FederationRelay(store))
    relay = StreamRelay(store, args.bus, on_relayed=deliverer.wake)
    # Workflow and federated emits go to the outbox; the server's outbox publisher takes them to the stream.
    consumer = threading.Thread(target=relay.run, name="bus-consumer", daemon=True)

    def stop(signum: int, frame: Any) -> None:
        relay.stop()
        deliverer.stop()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    consumer.start()
    print(f"platformxe worker consuming {args.bus}", flush=True)
    try:
        deliverer.run()
    finally:
        relay.stop()
        consumer.join(5.0)
        store.close()
    return 0
