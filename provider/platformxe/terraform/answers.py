"""The provider's precomputed answers (``precomputed_answers.json`` beside this module).

``terraform-provider-platformxe`` serves GetMetadata, GetProviderSchema and
GetResourceIdentitySchemas from this file before its own modules are loaded (see
:mod:`platformxe.tfplugin.precomputed`). Regenerate after a schema change:

    python -m platformxe.terraform.answers          # write the file (make generate)
    python -m platformxe.terraform.answers --check  # exit 1 when it is stale
"""

from __future__ import annotations

import sys
from pathlib import Path

ANSWERS_PATH = Path(__file__).with_name("precomputed_answers.json")


def expected_text() -> str:
    """The file's text for the provider as the code says now."""
    # deferred: the provider and protobuf (~150 ms, bench/deferred_imports.py); tests read
    # ANSWERS_PATH from here without building the provider
    from platformxe.terraform.provider import PlatformXeProvider
    from platformxe.tfplugin.precomputed import compute, dump

    return dump(compute(PlatformXeProvider()))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = expected_text()
    if "--check" in args:
        current = ANSWERS_PATH.read_text(encoding="utf-8") if ANSWERS_PATH.exists() else ""
        if current != text:
            print(f"{ANSWERS_PATH.name} is stale: run make generate", file=sys.stderr)
            return 1
        return 0
    ANSWERS_PATH.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
