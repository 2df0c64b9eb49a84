"""The ``format`` checker used for payload validation (formats are asserted, docs/rules.md).

It starts from jsonschema's 2020-12 checker and replaces the checks for the formats payloads use
most where the stock ones are too lenient for an assertion (measured against the
JSON-Schema-Test-Suite's optional format tests):

- ``date-time`` / ``time``: RFC 3339 ``date-time`` / ``full-time`` exactly — ASCII digits,
  ``T``/``Z`` in either case, a required offset, range checks, and a leap second only at
  23:59:60 UTC; nothing may trail (the stock checker lets a trailing newline through).
- ``uuid``: the 8-4-4-4-12 hexadecimal form of RFC 9562, ASCII only.
- ``hostname``: RFC 1123 labels (letters, digits, hyphens, 1–63 octets, 253 in all, no trailing
  dot); ``xn--`` labels must be valid IDNA A-labels, and other labels may not carry ``--`` in
  positions 3–4 (reserved for such prefixes).
- ``email``: an RFC 5321 mailbox — dot-atom or quoted local part (≤ 64 octets) ``@`` a hostname
  or an address literal (``[192.0.2.1]``, ``[IPv6:...]``); the stock check only looks for ``@``.
- ``idn-hostname``: the stock IDNA check, plus no trailing dot of any script.
- ``regex``: an ECMA-262 regular expression (``u`` mode), read by :mod:`platformxe.rules.ecma`
  (the stock check asks Python's ``re``, which accepts ``(?P<n>…)`` and refuses ``\\p{L}``).

- ``duration`` (RFC 3339 Appendix A), ``json-pointer`` (RFC 6901), ``relative-json-pointer``,
  ``uri-template`` (RFC 6570): grammars written here (no library of the mirror passes the
  suite's optional tests for them).
- ``iri`` / ``iri-reference`` (RFC 3987): every non-ASCII character must be allowed where it
  stands (private-use characters in the query only); the IRI is then mapped to its URI (UTF-8
  percent-encoding) and checked with rfc3986-validator like ``uri`` / ``uri-reference``.

Every other format (date, ipv4, ipv6, uri, uri-reference, idn-email) uses the stock checker, so
every 2020-12 format is asserted, by the validator and by the compatibility checker alike; an
unknown format name constrains nothing.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from typing import Any

from platformxe.rules.ecma import is_valid

__all__ = [
    "ACCEPTED",
    "format_checker",
    "is_date_time",
    "is_email",
    "is_hostname",
    "is_idn_email",
    "is_regex",
    "is_time",
    "is_uri",
    "is_uuid",
]


class _Deferred:
    """A regular expression compiled at its first use. The character classes spanning most of
    Unicode below (IDN e-mail, IRI, URI template) take ≈ 25 ms to compile, and most processes
    that load the rules — the provider's among them — never check one of those formats."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def _pattern(self) -> re.Pattern[str]:
        if self._compiled is None:  # two threads may both compile: the same pattern either way
            self._compiled = re.compile(*self._args)
        return self._compiled

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self._pattern().fullmatch(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self._pattern().match(text)


_TIME = r"(\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})"
_TIME_RE = re.compile(_TIME, re.ASCII)
_DATE_TIME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt]" + _TIME, re.ASCII)
_UUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", re.ASCII
)
_LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?", re.ASCII)
_DOT_ATOM_RE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*", re.ASCII)
_QUOTED_RE = re.compile(r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"', re.ASCII)
_UTF8_NON_ASCII = "\u0080-\ud7ff\ue000-\U0010ffff"
_IDN_DOT_ATOM_RE = _Deferred(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~" + _UTF8_NON_ASCII + r"-]+"
    r"(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~" + _UTF8_NON_ASCII + r"-]+)*"
)
_IDN_QUOTED_RE = _Deferred(r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e' + _UTF8_NON_ASCII + r']|\\[\x20-\x7e])*"')
_IDN_DOTS = (".", "\u3002", "\uff0e", "\uff61")


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _time_ok(hour: str, minute: str, second: str, offset: str) -> bool:
    h, m, s = int(hour), int(minute), int(second)
    if h > 23 or m > 59 or s > 60:
        return False
    offset_minutes = 0
    if offset not in ("Z", "z"):
        oh, om = int(offset[1:3]), int(offset[4:6])
        if oh > 23 or om > 59:
            return False
        offset_minutes = (oh * 60 + om) * (1 if offset[0] == "+" else -1)
    if s == 60:
        # A leap second is inserted at the end of a UTC day: 23:59:60 once the offset is removed.
        utc = (h * 60 + m - offset_minutes) % (24 * 60)
        return utc == 23 * 60 + 59
    return True


