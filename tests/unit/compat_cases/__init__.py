"""Hand-written backward-compatibility cases (old, new, expected, why [, witness]).

``expected`` is the true verdict by set inclusion (every payload valid under old is valid
under new): "compatible" or "breaking". Breaking cases carry a hand-written witness payload
(valid under old, refused by new) that the tests verify with the real validator. Compatible
cases are checked by drawing payloads of the old schema and validating them under the new.
``CONSERVATIVE`` lists truly compatible changes the checker cannot prove (it answers breaking
with "could not prove"): the documented price of soundness.
"""

from __future__ import annotations

from compat_cases.arrays import CASES as _ARRAYS
from compat_cases.combinators import CASES as _COMBINATORS
from compat_cases.common import Case
from compat_cases.conservative import CASES as CONSERVATIVE
from compat_cases.objects import CASES as _OBJECTS
from compat_cases.refs_misc import CASES as _REFS
from compat_cases.scalars import CASES as _SCALARS

CASES: list[Case] = [*_SCALARS, *_OBJECTS, *_ARRAYS, *_COMBINATORS, *_REFS]

__all__ = ["CASES", "CONSERVATIVE", "Case"]
