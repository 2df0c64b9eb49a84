"""A small test-only provider built on platformxe.tfplugin: ``calderax/tfplugintest``.

It doubles as the worked example of docs/tfplugin.md. Objects live in a local JSON file named
by the provider's ``store`` attribute, so acceptance tests can inspect and tamper with the
"real world" directly.

* resource ``tfplugintest_thing``: ``name`` (forces replacement), ``body`` (JSON text compared
  semantically), ``size``, ``tags``, ``secret`` (sensitive), ``label`` blocks; computed ``id``
  (kept across updates), ``revision`` (unknown whenever something changes) and ``fingerprint``
  (computed at plan time, so it shows in the plan). Warns when ``size`` > 100. Identity: ``id``.
* data source ``tfplugintest_lookup``: an object's name and size by id.
* function ``provider::tfplugintest::canonical_json``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any

from platformxe.tfplugin import (
    NUMBER,
    STRING,
    UNKNOWN,
    ApplyRequest,
    Attribute,
    ConfigureRequest,
    DataReadRequest,
    DataSource,
    DiagnosticError,
    Function,
    FunctionError,
    IdentityAttribute,
    IdentitySchema,
    Map,
    NestedBlock,
    Parameter,
    PlanRequest,
    Provider,
    ReadRequest,
    Resource,
    Schema,
    ValidateRequest,
    is_unknown,
)


def json_equal(old: str, new: str) -> bool:
    """Two JSON texts are equal when they parse to the same value."""
    try:
        return json.loads(old) == json.loads(new)
    except ValueError:
        return False


class Store:
    """The fake remote API: a JSON file of objects by id, safe for parallel requests."""

    _lock = threading.Lock()

    def __init__(self, path: str) -> None:
        self.path = path

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        with self._lock, open(self.path + ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                with open(self.path, encoding="utf-8") as f:
                    data = json.load(f)
            except FileNotFoundError:
                data = {}
            yield data
            tmp = f"{self.path}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=1, sort_keys=True)
            os.replace(tmp, self.path)

    def get(self, object_id: str) -> dict[str, Any] | None:
        """The stored object, or None."""
        with self._locked() as data:
            return data.get(object_id)

    def put(self, object_id: str, obj: dict[str, Any]) -> None:
        """Create or replace an object."""
        with self._locked() as data:
            data[object_id] = obj

    def delete(self, object_id: str) -> None:
        """Remove an object (absent is fine)."""
        with self._locked() as data:
            data.pop(object_id, None)


def fingerprint(name: str, body: str | None) -> str:
    """A value the provider can compute at plan time from configuration alone."""
    canonical = json.dumps(json.loads(body), sort_keys=True) if body else ""
    return hashlib.sha256(f"{name}\n{canonical}".encode()).hexdigest()[:16]


def _record_plan_call() -> None:
    """Test hook: with TFPLUGINTEST_PLAN_LOG set, log "start end" of each (delayed) plan call.

    The parallelism acceptance test reads the intervals to prove plans ran concurrently.
    """
    log_path = os.environ.get("TFPLUGINTEST_PLAN_LOG")
    if not log_path:
        return
    start = time.time()
    time.sleep(float(os.environ.get("TFPLUGINTEST_PLAN_DELAY", "0")))
    with open(log_path, "a", encoding="utf-8") as f:
        f.write(f"{start} {time.time()}\n")


class Thing(Resource):
    """``tfplugintest_thing``: the example resource."""

    type_name = "tfplugintest_thing"
    import_id_attribute = "id"

    def schema(self) -> Schema:
        """Attributes in the order of the module docstring."""
        return Schema(
            description="A thing stored in the provider's JSON file.",
            attributes={
                "name": Attribute(
                    STRING,
                    required=True,
                    requires_replace=True,
                    description="Name; changing it replaces the thing.",
                ),
                "body": Attribute(
                    STRING, optional=True, semantic_equal=json_equal, description="JSON document."
                ),
                "size": Attribute(NUMBER, optional=True, description="Updated in place."),
                "tags": Attribute(Map(STRING), optional=True),
                "secret": Attribute(STRING, optional=True, sensitive=True),
                "id": Attribute(STRING, computed=True, use_state_for_unknown=True),
                "revision": Attribute(NUMBER, computed=True, description="Bumped by every update."),
                "fingerprint": Attribute(STRING, computed=True, description="Known at plan time."),
            },
            blocks={
                "label": NestedBlock(
                    attributes={
                        "key": Attribute(STRING, required=True),
                        "value": Attribute(STRING, optional=True),
                    }
                )
            },
        )

    def identity_schema(self) -> IdentitySchema:
        """A thing is identified by its id."""
        return IdentitySchema({"id": IdentityAttribute(STRING, required_for_import=True)})

    def validate_config(self, req: ValidateRequest) -> None:
        """``body`` must be JSON when known."""
        body = req.config.get("body")
        if isinstance(body, str):
            try:
                json.loads(body)
            except ValueError as exc:
                req.diagnostics.error("Invalid JSON in body", f"body must be a JSON document: {exc}", "body")

    def modify_plan(self, req: PlanRequest) -> None:
        """Compute the fingerprint at plan time; warn about large sizes."""
        _record_plan_call()
        name, body = req.planned.get("name"), req.planned.get("body")
        if not is_unknown(name) and not is_unknown(body):
            req.planned["fingerprint"] = fingerprint(name, body)
        size = req.planned.get("size")
        if isinstance(size, (int, float)) and size > 100:
            req.diagnostics.warning(
                "Large size", f"size {size} is above 100; this is fine but unusual.", "size"
            )
        # Private state: remember at plan time which kind of change this was.
        req.private = json.dumps({"planned_as": "create" if req.is_create else "update"}).encode()

    def create(self, req: ApplyRequest) -> dict[str, Any]:
        """Store a new object."""
        store: Store = req.provider_data
        state = dict(req.planned or {})
        state["id"] = secrets.token_hex(6)
        state["revision"] = 1
        store.put(state["id"], self._stored(state))
        req.private = self._private(req.private, "create")
        return state

    def read(self, req: ReadRequest) -> dict[str, Any] | None:
        """Refresh from the store; None when the object was deleted out of band."""
        store: Store = req.provider_data
        obj = store.get(req.state["id"])
        if obj is None:
            return None
        state = dict(req.state)
        state.update(obj)
        if state.get("body") and req.state.get("body") and json_equal(req.state["body"], state["body"]):
            state["body"] = req.state["body"]  # keep the user's spelling of an equal document
        state["fingerprint"] = fingerprint(state["name"], state.get("body"))
        return state

    def update(self, req: ApplyRequest) -> dict[str, Any]:
        """Update in place and bump the revision."""
        store: Store = req.provider_data
        assert req.prior is not None and req.planned is not None
        state = dict(req.planned)
        state["revision"] = int(req.prior["revision"]) + 1
        store.put(state["id"], self._stored(state))
        req.private = self._private(req.private, "update")
        return state

    def delete(self, req: ApplyRequest) -> None:
        """Remove from the store."""
        assert req.prior is not None
        req.provider_data.delete(req.prior["id"])

    @staticmethod
    def _stored(state: dict[str, Any]) -> dict[str, Any]:
        keys = ("name", "body", "size", "tags", "secret", "label", "id", "revision")
        return {k: state.get(k) for k in keys}

    @staticmethod
    def _private(planned: bytes, applied: str) -> bytes:
        data = json.loads(planned) if planned else {}
        data["applied_as"] = applied
        return json.dumps(data, sort_keys=True).encode()


class Lookup(DataSource):
    """``tfplugintest_lookup``: read an object by id."""

    type_name = "tfplugintest_lookup"

    def schema(self) -> Schema:
        """id in, name and size out."""
        return Schema(
            attributes={
                "id": Attribute(STRING, required=True),
                "name": Attribute(STRING, computed=True),
                "size": Attribute(NUMBER, computed=True),
            }
        )

    def read(self, req: DataReadRequest) -> dict[str, Any]:
        """Fail with a clear diagnostic when the id does not exist."""
        obj = req.provider_data.get(req.config["id"])
        if obj is None:
            raise DiagnosticError("No such thing", f"No thing has id {req.config['id']!r}.", "id")
        return {**req.config, "name": obj["name"], "size": obj.get("size")}


class CanonicalJson(Function):
    """``provider::tfplugintest::canonical_json(text)``: JSON with sorted keys, no spaces."""

    name = "canonical_json"
    parameters = (Parameter("text", STRING, description="A JSON document."),)
    return_type = STRING
    summary = "Canonical spelling of a JSON document"

    def call(self, args: list[Any]) -> str:
        """Parse and re-serialise."""
        try:
            return json.dumps(json.loads(args[0]), sort_keys=True, separators=(",", ":"))
        except ValueError as exc:
            raise FunctionError(f"not JSON: {exc}", argument=0) from exc


class TestProvider(Provider):
    """``calderax/tfplugintest``."""

    type_name = "tfplugintest"
    source = "calderax/tfplugintest"

    def schema(self) -> Schema:
        """One attribute: where the store file lives."""
        return Schema(
            attributes={"store": Attribute(STRING, required=True, description="Path of the JSON store.")}
        )

    def configure(self, req: ConfigureRequest) -> Store:
        """The store is the provider data every request receives."""
        path = req.config["store"]
        if path is UNKNOWN:
            raise DiagnosticError(
                "store must be known", "The store path cannot depend on other resources.", "store"
            )
        return Store(path)

    def resources(self) -> list[Resource]:
        """One resource."""
        return [Thing()]

    def data_sources(self) -> list[DataSource]:
        """One data source."""
        return [Lookup()]

    def functions(self) -> list[Function]:
        """One function."""
        return [CanonicalJson()]
