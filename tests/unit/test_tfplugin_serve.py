"""serve(): the go-plugin handshake, TLS, socket directory, health, controller, signals, logging.

Each test starts the test provider's plugin executable the way Terraform does and talks to it
over the TLS unix socket it announces.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest
from cryptography import x509

from platformxe.tfplugin._generated import (
    grpc_controller_pb2,
    grpc_stdio_pb2,
    health_pb2,
    tfplugin6_pb2,
)
from platformxe.tfplugin.codec import decode_msgpack, encode_msgpack
from platformxe.tfplugin.server import MAGIC_COOKIE_VALUE

ACCEPTANCE = Path(__file__).resolve().parents[1] / "acceptance"
PLUGIN_CODE = f"import sys; sys.path.insert(0, {str(ACCEPTANCE)!r}); from tfplugin_testprovider.plugin import main; main()"
pb = tfplugin6_pb2


class Plugin:
    """A running plugin process and a gRPC channel to it."""

    def __init__(
        self, tmp_path: Path, extra_env: dict[str, str] | None = None, code: str = PLUGIN_CODE
    ) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLUGIN_"))}
        env.update(
            {
                "TF_PLUGIN_MAGIC_COOKIE": MAGIC_COOKIE_VALUE,
                "PLUGIN_PROTOCOL_VERSIONS": "6",
                "PLUGIN_UNIX_SOCKET_DIR": str(tmp_path),
                **(extra_env or {}),
            }
        )
        self.stderr_path = tmp_path / f"plugin-{os.urandom(4).hex()}.stderr"
        with self.stderr_path.open("wb") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=stderr
            )
        assert self.proc.stdout is not None
        self.line = self.proc.stdout.readline().decode().rstrip("\n")
        core, app, network, self.socket, protocol, cert = self.line.split("|")
        assert (core, app, network, protocol) == ("1", "6", "unix", "grpc")
        self.cert_der = base64.b64decode(cert + "=" * (-len(cert) % 4))
        pem = (
            b"-----BEGIN CERTIFICATE-----\n"
            + base64.encodebytes(self.cert_der)
            + b"-----END CERTIFICATE-----\n"
        )
        self.channel = grpc.secure_channel(
            f"unix:{self.socket}",
            grpc.ssl_channel_credentials(root_certificates=pem),
            options=[("grpc.ssl_target_name_override", "localhost")],
        )

    def call(self, path: str, request, response_type, timeout: float = 10):
        method = self.channel.unary_unary(
            path,
            request_serializer=type(request).SerializeToString,
            response_deserializer=response_type.FromString,
        )
        return method(request, timeout=timeout)

    def provider(self, name: str, request):
        response = getattr(pb, name).Response
        return self.call(f"/tfplugin6.Provider/{name}", request, response)

    def shutdown(self) -> None:
        self.call("/plugin.GRPCController/Shutdown", grpc_controller_pb2.Empty(), grpc_controller_pb2.Empty)

    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def close(self) -> None:
        self.channel.close()
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        assert self.proc.stdout is not None
        self.proc.stdout.close()


@pytest.fixture
def plugin(tmp_path):
    started = Plugin(tmp_path)
    yield started
    started.close()


def test_handshake_line_announces_a_tls_socket_in_a_private_directory(plugin):
    assert plugin.line.startswith("1|6|unix|")
    assert "=" not in plugin.line.rsplit("|", 1)[1]  # base64 without padding
    mode = stat.S_IMODE(os.stat(os.path.dirname(plugin.socket)).st_mode)
    assert mode == 0o700
    cert = x509.load_der_x509_certificate(plugin.cert_der)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert cert.public_key().curve.name == "secp256r1"


def test_each_start_makes_a_new_key(tmp_path):
    first, second = Plugin(tmp_path), Plugin(tmp_path)
    try:
        assert first.cert_der != second.cert_der
        assert first.socket != second.socket
    finally:
        first.close()
        second.close()


def test_health_metadata_schema_and_unimplemented_rpcs(plugin):
    health = plugin.call(
        "/grpc.health.v1.Health/Check",
        health_pb2.HealthCheckRequest(service="plugin"),
        health_pb2.HealthCheckResponse,
    )
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    meta = plugin.provider("GetMetadata", pb.GetMetadata.Request())
    assert meta.server_capabilities.get_provider_schema_optional
    assert not meta.server_capabilities.plan_destroy
    assert [r.type_name for r in meta.resources] == ["tfplugintest_thing"]
    schema = plugin.provider("GetProviderSchema", pb.GetProviderSchema.Request())
    attrs = {a.name: a for a in schema.resource_schemas["tfplugintest_thing"].block.attributes}
    assert attrs["secret"].sensitive
    assert attrs["name"].required and attrs["id"].computed
    assert attrs["body"].description_kind == pb.MARKDOWN
    identity = plugin.provider("GetResourceIdentitySchemas", pb.GetResourceIdentitySchemas.Request())
    assert [a.name for a in identity.identity_schemas["tfplugintest_thing"].identity_attributes] == ["id"]
    # RPCs we do not serve (ephemeral resources, ...) are UNIMPLEMENTED, which Terraform tolerates.
    with pytest.raises(grpc.RpcError) as info:
        plugin.call(
            "/tfplugin6.Provider/OpenEphemeralResource", pb.StopProvider.Request(), pb.StopProvider.Response
        )
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_controller_shutdown_stops_cleanly_and_removes_the_socket_directory(plugin):
    stdio = plugin.channel.unary_stream(
        "/plugin.GRPCStdio/StreamStdio",
        request_serializer=lambda _: b"",
        response_deserializer=grpc_stdio_pb2.StdioData.FromString,
    )(None)
    plugin.shutdown()
    assert plugin.proc.wait(timeout=10) == 0
    assert list(stdio) == []  # the stdio stream ends at shutdown
    assert not os.path.exists(os.path.dirname(plugin.socket))


def test_sigterm_cleans_up_and_sigint_is_left_to_terraform(plugin):
    plugin.proc.send_signal(signal.SIGINT)  # Ctrl-C: Terraform finishes work, then shuts us down
    time.sleep(0.3)
    assert plugin.proc.poll() is None
    assert plugin.provider("GetMetadata", pb.GetMetadata.Request()).resources
    plugin.proc.send_signal(signal.SIGTERM)
    assert plugin.proc.wait(timeout=10) == 0
    assert not os.path.exists(os.path.dirname(plugin.socket))


def test_a_full_plan_over_the_wire_with_diagnostics_and_private_state(plugin, tmp_path):
    store = tmp_path / "store.json"
    config = plugin.provider(
        "ConfigureProvider",
        pb.ConfigureProvider.Request(
            config=pb.DynamicValue(msgpack=encode_msgpack({"store": str(store)}, _provider_type()))
        ),
    )
    assert list(config.diagnostics) == []
    typ = _thing_type()
    wanted = {"name": "a", "body": '{"x": 1}', "size": 101, "secret": "s3cr3t-value"}
    plan = plugin.provider(
        "PlanResourceChange",
        pb.PlanResourceChange.Request(
            type_name="tfplugintest_thing",
            prior_state=pb.DynamicValue(msgpack=encode_msgpack(None, typ)),
            proposed_new_state=pb.DynamicValue(msgpack=encode_msgpack(wanted, typ)),
            config=pb.DynamicValue(msgpack=encode_msgpack(wanted, typ)),
        ),
    )
    planned = decode_msgpack(plan.planned_state.msgpack, typ)
    assert planned["fingerprint"] and planned["id"] is not None
    assert [(d.severity, d.summary) for d in plan.diagnostics] == [(pb.Diagnostic.WARNING, "Large size")]
    assert plan.diagnostics[0].attribute.steps[0].attribute_name == "size"
    assert json.loads(plan.planned_private) == {"planned_as": "create"}
    applied = plugin.provider(
        "ApplyResourceChange",
        pb.ApplyResourceChange.Request(
            type_name="tfplugintest_thing",
            prior_state=pb.DynamicValue(msgpack=encode_msgpack(None, typ)),
            planned_state=plan.planned_state,
            config=pb.DynamicValue(msgpack=encode_msgpack(wanted, typ)),
            planned_private=plan.planned_private,
        ),
    )
    state = decode_msgpack(applied.new_state.msgpack, typ)
    assert state["revision"] == 1 and state["id"] in json.loads(store.read_text())
    assert json.loads(applied.private) == {"planned_as": "create", "applied_as": "create"}
    assert applied.new_identity.identity_data.msgpack  # identity filled from state


def test_logs_are_json_lines_go_plugin_parses_and_never_hold_sensitive_values(tmp_path):
    started = Plugin(tmp_path, {"TF_LOG_PROVIDER": "TRACE"})
    try:
        typ = _thing_type()
        secret = {"name": "a", "secret": "s3cr3t-value"}
        started.provider(
            "ValidateResourceConfig",
            pb.ValidateResourceConfig.Request(
                type_name="tfplugintest_thing", config=pb.DynamicValue(msgpack=encode_msgpack(secret, typ))
            ),
        )
        started.shutdown()
        started.proc.wait(timeout=10)
        lines = [json.loads(line) for line in started.stderr().splitlines()]
        assert any(
            line["@message"] == "rpc finished" and line["tf_rpc"] == "ValidateResourceConfig"
            for line in lines
        )
        for line in lines:
            assert line["@level"] in ("trace", "debug", "info", "warn", "error")
            # the exact layout go-plugin's parser accepts: 2006-01-02T15:04:05.000000Z07:00
            time.strptime(line["@timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
            assert len(line["@timestamp"]) == len("2026-01-02T15:04:05.000000Z")
        assert "s3cr3t-value" not in started.stderr()
    finally:
        started.close()


def test_without_tf_log_the_plugin_is_silent(plugin):
    plugin.provider("GetMetadata", pb.GetMetadata.Request())
    plugin.shutdown()
    plugin.proc.wait(timeout=10)
    assert plugin.stderr() == ""


def test_run_by_hand_prints_a_human_message_and_exits_1():
    env = {k: v for k, v in os.environ.items() if k != "TF_PLUGIN_MAGIC_COOKIE"}
    proc = subprocess.run(
        [sys.executable, "-c", PLUGIN_CODE], env=env, capture_output=True, text=True, timeout=30
    )
    assert proc.returncode == 1
    assert "Terraform provider plugin" in proc.stderr and "terraform init" in proc.stderr
    assert proc.stdout == ""


def test_a_terraform_without_protocol_6_gets_a_clear_refusal():
    env = {**os.environ, "TF_PLUGIN_MAGIC_COOKIE": MAGIC_COOKIE_VALUE, "PLUGIN_PROTOCOL_VERSIONS": "4,5"}
    proc = subprocess.run(
        [sys.executable, "-c", PLUGIN_CODE], env=env, capture_output=True, text=True, timeout=30
    )
    assert proc.returncode == 1
    assert "protocol 6" in proc.stderr and "offered 4, 5" in proc.stderr
    assert proc.stdout == ""


def _thing_type():
    sys.path.insert(0, str(ACCEPTANCE))
    from tfplugin_testprovider.provider import Thing

    return Thing().schema().cty_type


def _provider_type():
    sys.path.insert(0, str(ACCEPTANCE))
    from tfplugin_testprovider.provider import TestProvider

    return TestProvider().schema().cty_type


REAL_PLUGIN_CODE = "from platformxe.terraform.plugin import main; main()"


def test_the_stored_schema_answers_equal_what_the_provider_says_now():
    # make generate writes them; a schema edited without regenerating fails here.
    from platformxe.terraform.answers import ANSWERS_PATH
    from platformxe.terraform.provider import PlatformXeProvider
    from platformxe.tfplugin.precomputed import METHODS, compute, load

    stored, live = load(ANSWERS_PATH), compute(PlatformXeProvider())
    assert sorted(stored) == sorted(METHODS)
    for method in METHODS:
        response = getattr(pb, method).Response
        assert response.FromString(stored[method]) == response.FromString(live[method]), method


def test_the_real_provider_answers_schema_and_metadata_like_the_live_provider(tmp_path):
    from platformxe.terraform.provider import PlatformXeProvider
    from platformxe.tfplugin.precomputed import compute

    live = compute(PlatformXeProvider())
    started = Plugin(tmp_path, code=REAL_PLUGIN_CODE)
    try:
        for method in ("GetProviderSchema", "GetMetadata", "GetResourceIdentitySchemas"):
            answer = started.provider(method, getattr(pb, method).Request())
            assert answer == getattr(pb, method).Response.FromString(live[method]), method
        schema = started.provider("GetProviderSchema", pb.GetProviderSchema.Request())
        assert "platformxe_custom_event" in schema.resource_schemas
        assert not schema.diagnostics
        # the provider loads behind the stored answers and then serves every other RPC
        valid = started.provider(
            "ValidateResourceConfig",
            pb.ValidateResourceConfig.Request(type_name="nope", config=pb.DynamicValue(msgpack=b"\xc0")),
        )
        assert "unknown resource type" in valid.diagnostics[0].detail
    finally:
        started.close()


def test_a_process_that_only_reads_the_schema_never_loads_the_provider(tmp_path):
    # Terraform's first process of a plan reads the schema, opens go-plugin's broker stream and is
    # shut down: it must answer from the stored bytes without loading the provider (which held
    # the answer back by ~140 ms); the next process loads it at its first real RPC.
    def messages(started: Plugin) -> list[str]:
        return [json.loads(line)["@message"] for line in started.stderr().splitlines()]

    started = Plugin(tmp_path, {"TF_LOG_PROVIDER": "DEBUG"}, code=REAL_PLUGIN_CODE)
    try:
        schema = started.provider("GetProviderSchema", pb.GetProviderSchema.Request())
        assert "platformxe_custom_event" in schema.resource_schemas
        broker = started.channel.stream_stream("/plugin.GRPCBroker/StartStream")
        with pytest.raises(grpc.RpcError) as refused:
            list(broker(iter(()), timeout=5))
        assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED
        started.shutdown()
        assert started.proc.wait(timeout=10) == 0
        assert "provider loaded" not in messages(started)
    finally:
        started.close()

    started = Plugin(tmp_path, {"TF_LOG_PROVIDER": "DEBUG"}, code=REAL_PLUGIN_CODE)
    try:
        answer = started.provider("ValidateProviderConfig", pb.ValidateProviderConfig.Request())
        assert answer is not None
        started.shutdown()
        started.proc.wait(timeout=10)
        assert messages(started).count("provider loaded") == 1
    finally:
        started.close()


def test_a_stale_stored_answer_is_dropped_once_the_provider_has_loaded():
    import threading

    from platformxe.tfplugin.server import PluginServices

    sys.path.insert(0, str(ACCEPTANCE))
    from tfplugin_testprovider.provider import TestProvider

    stale = pb.GetProviderSchema.Response(resource_schemas={"gone": pb.Schema()}).SerializeToString()
    services = PluginServices(TestProvider, threading.Event(), {"GetProviderSchema": stale})

    class Details:
        method = "/tfplugin6.Provider/GetProviderSchema"

    assert services.service(Details()).unary_unary(b"", None) == stale  # before the provider loads
    services.prepare()
    fresh = services.service(Details())
    assert fresh.unary_unary is not None and fresh.response_serializer is not None  # the live servicer


def test_debug_mode_prints_the_reattach_line_and_serves_plaintext_until_ctrl_c(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLUGIN_"))}
    env["PLUGIN_UNIX_SOCKET_DIR"] = str(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-c", REAL_PLUGIN_CODE.replace("main()", "main(['--debug'])")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        line = next(x for x in lines if "TF_REATTACH_PROVIDERS=" in x)
        config = json.loads(line.split("TF_REATTACH_PROVIDERS=", 1)[1].strip().strip("'"))
        entry = config["registry.terraform.io/calderax/platformxe"]
        assert entry["Pid"] == proc.pid and entry["ProtocolVersion"] == 6 and entry["Protocol"] == "grpc"
        socket = entry["Addr"]["String"]
        assert entry["Addr"]["Network"] == "unix"
        assert stat.S_IMODE(os.stat(os.path.dirname(socket)).st_mode) == 0o700
        channel = grpc.insecure_channel(f"unix:{socket}")
        call = channel.unary_unary(
            "/tfplugin6.Provider/GetProviderSchema",
            request_serializer=pb.GetProviderSchema.Request.SerializeToString,
            response_deserializer=pb.GetProviderSchema.Response.FromString,
        )
        assert "platformxe_custom_event" in call(pb.GetProviderSchema.Request(), timeout=10).resource_schemas
        # Terraform's controller Shutdown does not stop a reattached server: its owner does
        shut = channel.unary_unary("/plugin.GRPCController/Shutdown")
        shut(b"", timeout=10)
        time.sleep(0.5)
        assert proc.poll() is None
        channel.close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert not os.path.exists(os.path.dirname(socket))
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_a_reattach_server_stops_when_its_command_ends_right_after_the_first_line(tmp_path):
    # `platformxe terraform show -json` can end before the server has even loaded the provider;
    # the server must still see that its parent is gone (a server left behind kept the command's
    # output pipe open, so whoever captured it waited for ever), and remove its 0700 directory.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "PLUGIN_"))}
    env["PLUGIN_UNIX_SOCKET_DIR"] = str(tmp_path)
    parent_code = (
        "import subprocess, sys\n"
        "server = subprocess.Popen([sys.executable, '-m', 'platformxe.terraform.plugin', '--serve-reattach'],"
        " stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)\n"
        "line = server.stdout.readline().decode()\n"
        "assert line.startswith('TF_REATTACH_PROVIDERS='), line\n"
        "print(server.pid, flush=True)\n"
    )
    parent = subprocess.run(
        [sys.executable, "-c", parent_code], env=env, capture_output=True, text=True, timeout=60
    )
    assert parent.returncode == 0, parent.stderr
    server_pid = int(parent.stdout.strip())
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{server_pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            break
        if state == "Z":  # exited, not yet reaped by whoever adopted it
            break
        time.sleep(0.1)
    else:
        os.kill(server_pid, signal.SIGKILL)
        pytest.fail("the reattach server outlived the command that started it")
    assert list(tmp_path.iterdir()) == []
