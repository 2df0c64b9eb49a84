"""The servicer in-process: every failure is a diagnostic, protocol checks, upgrades, import, functions."""

from __future__ import annotations

import json

import msgpack
import pytest

from platformxe.tfplugin import (
    NUMBER,
    STRING,
    UNKNOWN,
    ApplyRequest,
    Attribute,
    DataReadRequest,
    DataSource,
    DiagnosticError,
    Function,
    FunctionError,
    IdentityAttribute,
    IdentitySchema,
    List,
    NestedBlock,
    Nesting,
    Parameter,
    Provider,
    ReadRequest,
    Resource,
    Schema,
    UpgradeRequest,
)
from platformxe.tfplugin._generated import tfplugin6_pb2 as pb
from platformxe.tfplugin.codec import decode_msgpack, encode_msgpack
from platformxe.tfplugin.servicer import ProviderServicer


class Widget(Resource):
    type_name = "demo_widget"
    import_id_attribute = "id"

    def __init__(self):
        self.behaviour: dict[str, object] = {}

    def schema(self) -> Schema:
        return Schema(
            version=2,
            attributes={
                "name": Attribute(STRING, required=True, description="The name.", description_kind="plain"),
                "id": Attribute(STRING, computed=True),
                "old": Attribute(STRING, optional=True, deprecation_message="Use name."),
            },
            blocks={
                "port": NestedBlock(attributes={"n": Attribute(NUMBER, required=True)}, nesting=Nesting.SET)
            },
        )

    def identity_schema(self) -> IdentitySchema:
        return IdentitySchema({"id": IdentityAttribute(STRING, required_for_import=True)}, version=1)

    def _act(self, name, default):
        action = self.behaviour.get(name, default)
        if isinstance(action, BaseException):
            raise action
        return action(self) if callable(action) else action

    def create(self, req: ApplyRequest):
        return self._act("create", {**req.planned, "id": "w-1"})

    def update(self, req: ApplyRequest):
        return self._act("update", dict(req.planned))

    def delete(self, req: ApplyRequest) -> None:
        self._act("delete", None)

    def read(self, req: ReadRequest):
        return self._act("read", req.state)

    def upgrade_state(self, req: UpgradeRequest):
        assert req.version == 1
        return {"name": req.raw["title"], "id": req.raw["id"]}


class Lookup(DataSource):
    type_name = "demo_lookup"

    def schema(self) -> Schema:
        return Schema(
            attributes={"key": Attribute(STRING, required=True), "value": Attribute(STRING, computed=True)}
        )

    def read(self, req: DataReadRequest):
        if req.config["key"] == "missing":
            raise DiagnosticError("Not found", "No such key.", "key")
        return {**req.config, "value": f"{req.provider_data}:{req.config['key']}"}


class Join(Function):
    name = "join"
    parameters = (Parameter("sep", STRING),)
    variadic = Parameter("parts", STRING)
    return_type = STRING

    def call(self, args):
        sep, parts = args
        if sep == "!":
            raise FunctionError("sep must not be '!'", argument=0)
        if sep == "boom":
            raise RuntimeError("kaput")
        return sep.join(parts)


class Demo(Provider):
    type_name = "demo"

    def __init__(self):
        self.widget = Widget()

    def schema(self) -> Schema:
        return Schema(attributes={"prefix": Attribute(STRING, optional=True)})

    def configure(self, req):
        return req.config["prefix"] or "none"

    def resources(self):
        return [self.widget]

    def data_sources(self):
        return [Lookup()]

    def functions(self):
        return [Join()]


@pytest.fixture
def servicer() -> ProviderServicer:
    return ProviderServicer(Demo)


def dv(value, typ) -> pb.DynamicValue:
    return pb.DynamicValue(msgpack=encode_msgpack(value, typ))


def widget_type():
    return Widget().schema().cty_type


def apply(servicer, prior, planned):
    typ = widget_type()
    return servicer.ApplyResourceChange(
        pb.ApplyResourceChange.Request(
            type_name="demo_widget",
            prior_state=dv(prior, typ),
            planned_state=dv(planned, typ),
            config=dv(planned or prior, typ),
        )
    )


def diagnostics(response) -> list[tuple[str, str, list[str]]]:
    return [
        (pb.Diagnostic.Severity.Name(d.severity), d.summary, [s.attribute_name for s in d.attribute.steps])
        for d in response.diagnostics
    ]


def test_schema_carries_versions_nesting_descriptions_and_deprecation(servicer):
    resp = servicer.GetProviderSchema(pb.GetProviderSchema.Request())
    widget = resp.resource_schemas["demo_widget"]
    assert widget.version == 2 and widget.block.version == 2
    attrs = {a.name: a for a in widget.block.attributes}
    assert attrs["name"].description_kind == pb.PLAIN and attrs["name"].required
    assert attrs["old"].deprecated and attrs["old"].deprecation_message == "Use name."
    assert json.loads(attrs["id"].type) == "string"
    [port] = widget.block.block_types
    assert port.type_name == "port" and port.nesting == pb.Schema.NestedBlock.SET
    assert json.loads(resp.functions["join"].variadic_parameter.type) == "string"
    assert resp.server_capabilities.get_provider_schema_optional


