"""An edit of one paragraph of the agreement, rebuilt in one process as `samverkan serve` does:
the page first, then everything. The build of everything makes the agreement's Word and PDF
in one task while the other core has nothing to do, so pandoc's two conversions run side by
side (engine/pool.py `execute`, writers/pandoc.py `prefetch`); its page comes from the
conversion made for the page before (writers/html.py `converted`). Every file is byte for
byte that of a cold build."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from samverkan.build import build_project
from samverkan.engine.pool import cores
from samverkan.writers import pandoc

from tests.conftest import CONTENT
from tests.inspect import check_manifest

TARGETS = ["agreement", "site"]


def files(out: Path) -> dict[str, str]:
    check_manifest(out)
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def edit_first_paragraph(content: Path, words: str) -> None:
    section = sorted((content / "agreement" / "sections").glob("*.md"))[0]
    lines = section.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith(("#", ">", "-", "|", ":")))
    lines[first] = f"{words} {lines[first]}"
    section.write_text("".join(lines), encoding="utf-8")


def test_an_edited_paragraph_rebuilt_as_serve_does_runs_pandoc_twice_and_gives_the_bytes_of_a_cold_build(
        tmp_path, monkeypatch):
    content = tmp_path / "project" / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "project" / "output"
    build_project(content, out, TARGETS)
    edit_first_paragraph(content, "Ett nytt stycke.")
    build_project(content, out, ["site"])

    ran: list[list[str]] = []
    real = subprocess.run

    def counting(command, *args, **kwargs):
        if command[0] == pandoc.pandoc_path():
            ran.append(command)
        return real(command, *args, **kwargs)

    monkeypatch.setattr(pandoc.subprocess, "run", counting)
    report = build_project(content, out, TARGETS)
    monkeypatch.undo()
    written = sorted(w.path for w in report.written)
    assert [p for p in written if not p.startswith("site/")] == [
        "overenskommelse-missbruk-beroende-v1.1-2026-11-24.docx", "overenskommelse-missbruk-beroende-v1.1-2026-11-24.pdf"]
    assert "site/overenskommelse-missbruk-beroende.html" in written
    # Word and Typst side by side (on one core: one process reading the text once); the
    # page's HTML is the conversion made before
    kinds = sorted("lua" if c[1] == "lua" else c[2] for c in ran)
    assert kinds == (["--to=docx", "--to=typst"] if cores() > 1 else ["lua"])

    cold = tmp_path / "cold" / "output"
    build_project(content, cold, TARGETS)
    assert files(out) == files(cold)
    page = (out / "site" / "overenskommelse-missbruk-beroende.html").read_text(encoding="utf-8")
    assert "Ett nytt stycke." in page
