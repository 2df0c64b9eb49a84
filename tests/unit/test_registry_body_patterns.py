"""Body fields of the bus and the marketplace: the published pattern is the server's check.

For each field the OpenAPI document gives a pattern for, values drawn from that pattern are taken
by the server's own check, and arbitrary text is taken exactly when the pattern matches it.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from platformxe.registry import clock
from platformxe.registry.app import api_routes
from platformxe.registry.bus import signing, urls
from platformxe.registry.openapi import document
from platformxe.rules import marketplace as market_rules

DOC = document(api_routes())
SCHEMAS = DOC["components"]["schemas"]


def _pattern(schema: dict[str, Any]) -> re.Pattern[str]:
    for option in [schema, *schema.get("anyOf", [])]:
        if "pattern" in option:
            return re.compile(option["pattern"])
    raise AssertionError(f"no pattern in {schema}")


def _published(schema: dict[str, Any], value: str) -> bool:
    return re.search(_pattern(schema).pattern.removesuffix("$") + r"\Z", value) is not None


def _url_taken(url: str) -> bool:
    try:
        urls.check_shape(url, allow_private=True)
    except urls.WebhookUrlRefused:
        return False
    return True


URL = SCHEMAS["SubscriptionCreate"]["properties"]["url"]
SECRET = SCHEMAS["SubscriptionCreate"]["properties"]["secret"]
SINCE = SCHEMAS["ReplayRequest"]["properties"]["since"]
TITLE = SCHEMAS["ListingCreate"]["properties"]["title"]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_webhook_urls(data: st.DataObject) -> None:
    inside = data.draw(st.from_regex(_pattern(URL), fullmatch=True))
    if len(inside) <= urls.MAX_URL_LENGTH:
        assert _url_taken(inside), inside
    for text in (
        data.draw(st.text(alphabet="htps:/[]@.:%?#ab01-_~", max_size=40)),
        "https://" + data.draw(st.text(max_size=30)),
    ):
        assert _url_taken(text) == _published(URL, text), text


@settings(max_examples=200, deadline=None)
@given(size=st.integers(0, 80), alphabet=st.sampled_from(["standard", "urlsafe", "unpadded"]))
def test_signing_secrets(size: int, alphabet: str) -> None:
    raw = bytes(range(size))
    text = base64.b64encode(raw).decode() if alphabet != "urlsafe" else base64.urlsafe_b64encode(raw).decode()
    if alphabet == "unpadded":
        text = text.rstrip("=")
    secret = signing.SECRET_PREFIX + text
    assert (signing.secret_key(secret) is not None) == _published(SECRET, secret), secret
    # Taken: exactly the padded standard base64 of 24 to 64 bytes.
    standard = text == base64.b64encode(raw).decode()
    assert (signing.secret_key(secret) is not None) == (standard and 24 <= size <= 64), secret


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_replay_since(data: st.DataObject) -> None:
    inside = data.draw(st.from_regex(_pattern(SINCE), fullmatch=True))
    assert clock.parse_timestamp(inside) is not None, inside
    moment = data.draw(st.datetimes(timezones=st.timezones())).isoformat()
    for text in (
        moment,
        moment.replace("+00:00", "Z"),
        data.draw(st.text(alphabet="0123456789-:TZ.+", max_size=30)),
    ):
        assert (clock.parse_timestamp(text) is not None) == _published(SINCE, text), text


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_listing_titles(data: st.DataObject) -> None:
    for text in (
        data.draw(st.from_regex(_pattern(TITLE), fullmatch=True).filter(lambda t: len(t) <= 100)),
        data.draw(st.text(max_size=12)),
        data.draw(st.text(alphabet=" \t\u3000\u00a0\ufeffa\x7f", max_size=6)),
    ):
        published = _published(TITLE, text) and 1 <= len(text) <= TITLE["maxLength"]
        assert (market_rules.check_listing_text(text, None, None) == []) == published, repr(text)


def test_examples_a_user_would_try() -> None:
    assert _url_taken("https://hooks.example.com/px?x=1") and _url_taken("http://[::1]:8080/hook")
    for bad in ("https://user:pw@example.com/", "https://example.com/#frag", "https://exa mple.com/"):
        assert not _url_taken(bad) and not _published(URL, bad)
    assert clock.parse_timestamp("2026-05-04T10:00:00Z") == "2026-05-04T10:00:00.000000Z"
    assert clock.parse_timestamp("2026-02-29T10:00:00Z") is None  # not a leap year
    assert clock.parse_timestamp("0001-01-01T00:30:00+01:00") == "0001-01-01T00:00:00.000000Z"
    assert market_rules.check_listing_text("   ", None, None) and market_rules.check_listing_text(
        "a\x01", None, None
    )
