"""The SDK's exception tree: one class per error code, grouped by status, readable messages."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from platformxe.client import Client, errors
from platformxe.rules.codes import HTTP_STATUS, Code

SEED_CLASSES = {
    "invalid_namespace": "InvalidNamespace",
    "reserved_namespace": "ReservedNamespace",
    "namespace_not_allowed": "NamespaceNotAllowed",
    "invalid_name": "InvalidName",
    "invalid_version_format": "InvalidVersionFormat",
    "cannot_register_generic_event": "CannotRegisterGenericEvent",
    "version_already_exists": "VersionAlreadyExists",
    "version_downgrade": "VersionDowngrade",
    "version_invalid_jump": "VersionInvalidJump",
    "patch_must_be_byte_equal": "PatchMustBeByteEqual",
    "minor_must_be_backwards_compatible": "MinorMustBeBackwardsCompatible",
    "schema_too_deep": "SchemaTooDeep",
    "schema_too_wide": "SchemaTooWide",
    "invalid_json_schema": "InvalidJsonSchema",
    "payload_example_does_not_match_schema": "PayloadExampleDoesNotMatchSchema",
    "registration_quota_exceeded": "RegistrationQuotaExceeded",
    "event_not_registered": "EventNotRegistered",
    "event_not_published": "EventNotPublished",
    "payload_invalid": "PayloadInvalid",
    "payload_too_large": "PayloadTooLarge",
    "chain_depth_exceeded": "ChainDepthExceeded",
    "monthly_emit_quota_exceeded": "MonthlyEmitQuotaExceeded",
    "bus_relay_failed": "BusRelayFailed",
    "cannot_archive_generic_event": "CannotArchiveGenericEvent",
    "invalid_status_transition": "InvalidStatusTransition",
    "unauthenticated": "Unauthenticated",
    "invalid_request": "InvalidRequest",
    "invalid_webhook_url": "InvalidWebhookUrl",
    "subscription_quota_exceeded": "SubscriptionQuotaExceeded",
    "plan_upgrade_required": "PlanUpgradeRequired",
    "listing_already_exists": "ListingAlreadyExists",
    "federation_conflict": "FederationConflict",
    "not_found": "NotFound",
}

GROUP_OF_STATUS = {
    400: errors.BadRequestError,
    401: errors.Unauthenticated,
    402: errors.QuotaError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    409: errors.ConflictError,
    413: errors.PayloadTooLarge,
    422: errors.UnprocessableError,
    502: errors.ServerError,
}


def _body(code: str, message: str = "m", **details: object) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "details": details}}


@pytest.mark.parametrize("code", [str(c) for c in Code])
def test_every_code_of_the_shared_enum_has_its_own_hand_written_class(code: str) -> None:
    cls = errors.error_class_for(HTTP_STATUS[Code(code)], code)
    assert cls.__name__ == SEED_CLASSES[code]
    assert cls.code_value == code
    assert errors.GENERATED_CODES == []
    # The class sits under the group of the status the registry answers with.
    assert issubclass(cls, GROUP_OF_STATUS[HTTP_STATUS[Code(code)]])
    assert getattr(errors, cls.__name__) is cls
    assert cls.__name__ in errors.__all__


def test_the_seed_table_codes_are_all_covered(seed_code_table: list[tuple[str, int]]) -> None:
    flat = [code for code, _ in seed_code_table]
    assert len(flat) == 24
    for code in flat:
        assert errors.error_class_for(400, code).__name__ == SEED_CLASSES[code]


def test_the_tree_is_drawn_once_in_the_module_docstring_with_every_class() -> None:
    doc = errors.__doc__ or ""
    for name in errors.__all__:
        if name[0].isupper():
            assert re.search(rf"\b{name}\b", doc), f"{name} missing from the drawn tree"


def test_groups_let_callers_catch_families() -> None:
    assert issubclass(errors.VersionAlreadyExists, errors.SemverError)
    assert issubclass(errors.SemverError, errors.ValidationError)
    assert issubclass(errors.PayloadInvalid, errors.ValidationError)
    assert issubclass(errors.InvalidNamespace, errors.NamingError)
    assert issubclass(errors.SchemaTooDeep, errors.SchemaError)
    assert not issubclass(errors.InvalidRequest, errors.ValidationError)
    assert issubclass(errors.MonthlyEmitQuotaExceeded, errors.QuotaError)
    assert issubclass(errors.EventNotRegistered, errors.NotFoundError)
    assert issubclass(errors.BusRelayFailed, errors.ServerError)
    assert issubclass(errors.RequestTimeout, TimeoutError)
    assert issubclass(errors.RequestTimeout, errors.TransportError)
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type):
            assert issubclass(obj, errors.PlatformXeError)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, errors.BadRequestError),
        (401, errors.Unauthenticated),
        (402, errors.QuotaError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (429, errors.RateLimited),
        (500, errors.ServerError),
        (503, errors.ServerError),
        (418, errors.ApiError),
    ],
)
def test_an_unknown_code_falls_back_to_the_group_of_its_status(status: int, expected: type) -> None:
    exc = errors.error_from_response(status, _body("brand_new_code"))
    assert type(exc) is expected
    assert exc.code == "brand_new_code"
    assert exc.status == status


def test_message_names_code_message_and_the_first_error_paths() -> None:
    problems = [
        {
            "code": "payload_invalid",
            "message": "x",
            "path": f"payload/f{i}",
            "field": "payload",
            "pointer": f"/f{i}",
        }
        for i in range(5)
    ]
    exc = errors.error_from_response(
        400,
        _body("payload_invalid", "the payload does not match lettings.a@1.0.0", errors=problems),
        request_id="req-1",
        method="POST",
        path="/v1/events/custom/emit",
    )
    assert isinstance(exc, errors.PayloadInvalid)
    text = str(exc)
    assert text.startswith("payload_invalid: the payload does not match lettings.a@1.0.0")
    assert "payload/f0, payload/f1, payload/f2 and 2 more" in text
    assert "HTTP 400" in text and "req-1" in text
    assert [e["pointer"] for e in exc.errors] == ["/f0", "/f1", "/f2", "/f3", "/f4"]
    assert exc.method == "POST" and exc.path == "/v1/events/custom/emit"


def test_an_answer_without_the_api_error_body_is_still_a_clear_error() -> None:
    exc = errors.error_from_response(
        502, None, text="<html><h1>Bad gateway</h1></html>", method="GET", path="/x"
    )
    assert type(exc) is errors.ServerError
    assert exc.code is None
    assert "HTTP 502" in str(exc) and "Bad gateway" in str(exc)
    odd = errors.error_from_response(418, {"unexpected": True}, method="GET", path="/x")
    assert type(odd) is errors.UnexpectedResponse


def _client(handler: object, **kwargs: object) -> Client:
    return Client(
        "http://registry.test",
        "pxe_secret_key",
        transport=httpx.MockTransport(handler),  # type: ignore[arg-type]
        sleep=lambda _s: None,
        **kwargs,  # type: ignore[arg-type]
    )


def test_api_errors_raised_by_the_client_carry_status_code_details() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400,
            json=_body("version_already_exists", "1.0.0 exists", schemaHash="ab" * 32, sameSchema=False),
            headers={"X-Request-Id": "r-9"},
        )

    with _client(handler) as client, pytest.raises(errors.VersionAlreadyExists) as info:
        client.events.custom.register(namespace="acme", name="a.b", version="1.0.0", payload_schema={})
    assert info.value.status == 400
    assert info.value.details["schemaHash"] == "ab" * 32
    assert info.value.request_id == "r-9"
    assert info.value.attempts == 1


def test_connection_refused_becomes_connect_error_chained_to_httpx() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with _client(handler, max_retries=1) as client, pytest.raises(errors.ConnectError) as info:
        client.events.custom.health()
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert "http://registry.test/v1/events/custom/health" in str(info.value)
    assert "after 2 attempts" in str(info.value)
    assert "pxe_secret_key" not in str(info.value)


def test_timeouts_become_request_timeout_which_is_a_timeout_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with _client(handler, max_retries=0) as client, pytest.raises(TimeoutError) as info:
        client.events.custom.health()
    assert isinstance(info.value, errors.RequestTimeout)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


def test_a_success_body_that_is_not_json_is_unexpected_response() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>captive portal</html>")

    with _client(handler) as client, pytest.raises(errors.UnexpectedResponse, match="not JSON"):
        client.events.custom.health()


def test_api_errors_survive_pickling_for_multiprocessing() -> None:
    import pickle

    exc = errors.error_from_response(
        404,
        _body("event_not_registered", "no such event", field="name"),
        method="GET",
        path="/v1/x",
        attempts=2,
    )
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is errors.EventNotRegistered
    assert (back.status, back.code, back.details, back.attempts, str(back)) == (
        404,
        "event_not_registered",
        {"field": "name"},
        2,
        str(exc),
    )


def test_docs_sdk_md_shows_the_same_tree_as_the_module_docstring() -> None:
    doc = errors.__doc__ or ""
    tree = doc[doc.index("    PlatformXeError\n") : doc.index("\nAn answer")].rstrip("\n")
    unindented = "\n".join(line[4:] for line in tree.splitlines())
    assert unindented in (Path(__file__).resolve().parents[2] / "docs" / "sdk.md").read_text(encoding="utf-8")
