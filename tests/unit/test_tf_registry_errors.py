"""SDK exceptions become diagnostics a Terraform user can act on (never a traceback)."""

from __future__ import annotations

import pytest

from platformxe.client import errors as sdk
from platformxe.terraform.diagnostics import diagnostics_for, registry_call
from platformxe.tfplugin.diagnostics import DiagnosticError, Severity


def test_timeout_names_the_setting_to_raise() -> None:
    [only] = diagnostics_for(
        sdk.RequestTimeout("read timed out after 30s"), "reading a.b 1.0.0", "http://r:1"
    )
    assert only.severity is Severity.ERROR
    assert (
        only.summary == "The PlatformXe registry at http://r:1 did not answer in time while reading a.b 1.0.0"
    )
    assert "request_timeout" in only.detail


def test_timeout_names_only_the_provider_setting_not_the_sdk_argument() -> None:
    exc = sdk.RequestTimeout(
        "GET http://r:1/x timed out after 4 attempts (ReadTimeout)", advice="raise timeout= if slow"
    )
    [only] = diagnostics_for(exc, "reading a.b 1.0.0", "http://r:1")
    assert "timeout=" not in only.detail
    assert "timed out after 4 attempts (ReadTimeout)" in only.detail
    assert "Raise request_timeout in the provider block" in only.detail


def test_rate_limited_says_how_many_times_it_was_retried() -> None:
    exc = sdk.RateLimited("slow down", status=429, code="rate_limited", attempts=4)
    [only] = diagnostics_for(exc, "registering a.b 1.0.0", "http://r:1")
    assert "too many requests" in only.summary
    assert "retried 3 times" in only.detail
    assert "max_retries" in only.detail


def test_connection_failure_names_the_endpoint_setting() -> None:
    [only] = diagnostics_for(sdk.ConnectError("connection refused?"), "checking the API key", "http://r:1")
    assert only.summary.startswith("Cannot reach the PlatformXe registry at http://r:1")
    assert only.detail == (
        "connection refused. Check the provider's endpoint (or PLATFORMXE_ENDPOINT) and that the registry is running."
    )


def test_refused_key_has_the_code_and_no_attribute_path() -> None:
    exc = sdk.Unauthenticated("the API key is not valid.", status=401, code="unauthenticated")
    [only] = diagnostics_for(exc, "checking the API key")
    assert only.code == "unauthenticated"
    assert only.path == ()  # Terraform would otherwise print the configuration line holding the key


def test_every_broken_rule_of_an_answer_is_its_own_error_on_its_attribute() -> None:
    exc = sdk.InvalidNamespace(
        "several rules",
        status=400,
        code="invalid_namespace",
        details={
            "errors": [
                {
                    "code": "invalid_namespace",
                    "message": "bad namespace",
                    "field": "namespace",
                    "pointer": "",
                },
                {
                    "code": "schema_too_deep",
                    "message": "too deep",
                    "field": "payloadSchema",
                    "pointer": "/properties/a",
                },
            ]
        },
    )
    found = diagnostics_for(exc, "registering x")
    assert [(d.path, d.shown_summary) for d in found] == [
        (("namespace",), "Invalid namespace (invalid_namespace)"),
        (("payload_schema",), "Schema too deep (schema_too_deep)"),
    ]
    assert "At JSON pointer /properties/a inside payload_schema." in found[1].detail
    with pytest.raises(DiagnosticError) as raised, registry_call("registering x"):
        raise exc
    # All of them reach Terraform, in order, through the one raised error.
    assert list(raised.value.diagnostics) == found


def test_an_error_without_rule_list_keeps_the_code_and_the_field() -> None:
    exc = sdk.InvalidRequest(
        "status must be a string", status=400, code="invalid_request", details={"field": "status"}
    )
    [only] = diagnostics_for(exc, "updating a.b 1.0.0")
    assert (only.summary, only.code) == (
        "The PlatformXe registry refused updating a.b 1.0.0",
        "invalid_request",
    )
    assert only.path == ("status",)


def test_anything_else_is_not_swallowed() -> None:
    with pytest.raises(KeyError):
        diagnostics_for(KeyError("bug"), "x")


def test_a_refused_key_reads_as_one_piece_of_advice() -> None:
    exc = sdk.Unauthenticated("The API key is not valid.", status=401, code="unauthenticated")
    [only] = diagnostics_for(exc, "checking the API key")
    assert only.detail == (
        "The API key is not valid. Check api_key in the provider block or the PLATFORMXE_API_KEY environment variable."
    )
    [later] = diagnostics_for(exc, "registering a.b 1.0.0")
    assert later.detail.endswith("(the key was refused while registering a.b 1.0.0).")


def test_the_connect_advice_is_given_once() -> None:
    exc = sdk.ConnectError(
        "cannot connect to http://r:1/v1/x: [Errno 111] Connection refused",
        advice="check that the registry is running and that the endpoint is right",
    )
    assert "check that the registry is running" in str(exc)  # an SDK user gets the SDK's advice
    [only] = diagnostics_for(exc, "checking the API key", "http://r:1")
    assert only.detail.count("registry is running") == 1
    assert "?" not in only.detail