def is_date_time(instance: object) -> bool:
    """RFC 3339 ``date-time`` (non-strings pass: ``format`` only constrains strings)."""
    if not isinstance(instance, str):
        return True
    match = _DATE_TIME_RE.fullmatch(instance)
    if match is None:
        return False
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    if not 1 <= month <= 12 or not 1 <= day <= _days_in_month(year, month):
        return False
    return _time_ok(match[4], match[5], match[6], match[8])


def is_time(instance: object) -> bool:
    """RFC 3339 ``full-time`` (a time with a required offset)."""
    if not isinstance(instance, str):
        return True
    match = _TIME_RE.fullmatch(instance)
    return match is not None and _time_ok(match[1], match[2], match[3], match[5])


def is_uuid(instance: object) -> bool:
    """The 8-4-4-4-12 hexadecimal UUID form."""
    return not isinstance(instance, str) or _UUID_RE.fullmatch(instance) is not None


def _label_ok(label: str) -> bool:
    if _LABEL_RE.fullmatch(label) is None:
        return False
    if label[2:4] != "--":
        return True
    if label[:4].lower() != "xn--":
        return False  # "ab--" prefixes are reserved for IDNA-style encodings
    # deferred: idna's tables (~2-6 ms, bench/deferred_imports.py); the provider imports this
    # module at start, and only xn-- labels need them
    import idna

    try:
        idna.decode(label)
    except (idna.IDNAError, UnicodeError):
        return False
    return True


def is_hostname(instance: object) -> bool:
    """An RFC 1123 host name whose ``xn--`` labels are valid IDNA A-labels."""
    if not isinstance(instance, str):
        return True
    if not instance or len(instance) > 253:
        return False
    return all(_label_ok(label) for label in instance.split("."))


def _address_literal_ok(literal: str) -> bool:
    inner = literal[1:-1]
    try:
        if inner[:5].lower() == "ipv6:":
            ipaddress.IPv6Address(inner[5:])
        else:
            ipaddress.IPv4Address(inner)
    except ValueError:
        return False
    return True


def is_email(instance: object) -> bool:
    """An RFC 5321 mailbox: ``local@domain`` with a dot-atom or quoted local part."""
    if not isinstance(instance, str):
        return True
    local, at, domain = instance.rpartition("@")
    if not at or not local or not domain:
        return False
    # the grammar first: it admits no lone surrogate, so the local part then encodes as UTF-8
    if _DOT_ATOM_RE.fullmatch(local) is None and _QUOTED_RE.fullmatch(local) is None:
        return False
    if len(local.encode("utf-8")) > 64:
        return False
    if domain.startswith("[") and domain.endswith("]"):
        return _address_literal_ok(domain)
    return is_hostname(domain)


