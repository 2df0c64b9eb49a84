"""The parameter table: what the server accepts is exactly what the published pattern accepts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platformxe.registry import parameters
from platformxe.registry.errors import ApiError
from platformxe.rules.semver import MAX_VERSION_PART, parse_version

STRING_PARAMS = [
    p
    for p in (
        parameters.PATH_NAMESPACE,
        parameters.PATH_NAME,
        parameters.PATH_VERSION,
        parameters.REGISTRATION_CURSOR,
        parameters.LIFECYCLE_CURSOR,
        parameters.LIFECYCLE_SINCE,
        parameters.OPAQUE_CURSOR,
        parameters.SUBSCRIPTION_ID,
        parameters.LISTING_ID,
        parameters.EVENT_ID,
        parameters.BROWSE_Q,
        parameters.BROWSE_NAMESPACE,
        parameters.BROWSE_TAG,
        parameters.GROUP_ID,
        parameters.INVITATION_ID,
        parameters.PUSH_ID,
        parameters.HTTPS_PEER_ID,
    )
]


def _published(param: parameters.Param, value: str) -> bool:
    """The published schema's verdict (ECMA ``$`` is the end of input: no trailing-newline match)."""
    schema = param.schema()
    if not re.search(schema["pattern"].removesuffix("$") + r"\Z", value):
        return False
    return schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", len(value))


@pytest.mark.parametrize("param", STRING_PARAMS, ids=lambda p: f"{p.location}-{p.name}")
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_the_check_and_the_published_pattern_agree(param: parameters.Param, data: st.DataObject) -> None:
    inside = data.draw(st.from_regex(param.schema()["pattern"], fullmatch=True))
    anything = data.draw(st.text(max_size=40))
    for value in (inside, anything, inside + "\n", "\x00" + inside):
        assert param.accepts(value) == _published(param, value), repr(value)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=MAX_VERSION_PART * 3))
def test_the_version_pattern_bounds_numbers_like_the_rules_engine(number: int) -> None:
    version = f"1.{number}.0"
    try:
        parse_version(version)
        stored = True
    except ValueError:
        stored = False
    assert parameters.PATH_VERSION.accepts(version) == stored


@pytest.mark.parametrize("maximum", [0, 7, 9, 10, 99, 100, 255, 1000, 2**31 - 1])
def test_number_at_most_is_exact(maximum: int) -> None:
    regex = re.compile(parameters.number_at_most(maximum))
    for n in range(0, min(maximum, 3000) + 2):
        assert bool(regex.fullmatch(str(n))) == (n <= maximum), n
    assert regex.fullmatch(str(maximum)) and not regex.fullmatch(str(maximum + 1))
    assert not regex.fullmatch("0" + str(max(maximum, 1)))  # no leading zeros


def test_a_refused_parameter_names_itself_its_code_and_what_is_accepted() -> None:
    with pytest.raises(ApiError) as caught:
        parameters.PATH_VERSION.check("1.0")
    error = caught.value
    assert (error.status, error.code, error.details["field"]) == (400, "invalid_version_format", "version")
    assert "MAJOR.MINOR.PATCH" in error.message and "latest" in error.details["accepted"]
    with pytest.raises(ApiError) as caught:
        parameters.LIMIT.check("501")
    assert (caught.value.code, caught.value.details["field"]) == ("invalid_request", "limit")
