"""Backward compatibility of payload schemas.

``compare(old, new)`` proves — or fails to prove — that every payload valid under the old
schema is valid under the new one (JSON Schema Draft 2020-12, ``format`` asserted), and lists
every difference as a ``SchemaChange``. It is sound: ``compatible`` is True only with a proof;
when the checker cannot decide, the change is reported as breaking and says why. Breaking
changes carry a verified counterexample payload when one is found. See docs/compatibility.md.

jsonschema is imported lazily (only for exact checks of finite value sets and witnesses).
"""

from __future__ import annotations

from platformxe.rules.compat.api import TOO_COSTLY, compare, is_backward_compatible
from platformxe.rules.compat.policy import POLICIES, lenient_view

__all__ = ["POLICIES", "TOO_COSTLY", "compare", "is_backward_compatible", "lenient_view"]
