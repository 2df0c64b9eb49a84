"""The generated reference pages (docs/index.md, docs/resources/, docs/data-sources/) match the
provider's schemas and examples/: `make docs` has been run after every change to either.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
GENERATOR = REPO / "tools" / "generate_docs.py"
DOCS = REPO / "docs"
HAND_WRITTEN = (
    "provider.md",
    "install.md",
    "plan-check.md",
    "registry.md",
    "rules.md",
    "sdk.md",
    "tfplugin.md",
)


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_docs", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_committed_docs_are_what_make_docs_generates(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    run = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    generated = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert generated == [
        "data-sources/custom_event.md",
        "data-sources/custom_events.md",
        "data-sources/custom_events_health.md",
        "data-sources/federation_invitations.md",
        "data-sources/marketplace_listings.md",
        "data-sources/webhook_subscriptions.md",
        "index.md",
        "resources/custom_event.md",
        "resources/federation_group.md",
        "resources/federation_https_peer.md",
        "resources/federation_invitation.md",
        "resources/federation_membership.md",
        "resources/federation_push.md",
        "resources/marketplace_listing.md",
        "resources/webhook_subscription.md",
    ]
    stale = [
        name
        for name in generated
        if not (DOCS / name).exists()
        or (DOCS / name).read_text(encoding="utf-8") != (out / name).read_text(encoding="utf-8")
    ]
    assert not stale, f"docs are stale, run `make docs`: {stale}"
    extra = sorted(
        p.relative_to(DOCS).as_posix() for d in ("resources", "data-sources") for p in (DOCS / d).glob("*.md")
    )
    assert set(extra) <= set(generated), "pages of resources that no longer exist; run `make docs`"


def test_check_mode_names_a_stale_page_and_write_fixes_it(tmp_path: Path, generator: ModuleType) -> None:
    docs = tmp_path / "docs"
    generator.write(docs)
    assert generator.stale(docs) == []
    page = docs / "resources" / "custom_event.md"
    page.write_text(page.read_text().replace("Strict `MAJOR.MINOR.PATCH`", "Any version"))
    (docs / "data-sources" / "gone.md").write_text("old page\n")
    assert generator.stale(docs) == [
        "resources/custom_event.md: out of date",
        "data-sources/gone.md: no longer generated",
    ]
    for name in HAND_WRITTEN[:2]:
        (docs / name).write_text("hand-written\n")
    assert sorted(generator.write(docs)) == ["data-sources/gone.md", "resources/custom_event.md"]
    assert generator.stale(docs) == []
    assert all((docs / name).read_text() == "hand-written\n" for name in HAND_WRITTEN[:2])


def test_every_schema_attribute_is_documented_in_its_group(generator: ModuleType) -> None:
    from platformxe.terraform.provider import PlatformXeProvider

    provider = PlatformXeProvider()
    pages = generator.render_all()
    things = [("index.md", provider.schema())]
    things += [
        (f"resources/{r.type_name.removeprefix('platformxe_')}.md", r.schema()) for r in provider.resources()
    ]
    things += [
        (f"data-sources/{d.type_name.removeprefix('platformxe_')}.md", d.schema())
        for d in provider.data_sources()
    ]
    for page, schema in things:
        text = pages[page]
        sections = dict(re.findall(r"^### (Required|Optional|Read-Only)\n\n((?:- .*\n)+)", text, re.M))
        for name, attribute in schema.attributes.items():
            group = "Required" if attribute.required else "Optional" if attribute.optional else "Read-Only"
            line = next(
                (ln for ln in sections.get(group, "").splitlines() if ln.startswith(f"- `{name}` (")), None
            )
            assert line is not None, f"{page}: {name} not under {group}"
            assert " ".join(attribute.description.split()) in line, f"{page}: {name} lacks its description"
    assert "- `api_key` (String, Sensitive)" in pages["index.md"]
    resource = pages["resources/custom_event.md"]
    assert "- `changes` (List of Object)" in resource
    assert "### Nested Schema for `changes`\n\nRead-Only:\n\n- `breaking` (Bool)\n" in resource


def test_pages_embed_the_examples_verbatim(generator: ModuleType) -> None:
    pages = generator.render_all()
    examples = REPO / "examples"
    embedded = {
        "index.md": [examples / "provider" / "provider.tf"],
        "resources/custom_event.md": [
            examples / "resources" / "platformxe_custom_event" / name
            for name in ("resource.tf", "import.sh", "import-by-string-id.tf", "import-by-identity.tf")
        ],
        "data-sources/custom_events_health.md": [
            examples / "data-sources" / "platformxe_custom_events_health" / "data-source.tf"
        ],
    }
    for page, files in embedded.items():
        for path in files:
            assert path.read_text().rstrip("\n") in pages[page], f"{page} lacks {path.name}"
    assert "## Import" in pages["resources/custom_event.md"]
