"""Resource ids and import ids of platformxe_custom_event."""

from __future__ import annotations

import pytest

from platformxe.terraform.custom_event.import_id import ImportId, parse_import_id, resource_id


def test_resource_id_uses_a_slash_because_names_contain_dots() -> None:
    assert resource_id("lettings", "property.favorited", "1.0.0") == "lettings/property.favorited@1.0.0"


def test_parse_id_form() -> None:
    assert parse_import_id("lettings/property.favorited@1.0.0") == ImportId(
        "lettings", "property.favorited", "1.0.0"
    )
    assert parse_import_id("  acme/order.created@2.10.3 ") == ImportId("acme", "order.created", "2.10.3")


def test_parse_canonical_name_namespace_is_before_the_first_dot() -> None:
    parsed = parse_import_id("TENANT_CUSTOM:org_x:lettings.property.favorited@1.0.0")
    assert parsed == ImportId("lettings", "property.favorited", "1.0.0", "org_x")


def test_round_trip_of_resource_id() -> None:
    text = resource_id("a-b", "c.d.e", "3.2.1")
    parsed = parse_import_id(text)
    assert resource_id(parsed.namespace, parsed.name, parsed.version) == text


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("lettings.property.favorited@1.0.0", "no '/'"),
        ("lettings/property.favorited", "no version"),
        ("lettings/property.favorited@", "no version"),
        ("/x@1.0.0", "no '/'"),
        ("TENANT_CUSTOM:org_x", "no organisation id"),
        ("TENANT_CUSTOM::lettings.x@1.0.0", "no organisation id"),
        ("TENANT_CUSTOM:org_x:lettings@1.0.0", "before the first dot"),
        ("TENANT_CUSTOM:org_x:lettings.x", "no version"),
    ],
)
def test_bad_import_ids_name_both_accepted_forms(text: str, says: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_import_id(text)
    message = str(caught.value)
    assert says in message
    assert "lettings/property.favorited@1.0.0" in message
    assert "TENANT_CUSTOM:" in message
