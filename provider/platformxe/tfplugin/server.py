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
import os
import signal
import sys
import threading
from collections.abc import Mapping
from typing import Any, NoReturn

import grpc

from platformxe.tfplugin.hclog import configure_logging

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


class PluginServices(grpc.GenericRpcHandler):  # type: ignore[misc]  # grpc ships no type hints
    """Routes every RPC to its handler.

    :meth:`prepare` imports protobuf and the servicer and creates the provider. ``serve`` calls
    it right after printing the handshake, so that work overlaps with Terraform connecting;
    an RPC arriving earlier waits for it.
    """

    def __init__(self, provider: Any, shutdown: threading.Event) -> None:
        self._provider = provider
        self._shutdown = shutdown
        self._handlers: dict[str, grpc.RpcMethodHandler] | None = None
        self._lock = threading.Lock()
        self.servicer: Any = None

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler | None:
        """The handler of one method, or None (gRPC answers UNIMPLEMENTED)."""
        handlers = self._handlers if self._handlers is not None else self.prepare()
        return handlers.get(handler_call_details.method)

    def prepare(self) -> dict[str, grpc.RpcMethodHandler]:
        """Build the handlers and load the provider (once; load errors surface in every RPC)."""
        with self._lock:
            if self._handlers is None:
                handlers = self._build()
                self.servicer.load()
                self._handlers = handlers
            return self._handlers

    def _build(self) -> dict[str, grpc.RpcMethodHandler]:
        from platformxe.tfplugin._generated import grpc_controller_pb2, grpc_stdio_pb2, health_pb2
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
        serving = health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)

        def check(request: Any, context: grpc.ServicerContext) -> Any:
            if request.service not in ("", "plugin"):
                context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service {request.service!r}")
            return serving

        def watch(request: Any, context: grpc.ServicerContext) -> Any:
            yield serving
            self._wait_for_shutdown(context)

        def shutdown(request: Any, context: grpc.ServicerContext) -> Any:
            self._shutdown.set()
            return grpc_controller_pb2.Empty()

        def stdio(request: Any, context: grpc.ServicerContext) -> Any:
            # Logs go to stderr directly (go-plugin parses them there); nothing is forwarded
            # here, but the stream stays open until shutdown as go-plugin expects.
            self._wait_for_shutdown(context)
            return
            yield  # a generator that ends without sending anything

        handlers["/grpc.health.v1.Health/Check"] = grpc.unary_unary_rpc_method_handler(
            check,
            request_deserializer=health_pb2.HealthCheckRequest.FromString,
            response_serializer=health_pb2.HealthCheckResponse.SerializeToString,
        )
        handlers["/grpc.health.v1.Health/Watch"] = grpc.unary_stream_rpc_method_handler(
            watch,
            request_deserializer=health_pb2.HealthCheckRequest.FromString,
            response_serializer=health_pb2.HealthCheckResponse.SerializeToString,
        )
        handlers["/plugin.GRPCController/Shutdown"] = grpc.unary_unary_rpc_method_handler(
            shutdown,
            request_deserializer=grpc_controller_pb2.Empty.FromString,
            response_serializer=grpc_controller_pb2.Empty.SerializeToString,
        )
        handlers["/plugin.GRPCStdio/StreamStdio"] = grpc.unary_stream_rpc_method_handler(
            stdio,
            request_deserializer=lambda data: data,  # google.protobuf.Empty: nothing to read
            response_serializer=grpc_stdio_pb2.StdioData.SerializeToString,
        )
        return handlers

    def _wait_for_shutdown(self, context: grpc.ServicerContext) -> None:
        while context.is_active() and not self._shutdown.wait(0.5):
            pass


def serve(
    provider: Any,
    *,
    type_name: str = "",
    source: str = "",
    env: Mapping[str, str] | None = None,
) -> NoReturn:
    """Run the plugin until Terraform shuts it down; exits the process (never returns).

    ``provider`` is a :class:`~platformxe.tfplugin.framework.Provider` instance, a Provider
    class, or a zero-argument factory returning one. A class or factory is only called after
    the handshake line is printed, so the provider's imports do not delay it; ``type_name``
    and ``source`` (taken from a Provider class or instance when not given) feed the message
    shown when the plugin is run by hand.
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
    code = _run(provider, env)
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


def _remove_socket_dir(path: str, socket_path: str) -> None:
    for remove, target in ((os.unlink, socket_path), (os.rmdir, path)):
        with contextlib.suppress(FileNotFoundError):
            remove(target)


def _run(provider: Any, env: Mapping[str, str]) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from platformxe.tfplugin.tls import make_server_identity

    identity = make_server_identity()
    socket_dir = make_socket_dir(env)
    socket_path = os.path.join(socket_dir, "plugin.sock")
    shutdown = threading.Event()
    try:
        services = PluginServices(provider, shutdown)
        server = grpc.server(
            ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="tfplugin"),
            handlers=[services],
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ],
        )
        credentials = grpc.ssl_server_credentials([(identity.key_pem, identity.cert_pem)])
        server.add_secure_port(f"unix:{socket_path}", credentials)
        server.start()
        _install_signal_handlers(shutdown)
        real_stdout = sys.stdout
        real_stdout.write(
            f"{CORE_PROTOCOL_VERSION}|{APP_PROTOCOL_VERSION}|unix|{socket_path}|grpc|{identity.handshake_cert}\n"
        )
        real_stdout.flush()
        # Anything printed later (a stray print in provider code) must not reach go-plugin's stdout.
        sys.stdout = sys.stderr
        services.prepare()
        parent = os.getppid()
        while not shutdown.wait(1.0):
            if os.getppid() != parent:  # Terraform died without shutting us down
                break
        server.stop(SHUTDOWN_GRACE_SECONDS).wait()
        return 0
    finally:
        _remove_socket_dir(socket_dir, socket_path)


def _install_signal_handlers(shutdown: threading.Event) -> None:
    def on_term(signum: int, frame: Any) -> None:
        shutdown.set()

    signal.signal(signal.SIGTERM, on_term)
    # Ctrl-C reaches every process of the terminal's group, plugins included. Terraform handles
    # it by letting running operations finish and then shutting plugins down; exiting here
    # would lose the state of a create in flight. go-plugin plugins ignore it the same way.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
