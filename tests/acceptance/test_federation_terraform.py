"""The federation resources under real Terraform 1.15.5 against a real registry whose bus delivers
to real loopback receivers (docs/federation.md): two organisations, two provider aliases — the
owner's group, invitation, push and HTTPS peer, the peer's membership (found through
``platformxe_federation_invitations``) and webhook; an owner emit reaches the peer's webhook as the
peer's own event and the HTTPS peer signed; no-op plan; drift (the peer left by hand → create);
import; validate-time errors; 402 naming the plan; destroy leaves and deletes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from custom_event_fixtures import TerraformDir, flat, tf_string

from platformxe import verify_webhook
from support.registry_process import RegistryProcess, unique_slug
from support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.acceptance

GROUP, INVITATION, MEMBERSHIP = (
    "platformxe_federation_group.partners",
    "platformxe_federation_invitation.peer",
    "platformxe_federation_membership.peer",
)
PUSH, PEER = "platformxe_federation_push.orders", "platformxe_federation_https_peer.hook"


class Org:
    """One organisation of the registry, with raw HTTP for what happens outside Terraform."""

    def __init__(self, process: RegistryProcess, plan: str, prefix: str) -> None:
        self.slug = unique_slug(prefix)
        made = process.create_org(self.slug, plan)
        self.id, self.key, self.url = made["organizationId"], made["apiKey"], process.url

    def http(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.key}"}
        return httpx.request(
            method, f"{self.url}/v1/events/custom{path}", headers=headers, timeout=30, **kwargs
        )


@pytest.fixture(scope="module")
def process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryProcess]:
    """A registry that may call loopback receivers (``--allow-private-webhooks``)."""
    root = tmp_path_factory.mktemp("registry-federation")
    running = RegistryProcess(
        str(root / "registry.sqlite"),
        log_path=root / "registry.log",
        extra_args=("--allow-private-webhooks", "--retry-schedule", "0,0.2"),
    ).start()
    try:
        yield running
    finally:
        running.stop()


def providers(owner: Org, peer: Org) -> str:
    blocks = "".join(
        f"""
provider "platformxe" {{
  alias    = {tf_string(alias)}
  endpoint = {tf_string(org.url)}
  api_key  = {tf_string(org.key)}
}}
"""
        for alias, org in (("owner", owner), ("peer", peer))
    )
    return (
        'terraform {\n  required_providers {\n    platformxe = { source = "calderax/platformxe" }\n  }\n}\n'
        + blocks
    )


def config(owner: Org, peer: Org, peer_hook: str, https_hook: str) -> str:
    event = {
        "namespace": tf_string(owner.slug),
        "name": '"order.placed"',
        "version": '"1.0.0"',
        "payload_schema": 'jsonencode({ type = "object", properties = { n = { type = "integer" } } })',
    }
    fields = "\n".join(f"  {k} = {v}" for k, v in event.items())
    ref = f"{owner.slug}.order.placed@1.0.0"
    return (
        providers(owner, peer)
        + f"""
resource "platformxe_custom_event" "owner_orders" {{
  provider = platformxe.owner
{fields}
}}

resource "platformxe_custom_event" "peer_orders" {{
  provider = platformxe.peer
{fields}
}}

resource "platformxe_federation_group" "partners" {{
  provider = platformxe.owner
  name     = "partners"
}}

resource "platformxe_federation_invitation" "peer" {{
  provider        = platformxe.owner
  group_id        = platformxe_federation_group.partners.id
  organization_id = {tf_string(peer.id)}
}}

data "platformxe_federation_invitations" "pending" {{
  provider              = platformxe.peer
  status                = "all"
  owner_organization_id = platformxe_federation_group.partners.owner_organization_id
  group_name            = "partners"
  depends_on            = [platformxe_federation_invitation.peer]
}}

resource "platformxe_federation_membership" "peer" {{
  provider      = platformxe.peer
  invitation_id = platformxe_federation_invitation.peer.id
}}

resource "platformxe_federation_push" "orders" {{
  provider = platformxe.owner
  group_id = platformxe_federation_group.partners.id
  event    = "${{platformxe_custom_event.owner_orders.namespace}}.${{platformxe_custom_event.owner_orders.name}}@${{platformxe_custom_event.owner_orders.version}}"
}}

resource "platformxe_federation_https_peer" "hook" {{
  provider = platformxe.owner
  group_id = platformxe_federation_group.partners.id
  url      = {tf_string(https_hook)}
}}

resource "platformxe_webhook_subscription" "peer_hook" {{
  provider = platformxe.peer
  url      = {tf_string(peer_hook)}
  events   = [{tf_string(ref)}]
  depends_on = [platformxe_custom_event.peer_orders]
}}

