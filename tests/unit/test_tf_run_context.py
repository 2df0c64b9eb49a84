"""A destroy run is known from the command line of the process that started the provider."""

from __future__ import annotations

import pytest

from platformxe.terraform.run_context import is_destroy_command, plans_everything


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


@pytest.mark.parametrize(
    ("argv", "env", "everything"),
    [
        (["python", "-m", "platformxe.cli.main", "terraform", "plan", "-no-color"], {}, True),
        (["terraform", "-chdir=infra", "apply", "-auto-approve"], {}, True),
        (["terraform", "plan", "-target=platformxe_custom_event.a"], {}, False),
        (["terraform", "apply", "-target", "platformxe_custom_event.a"], {}, False),
        (["terraform", "plan", "-refresh-only"], {}, False),
        (["terraform", "plan"], {"TF_CLI_ARGS_plan": "-target=x.y"}, False),
        (["terraform", "plan", "-destroy"], {}, False),
        (["terraform", "destroy"], {}, False),
        (["terraform", "validate"], {}, False),
        (["terraform", "plan", "-var=target=x"], {}, True),
    ],
)
def test_a_plan_of_the_whole_configuration_is_known_from_the_command_line(
    argv: list[str], env: dict[str, str], everything: bool
) -> None:
    # only such a run has a reattach server judge the validate walk's creates ahead
    assert plans_everything(argv, env) is everything