def _idn_hostname_ok(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if instance.endswith(_IDN_DOTS):
        return False
    import idna  # deferred: see _label_ok

    try:
        idna.encode(instance)
    except (idna.IDNAError, UnicodeError):
        return False
    return True


def is_idn_email(instance: object) -> bool:
    """An RFC 6531 mailbox: :func:`is_email`'s grammar where the local part may also carry
    non-ASCII characters (UTF-8, ≤ 64 octets) and the domain may be an internationalised host
    name (compared after NFC normalisation). Every ``email`` is therefore an ``idn-email`` (the checker relies on it)."""
    if not isinstance(instance, str):
        return True
    local, at, domain = instance.rpartition("@")
    if not at or not local or not domain:
        return False
    # the grammar first: it admits no lone surrogate, so the local part then encodes as UTF-8
    if _IDN_DOT_ATOM_RE.fullmatch(local) is None and _IDN_QUOTED_RE.fullmatch(local) is None:
        return False
    if len(local.encode("utf-8")) > 64:
        return False
    if domain.startswith("[") and domain.endswith("]"):
        return _address_literal_ok(domain)
    # RFC 6531 leaves normalisation to the receiving side: a domain not in NFC is still an address
    return is_hostname(domain) or _idn_hostname_ok(unicodedata.normalize("NFC", domain))


def is_regex(instance: object) -> bool:
    """An ECMA-262 regular expression, as JSON Schema means ``pattern``."""
    if not isinstance(instance, str):
        return True
    return is_valid(instance)


_DURATION_TIME = r"T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S)"
_DURATION_RE = re.compile(
    r"P(?:(?:[0-9]+D|[0-9]+M(?:[0-9]+D)?|[0-9]+Y(?:[0-9]+M(?:[0-9]+D)?)?)(?:" + _DURATION_TIME + r")?"
    r"|" + _DURATION_TIME + r"|[0-9]+W)"
)
_JSON_POINTER_RE = re.compile(r"(?:/(?:[^~/]|~[01])*)*", re.DOTALL)
_RELATIVE_POINTER_RE = re.compile(r"(?:0|[1-9][0-9]*)(?:#|(?:/(?:[^~/]|~[01])*)*)", re.DOTALL)
_UCS = (
    r"\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd"
    r"\U00030000-\U0003fffd\U00040000-\U0004fffd\U00050000-\U0005fffd\U00060000-\U0006fffd"
    r"\U00070000-\U0007fffd\U00080000-\U0008fffd\U00090000-\U0009fffd\U000a0000-\U000afffd"
    r"\U000b0000-\U000bfffd\U000c0000-\U000cfffd\U000d0000-\U000dfffd\U000e1000-\U000efffd"
)
_PRIVATE = r"\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_PCT = r"%[0-9A-Fa-f]{2}"
_VARCHAR = r"(?:[A-Za-z0-9_]|" + _PCT + r")"
_VARSPEC = _VARCHAR + r"(?:\.?" + _VARCHAR + r")*(?::[1-9][0-9]{0,3}|\*)?"
_URI_TEMPLATE_RE = _Deferred(
    r"(?:[\x21\x23\x24\x26-\x3b\x3d\x3f-\x5b\x5d\x5f\x61-\x7a\x7e" + _UCS + _PRIVATE + r"]|" + _PCT
    + r"|\{[+#./;?&]?" + _VARSPEC + r"(?:," + _VARSPEC + r")*\})*"
)  # fmt: skip
_UCS_RE = _Deferred("[" + _UCS + "]")
_IPVFUTURE_RE = re.compile(r"(//[^/?#\[]*\[)V")
_IP_LITERAL_RE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:)?//(?:[^/?#@\[]*@)?\[([^\]/?#]*)\]")
_PRIVATE_RE = _Deferred("[" + _PRIVATE + "]")


def is_duration(instance: object) -> bool:
    """An RFC 3339 (Appendix A) ``duration``: ``P1Y2M3DT4H5M6S``, ``P2W``, ASCII digits only."""
    return not isinstance(instance, str) or _DURATION_RE.fullmatch(instance) is not None


def is_json_pointer(instance: object) -> bool:
    """An RFC 6901 JSON Pointer: empty, or ``/``-separated tokens where ``~`` is ``~0`` or ``~1``."""
    return not isinstance(instance, str) or _JSON_POINTER_RE.fullmatch(instance) is not None


def is_relative_json_pointer(instance: object) -> bool:
    """A Relative JSON Pointer: a non-negative integer (no leading zero), then ``#`` or a pointer."""
    return not isinstance(instance, str) or _RELATIVE_POINTER_RE.fullmatch(instance) is not None


def is_uri_template(instance: object) -> bool:
    """An RFC 6570 URI Template (level 4): literals and ``{op var:N,var*}`` expressions."""
    return not isinstance(instance, str) or _URI_TEMPLATE_RE.fullmatch(instance) is not None


def _iri_as_uri(text: str) -> str | None:
    """The URI an IRI maps to (RFC 3987 §3.1: non-ASCII characters percent-encoded as UTF-8), or
    None when a non-ASCII character is not allowed where it stands (private use: query only)."""
    query_start = text.find("?")
    fragment_start = text.find("#")
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append(ch)
            continue
        in_query = query_start != -1 and i > query_start and (fragment_start == -1 or i < fragment_start)
        if not (_UCS_RE.match(ch) or (in_query and _PRIVATE_RE.match(ch))):
            return None
        out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
    return "".join(out)


