"""Cursors: one opaque cursor for subscriptions and listings; every cursor's empty value is the first page."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platformxe.registry import cursors, parameters
from platformxe.registry.errors import ApiError


@settings(max_examples=300, deadline=None)
@given(
    when=st.datetimes(min_value=__import__("datetime").datetime(1970, 1, 1)),
    raw_id=st.binary(min_size=12, max_size=12),
    prefix=st.sampled_from(["sub_", "lst_"]),
)
def test_an_opaque_cursor_gives_back_the_position_it_was_made_from(when, raw_id, prefix) -> None:
    created = when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    item_id = prefix + raw_id.hex()
    cursor = cursors.encode_opaque_cursor(created, item_id)
    assert parameters.OPAQUE_CURSOR.accepts(cursor)
    assert cursors.decode_opaque_cursor(cursor, prefix) == (created, item_id)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(f"^{parameters.OPAQUE_CURSOR_CORE}$", fullmatch=True))
def test_every_cursor_of_the_published_shape_is_a_position(text: str) -> None:
    position = cursors.decode_opaque_cursor(text, "sub_")
    assert position is not None
    created, item_id = position
    assert len(created) == len("2026-05-04T10:00:00.000000Z") and created.endswith("Z")
    assert parameters.SUBSCRIPTION_ID.accepts(item_id)


@pytest.mark.parametrize(
    "bad", ["nope", "A" * 26, "A" * 28, "B" * 27, "+" * 27, "AAAAAAAAAAAAAAAAAAAAAAAAAA="]
)
def test_other_text_is_a_400_naming_the_cursor(bad: str) -> None:
    with pytest.raises(ApiError) as caught:
        cursors.decode_opaque_cursor(bad, "lst_")
    assert caught.value.status == 400 and caught.value.details["field"] == "cursor"
    assert "nextCursor" in caught.value.details["accepted"]


def test_an_empty_cursor_is_the_first_page_everywhere() -> None:
    assert cursors.decode_opaque_cursor("", "sub_") is None
    assert cursors.decode_registration_cursor("") is None
    assert cursors.decode_lifecycle_cursor("") == 0
    assert cursors.decode_lifecycle_cursor("", "since") == 0
    for param in (
        parameters.OPAQUE_CURSOR,
        parameters.REGISTRATION_CURSOR,
        parameters.LIFECYCLE_CURSOR,
        parameters.LIFECYCLE_SINCE,
    ):
        assert param.accepts("") and "empty" in param.accepted


def test_a_lifecycle_since_is_named_as_since() -> None:
    with pytest.raises(ApiError) as caught:
        cursors.decode_lifecycle_cursor("x", "since")
    assert caught.value.details["field"] == "since"
