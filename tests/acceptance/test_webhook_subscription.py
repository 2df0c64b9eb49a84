"""``platformxe_webhook_subscription`` and ``platformxe_webhook_subscriptions`` under real Terraform
1.15.5 against a real registry that delivers to a real loopback receiver: create (secret sensitive,
deliveries verifiable with it), no-op plan, update + secret rotation, drift (disabled by hand →
update; deleted → create), import by id, the data source, destroy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from custom_event_fixtures import Registry, TerraformDir, terraform, tf_string
from standardwebhooks.webhooks import Webhook

from support.registry_process import RegistryProcess, unique_slug
from support.webhook_receiver import WebhookReceiver

__all__ = ["registry", "terraform"]

pytestmark = pytest.mark.acceptance

ADDRESS = "platformxe_webhook_subscription.hook"


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """A registry that may call loopback receivers (``--allow-private-webhooks``)."""
    root = tmp_path_factory.mktemp("registry-bus")
    process = RegistryProcess(
        str(root / "registry.sqlite"),
        log_path=root / "registry.log",
        extra_args=("--allow-private-webhooks", "--retry-schedule", "0,0.2"),
    ).start()
    try:
        slug = unique_slug("wh")
        org = process.create_org(slug, "pro")
        yield Registry(process, process.url, org["organizationId"], org["apiKey"], slug)
    finally:
        process.stop()


def config(registry: Registry, url: str, description: str = "orders", trigger: str = "one") -> str:
    return f"""
resource "platformxe_custom_event" "order" {{
  namespace      = {tf_string(registry.slug)}
  name           = "order.placed"
  version        = "1.0.0"
  payload_schema = jsonencode({{ type = "object" }})
}}

resource "platformxe_webhook_subscription" "hook" {{
  url                   = {tf_string(url)}
  events                = ["${{platformxe_custom_event.order.namespace}}.${{platformxe_custom_event.order.name}}@${{platformxe_custom_event.order.version}}"]
  description           = {tf_string(description)}
  rotate_secret_trigger = {tf_string(trigger)}
}}

data "platformxe_webhook_subscriptions" "all" {{
  depends_on = [platformxe_webhook_subscription.hook]
}}

output "count" {{
  value = length(data.platformxe_webhook_subscriptions.all.subscriptions)
}}
"""


def emit(registry: Registry) -> dict[str, Any]:
    answer = registry.http(
        "POST", "/emit", json={"name": f"{registry.slug}.order.placed", "payload": {"a": 1}}
    )
    assert answer.status_code == 202, answer.text
    return dict(answer.json())


def test_webhook_subscription_lifecycle(terraform: TerraformDir, registry: Registry) -> None:
    with WebhookReceiver() as rx:
        terraform.write(config(registry, rx.url))
        terraform.ok("init")
        applied = terraform.apply()
        assert "whsec_" not in applied.stdout
        state = terraform.state(ADDRESS)
        sub_id, secret = state["id"], state["secret"]
        assert sub_id.startswith("sub_") and secret.startswith("whsec_")
        assert state["canonical_names"] == [
            f"TENANT_CUSTOM:{registry.org_id}:{registry.slug}.order.placed@1.0.0"
        ]
        assert state["enabled"] is True and state["disabled_reason"] is None
        assert "whsec_" not in terraform.ok("plan").stdout  # sensitive
        assert terraform.plan_exit().returncode == 0

        # The secret in state verifies what the bus delivers.
        event = emit(registry)
        [got] = rx.wait_for(1)
        assert got.headers["webhook-id"] == event["eventId"]
        assert Webhook(secret).verify(got.body, got.headers)["eventId"] == event["eventId"]

        # Update in place: description, and a rotation by the trigger.
        terraform.write(config(registry, rx.url, description="all orders", trigger="two"))
        terraform.apply()
        rotated = terraform.state(ADDRESS)
        assert rotated["id"] == sub_id and rotated["description"] == "all orders"
        assert rotated["secret"].startswith("whsec_") and rotated["secret"] != secret
        assert terraform.plan_exit().returncode == 0

        # Drift: disabled behind Terraform's back shows as an update and is turned back on.
        assert registry.http("PATCH", f"/subscriptions/{sub_id}", json={"enabled": False}).status_code == 200
        planned = terraform.planned()
        assert planned[ADDRESS]["change"]["actions"] == ["update"]
        terraform.apply()
        assert registry.http("GET", f"/subscriptions/{sub_id}").json()["enabled"] is True

        # Import by id after forgetting it: the secret cannot be read back, so the configured
        # rotate_secret_trigger (unknown to the imported state) rotates once; then nothing changes.
        terraform.ok("state", "rm", ADDRESS)
        terraform.ok("import", ADDRESS, sub_id)
        imported = terraform.state(ADDRESS)
        assert imported["id"] == sub_id and imported["url"] == rx.url and imported["secret"] is None
        assert terraform.planned()[ADDRESS]["change"]["actions"] == ["update"]
        terraform.apply()
        assert terraform.state(ADDRESS)["secret"].startswith("whsec_")
        assert terraform.plan_exit().returncode == 0
        invalid = terraform.run("import", "platformxe_webhook_subscription.other", "nope")
        assert invalid.returncode != 0

        # Drift: deleted behind Terraform's back is planned as a create.
        assert registry.http("DELETE", f"/subscriptions/{sub_id}").status_code == 200
        assert terraform.planned()[ADDRESS]["change"]["actions"] == ["create"]
        terraform.apply()
        recreated = terraform.state(ADDRESS)
        assert recreated["id"] != sub_id
        assert terraform.ok("output", "-raw", "count").stdout.strip() == "1"

        terraform.ok("destroy", "-auto-approve")
        assert registry.http("GET", f"/subscriptions/{recreated['id']}").status_code == 404
