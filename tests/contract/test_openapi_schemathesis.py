"""Schemathesis against the real server: /v1/openapi.json says exactly what the API does.

One bounded run per database backend (a fixed seed, a fixed number of examples per operation,
one worker, every phase schemathesis has: coverage, fuzzing, stateful) with every check
(``--checks all``) over every operation — registrations, emit, lifecycle, the bus's
subscriptions and emits, the marketplace, federation: requests valid per the document are accepted, invalid
ones refused, every answer's status, headers and body are documented, 405 answers list every
method of the resource in ``Allow``, no 500.

The server is a fresh one started with the bus's test flags (``--allow-private-webhooks``: a
generated webhook URL is taken as it is, never resolved, and the quick retry schedule gives up
on unreachable hosts within a second). The organisation is Enterprise (no cap is a plan's 402)
and has one registered event, ``<slug>.fuzz.item@1.0.0``; dictionaries offer it (and the generic
event) for subscriptions' ``events``, for publishing and for federation pushes, and a second
Enterprise organisation's id for invitations, so creates succeed and the stateful phase follows
real subscription, listing, group and invitation ids.

Allowances, all in CONFIG and the hooks module (``schemathesis_hooks.py``): DELETE archives (an
archived version stays readable), so ``use_after_free`` is off; registering, emitting and forking
may refuse a schema-valid request for a rule no document can state (allowlist, existing versions,
the payload's schema), a subscription's PATCH or replay for its stored state (its kind, its
events, disabled), and a federation owner leaving its own group or inviting itself — the hooks then require the 400 to name such a rule, never a shape error.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from conftest import BUS_ARGS
from support.registry_data import register

HERE = Path(__file__).parent
#: Examples per operation and phase; with the seed, this bounds the run.
MAX_EXAMPLES = 25
SEED = 20261203
GENERIC_REF = "platformxe.generic@1.0.0"
FUZZ_NAME = "fuzz.item"

#: The organisation's own namespace and event are offered often, so registrations, subscriptions
#: and listings succeed and the stateful phase follows the document's links to real resources.
CONFIG = """
[checks]
enabled = true

# The document's own links only: dependency analysis guesses that a lifecycle event's integer id
# is an eventId of /emits/{{eventId}} and then counts that schema-invalid request as a valid one.
[phases.stateful.inference]
algorithms = ["location-headers"]

[dictionaries.own_namespace]
values = ["{slug}"]

# Only the generic event: schemathesis puts dictionary values in after generating a body, so a
# list that had to contain it (non-empty kinds) must still contain it afterwards.
[dictionaries.own_event]
values = ["{generic}"]

[dictionaries.own_name]
values = ["{name}"]

[dictionaries.first_version]
values = ["1.0.0"]

[dictionaries.own_emit]
values = ["{slug}.{name}"]

[dictionaries.own_push]
values = ["{slug}.{name}@1.0.0"]

[dictionaries.peer_org]
values = ["{peer}"]

[[operations]]
include-operation-id = [
    "register", "emit", "forkListing", "updateSubscription", "replaySubscription",
    "leaveFederationGroup", "inviteToFederationGroup",
]
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429"]

[[operations]]
include-operation-id = ["register", "dryRun", "forkListing"]
parameters = {{ "body.namespace" = {{ dictionary = "own_namespace", probability = 0.7 }} }}

[[operations]]
include-operation-id = ["createSubscription"]
parameters = {{ "body.events[*]" = {{ dictionary = "own_event", probability = 0.8 }}, "body.workflow.emit" = {{ dictionary = "own_emit", probability = 0.8 }} }}

# Operations reached through links (the stateful phase) name only things that exist: their 404
# would otherwise be about a body field (an unregistered event, an unknown organisation), which
# schemathesis's ensure_resource_availability takes for "the created resource is gone".
[[operations]]
include-operation-id = ["updateSubscription"]
parameters = {{ "body.events[*]" = {{ dictionary = "own_event", probability = 1.0 }}, "body.workflow.emit" = {{ dictionary = "own_emit", probability = 1.0 }} }}

[[operations]]
include-operation-id = ["emit"]
parameters = {{ "body.name" = {{ dictionary = "own_emit", probability = 0.7 }} }}

[[operations]]
include-operation-id = ["declareFederationPush"]
parameters = {{ "body.event" = {{ dictionary = "own_push", probability = 1.0 }} }}

[[operations]]
include-operation-id = ["inviteToFederationGroup"]
parameters = {{ "body.organizationId" = {{ dictionary = "peer_org", probability = 1.0 }} }}

[[operations]]
include-operation-id = ["publishListing"]
parameters = {{ "body.namespace" = {{ dictionary = "own_namespace", probability = 0.8 }}, "body.name" = {{ dictionary = "own_name", probability = 0.8 }}, "body.version" = {{ dictionary = "first_version", probability = 0.8 }} }}
"""


def _schemathesis() -> list[str]:
    return [str(Path(sys.executable).with_name("schemathesis"))]


def test_schemathesis_finds_no_failure(fresh_registry, tmp_path: Path) -> None:
    server = fresh_registry(*BUS_ARGS)
    # Enterprise: no registration cap or monthly ceiling (402 is a plan's answer, not the spec's).
    # Fixed slugs (a fresh database): the dictionaries, hence the generated cases, are the same every run.
    org = server.create_org("st-fuzz", "enterprise")
    with server.client(org["apiKey"]) as setup:
        # Any object is a valid payload, so generated emits are accepted and lead (links) to /emits.
        register(setup, org["slug"], FUZZ_NAME, "1.0.0", payloadSchema={"type": "object"})
    config = tmp_path / "schemathesis.toml"
    # Another Enterprise organisation to invite into the federation groups the run creates.
    peer = server.create_org("st-peer", "enterprise")
    config.write_text(
        CONFIG.format(slug=org["slug"], name=FUZZ_NAME, generic=GENERIC_REF, peer=peer["organizationId"])
    )
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    command = [
        *_schemathesis(),
        "--config-file",
        str(config),
        "run",
        server.url + "/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {org['apiKey']}",
        "--checks",
        "all",
        # DELETE archives a version (it stays readable, and PATCH may publish it again:
        # docs/registry.md), so a successful read after DELETE is the contract, not a use after free.
        "--exclude-checks",
        "use_after_free",
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--no-shrink",
        "--request-timeout",
        "30",
    ]
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    output = (result.stdout + result.stderr).replace(org["apiKey"], "<api key>")
    # Printed for the record (docs/registry.md quotes it), never asserted.
    cases = next((m.group(0) for m in [re.search(r"\d+ generated[^\n]*", output)] if m), "?")
    print(f"schemathesis on {server.backend}: {time.monotonic() - started:.0f} s, {cases}")
    with server.client(org["apiKey"]) as client:
        made = {
            "subscriptions": len(client.get("/subscriptions", params={"limit": 500}).json()["items"]),
            "listings": len(client.get("/marketplace/listings", params={"limit": 500}).json()["items"]),
            "federation groups": len(client.get("/federation/groups", params={"limit": 500}).json()["items"]),
            "emits": client.get("/health").json()["emits"]["thisMonth"],
        }
    print(f"schemathesis left {made} (creates reached the API's core)")
    failures = output[output.find("=== FAILURES ===") :] if "=== FAILURES ===" in output else output
    assert result.returncode == 0, failures[-15000:]
    assert " passed" in output and "failure" not in output.rsplit("SUMMARY", 1)[-1], output[-3000:]
