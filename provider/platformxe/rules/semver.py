"""Strict ``MAJOR.MINOR.PATCH`` versions and the single-step bump rule.

Versions carry no prerelease and no build metadata (docs/rules.md). Leading zeros are refused as semver.org
does (``01.0.0`` is not a version), so every version has exactly one spelling and string
equality is version equality.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from platformxe.rules.codes import Code
from platformxe.rules.types import Problem, SemverBump

__all__ = [
    "MAX_VERSION_PART",
    "VERSION_RE",
    "bump_kind",
    "format_version",
    "highest_version",
    "legal_next_versions",
    "parse_version",
    "validate_version",
]

_NUMBER = r"(0|[1-9][0-9]*)"
#: A strict version: three dot-separated numbers without leading zeros.
VERSION_RE = re.compile(rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}")
#: Largest MAJOR, MINOR or PATCH number: the registry stores each in a 32-bit signed column
#: (PostgreSQL INTEGER), and dry-run must refuse exactly what registering would refuse.
MAX_VERSION_PART = 2**31 - 1
_TOO_BIG = f"each number must be at most {MAX_VERSION_PART}"


def _too_big(match: re.Match[str]) -> bool:
    # Length first: int() of a huge digit string is slow (and capped by Python).
    return any(len(part) > 10 or int(part) > MAX_VERSION_PART for part in match.groups())


def parse_version(text: str) -> tuple[int, int, int]:
    """``"1.4.2"`` → ``(1, 4, 2)``; ``ValueError`` for anything that is not strict MAJOR.MINOR.PATCH."""
    match = VERSION_RE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"version {text!r} must be MAJOR.MINOR.PATCH such as 1.0.0")
    if _too_big(match):
        raise ValueError(f"version {text!r} must be MAJOR.MINOR.PATCH such as 1.0.0 ({_TOO_BIG})")
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def format_version(parts: tuple[int, int, int]) -> str:
    """``(1, 4, 2)`` → ``"1.4.2"``."""
    return f"{parts[0]}.{parts[1]}.{parts[2]}"


def _explain(text: str) -> str:
    """Why ``text`` is not a strict version, in words a person can act on."""
    if not isinstance(text, str):
        return "it is not a string"
    match = VERSION_RE.fullmatch(text)
    if match is not None and _too_big(match):
        return _TOO_BIG
    if "-" in text or "+" in text:
        return "prerelease and build suffixes (-rc.1, +build) are not allowed"
    pieces = text.split(".")
    if len(pieces) != 3:
        return f"it has {len(pieces)} part(s) instead of 3"
    if any(p.isdigit() and len(p) > 1 and p[0] == "0" for p in pieces):
        return "numbers must not have leading zeros"
    return "each part must be a non-negative whole number"


def validate_version(text: str) -> list[Problem]:
    """``invalid_version_format`` when ``text`` is not strict MAJOR.MINOR.PATCH."""
    match = VERSION_RE.fullmatch(text) if isinstance(text, str) else None
    if match is not None and not _too_big(match):
        return []
    shown = f'"{text}"' if isinstance(text, str) else repr(text)
    return [
        Problem(
            Code.INVALID_VERSION_FORMAT,
            f"version {shown} must be MAJOR.MINOR.PATCH such as 1.0.0 ({_explain(text)})",
            "version",
        )
    ]


def legal_next_versions(previous: str) -> tuple[str, str, str]:
    """The only versions allowed after ``previous``: (next patch, next minor, next major).

    From 1.4.2 they are 1.4.3, 1.5.0 and 2.0.0 (docs/rules.md, single-step bumps).
    """
    major, minor, patch = parse_version(previous)
    return (
        format_version((major, minor, patch + 1)),
        format_version((major, minor + 1, 0)),
        format_version((major + 1, 0, 0)),
    )


def highest_version(versions: Iterable[str]) -> str | None:
    """The highest well-formed version among ``versions`` (malformed ones are ignored), or None."""
    best: tuple[int, int, int] | None = None
    for text in versions:
        try:
            parsed = parse_version(text)
        except ValueError:
            continue
        if best is None or parsed > best:
            best = parsed
    return None if best is None else format_version(best)


def bump_kind(previous: str, candidate: str) -> SemverBump | None:
    """Which part changed from ``previous`` to a higher ``candidate`` (None when not higher).

    Judges the numbers only; whether the step is a legal single step is
    :func:`legal_next_versions`' business.
    """
    old, new = parse_version(previous), parse_version(candidate)
    if new <= old:
        return None
    if new[0] != old[0]:
        return SemverBump.MAJOR
    if new[1] != old[1]:
        return SemverBump.MINOR
    return SemverBump.PATCH