def test_create_update_delete_are_chosen_from_null_prior_and_planned(servicer):
    typ = widget_type()
    created = apply(servicer, None, {"name": "a", "id": UNKNOWN})
    assert decode_msgpack(created.new_state.msgpack, typ)["id"] == "w-1"
    assert decode_msgpack(
        created.new_identity.identity_data.msgpack, Widget().identity_schema().cty_type
    ) == {"id": "w-1"}
    updated = apply(servicer, {"name": "a", "id": "w-1"}, {"name": "b", "id": "w-1"})
    assert decode_msgpack(updated.new_state.msgpack, typ)["name"] == "b"
    deleted = apply(servicer, {"name": "b", "id": "w-1"}, None)
    assert deleted.new_state.msgpack == b"\xc0" and list(deleted.diagnostics) == []


def test_a_failed_create_stores_nothing_and_a_failed_update_or_delete_keeps_prior(servicer):
    typ = widget_type()
    widget = servicer.provider.widget
    widget.behaviour = {
        "create": ValueError("api down"),
        "update": ValueError("no"),
        "delete": OSError("gone"),
    }
    created = apply(servicer, None, {"name": "a", "id": UNKNOWN})
    assert created.new_state.msgpack == b"\xc0"
    assert diagnostics(created) == [("ERROR", "Unexpected error in demo_widget create", [])]
    assert "ValueError: api down" in created.diagnostics[0].detail
    prior = {"name": "a", "id": "w-1"}
    assert (
        decode_msgpack(apply(servicer, prior, {"name": "b", "id": "w-1"}).new_state.msgpack, typ)["name"]
        == "a"
    )
    assert decode_msgpack(apply(servicer, prior, None).new_state.msgpack, typ) == {
        **prior,
        "old": None,
        "port": None,
    }


def test_unknown_left_after_apply_is_an_error_naming_the_attribute(servicer):
    servicer.provider.widget.behaviour = {"create": {"name": "a", "id": UNKNOWN}}
    resp = apply(servicer, None, {"name": "a", "id": UNKNOWN})
    assert diagnostics(resp) == [("ERROR", "Provider left an unknown value after apply", ["id"])]


def test_a_value_of_the_wrong_type_is_an_error_naming_the_attribute(servicer):
    servicer.provider.widget.behaviour = {"create": {"name": 42, "id": "x"}}
    resp = apply(servicer, None, {"name": "a", "id": UNKNOWN})
    assert diagnostics(resp) == [("ERROR", "Provider produced an invalid state after apply", ["name"])]
    assert "expected a string, got int" in resp.diagnostics[0].detail


def test_read_reporting_the_object_gone_returns_null(servicer):
    servicer.provider.widget.behaviour = {"read": None}
    typ = widget_type()
    resp = servicer.ReadResource(
        pb.ReadResource.Request(
            type_name="demo_widget", current_state=dv({"name": "a", "id": "w"}, typ), private=b"p"
        )
    )
    assert resp.new_state.msgpack == b"\xc0" and resp.private == b"p"
    assert not resp.HasField("new_identity")


def test_unknown_resource_type_is_a_diagnostic_not_a_grpc_error(servicer):
    resp = servicer.ReadResource(pb.ReadResource.Request(type_name="demo_nope"))
    [(severity, summary, _)] = diagnostics(resp)
    assert severity == "ERROR" and summary == "Provider error in ReadResource"
    assert "unknown resource type 'demo_nope'" in resp.diagnostics[0].detail


def test_import_by_id_and_by_identity(servicer):
    typ = widget_type()
    by_id = servicer.ImportResourceState(pb.ImportResourceState.Request(type_name="demo_widget", id="w-9"))
    [item] = by_id.imported_resources
    assert decode_msgpack(item.state.msgpack, typ)["id"] == "w-9"
    identity_type = Widget().identity_schema().cty_type
    by_identity = servicer.ImportResourceState(
        pb.ImportResourceState.Request(
            type_name="demo_widget",
            identity=pb.ResourceIdentityData(identity_data=dv({"id": "w-8"}, identity_type)),
        )
    )
    assert decode_msgpack(by_identity.imported_resources[0].state.msgpack, typ)["id"] == "w-8"


def test_resource_without_import_support_says_so():
    class NoImport(Widget):
        import_id_attribute = None

    class P(Demo):
        def resources(self):
            return [NoImport()]

    resp = ProviderServicer(P).ImportResourceState(
        pb.ImportResourceState.Request(type_name="demo_widget", id="x")
    )
    assert list(resp.imported_resources) == []
    assert diagnostics(resp) == [("ERROR", "demo_widget: import is not supported", [])]


def test_upgrade_state_same_version_drops_removed_attributes(servicer):
    raw = pb.RawState(json=b'{"name":"a","id":"w","removed_long_ago":1}')
    resp = servicer.UpgradeResourceState(
        pb.UpgradeResourceState.Request(type_name="demo_widget", version=2, raw_state=raw)
    )
    assert decode_msgpack(resp.upgraded_state.msgpack, widget_type()) == {
        "name": "a",
        "id": "w",
        "old": None,
        "port": None,
    }


