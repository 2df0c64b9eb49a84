"""``platformxe_marketplace_listing`` and ``platformxe_marketplace_listings`` under real Terraform
1.15.5 against a real registry (docs/marketplace.md): publish, no-op plan, browse by data source,
a change replaces, drift (unpublished by hand → create), import by id, validate-time errors,
402 naming the plan for a Basic organisation, destroy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from custom_event_fixtures import Registry, TerraformDir, flat, registry, terraform, tf_string

__all__ = ["registry", "terraform"]

pytestmark = pytest.mark.acceptance

ADDRESS = "platformxe_marketplace_listing.fav"


def config(registry: Registry, title: str = "Favourites", tags: str = '["crm", "lettings"]') -> str:
    return f"""
resource "platformxe_custom_event" "fav" {{
  namespace      = {tf_string(registry.slug)}
  name           = "property.favorited"
  version        = "1.0.0"
  payload_schema = jsonencode({{ type = "object", properties = {{ id = {{ type = "string" }} }} }})
}}

resource "platformxe_marketplace_listing" "fav" {{
  namespace = platformxe_custom_event.fav.namespace
  name      = platformxe_custom_event.fav.name
  version   = platformxe_custom_event.fav.version
  title     = {tf_string(title)}
  summary   = "A tenant starred a property"
  tags      = {tags}
}}

data "platformxe_marketplace_listings" "mine" {{
  namespace  = {tf_string(registry.slug)}
  tag        = "crm"
  depends_on = [platformxe_marketplace_listing.fav]
}}

output "titles" {{
  value = join(",", [for l in data.platformxe_marketplace_listings.mine.listings : l.title])
}}

output "mine" {{
  value = alltrue([for l in data.platformxe_marketplace_listings.mine.listings : l.mine])
}}
"""


def test_marketplace_listing_lifecycle(terraform: TerraformDir, registry: Registry) -> None:
    terraform.write(config(registry))
    terraform.ok("init")
    terraform.apply()
    state = terraform.state(ADDRESS)
    listing_id = state["id"]
    assert listing_id.startswith("lst_") and state["organization_id"] == registry.org_id
    assert state["tags"] == ["crm", "lettings"] and len(state["schema_hash"]) == 64
    assert terraform.plan_exit().returncode == 0
    assert terraform.ok("output", "-raw", "titles").stdout.strip() == "Favourites"
    assert terraform.ok("output", "-raw", "mine").stdout.strip() == "true"
    seen = registry.http("GET", "/marketplace/listings", params={"namespace": registry.slug}).json()
    assert [i["id"] for i in seen["items"]] == [listing_id]

    # A change replaces the listing (the API has no update).
    terraform.write(config(registry, title="Favourites v2"))
    assert terraform.planned()[ADDRESS]["change"]["actions"] == ["delete", "create"]
    terraform.apply()
    replaced = terraform.state(ADDRESS)
    assert replaced["id"] != listing_id and replaced["title"] == "Favourites v2"
    assert registry.http("GET", f"/marketplace/listings/{listing_id}").status_code == 404

    # Drift: unpublished behind Terraform's back is planned as a create.
    assert registry.http("DELETE", f"/marketplace/listings/{replaced['id']}").status_code == 200
    assert terraform.planned()[ADDRESS]["change"]["actions"] == ["create"]
    terraform.apply()
    current = terraform.state(ADDRESS)["id"]

    # Import by id after forgetting it; then nothing changes.
    terraform.ok("state", "rm", ADDRESS)
    terraform.ok("import", ADDRESS, current)
    assert terraform.state(ADDRESS)["title"] == "Favourites v2"
    assert terraform.plan_exit().returncode == 0
    assert terraform.run("import", "platformxe_marketplace_listing.other", "nope").returncode != 0

    terraform.ok("destroy", "-auto-approve")
    assert registry.http("GET", f"/marketplace/listings/{current}").status_code == 404


def test_bad_listing_text_fails_at_validate(terraform: TerraformDir, registry: Registry) -> None:
    terraform.write(config(registry, title="", tags='["Not A Tag", "crm"]'))
    terraform.ok("init")
    result = terraform.run("validate")
    assert result.returncode != 0
    text = flat(result.stderr + result.stdout)
    assert "title is required" in text and "1 to 100 characters" in text
    assert "is not a tag" in text and "^[a-z0-9][a-z0-9-]{0,29}$" in text


def test_basic_plan_gets_402_naming_the_plan(tmp_path: Path, registry: Registry) -> None:
    slug = "bas" + registry.slug[3:]
    org = registry.process.create_org(slug, "basic")
    basic = Registry(registry.process, registry.url, org["organizationId"], org["apiKey"], slug)
    terraform = TerraformDir(tmp_path, basic)
    terraform.write(config(basic))
    terraform.ok("init")
    result = terraform.run("apply", "-auto-approve")
    assert result.returncode != 0
    text = flat(result.stderr + result.stdout)
    assert "plan_upgrade_required" in text and "Basic plan cannot publish" in text
    assert "Traceback" not in text
    terraform.ok("destroy", "-auto-approve")


def test_imported_fork_keeps_its_provenance(terraform: TerraformDir, registry: Registry) -> None:
    source_slug = "src" + registry.slug[3:]
    source = registry.process.create_org(source_slug, "pro")
    publisher = Registry(
        registry.process, registry.url, source["organizationId"], source["apiKey"], source_slug
    )
    schema = {"type": "object", "properties": {"id": {"type": "string"}}}
    made = publisher.http(
        "POST",
        "/registrations",
        json={"namespace": source_slug, "name": "shared", "version": "1.0.0", "payloadSchema": schema},
    )
    assert made.status_code == 201, made.text
    listing = publisher.http(
        "POST",
        "/marketplace/listings",
        json={"namespace": source_slug, "name": "shared", "version": "1.0.0", "title": "Shared"},
    ).json()
    fork = registry.http(
        "POST",
        f"/marketplace/listings/{listing['id']}/fork",
        json={"namespace": registry.slug, "name": "forked.event"},
    )
    assert fork.status_code == 201, fork.text
    terraform.write(f"""
resource "platformxe_custom_event" "f" {{
  namespace      = {tf_string(registry.slug)}
  name           = "forked.event"
  version        = "1.0.0"
  payload_schema = jsonencode({{ type = "object", properties = {{ id = {{ type = "string" }} }} }})
}}
""")
    terraform.ok("init")
    terraform.ok("import", "platformxe_custom_event.f", f"{registry.slug}/forked.event@1.0.0")
    state = terraform.state("platformxe_custom_event.f")
    provenance = json.loads(state["forked_from"])
    assert (
        provenance["listingId"] == listing["id"] and provenance["organizationId"] == source["organizationId"]
    )
    assert (provenance["namespace"], provenance["name"], provenance["version"]) == (
        source_slug,
        "shared",
        "1.0.0",
    )
    assert terraform.plan_exit().returncode == 0
