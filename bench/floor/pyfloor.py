"""The Python floor: a provider that does nothing, served by our own protocol layer.

``pyfloor_thing`` is shaped like HashiCorp's ``null_resource`` (``triggers``, a map of strings that
forces replacement, and a computed ``id``) and its handlers do no work at all: no HTTP, no rules,
no validation. Whatever a plan of it costs beyond ``null_resource`` is what Python, grpcio and
:mod:`platformxe.tfplugin` cost per process and per RPC; ``bench/plan_scale.py`` measures it
beside the real provider, so the share of the time our own code could still win is known
(in its own directory: ``make bench`` runs every ``bench/*.py``).

Run by Terraform (``terraform-provider-pyfloor``, through dev_overrides), or reattached with
``--debug`` like the real provider. ``PYFLOOR_ANSWERS`` names a precomputed-answers file
(written by ``--write-answers PATH``), served before protobuf loads, as the real provider does.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "provider"))

from platformxe.tfplugin.precomputed import load
from platformxe.tfplugin.server import serve, serve_reattach

SOURCE = "calderax/pyfloor"


def _make_provider() -> object:
    # deferred like the real provider's: the framework loads after the handshake
    from platformxe.tfplugin.cty import STRING, UNKNOWN, Map
    from platformxe.tfplugin.framework import ApplyRequest, PlanRequest, Provider, Resource
    from platformxe.tfplugin.schema import Attribute, Schema

    class Thing(Resource):
        type_name = "pyfloor_thing"

        def schema(self) -> Schema:
            return Schema(
                attributes={
                    "id": Attribute(STRING, computed=True, use_state_for_unknown=True),
                    "triggers": Attribute(Map(STRING), optional=True, requires_replace=True),
                }
            )

        def modify_plan(self, req: PlanRequest) -> None:
            if req.prior is None:
                req.planned["id"] = UNKNOWN

        def create(self, req: ApplyRequest) -> dict[str, object]:
            assert req.planned is not None
            return {**req.planned, "id": uuid.uuid4().hex}

        def update(self, req: ApplyRequest) -> dict[str, object]:
            assert req.planned is not None
            return dict(req.planned)

        def delete(self, req: ApplyRequest) -> None:
            return None

    class PyFloor(Provider):
        type_name = "pyfloor"
        source = SOURCE

        def resources(self) -> list[Resource]:
            return [Thing()]

    return PyFloor()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--write-answers"]:
        from platformxe.tfplugin.precomputed import compute, dump

        Path(args[1]).write_text(dump(compute(_make_provider)), encoding="utf-8")
        return
    answers = load(os.environ.get("PYFLOOR_ANSWERS", ""))
    if "--debug" in args:
        serve_reattach(
            _make_provider, source_address=f"registry.terraform.io/{SOURCE}", answers=answers, debug=True
        )
    serve(_make_provider, type_name="pyfloor", source=SOURCE, answers=answers)


if __name__ == "__main__":
    main()
