"""A Terraform working directory wired to the test provider (used by the acceptance fixtures)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from terraform_harness import Terraform


@dataclass
class ProviderWorkspace:
    """A Terraform working directory plus the JSON file the test provider stores objects in."""

    tf: Terraform
    store: Path
    plugin: Path

    def config(self, body: str) -> None:
        """Write main.tf: the provider block plus ``body``."""
        self.tf.write(
            "main.tf",
            'terraform {\n  required_providers {\n    tfplugintest = { source = "calderax/tfplugintest" }\n  }\n}\n\n'
            f'provider "tfplugintest" {{\n  store = "{self.store}"\n}}\n\n{body}\n',
        )
