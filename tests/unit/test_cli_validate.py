"""``platformxe validate``: table and JSON output, exit codes 0/1/2, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from platformxe.cli.main import main

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = REPO_ROOT / "examples" / "schemas"
V1 = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}


def write(tmp_path: Path, name: str, value: Any) -> str:
    path = tmp_path / name
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_initial_schema_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, write(tmp_path, "s.json", V1), "--namespace", "lettings", "--name", "thing")
    assert code == 0, out
    assert "lettings.thing 1.0.0" in out
    assert "valid              yes" in out
    assert "semver bump        initial" in out
    assert "schema flavour     json-schema-2020-12" in out
    assert "errors: none" in out
    assert "no --version given: judged as 1.0.0" in out
    assert err == ""


def test_json_output_is_the_api_body(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, write(tmp_path, "s.json", V1), "--json")
    body = json.loads(out)
    assert code == 0
    assert body["valid"] is True and body["semverBump"] == "initial" and len(body["schemaHash"]) == 64


def test_invalid_schema_lists_each_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = write(tmp_path, "bad.json", {"type": "object", "properties": {"a": {"type": "strin"}}})
    code, out, _ = run(capsys, schema, "--version", "1.0")
    assert code == 1
    assert "valid              NO" in out
    assert "invalid_version_format  at version" in out
    assert "invalid_json_schema  at payloadSchema/properties/a/type" in out


def test_schema_that_is_not_json_is_a_verdict_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, write(tmp_path, "s.json", "{nope"))
    assert code == 1
    assert "invalid_json_schema" in out and "not valid JSON" in out


def test_breaking_change_offered_as_minor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = {**V1, "properties": {"id": {"type": "integer"}}}
    code, out, _ = run(
        capsys,
        write(tmp_path, "new.json", new),
        "--previous",
        write(tmp_path, "old.json", V1),
        "--previous-version",
        "1.0.0",
        "--version",
        "1.1.0",
    )
    assert code == 1
    assert "minor_must_be_backwards_compatible" in out
    assert "register it as 2.0.0" in out
    assert "BREAKING" in out
    assert "suggested version  2.0.0" in out


def test_without_version_the_suggested_one_is_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    described = {**V1, "description": "now documented"}
    code, out, _ = run(
        capsys,
        write(tmp_path, "new.json", described),
        "--previous",
        write(tmp_path, "old.json", V1),
        "--previous-version",
        "1.4.2",
    )
    assert code == 0
    assert "judged the suggested version 1.4.3" in out
    assert "semver bump        patch" in out
    assert "example.event 1.4.3" in out


def test_example_is_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = write(tmp_path, "s.json", V1)
    code, out, _ = run(capsys, schema, "--example", write(tmp_path, "e.json", {"id": 7}))
    assert code == 1
    assert "payload_example_does_not_match_schema  at payloadExample/id" in out
    assert run(capsys, schema, "--example", write(tmp_path, "ok.json", {"id": "x"}))[0] == 0


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--previous", "{tmp}/old.json"], "go together"),
        (["--previous-version", "1.0.0"], "go together"),
        (["--previous", "{tmp}/old.json", "--previous-version", "1.0"], "--previous-version: version"),
        (["--previous", "{tmp}/missing.json", "--previous-version", "1.0.0"], "does not exist"),
        (["--previous", "{tmp}/broken.json", "--previous-version", "1.0.0"], "is not valid JSON"),
        (["--example", "{tmp}"], "is a directory"),
        (["--example", "{tmp}/latin1.json"], "is not UTF-8"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], words: str
) -> None:
    schema = write(tmp_path, "s.json", V1)
    write(tmp_path, "old.json", V1)
    write(tmp_path, "broken.json", "{")
    (tmp_path / "latin1.json").write_bytes(b'{"id": "caf\xe9"}')
    code, out, err = run(capsys, schema, *[e.format(tmp=tmp_path) for e in extra])
    assert code == 2
    assert out == ""
    assert words in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_missing_schema_file_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "/definitely/not/here.json")
    assert code == 2
    assert err.strip() == "platformxe validate: schema file '/definitely/not/here.json' does not exist"


def test_installed_command_runs_the_bundled_example() -> None:
    """The real entry point in a subprocess, as `make demo` runs it."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "platformxe.cli.main",
            "validate",
            str(EXAMPLES / "property-favorited-1.0.0.json"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "valid              yes" in proc.stdout
    assert "date-time" not in proc.stderr
