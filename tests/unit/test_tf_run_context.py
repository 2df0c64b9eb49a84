"""A destroy run is known from the command line of the process that started the provider."""

from __future__ import annotations

import pytest

from platformxe.terraform.run_context import is_destroy_command


@pytest.mark.parametrize(
    ("argv", "env", "destroying"),
    [
        (["terraform", "destroy", "-auto-approve"], {}, True),
        (["terraform", "-chdir=infra", "apply", "-destroy"], {}, True),
        (["terraform", "plan", "-destroy", "-out=x"], {}, True),
        (["python", "-c", "shim", "destroy", "-auto-approve"], {}, True),  # an embedding Terraform
        (["platformxe", "terraform", "apply", "-auto-approve"], {"TF_CLI_ARGS_apply": "-destroy"}, True),
        (["terraform", "plan"], {"TF_CLI_ARGS": "-destroy"}, True),
        (["terraform", "apply", "-auto-approve"], {"TF_CLI_ARGS_plan": "-destroy"}, False),
        (["terraform", "plan", "-var=mode=destroy"], {}, False),
        (["terraform", "apply", "tfplan"], {}, False),
        (["terraform", "validate"], {}, False),
        ([], {}, False),
    ],
)
def test_a_destroy_run_is_known_from_the_command_line(
    argv: list[str], env: dict[str, str], destroying: bool
) -> None:
    assert is_destroy_command(argv, env) is destroying
