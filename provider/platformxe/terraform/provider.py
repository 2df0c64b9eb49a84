"""The ``platformxe`` provider block: connection settings, plan checks, and configuration.

Configuration happens once per provider process (Terraform starts one for validate, one for
plan, one for apply). It builds one SDK client and, unless ``plan_checks = "offline"`` with an
``organization_id`` given, makes one authenticated request that proves the endpoint, the key and
the organisation all at once — so a missing setting, an unreachable registry or a refused key is
exactly one clear error, before any resource is touched. That request also tells the provider the
key's organisation, which every ``canonical_name`` contains, so canonical names are known at plan.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from platformxe.client import Client, ConfigurationError, PlatformXeError
from platformxe.rules.codes import Code
from platformxe.terraform.custom_event.resource import CustomEventResource
from platformxe.terraform.data_sources.custom_event import CustomEventDataSource
from platformxe.terraform.data_sources.custom_events import CustomEventsDataSource
from platformxe.terraform.data_sources.custom_events_health import CustomEventsHealthDataSource
from platformxe.terraform.data_sources.federation_invitations import FederationInvitationsDataSource
from platformxe.terraform.data_sources.marketplace_listings import MarketplaceListingsDataSource
from platformxe.terraform.data_sources.webhook_subscriptions import WebhookSubscriptionsDataSource
from platformxe.terraform.diagnostics import diagnostics_for
from platformxe.terraform.federation.resource import (
    FederationGroupResource,
    FederationHttpsPeerResource,
    FederationInvitationResource,
    FederationMembershipResource,
    FederationPushResource,
)
from platformxe.terraform.marketplace_listing.resource import MarketplaceListingResource
from platformxe.terraform.provider_data import PlanChecks, ProspectiveCreates, ProviderData
from platformxe.terraform.run_context import plans_everything_run
from platformxe.terraform.webhook_subscription.resource import WebhookSubscriptionResource
from platformxe.tfplugin.cty import NUMBER, STRING, is_unknown
from platformxe.tfplugin.framework import ConfigureRequest, DataSource, Provider, Resource, ValidateRequest
from platformxe.tfplugin.schema import Attribute, Schema

__all__ = ["DEFAULT_MAX_RETRIES", "DEFAULT_REQUEST_TIMEOUT", "PlatformXeProvider"]

ENDPOINT_ENV = "PLATFORMXE_ENDPOINT"
API_KEY_ENV = "PLATFORMXE_API_KEY"
DEFAULT_MAX_RETRIES = 3
DEFAULT_REQUEST_TIMEOUT = 30.0


_DESCRIPTIONS = {
    "endpoint": (
        "Base URL of the PlatformXe registry, such as `http://127.0.0.1:8780` — without `/v1`. "
        f"Defaults to the `{ENDPOINT_ENV}` environment variable."
    ),
    "api_key": (
        "API key of the organisation (shown once by `platformxe admin org create`). Sensitive: the "
        "provider never logs it and `terraform plan` redacts it. Pass it from an `ephemeral = true` "
        "variable (Terraform >= 1.10) or leave it unset for the "
        f"`{API_KEY_ENV}` environment variable: Terraform writes plain variables, even sensitive ones, "
        "into saved plan files (`terraform show -json`), but never ephemeral values."
    ),
    "organization_id": (
        "Organisation the configuration is meant for (`org_…`). When set, the provider checks at "
        "start-up that the API key belongs to it, so a key of another organisation is refused before "
        "anything is planned. Optional: the organisation is otherwise taken from the key."
    ),
    "max_retries": (
        f"How many times a request answered with 429 or 5xx, or that could not connect, is retried "
        f"(honouring `Retry-After`, otherwise exponential backoff). Default {DEFAULT_MAX_RETRIES}; `0` "
        "disables retries."
    ),
    "request_timeout": (
        f"Seconds to wait for each phase of a request (connect, read, write). Default "
        f"{DEFAULT_REQUEST_TIMEOUT:g}."
    ),
    "plan_checks": (
        "How `terraform plan` judges new versions: `remote` (default) asks the registry's dry-run, so "
        "the plan shows the exact verdict (`semver_bump`, `previous_version`, `changes`) and refuses "
        "illegal bumps; `offline` uses only the rules engine inside the provider — a replacement is "
        "judged against the version in state, a brand-new resource's bump is known after apply — and "
        "makes no request at start-up when `organization_id` is set; `off` skips verdicts at plan "
        "(validation and immutability checks still run)."
    ),
}


def list_all(client: Client) -> list[dict[str, Any]]:
    """Every registration of the key's organisation (paged list, as ReadResource's snapshot takes it)."""
    return [r.to_dict() for r in client.events.custom.iter_all(page_size=500)]


class PlatformXeProvider(Provider):
    """The ``calderax/platformxe`` provider."""

    type_name = "platformxe"
    source = "calderax/platformxe"

    def __init__(self) -> None:
        #: what a reattach server's validate walk saw, for its plan walk (see ProspectiveCreates)
        self.prospects = ProspectiveCreates()

    def schema(self) -> Schema:
        """The provider block: every attribute optional (environment variables fill the gaps)."""
        return Schema(
            attributes={
                "endpoint": Attribute(STRING, optional=True, description=_DESCRIPTIONS["endpoint"]),
                "api_key": Attribute(
                    STRING, optional=True, sensitive=True, description=_DESCRIPTIONS["api_key"]
                ),
                "organization_id": Attribute(
                    STRING, optional=True, description=_DESCRIPTIONS["organization_id"]
                ),
                "max_retries": Attribute(NUMBER, optional=True, description=_DESCRIPTIONS["max_retries"]),
                "request_timeout": Attribute(
                    NUMBER, optional=True, description=_DESCRIPTIONS["request_timeout"]
                ),
                "plan_checks": Attribute(STRING, optional=True, description=_DESCRIPTIONS["plan_checks"]),
            },
            description="Registers PlatformXe custom event schemas and judges their versions at plan time.",
        )

    def validate_config(self, req: ValidateRequest) -> None:
        """Values that can be judged without the network: plan_checks, retries, timeout."""
        config = req.config
        checks = config.get("plan_checks")
        if isinstance(checks, str) and checks not in {c.value for c in PlanChecks}:
            req.diagnostics.error(
                "Invalid plan_checks",
                f'plan_checks "{checks}" is not accepted; use "remote", "offline" or "off".',
                "plan_checks",
                Code.INVALID_REQUEST,
            )
        retries = config.get("max_retries")
        if retries is not None and not is_unknown(retries) and (retries < 0 or int(retries) != retries):
            req.diagnostics.error(
                "Invalid max_retries",
                f"max_retries {retries} must be a whole number ≥ 0.",
                "max_retries",
                Code.INVALID_REQUEST,
            )
        timeout = config.get("request_timeout")
        if timeout is not None and not is_unknown(timeout) and timeout <= 0:
            req.diagnostics.error(
                "Invalid request_timeout",
                f"request_timeout {timeout} must be a positive number of seconds.",
                "request_timeout",
                Code.INVALID_REQUEST,
            )

    def configure(self, req: ConfigureRequest) -> ProviderData | None:
        """Build the client and prove endpoint, key and organisation with one request.

        The first configuration of a process also takes what its validate walk recorded and, for a
        plan of the whole configuration with remote checks, has those creates judged ahead
        (:class:`~platformxe.terraform.provider_data.ProspectiveCreates`).
        """
        config = req.config
        prospects = self.prospects.take()
        for attribute in ("endpoint", "api_key", "organization_id", "plan_checks"):
            if is_unknown(config.get(attribute)):
                req.diagnostics.error(
                    f"The provider's {attribute} is not known until apply",
                    "The PlatformXe provider needs its settings at plan time; set them from variables or "
                    "the environment rather than from other resources.",
                    attribute,
                )
                return None
        endpoint = config.get("endpoint") or os.environ.get(ENDPOINT_ENV)
        api_key = config.get("api_key") or os.environ.get(API_KEY_ENV)
        if not endpoint:
            req.diagnostics.error(
                "No PlatformXe registry endpoint",
                f'Set endpoint in the provider block (e.g. endpoint = "http://127.0.0.1:8780") or the '
                f"{ENDPOINT_ENV} environment variable.",
                "endpoint",
            )
        if not api_key:
            req.diagnostics.error(
                "No PlatformXe API key",
                f"Set api_key in the provider block (e.g. api_key = var.platformxe_api_key) or the "
                f"{API_KEY_ENV} environment variable.",
                "api_key",
            )
        if not endpoint or not api_key:
            return None
        checks = PlanChecks(config.get("plan_checks") or PlanChecks.REMOTE.value)
        organization_id = config.get("organization_id") or None
        retries = config.get("max_retries")
        timeout = config.get("request_timeout")

        try:
            client = Client(
                endpoint,
                api_key,
                timeout=float(timeout) if timeout is not None else DEFAULT_REQUEST_TIMEOUT,
                max_retries=int(retries) if retries is not None else DEFAULT_MAX_RETRIES,
                organization_id=organization_id,
                user_agent="terraform-provider-platformxe (platformxe-python)",
            )
        except ConfigurationError as exc:
            req.diagnostics.error("Invalid PlatformXe provider configuration", str(exc), "endpoint")
            return None
        data = ProviderData(client, client.endpoint, checks, organization_id)
        if checks is PlanChecks.OFFLINE and organization_id:
            return data  # offline: no request until a resource needs one (the SDK checks the org then)
        try:
            data.organization_id = client.verify_organization()
        except ConfigurationError as exc:
            req.diagnostics.error("organization_id does not match the API key", str(exc), "organization_id")
            return None
        except PlatformXeError as exc:
            req.diagnostics.extend(diagnostics_for(exc, "checking the API key", client.endpoint))
            return None
        if prospects and checks is PlanChecks.REMOTE and plans_everything_run():
            # the list that also serves this walk's ReadResource calls (one list per walk, as before)
            data.dry_runs.prefetch(
                prospects, registered=lambda: data.snapshot.versions(lambda: list_all(client))
            )
        return data

    def resources(self) -> Sequence[Resource]:
        """``platformxe_custom_event``, ``platformxe_webhook_subscription``, ``platformxe_marketplace_listing``
        and the federation resources (group, invitation, membership, push, HTTPS peer)."""
        return (
            CustomEventResource(self.prospects),
            WebhookSubscriptionResource(),
            MarketplaceListingResource(),
            FederationGroupResource(),
            FederationInvitationResource(),
            FederationMembershipResource(),
            FederationPushResource(),
            FederationHttpsPeerResource(),
        )

    def data_sources(self) -> Sequence[DataSource]:
        """``platformxe_custom_event``, ``platformxe_custom_events``, ``platformxe_custom_events_health``,
        ``platformxe_webhook_subscriptions``, ``platformxe_marketplace_listings``,
        ``platformxe_federation_invitations``."""
        return (
            CustomEventDataSource(),
            CustomEventsDataSource(),
            CustomEventsHealthDataSource(),
            WebhookSubscriptionsDataSource(),
            MarketplaceListingsDataSource(),
            FederationInvitationsDataSource(),
        )
