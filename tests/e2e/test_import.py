"""Issue 20: returned Word editions read back. Two parties edit the built agreement in
LibreOffice (UNO, with their names as LibreOffice's user name and track changes on) and save
it as .docx and .odt; a comment is added as Word writes comments (python-docx: LibreOffice's
headless build here crashes when it saves a document with a comment). `samverkan import`
must list exactly these changes, their authors, the comment and the conflict."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from samverkan.cli import cli
from samverkan.collect.untrusted import Package, read_file
from samverkan.imports.anchors import bookmark_name, source_key
from samverkan.imports.editions import read_edition
from samverkan.imports.review import collect

from tests.conftest import CONTENT
from tests.inspect import docx_text, libreoffice_fill

ANNA, BO = "Anna Andersson", "Bo Berg"
ADDED = "Ett nytt stycke om stöd till föräldrar."
ANNA_EDITS = [
    {"replace": "SIP är ett viktigt verktyg", "with": "SIP är ett centralt verktyg"},                 # 3.1:5
    {"replace": "motivera bägge föräldrarna", "with": "motivera båda föräldrarna"},                   # 3.1:6
    {"replace": "Vid upptäckt att en gravid kvinna", "with": "När det upptäcks att en gravid kvinna"},  # A-3.1-1
    {"delete-paragraph": "För de små barnen"},                                                        # 3.1:7
    {"insert-after": "Relationen till barnet", "text": ADDED},                                        # after 3.1:6
]
BO_EDITS = [{"replace": "SIP är ett viktigt verktyg", "with": "SIP är ett nödvändigt verktyg"}]       # 3.1:5 too
COMMENTED = "Tidig identifiering av de vuxnas"                                                        # 3.1:4
EXPECTED = {("3.1:5", "changed", ANNA), ("3.1:6", "changed", ANNA), ("A-3.1-1", "changed", ANNA),
            ("3.1:7", "deleted", ANNA), ("3.1:6", "added", ANNA), ("3.1:5", "changed", BO)}


def add_comment(source: Path, target: Path, start: str, text: str, author: str) -> None:
    """A comment on the paragraph starting with `start`, as Word writes it (python-docx 1.2)."""
    document = Document(str(source))
    paragraph = next(p for p in document.paragraphs if p.text.startswith(start))
    document.add_comment(paragraph.runs, text=text, author=author, initials="".join(w[0] for w in author.split()))
    document.save(str(target))


@pytest.fixture(scope="module")
def returned(built_agreement, tmp_path_factory) -> dict[str, Path]:
    """The agreement edited by two parties in LibreOffice: {name: file}."""
    work = tmp_path_factory.mktemp("returned")
    edition = work / "edition.docx"
    shutil.copyfile(built_agreement["docx"], edition)
    files = {name: work / name for name in ("anna.docx", "anna.odt", "bo.docx")}
    libreoffice_fill([
        {"source": str(edition), "user": ANNA, "track": True, "actions": ANNA_EDITS,
         "save": [[str(work / "anna-lo.docx"), "MS Word 2007 XML"], [str(files["anna.odt"]), "writer8"]]},
        {"source": str(edition), "user": BO, "track": True, "actions": BO_EDITS,
         "save": [[str(files["bo.docx"]), "MS Word 2007 XML"]]},
    ])
    add_comment(work / "anna-lo.docx", files["anna.docx"], COMMENTED, "Hur följs detta upp?", ANNA)
    folder = work / "svar"
    folder.mkdir()
    for name in ("anna.docx", "bo.docx"):
        shutil.copyfile(files[name], folder / name)
    files["folder"] = folder
    files["edition"] = edition
    return files


def _edition(path: Path):
    return read_edition(Package(read_file(path), "document"), path.name)


def test_every_paragraph_and_commitment_is_anchored_and_libreoffice_keeps_the_anchors(content, returned):
    doc = content.documents["agreement"]
    wanted = {bookmark_name(s.ref(p)) for s in doc.sections for p in s.paragraphs()} | \
        {bookmark_name(c.id) for c in doc.commitments}
    assert len(wanted) > 300
    for name in ("edition", "anna.docx", "anna.odt", "bo.docx"):
        edition = _edition(returned[name])
        found = {a for p in edition.paragraphs for a in p.anchors}
        assert found == wanted, name          # hidden names (leading _) survive .docx and .odt
        assert edition.properties["samverkan-källa"] == source_key(doc)
        assert edition.properties["samverkan-dokument"] == "agreement"
        assert edition.properties["samverkan-version"] == doc.meta.version


def _proposals(review) -> set[tuple[str, str, str]]:
    return {(p.ref, p.kind, author) for e in review.entries for p in e.proposals for author in p.authors}


def test_import_lists_exactly_the_changes_their_authors_the_comment_and_the_conflict(content, returned):
    review = collect(content, [returned["folder"]], CONTENT)
    assert not review.rejected and not review.notes
    assert _proposals(review) == EXPECTED
    conflicts = [e.ref for e in review.entries if e.conflict]
    assert conflicts == ["3.1:5"]
    added = next(p for e in review.entries for p in e.proposals if p.kind == "added")
    assert added.new == ADDED and added.tracked and not added.before_ref
    commitment = next(p for e in review.entries for p in e.proposals if p.ref == "A-3.1-1")
    assert commitment.new.startswith("När det upptäcks att en gravid kvinna") and commitment.tracked
    comments = [(e.ref, c.author, c.text) for e in review.entries for _, c in e.comments]
    assert comments == [("3.1:4", ANNA, "Hur följs detta upp?")]
    # the .odt LibreOffice saved proposes the same as its .docx
    odt = collect(content, [returned["anna.odt"]], CONTENT)
    assert _proposals(odt) == {x for x in EXPECTED if x[2] == ANNA}


def test_import_writes_the_review_and_lists_a_file_that_is_no_edition(returned, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(returned["folder"], folder)
    Document().save(str(folder / "annat.docx"))
    (folder / "trasig.odt").write_bytes(b"PK\x03\x04 not a document")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["import", "--content", str(CONTENT), "--out", str(out), str(folder)])
    assert result.exit_code == 1, result.output
    assert "in/annat.docx: is not an edition of this project" in result.output
    assert "in/trasig.odt" in result.output and "Traceback" not in result.output
    review = next((out / "granskning").glob("granskning-*.docx"))
    text = docx_text(review)
    for words in ("Stycke 3.1:5 (konflikt)", "Anna Andersson", "Bo Berg", "SIP är ett viktigt centralt verktyg",
                  "Strykning", "Nytt stycke efter 3.1:6", ADDED, "Åtagande A-3.1-1", "Hur följs detta upp?",
                  "in/annat.docx"):
        assert words in text, words
    html = next((out / "granskning").glob("granskning-*.html")).read_text(encoding="utf-8")
    assert 'lang="sv"' in html and "Stycke 3.1:5 (konflikt)" in html and 'class="deleted"' in html
