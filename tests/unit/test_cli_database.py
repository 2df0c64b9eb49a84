"""``--db`` of ``serve`` and ``admin``: one default, the database named, no stray empty files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platformxe.cli import database
from platformxe.cli.main import build_parser, main


def _db_default(argv: list[str]) -> str:
    value: str = build_parser().parse_args(argv).db
    return value


def test_serve_and_every_admin_command_share_one_default() -> None:
    defaults = {
        _db_default(["serve"]),
        _db_default(["admin", "org", "create", "--slug", "acme", "--plan", "pro"]),
        _db_default(["admin", "org", "show", "--org", "acme"]),
        _db_default(["admin", "key", "create", "--org", "acme"]),
        _db_default(["admin", "key", "revoke", "--org", "acme", "--key-id", "key_1"]),
        _db_default(["admin", "namespace", "grant", "--org", "acme", "--namespace", "lettings"]),
        _db_default(["admin", "plan", "set", "--org", "acme", "--plan", "basic"]),
    }
    assert defaults == {database.DEFAULT_DB}


def test_org_create_without_db_says_which_file_it_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["admin", "org", "create", "--slug", "acme", "--plan", "pro", "--json"]) == 0
    out, err = capsys.readouterr()
    assert set(json.loads(out)) == {"organizationId", "slug", "plan", "apiKey"}
    db_file = tmp_path / "platformxe.db"
    assert db_file.is_file()
    assert err.strip() == f"platformxe admin: created the new database {db_file}"

    assert main(["admin", "namespace", "grant", "--org", "acme", "--namespace", "lettings"]) == 0
    out, err = capsys.readouterr()
    assert "namespace lettings granted" in out
    assert err.strip() == f"platformxe admin: used database {db_file}"


def test_other_admin_commands_refuse_a_missing_file_instead_of_creating_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "elsewhere.db"
    assert (
        main(["admin", "namespace", "grant", "--org", "acme", "--namespace", "x1", "--db", str(missing)]) == 2
    )
    _, err = capsys.readouterr()
    assert err.splitlines() == [
        f"platformxe admin: error: there is no database at {missing}; pass --db with the file or URL "
        "that 'platformxe serve' uses"
    ]
    assert not missing.exists()


def test_an_unknown_organisation_names_the_database_searched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_file = tmp_path / "a.db"
    assert main(["admin", "org", "create", "--slug", "acme", "--plan", "free", "--db", str(db_file)]) == 0
    capsys.readouterr()
    assert main(["admin", "key", "create", "--org", "other", "--db", str(db_file)]) == 2
    _, err = capsys.readouterr()
    assert err.splitlines() == [
        f"platformxe admin: error: no organisation with id or slug 'other' in database {db_file} (not_found)"
    ]


def test_relative_paths_are_shown_absolute_and_passwords_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert database.shown("./x.db") == str(tmp_path / "x.db")
    assert database.shown("sqlite:///data/x.db") == str(tmp_path / "data" / "x.db")
    shown = database.shown("postgresql://app:s3cret@db.internal:5433/events")
    assert shown == "postgresql://app:***@db.internal:5433/events"
    assert (
        database.shown("postgresql://postgres@127.0.0.1:5432/test")
        == "postgresql://postgres@127.0.0.1:5432/test"
    )


def test_a_closed_pipe_is_no_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    schema = Path(__file__).resolve().parents[2] / "examples" / "schemas" / "property-favorited-1.1.0.json"
    command = f"{sys.executable} -m platformxe.cli.main validate {schema}"
    # `true` exits without reading, so the output meets a closed pipe.
    for reader in ("head -n 1", "true"):
        run = subprocess.run(
            ["bash", "-c", f"{command} | {reader}"], capture_output=True, text=True, timeout=60, cwd=tmp_path
        )
        assert "Traceback" not in run.stderr and "BrokenPipeError" not in run.stderr, run.stderr
        if reader.startswith("head"):
            assert run.stdout.startswith("example.event 1.0.0")