def _rfc3986_check(reference: bool, international: bool) -> Any:
    """``uri`` / ``uri-reference`` (ASCII only) or ``iri`` / ``iri-reference`` (non-ASCII mapped
    first): one pipeline, so a URI is an IRI and a URI-reference an IRI-reference by construction
    (the compatibility checker relies on it, ``compat/scalars.FORMAT_IMPLIES``)."""

    def check(instance: object) -> bool:
        if not isinstance(instance, str):
            return True
        if any(ord(c) <= 0x20 or c == "\x7f" for c in instance):
            return False  # no controls or spaces (the validator's "$" would pass a final newline)
        if international:
            uri = _iri_as_uri(instance)
            if uri is None:
                return False
        elif not instance.isascii():
            return False
        else:
            uri = instance
        # The "v" of an IPvFuture literal is case-insensitive (RFC 3986 §3.2.2); the validator's
        # grammar only knows the lowercase one.
        uri = _IPVFUTURE_RE.sub(r"\1v", uri)
        # deferred: the provider imports this module at start, and only URI formats need the
        # validator's grammar (compiled on import)
        from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped]

        if not validate_rfc3986(uri, rule="URI_reference" if reference else "URI"):
            return False
        # The validator's IPv6 grammar lets an embedded IPv4 part carry leading zeros
        # ("[::ffff:192.168.0.01]"); Python's own parser does not.
        literal = _IP_LITERAL_RE.match(uri)
        if literal is not None and literal[1][:1] not in ("v", "V"):
            try:
                ipaddress.IPv6Address(literal[1])
            except ValueError:
                return False
        return True

    return check


is_uri = _rfc3986_check(reference=False, international=False)
is_uri_reference = _rfc3986_check(reference=True, international=False)
is_iri = _rfc3986_check(reference=False, international=True)
is_iri_reference = _rfc3986_check(reference=True, international=True)

#: What each asserted format accepts, for error messages (an example of a valid value).
ACCEPTED: dict[str, str] = {
    "date-time": 'an RFC 3339 date-time such as "2026-05-04T10:00:00Z"',
    "date": 'an RFC 3339 full-date such as "2026-05-04"',
    "time": 'an RFC 3339 full-time with an offset such as "10:00:00Z"',
    "duration": 'an RFC 3339 duration such as "PT30S" or "P1DT2H"',
    "email": 'an e-mail address such as "user@example.com"',
    "idn-email": 'an e-mail address, non-ASCII allowed, such as "δοκιμή@example.com"',
    "hostname": 'a host name such as "api.example.com"',
    "idn-hostname": 'a host name, non-ASCII allowed, such as "例子.测试"',
    "ipv4": 'a dotted-quad IPv4 address such as "192.0.2.1"',
    "ipv6": 'an IPv6 address such as "2001:db8::1"',
    "uri": 'an absolute URI such as "https://example.com/a"',
    "uri-reference": 'a URI or relative reference such as "/a?b=c"',
    "iri": 'an absolute IRI such as "https://例子.测试/a"',
    "iri-reference": 'an IRI or relative reference such as "/路径"',
    "uuid": 'a hyphenated UUID such as "123e4567-e89b-12d3-a456-426614174000"',
    "uri-template": 'an RFC 6570 URI template such as "/jobs/{id}{?page}"',
    "json-pointer": 'an RFC 6901 JSON pointer such as "/items/0"',
    "relative-json-pointer": 'a relative JSON pointer such as "1/name" or "0#"',
    "regex": 'an ECMA-262 regular expression such as "^[a-z]+$"',
}

_checker: Any = None


def format_checker() -> Any:
    """The shared ``jsonschema.FormatChecker`` asserting formats as described above."""
    global _checker
    if _checker is None:
        # deferred: jsonschema ~140 ms (bench/deferred_imports.py), paid only when a payload or
        # format is first checked, not by every module that imports this one
        from jsonschema import Draft202012Validator, FormatChecker

        checker = FormatChecker(formats=())
        checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
        for name, func in (
            ("date-time", is_date_time),
            ("time", is_time),
            ("uuid", is_uuid),
            ("hostname", is_hostname),
            ("email", is_email),
            ("idn-hostname", _idn_hostname_ok),
            ("regex", is_regex),
            ("duration", is_duration),
            ("json-pointer", is_json_pointer),
            ("relative-json-pointer", is_relative_json_pointer),
            ("uri-template", is_uri_template),
            ("uri", is_uri),
            ("uri-reference", is_uri_reference),
            ("idn-email", is_idn_email),
            ("iri", is_iri),
            ("iri-reference", is_iri_reference),
        ):
            checker.checkers[name] = (func, ())
        _checker = checker
    return _checker
