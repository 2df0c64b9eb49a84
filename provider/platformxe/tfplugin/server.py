"""``serve()``: run a :class:`~platformxe.tfplugin.framework.Provider` as a Terraform plugin process.

The go-plugin handshake as Terraform drives it:

1. Terraform starts the plugin with ``TF_PLUGIN_MAGIC_COOKIE`` set to a fixed value. Without it
   the program was run by hand: say what it is and how to use it, exit 1.
2. ``PLUGIN_PROTOCOL_VERSIONS`` lists the protocol versions Terraform speaks; we speak 6.
3. The plugin serves gRPC over TLS on a unix socket inside a fresh 0700 directory, with a key
   made in memory, and prints one line on stdout:
   ``1|6|unix|<socket>|grpc|<server certificate, base64 DER without padding>``.
4. Terraform calls the tfplugin6 RPCs, the health service (``plugin`` = SERVING), opens the
   stdio stream, and finally calls ``plugin.GRPCController/Shutdown``.

Terraform's client certificate (``PLUGIN_CLIENT_CERT``) is ECDSA P-521, which grpcio cannot
verify, so client authentication is not required; the 0700 socket directory is what keeps
other users out. Cold start matters (Terraform starts the plugin 3 times per plan): the
protobuf modules and the servicer are only imported when the first RPC arrives.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NoReturn

import grpc

from platformxe.tfplugin.hclog import configure_logging

log = logging.getLogger("platformxe.tfplugin")

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
CORE_PROTOCOL_VERSION = 1
APP_PROTOCOL_VERSION = 6
MAX_WORKERS = 16  # -parallelism=10 plus the long-lived stdio/health streams, with room to spare
MAX_MESSAGE_BYTES = 256 * 1024 * 1024  # schemas and states of large configurations
SHUTDOWN_GRACE_SECONDS = 2.0

_TFPLUGIN6_METHODS = (
    "GetMetadata",
    "GetProviderSchema",
    "ValidateProviderConfig",
    "ValidateResourceConfig",
    "ValidateDataResourceConfig",
    "UpgradeResourceState",
    "GetResourceIdentitySchemas",
    "UpgradeResourceIdentity",
    "ConfigureProvider",
    "ReadResource",
    "PlanResourceChange",
    "ApplyResourceChange",
    "ImportResourceState",
    "ReadDataSource",
    "GetFunctions",
    "CallFunction",
    "StopProvider",
)


def run_by_hand_message(provider_type: str, source: str) -> str:
    """What a person who runs the plugin binary directly reads."""
    name = provider_type or "this provider"
    source = source or f"<namespace>/{name}"
    return (
        f"This program is a Terraform provider plugin (terraform-provider-{name}).\n"
        "It is not meant to be run directly: Terraform starts it when it needs it.\n\n"
        "To use it, require it in your Terraform configuration:\n\n"
        "  terraform {\n"
        "    required_providers {\n"
        f'      {name} = {{ source = "{source}" }}\n'
        "    }\n"
        "  }\n\n"
        "then run `terraform init` and `terraform plan`.\n"
    )


#: The health service's SERVING answer, serialized (HealthCheckResponse{status: SERVING}).
_HEALTH_SERVING = b"\x08\x01"


def _health_service_name(request: bytes) -> str:
    """The ``service`` field of a serialized HealthCheckRequest (field 1, a short string)."""
    if not request:
        return ""
    if request[0] == 0x0A and len(request) >= 2 and request[1] < 0x80:
        return request[2 : 2 + request[1]].decode("utf-8", "replace")
    return "?"  # not a name we serve


class PluginServices(grpc.GenericRpcHandler):  # type: ignore[misc]  # grpc ships no type hints
    """Routes every RPC to its handler.

    The go-plugin plumbing (health, controller, stdio) and the *precomputed* answers (serialized
    GetProviderSchema / GetMetadata / GetResourceIdentitySchemas responses, see
    :mod:`platformxe.tfplugin.precomputed`) are served as raw bytes: no protobuf import, no
    provider. :meth:`prepare` imports protobuf and the servicer and creates the provider: at the
    first ``tfplugin6.Provider`` RPC the stored answers cannot serve (a reattached server calls
    it as soon as it listens); other RPCs arriving meanwhile wait for it.
    """

    def __init__(
        self,
        provider: Any,
        shutdown: threading.Event,
        answers: Mapping[str, bytes] | None = None,
        *,
        ignore_shutdown: bool = False,
    ) -> None:
        self._provider = provider
        self._shutdown = shutdown
        self._ignore_shutdown = ignore_shutdown
        self._handlers: dict[str, grpc.RpcMethodHandler] | None = None
        self._lock = threading.Lock()
        self.servicer: Any = None
        self._plumbing = self._build_plumbing()
        self._answers: dict[str, grpc.RpcMethodHandler] = {}
        self._answer_bytes = dict(answers or {})
        for method, answer in self._answer_bytes.items():
            self._answers[f"/tfplugin6.Provider/{method}"] = grpc.unary_unary_rpc_method_handler(
                lambda request, context, answer=answer: answer
            )

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler | None:
        """The handler of one method, or None (gRPC answers UNIMPLEMENTED)."""
        method = handler_call_details.method
        fixed = self._plumbing.get(method) or self._answers.get(method)
        if fixed is not None:
            return fixed
        if not method.startswith("/tfplugin6.Provider/"):
            # go-plugin's broker (GRPCBroker/StartStream, opened at connect) and anything else
            # we do not serve: UNIMPLEMENTED, without loading the provider for it
            return None
        handlers = self._handlers if self._handlers is not None else self.prepare()
        return handlers.get(method)

    def prepare(self) -> dict[str, grpc.RpcMethodHandler]:
        """Build the handlers and load the provider (once; load errors surface in every RPC).

        Precomputed answers that differ from what the loaded provider says (a schema edited
        without ``make generate``) are dropped and logged: later calls get the live answer.
        """
        with self._lock:
            if self._handlers is None:
                began = time.perf_counter()
                handlers = self._build()
                if self.servicer.load() and self._answer_bytes:
                    # deferred: only a provider served with stored answers checks them
                    from platformxe.tfplugin.precomputed import stale_answers

                    for method in stale_answers(self.servicer, self._answer_bytes):
                        log.error(
                            "precomputed answer is stale; regenerate it (make generate)",
                            extra={"tf": {"tf_rpc": method}},
                        )
                        self._answers.pop(f"/tfplugin6.Provider/{method}", None)
                self._handlers = handlers
                log.debug(
                    "provider loaded",
                    extra={"tf": {"duration_ms": round((time.perf_counter() - began) * 1000, 2)}},
                )
            return self._handlers

    def _build(self) -> dict[str, grpc.RpcMethodHandler]:
        # deferred past the handshake line: the protocol stubs and the servicer (~80 ms,
        # bench/deferred_imports.py) load while Terraform connects (see prepare)
        from platformxe.tfplugin._generated import tfplugin6_pb2 as pb
        from platformxe.tfplugin.servicer import ProviderServicer

        self.servicer = ProviderServicer(self._provider)
        handlers: dict[str, grpc.RpcMethodHandler] = {}
        for name in _TFPLUGIN6_METHODS:
            messages = getattr(pb, name)
            handlers[f"/tfplugin6.Provider/{name}"] = grpc.unary_unary_rpc_method_handler(
                getattr(self.servicer, name),
                request_deserializer=messages.Request.FromString,
                response_serializer=messages.Response.SerializeToString,
            )
        return handlers

    def _build_plumbing(self) -> dict[str, grpc.RpcMethodHandler]:
        """Health, controller and stdio, on raw bytes (their messages are one field or none)."""

        def check(request: bytes, context: grpc.ServicerContext) -> bytes:
            service = _health_service_name(request)
            if service not in ("", "plugin"):
                context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service {service!r}")
            return _HEALTH_SERVING

        def watch(request: bytes, context: grpc.ServicerContext) -> Any:
            yield _HEALTH_SERVING
            self._wait_for_shutdown(context)

        def shutdown(request: bytes, context: grpc.ServicerContext) -> bytes:
            # Reattached, the server outlives each Terraform walk: its owner stops it.
            if not self._ignore_shutdown:
                self._shutdown.set()
            return b""  # plugin.Empty

        def stdio(request: bytes, context: grpc.ServicerContext) -> Any:
            # Logs go to stderr directly (go-plugin parses them there); nothing is forwarded
            # here, but the stream stays open until shutdown as go-plugin expects.
            self._wait_for_shutdown(context)
            return
            yield  # a generator that ends without sending anything

        return {
            "/grpc.health.v1.Health/Check": grpc.unary_unary_rpc_method_handler(check),
            "/grpc.health.v1.Health/Watch": grpc.unary_stream_rpc_method_handler(watch),
            "/plugin.GRPCController/Shutdown": grpc.unary_unary_rpc_method_handler(shutdown),
            "/plugin.GRPCStdio/StreamStdio": grpc.unary_stream_rpc_method_handler(stdio),
        }

    def _wait_for_shutdown(self, context: grpc.ServicerContext) -> None:
        while context.is_active() and not self._shutdown.wait(0.5):
            pass


def serve(
    provider: Any,
    *,
    type_name: str = "",
    source: str = "",
    env: Mapping[str, str] | None = None,
    answers: Mapping[str, bytes] | None = None,
) -> NoReturn:
    """Run the plugin until Terraform shuts it down; exits the process (never returns).

    ``provider`` is a :class:`~platformxe.tfplugin.framework.Provider` instance, a Provider
    class, or a zero-argument factory returning one. A class or factory is only called after
    the handshake line is printed, so the provider's imports do not delay it; ``type_name``
    and ``source`` (taken from a Provider class or instance when not given) feed the message
    shown when the plugin is run by hand. ``answers`` are precomputed serialized responses
    (:mod:`platformxe.tfplugin.precomputed`), served before the provider is loaded.
    """
    env = os.environ if env is None else env
    described = provider if isinstance(provider, type) else type(provider)
    type_name = type_name or getattr(described, "type_name", "")
    source = source or getattr(described, "source", "")
    if env.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.stderr.write(run_by_hand_message(type_name, source))
        sys.stderr.flush()
        raise SystemExit(1)
    versions = [v.strip() for v in env.get("PLUGIN_PROTOCOL_VERSIONS", "").split(",") if v.strip()]
    if versions and str(APP_PROTOCOL_VERSION) not in versions:
        sys.stderr.write(
            f"This provider speaks Terraform plugin protocol {APP_PROTOCOL_VERSION}, but Terraform offered "
            f"{', '.join(versions)}. Use Terraform 1.0 or newer.\n"
        )
        sys.stderr.flush()
        raise SystemExit(1)
    configure_logging(env)

    def handshake(socket_path: str, cert: str) -> None:
        sys.stdout.write(f"{CORE_PROTOCOL_VERSION}|{APP_PROTOCOL_VERSION}|unix|{socket_path}|grpc|{cert}\n")

    code = _run(provider, env, answers, announce=handshake, tls=True, reattached=False)
    _exit(code)


def reattach_config(source_address: str, socket_path: str, pid: int) -> str:
    """The ``TF_REATTACH_PROVIDERS`` value for one provider served on ``socket_path`` (JSON)."""
    return json.dumps(
        {
            source_address: {
                "Protocol": "grpc",
                "ProtocolVersion": APP_PROTOCOL_VERSION,
                "Pid": pid,
                "Test": True,
                "Addr": {"Network": "unix", "String": socket_path},
            }
        },
        separators=(",", ":"),
    )


def serve_reattach(
    provider: Any,
    *,
    source_address: str,
    env: Mapping[str, str] | None = None,
    answers: Mapping[str, bytes] | None = None,
    debug: bool = False,
    warm_up: Callable[[], None] | None = None,
) -> NoReturn:
    """Serve the provider for Terraform's reattach mode (``TF_REATTACH_PROVIDERS``); never returns.

    Plaintext gRPC on a unix socket in a fresh 0700 directory (removed at exit), as
    terraform-plugin-go's debug mode does: Terraform connects to it instead of starting the
    provider, and never stops it (a controller Shutdown is ignored). The first line on stdout is
    ``TF_REATTACH_PROVIDERS=<json>``, printed once the server listens.

    ``debug`` (``terraform-provider-NAME --debug``, for a person): also say how to use it, and stop
    on Ctrl-C. Otherwise (``platformxe terraform``): Ctrl-C is left to Terraform, which finishes
    its operations first, and the server stops when its parent process exits or on SIGTERM.

    ``warm_up`` runs in a background thread once the provider is loaded: work the first RPCs would
    otherwise pay for (imports, caches), done while Terraform is still starting.
    """
    env = os.environ if env is None else env
    configure_logging(env)

    def announce(socket_path: str, cert: str) -> None:
        value = reattach_config(source_address, socket_path, os.getpid())
        if debug:
            sys.stdout.write(
                "Provider started in debug mode. To attach Terraform, set this in the shell running it:\n\n"
            )
            sys.stdout.write(f"\texport TF_REATTACH_PROVIDERS='{value}'\n\n")
            sys.stdout.write("Stop the provider with Ctrl-C.\n")
        else:
            sys.stdout.write(f"TF_REATTACH_PROVIDERS={value}\n")

    code = _run(
        provider,
        env,
        answers,
        announce=announce,
        tls=False,
        reattached=True,
        sigint_stops=debug,
        warm_up=warm_up,
    )
    _exit(code)


def _exit(code: int) -> NoReturn:
    sys.stdout.flush()
    sys.stderr.flush()
    # Worker threads may still sit in provider code (a request Terraform gave up on); do not
    # let interpreter shutdown wait for them.
    os._exit(code)


def make_socket_dir(env: Mapping[str, str]) -> str:
    """A fresh directory only this user can enter (``PLUGIN_UNIX_SOCKET_DIR`` or the temp dir)."""
    base = env.get("PLUGIN_UNIX_SOCKET_DIR") or env.get("TMPDIR") or "/tmp"
    for _ in range(100):
        path = os.path.join(base, f"tfplugin-{os.urandom(6).hex()}")
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue
        os.chmod(path, 0o700)  # the directory is the access control: never rely on the umask
        return path
    raise OSError(f"could not create a socket directory in {base}")


#: Reattach mode: an empty 0700 directory of this user, made by whoever started the server, to
#: listen in (so it can name the socket before the server runs); otherwise one is made.
REATTACH_SOCKET_DIR_ENV = "PLATFORMXE_REATTACH_SOCKET_DIR"


def _private_dir(path: str) -> bool:
    """An existing, empty directory owned by this user that only this user can enter."""
    try:
        info = os.lstat(path)
        import stat  # deferred: only a server handed a directory checks one

        return (
            stat.S_ISDIR(info.st_mode)
            and info.st_uid == os.getuid()
            and stat.S_IMODE(info.st_mode) == 0o700
            and not os.listdir(path)
        )
    except OSError:
        return False


def _remove_socket_dir(path: str, socket_path: str) -> None:
    for remove, target in ((os.unlink, socket_path), (os.rmdir, path)):
        with contextlib.suppress(FileNotFoundError):
            remove(target)


def _run(
    provider: Any,
    env: Mapping[str, str],
    answers: Mapping[str, bytes] | None,
    *,
    announce: Callable[[str, str], None],
    tls: bool,
    reattached: bool,
    sigint_stops: bool = False,
    warm_up: Callable[[], None] | None = None,
) -> int:
    # Who started us, read before we announce (whoever waits for that line is alive until then):
    # read any later, a short command could already have ended, leaving us orphaned and unaware.
    parent = os.getppid()
    given = env.get(REATTACH_SOCKET_DIR_ENV) if reattached else None
    socket_dir = given if given and _private_dir(given) else make_socket_dir(env)
    socket_path = os.path.join(socket_dir, "plugin.sock")
    shutdown = threading.Event()
    try:
        services = PluginServices(provider, shutdown, answers, ignore_shutdown=reattached)
        server = grpc.server(
            ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="tfplugin"),
            handlers=[services],
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ],
        )
        cert = ""
        if tls:
            # deferred: cryptography (~13 ms, bench/deferred_imports.py); reattach mode has no TLS
            from platformxe.tfplugin.tls import make_server_identity

            identity = make_server_identity()
            credentials = grpc.ssl_server_credentials([(identity.key_pem, identity.cert_pem)])
            server.add_secure_port(f"unix:{socket_path}", credentials)
            cert = identity.handshake_cert
        else:
            # Reattach mode: Terraform dials without TLS; the 0700 directory keeps others out.
            server.add_insecure_port(f"unix:{socket_path}")
        server.start()
        _install_signal_handlers(shutdown, sigint_stops=sigint_stops)
        real_stdout = sys.stdout
        announce(socket_path, cert)
        real_stdout.flush()
        # Anything printed later (a stray print in provider code) must not reach go-plugin's stdout.
        sys.stdout = sys.stderr
        if reattached:
            # One server for a whole command: load now, while Terraform starts.
            services.prepare()
        # A process Terraform starts loads the provider at the first RPC that needs it: the first
        # of the three processes per plan only reads the (precomputed) schema and is shut down,
        # and loading it anyway held the GIL for ~140 ms, delaying that answer and Terraform's
        # next step; the others get their first such RPC within milliseconds of the handshake,
        # so loading eagerly overlapped with nothing (bench/plan_scale.py, docs/tfplugin.md).
        if warm_up is not None:
            threading.Thread(target=_warm_up, args=(warm_up,), name="tfplugin-warm-up", daemon=True).start()
        while not shutdown.wait(0.2 if reattached else 1.0):
            if os.getppid() != parent:  # Terraform (or whoever started us) died without shutting us down
                break
        server.stop(SHUTDOWN_GRACE_SECONDS).wait()
        return 0
    finally:
        _remove_socket_dir(socket_dir, socket_path)


def _warm_up(work: Callable[[], None]) -> None:
    try:
        work()
    except Exception as exc:  # an optimisation only: the RPCs do the same work themselves
        log.debug("warm-up failed", extra={"tf": {"exception": type(exc).__name__}})


def _install_signal_handlers(shutdown: threading.Event, *, sigint_stops: bool = False) -> None:
    def on_term(signum: int, frame: Any) -> None:
        shutdown.set()

    signal.signal(signal.SIGTERM, on_term)
    if sigint_stops:  # --debug: a person started it and stops it with Ctrl-C
        signal.signal(signal.SIGINT, on_term)
        return
    # Ctrl-C reaches every process of the terminal's group, plugins included. Terraform handles
    # it by letting running operations finish and then shutting plugins down; exiting here
    # would lose the state of a create in flight. go-plugin plugins ignore it the same way.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