def test_upgrade_state_from_an_older_version_calls_the_resource(servicer):
    raw = pb.RawState(json=b'{"title":"t","id":"w"}')
    resp = servicer.UpgradeResourceState(
        pb.UpgradeResourceState.Request(type_name="demo_widget", version=1, raw_state=raw)
    )
    assert decode_msgpack(resp.upgraded_state.msgpack, widget_type())["name"] == "t"


@pytest.mark.parametrize(
    ("version", "raw", "summary"),
    [
        (3, pb.RawState(json=b"{}"), "State written by a newer provider"),
        (2, pb.RawState(flatmap={"name": "a"}), "Unsupported state format"),
    ],
)
def test_upgrade_state_refusals(servicer, version, raw, summary):
    resp = servicer.UpgradeResourceState(
        pb.UpgradeResourceState.Request(type_name="demo_widget", version=version, raw_state=raw)
    )
    assert diagnostics(resp) == [("ERROR", summary, [])]
    assert not resp.HasField("upgraded_state")


def test_upgrade_identity_same_version(servicer):
    resp = servicer.UpgradeResourceIdentity(
        pb.UpgradeResourceIdentity.Request(
            type_name="demo_widget", version=1, raw_identity=pb.RawState(json=b'{"id":"w"}')
        )
    )
    identity_type = Widget().identity_schema().cty_type
    assert decode_msgpack(resp.upgraded_identity.identity_data.msgpack, identity_type) == {"id": "w"}


def test_configure_result_reaches_data_sources_and_their_errors_carry_paths(servicer):
    provider_type = Demo().schema().cty_type
    servicer.ConfigureProvider(pb.ConfigureProvider.Request(config=dv({"prefix": "p"}, provider_type)))
    typ = Lookup().schema().cty_type
    ok = servicer.ReadDataSource(
        pb.ReadDataSource.Request(type_name="demo_lookup", config=dv({"key": "k"}, typ))
    )
    assert decode_msgpack(ok.state.msgpack, typ)["value"] == "p:k"
    missing = servicer.ReadDataSource(
        pb.ReadDataSource.Request(type_name="demo_lookup", config=dv({"key": "missing"}, typ))
    )
    assert diagnostics(missing) == [("ERROR", "Not found", ["key"])]


def test_a_provider_that_fails_to_load_answers_every_rpc_with_the_reason():
    def broken():
        raise ImportError("no module named 'httpx'")

    servicer = ProviderServicer(broken)
    assert servicer.load() is False
    for resp in (
        servicer.GetProviderSchema(pb.GetProviderSchema.Request()),
        servicer.GetMetadata(pb.GetMetadata.Request()),
        servicer.ConfigureProvider(pb.ConfigureProvider.Request()),
    ):
        [diagnostic] = resp.diagnostics
        assert "the provider failed to load (ImportError: no module named 'httpx')" in diagnostic.detail


@pytest.mark.parametrize(
    ("args", "result", "error", "argument"),
    [
        (["-", "a", "b"], "a-b", "", None),
        (["-"], "", "", None),
        (["!", "a"], None, "sep must not be '!'", 0),
        (["boom", "a"], None, "join failed: RuntimeError: kaput", None),
        ([], None, "join takes 1 argument(s), got 0", None),
    ],
)
def test_call_function(servicer, args, result, error, argument):
    request = pb.CallFunction.Request(name="join", arguments=[dv(a, STRING) for a in args])
    resp = servicer.CallFunction(request)
    assert resp.error.text == error
    if argument is not None:
        assert resp.error.function_argument == argument
    if result is not None:
        assert decode_msgpack(resp.result.msgpack, STRING) == result


def test_unknown_function(servicer):
    assert servicer.CallFunction(pb.CallFunction.Request(name="nope")).error.text == "unknown function 'nope'"


def test_bad_msgpack_from_the_wire_is_a_diagnostic(servicer):
    resp = servicer.ValidateResourceConfig(
        pb.ValidateResourceConfig.Request(
            type_name="demo_widget", config=pb.DynamicValue(msgpack=msgpack.packb({"name": 5}))
        )
    )
    [(severity, _, _)] = diagnostics(resp)
    assert severity == "ERROR" and "name: expected a string, got int" in resp.diagnostics[0].detail


def test_list_typed_attribute_paths_use_element_indexes(servicer):
    from platformxe.tfplugin.convert.resources import first_unknown

    assert first_unknown(
        {"a": ["x", UNKNOWN]}, Schema(attributes={"a": Attribute(List(STRING), optional=True)}).cty_type
    ) == (
        "a",
        1,
    )


def test_stop_provider_reaches_the_provider(servicer):
    calls = []
    servicer.provider.stop = lambda: calls.append("stop")
    assert servicer.StopProvider(pb.StopProvider.Request()).Error == ""
    assert calls == ["stop"] and servicer.stop_requested.is_set()
