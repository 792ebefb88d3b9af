"""Issue 24: a project's template overrides, damaged in each way, are refused when loaded, by
`check` and by `build` alike: one message naming the override file (and its line where there
is one) and what to do, exit code 1, no traceback, and the previous output as it was."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from samverkan.cli import cli
from samverkan.project import packaged

PACKAGED = packaged("templates")


def rezip(source: bytes, change) -> bytes:
    """A copy of a ZIP package with `change(name, data)` → new data (None: left out)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)
    return out.getvalue()


def reference(change) -> bytes:
    return rezip((PACKAGED / "reference.docx").read_bytes(), change)


def with_line(name: str, line: int, inserted: str) -> bytes:
    lines = (PACKAGED / name).read_text(encoding="utf-8").split("\n")
    lines.insert(line - 1, inserted)
    return "\n".join(lines).encode("utf-8")


CASES = [
    ("reference-not-a-zip", "reference.docx", lambda: b"Detta \xe4r ingen Word-fil.\n", "templates/reference.docx:",
     "is not a Word file (.docx) (it is not a ZIP package)"),
    ("reference-zip-without-styles", "reference.docx",
     lambda: reference(lambda name, data: None if name == "word/styles.xml" else data), "templates/reference.docx:",
     "has no styles (word/styles.xml)"),
    ("reference-without-page-size", "reference.docx",
     lambda: reference(lambda name, data: data.replace(b"<w:pgSz", b"<w:pgSzX") if name == "word/document.xml"
                       else data), "templates/reference.docx:", "has no page size and margins"),
    ("reference-damaged-font", "reference.docx",
     lambda: reference(lambda name, data: data[:60] if name == "word/fonts/font1.odttf" else data),
     "templates/reference.docx:", "the embedded font Source Sans Pro ("),
    ("font-damaged", "fonts/SourceSansPro-Regular.ttf",
     lambda: (PACKAGED / "fonts" / "SourceSansPro-Regular.ttf").read_bytes()[:5000],
     "templates/fonts/SourceSansPro-Regular.ttf:", "the font SourceSansPro-Regular.ttf cannot be read"),
    ("font-not-a-font", "fonts/EgenFont.otf", lambda: b"<html>not a font</html>",
     "templates/fonts/EgenFont.otf:", "the font EgenFont.otf cannot be read"),
    ("jinja-syntax", "document.md.j2", lambda: with_line("document.md.j2", 5, "{% if %}"),
     "templates/document.md.j2:5:", "Jinja syntax error in the template: Expected an expression"),
    ("jinja-site-syntax", "site/start.html.j2", lambda: with_line("site/start.html.j2", 4, "{{ titel }"),
     "templates/site/start.html.j2:4:", "Jinja syntax error in the template"),
]


@pytest.mark.parametrize("name, make, where, says", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_damaged_override_is_one_message_with_the_file_and_what_to_do(example, name, make, where, says):
    override = example / "templates" / name
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_bytes(make())
    out = example / "output"
    out.mkdir()
    previous = {"manifest.json": b'{"documents": []}\n', "tidigare.pdf": b"%PDF-1.7 earlier build\n"}
    for file, data in previous.items():
        (out / file).write_bytes(data)
    around = {p: p.read_bytes() for p in example.parent.rglob("*") if p.is_file() and out not in p.parents}
    for command in (["check", "--content", str(example / "content")],
                    ["build", "--content", str(example / "content"), "--out", str(out)]):
        done = CliRunner().invoke(cli, command)
        assert done.exit_code == 1 and isinstance(done.exception, SystemExit), (done.output, done.exception)
        assert "Traceback" not in done.output
        assert where in done.output and says in done.output, done.output
        assert "1 problem in the content" in done.output
        assert "\n    → " in done.output[done.output.index(where):]           # and what to do
    assert {p.name: p.read_bytes() for p in out.iterdir()} == previous             # the previous output
    assert {p: p.read_bytes() for p in example.parent.rglob("*") if p.is_file() and out not in p.parents} == around


def test_intact_overrides_are_used_without_a_word(example):
    for name in ("reference.docx", "document.md.j2", "fonts/SourceSansPro-Regular.ttf"):
        (example / "templates" / name).parent.mkdir(parents=True, exist_ok=True)
        (example / "templates" / name).write_bytes((PACKAGED / name).read_bytes())
    done = CliRunner().invoke(cli, ["check", "--content", str(example / "content")])
    assert done.exit_code == 0, done.output
    assert "template override: " in done.output and "content OK" in done.output


@pytest.mark.parametrize("starts, old, new", [
    ("#set par(", ")", ""),                                   # a parenthesis left open
    ("#let watermark-text = ", "[$watermark$]", "[$watermark$"),   # in a branch only a draft takes
], ids=["parenthesis", "watermark-branch"])
def test_a_typst_syntax_error_in_document_typ_is_named_with_its_line(example, starts, old, new):
    lines = (PACKAGED / "document.typ").read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines, start=1) if line.startswith(starts))
    assert old in lines[number - 1]
    lines[number - 1] = lines[number - 1][::-1].replace(old[::-1], new[::-1], 1)[::-1]     # the last one
    (example / "templates").mkdir(exist_ok=True)
    (example / "templates" / "document.typ").write_text("\n".join(lines), encoding="utf-8")
    for command in (["check", "--content", str(example / "content")],
                    ["build", "--content", str(example / "content"), "--out", str(example / "output")]):
        done = CliRunner().invoke(cli, command)
        assert done.exit_code == 1 and isinstance(done.exception, SystemExit), (done.output, done.exception)
        assert f"templates/document.typ:{number}: typst cannot make a PDF with this template: unclosed delimiter" \
            in done.output, done.output
        assert "Traceback" not in done.output
    assert not (example / "output").exists()


def test_a_copy_of_every_packaged_template_is_not_checked_again_only_what_was_changed(example, monkeypatch):
    """A project that copied the whole templates folder (as the hint says) and changed one file:
    the files with the packaged bytes are samverkan's own, tested; checking them cost every build
    1.4 s (typst's trial PDF, Jinja, fontTools). The changed file is still checked."""
    import shutil

    from samverkan.content import overrides

    shutil.copytree(PACKAGED, example / "templates", ignore=shutil.ignore_patterns("__pycache__", "__init__.py"),
                    dirs_exist_ok=True)
    (example / "templates" / "document.md.j2").write_text(
        (PACKAGED / "document.md.j2").read_text(encoding="utf-8") + "{# our own #}\n", encoding="utf-8")
    checked = []
    for name in ("_reference_docx", "_font", "_jinja"):
        original = getattr(overrides, name)
        monkeypatch.setattr(overrides, name, lambda path, *rest, _f=original: (checked.append(path.name), _f(path, *rest)))
    monkeypatch.setattr(overrides, "_typst", lambda path, *rest: checked.append(path.name))
    done = CliRunner().invoke(cli, ["check", "--content", str(example / "content")])
    assert done.exit_code == 0, done.output
    assert checked == ["document.md.j2"]