output "invitation_seen" {{
  value = contains([for i in data.platformxe_federation_invitations.pending.invitations : i.id], platformxe_federation_invitation.peer.id)
}}
"""
    )


def _owner_and_peer(process: RegistryProcess, peer_plan: str = "enterprise") -> tuple[Org, Org]:
    owner, peer = Org(process, "enterprise", "fo"), Org(process, peer_plan, "fp")
    process.admin("namespace", "grant", "--org", peer.slug, "--namespace", owner.slug)
    return owner, peer


def _wait_for(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_two_organisations_federate_through_terraform(tmp_path: Path, process: RegistryProcess) -> None:
    owner, peer = _owner_and_peer(process)
    with WebhookReceiver() as peer_rx, WebhookReceiver() as https_rx:
        terraform = TerraformDir(tmp_path, None)  # the provider blocks are written here
        terraform.tf.write("main.tf", config(owner, peer, peer_rx.url, https_rx.url))
        terraform.ok("init")
        terraform.apply()
        group = terraform.state(GROUP)
        assert group["id"].startswith("fgr_") and group["owner_organization_id"] == owner.id
        invitation, membership = terraform.state(INVITATION), terraform.state(MEMBERSHIP)
        assert membership["id"] == invitation["id"] and membership["status"] == "accepted"
        assert membership["group_id"] == group["id"] and membership["owner_organization_id"] == owner.id
        assert terraform.ok("output", "-raw", "invitation_seen").stdout.strip() == "true"
        https_peer = terraform.state(PEER)
        assert https_peer["secret"].startswith("whsec_")
        # The invitation's status moved to accepted after its own create: planned as no change.
        assert terraform.plan_exit().returncode == 0
        terraform.ok("apply", "-refresh-only", "-auto-approve")
        assert terraform.state(INVITATION)["status"] == "accepted"

        emitted = owner.http(
            "POST", "/emit", json={"name": f"{owner.slug}.order.placed", "payload": {"n": 1}}
        )
        assert emitted.status_code == 202, emitted.text
        original = emitted.json()
        [got] = peer_rx.wait_for(1)
        body = json.loads(got.body)
        assert body["canonicalName"] == f"TENANT_CUSTOM:{peer.id}:{owner.slug}.order.placed@1.0.0"
        assert body["payload"] == {"n": 1} and body["chainDepth"] == 1
        relayed = peer.http("GET", f"/emits/{body['eventId']}").json()
        assert relayed["causationId"] == original["eventId"]
        [signed] = https_rx.wait_for(1)
        assert (
            verify_webhook(https_peer["secret"], signed.headers, signed.body)["eventId"]
            == original["eventId"]
        )

        # Drift: the peer left by hand → the membership is planned as a create (a new acceptance is
        # impossible on a left invitation, so the invitation is planned anew too).
        assert peer.http("POST", f"/federation/groups/{group['id']}/leave").status_code == 200
        planned = terraform.planned()
        assert planned[MEMBERSHIP]["change"]["actions"] == ["create"]
        assert planned[INVITATION]["change"]["actions"] == ["create"]
        terraform.apply()
        assert terraform.state(MEMBERSHIP)["status"] == "accepted"
        assert terraform.plan_exit().returncode == 0

        # Import the push and the HTTPS peer by <group>/<child> after forgetting them.
        push_id, peer_id = terraform.state(PUSH)["id"], terraform.state(PEER)["id"]
        terraform.ok("state", "rm", PUSH, PEER)
        terraform.ok("import", PUSH, f"{group['id']}/{push_id}")
        terraform.ok("import", PEER, f"{group['id']}/{peer_id}")
        assert terraform.state(PUSH)["event"] == f"{owner.slug}.order.placed@1.0.0"
        assert terraform.state(PEER)["secret"] is None
        bad = terraform.run("import", PUSH + "x", "fpu_only")
        assert bad.returncode != 0

        terraform.ok("destroy", "-auto-approve")
        assert owner.http("GET", f"/federation/groups/{group['id']}").status_code == 404
        assert peer.http("GET", "/federation/groups").json()["items"] == []


def test_federation_errors_name_the_attribute_code_and_plan(tmp_path: Path, process: RegistryProcess) -> None:
    owner, peer = _owner_and_peer(process, peer_plan="pro")
    terraform = TerraformDir(tmp_path, None)  # the provider blocks are written here
    terraform.tf.write(
        "main.tf",
        providers(owner, peer)
        + """
resource "platformxe_federation_group" "g" {
  provider = platformxe.owner
  name     = "ok"
}

resource "platformxe_federation_push" "bad" {
  provider = platformxe.owner
  group_id = platformxe_federation_group.g.id
  event    = "no-version.here"
}

resource "platformxe_federation_invitation" "bad" {
  provider        = platformxe.owner
  group_id        = platformxe_federation_group.g.id
  organization_id = "acme"
}

resource "platformxe_federation_membership" "bad" {
  provider      = platformxe.peer
  invitation_id = "fin_123"
}
""",
    )
    terraform.ok("init")
    invalid = terraform.run("validate")
    assert invalid.returncode != 0
    text = flat(invalid.stderr + invalid.stdout)
    assert '"<namespace>.<name>@<version>"' in text
    assert "organization_id 'acme' is not an organisation id (org_[0-9a-f]{16})" in text
    assert "invitation_id 'fin_123' is not an invitation id" in text

    # A Pro organisation cannot accept: 402 naming Enterprise, no traceback.
    invited = owner.http("POST", "/federation/groups", json={"name": "g402"}).json()
    invitation = owner.http(
        "POST", f"/federation/groups/{invited['id']}/invitations", json={"organizationId": peer.id}
    ).json()
    terraform.tf.write(
        "main.tf",
        providers(owner, peer)
        + f"""
resource "platformxe_federation_membership" "m" {{
  provider      = platformxe.peer
  invitation_id = {tf_string(invitation["id"])}
}}
""",
    )
    result = terraform.run("apply", "-auto-approve")
    assert result.returncode != 0
    text = flat(result.stderr + result.stdout)
    assert "plan_upgrade_required" in text and "Enterprise" in text and "Traceback" not in text
