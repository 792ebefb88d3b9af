"""Issue 20: returned Word editions read back. Two parties edit the built agreement in
LibreOffice (UNO, with their names as LibreOffice's user name and track changes on) and save
it as .docx and .odt; a comment is added as Word writes comments (python-docx: LibreOffice's
headless build here crashes when it saves a document with a comment). `samverkan import`
must list exactly these changes, their authors, the comment and the conflict."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from samverkan.build import build
from samverkan.cli import cli
from samverkan.content.loader import load_content
from samverkan.collect.untrusted import Package, read_file
from samverkan.imports.anchors import bookmark_name, source_key
from samverkan.imports.editions import read_edition
from samverkan.imports.review import collect

from tests.conftest import CONTENT
from tests.inspect import docx_text, libreoffice_fill, openxml_audit
from tests.web import axe_violations, chrome, close, vnu_errors

ANNA, BO, CILLA = "Anna Andersson", "Bo Berg", "Cilla Carlsson"
ADDED = "Ett nytt stycke om stöd till föräldrar."
ANNA_EDITS = [
    {"replace": "SIP är ett viktigt verktyg", "with": "SIP är ett centralt verktyg"},                 # 3.1:5
    {"replace": "motivera bägge föräldrarna", "with": "motivera båda föräldrarna"},                   # 3.1:6
    {"replace": "Vid upptäckt att en gravid kvinna", "with": "När det upptäcks att en gravid kvinna"},  # A-3.1-1
    {"delete-paragraph": "För de små barnen"},                                                        # 3.1:7
    {"insert-after": "Relationen till barnet", "text": ADDED},                                        # after 3.1:6
]
BO_EDITS = [{"replace": "SIP är ett viktigt verktyg", "with": "SIP är ett nödvändigt verktyg"}]       # 3.1:5 too
CILLA_EDITS = [
    {"replace": "En stor andel barn", "with": "En betydande andel barn"},                            # 3.1:3
    {"replace": "Det väntade barnet och de blivande", "with": "Det väntade barnet och blivande"},      # a subheading
    {"replace": "Tillgång till narkotika", "with": "Tillgången till narkotika"},                      # Tabell 1
]
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
    files["cilla.docx"] = work / "cilla.docx"
    libreoffice_fill([
        {"source": str(edition), "user": CILLA, "actions": CILLA_EDITS,           # track changes off
         "save": [[str(files["cilla.docx"]), "MS Word 2007 XML"]]},
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


def _anchor_names(doc) -> set[str]:
    return {bookmark_name(s.ref(p)) for s in doc.sections for p in s.paragraphs()} | \
        {bookmark_name(c.id) for c in doc.commitments}


def test_every_paragraph_and_commitment_is_anchored_and_libreoffice_keeps_the_anchors(content, returned, built):
    supplement = content.documents["supplement"]
    edition = _edition(built[("supplement", "docx")])
    assert {a for p in edition.paragraphs for a in p.anchors} == _anchor_names(supplement)
    assert edition.properties["samverkan-källa"] == source_key(supplement)
    doc = content.documents["agreement"]
    wanted = _anchor_names(doc)
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
    assert openxml_audit(review) == []
    page = next((out / "granskning").glob("granskning-*.html"))
    html = page.read_text(encoding="utf-8")
    assert 'lang="sv"' in html and "Stycke 3.1:5 (konflikt)" in html and 'class="deleted"' in html
    assert vnu_errors([page]) == []
    driver = chrome(tmp_path / "downloads")
    try:
        driver.get(page.as_uri())
        assert axe_violations(driver) == []
    finally:
        close(driver)


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(folder)})


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the Stockholm content in a git repository of its own, as a secretariat keeps it."""
    folder = tmp_path / "projekt"
    shutil.copytree(CONTENT, folder / "content")
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "version sent out")
    return folder


def _paragraph_texts(path: Path) -> list[str]:
    """The text of a Word edition from its first anchored paragraph on, every change accepted."""
    paragraphs = _edition(path).paragraphs
    first = next(i for i, p in enumerate(paragraphs) if p.anchors)
    return [p.after for p in paragraphs[first:] if p.after]


def test_apply_of_one_authors_changes_then_build_gives_the_edited_text(project, returned, tmp_path):
    content_dir = project / "content"
    before = load_content(content_dir).documents["agreement"]
    refs_before = {s.ref(p): p.text for s in before.sections for p in s.paragraphs()}
    result = CliRunner().invoke(cli, ["import", "--content", str(content_dir), "--out", str(tmp_path / "review"),
                                      "--apply", "--author", ANNA, str(returned["folder"])])
    assert result.exit_code == 0, result.output
    assert "applied 5 change(s)" in result.output and "1 left for the secretariat" in result.output
    review = docx_text(next((tmp_path / "review" / "granskning").glob("*.docx")))
    assert "Införda i innehållet" in review and "inte valt (--author/--ref)" in review     # Bo's proposal
    # only the changed lines of the files changed
    changed = subprocess.run(["git", "-C", str(project), "diff", "--numstat"], capture_output=True, text=True).stdout
    assert sorted(line.split("\t")[2] for line in changed.splitlines()) == [
        "content/agreement/commitments.yaml", "content/agreement/sections/03-prioriterade-malgrupper.md"]
    assert sum(int(line.split("\t")[0]) for line in changed.splitlines()) == 4       # 3 lines changed, 1 added
    # the rebuilt agreement reads as Anna's edition with her changes accepted
    out = tmp_path / "out"
    written = build(content_dir, out, ["agreement"])
    rebuilt = next(out / w.path for w in written if w.format == "docx")
    rebuilt_texts, edited_texts = _paragraph_texts(rebuilt), _paragraph_texts(returned["anna.docx"])
    assert len(rebuilt_texts) == len(edited_texts)
    # …except where section 6 repeats the changed commitment: it follows commitments.yaml (one rule per fact)
    differ = [(a, b) for a, b in zip(edited_texts, rebuilt_texts) if a != b]
    assert differ == [(next(t for t in edited_texts if t.endswith("(A-3.1-1)")),
                       next(t for t in edited_texts if t.startswith("När det upptäcks")) + " (A-3.1-1)")]
    # every untouched paragraph keeps its reference and text; the new one has the next free number
    after = load_content(content_dir).documents["agreement"]
    refs_after = {s.ref(p): p.text for s in after.sections for p in s.paragraphs()}
    assert set(refs_before) - set(refs_after) == {"3.1:7"}
    new_ref = max(int(r.split(":")[1]) for r in refs_before if r.startswith("3.1:")) + 1
    assert set(refs_after) - set(refs_before) == {f"3.1:{new_ref}"} and refs_after[f"3.1:{new_ref}"] == ADDED
    assert {r for r in refs_before if r in refs_after and refs_before[r] != refs_after[r]} == {"3.1:5", "3.1:6"}
    # samverkan diff between the two versions shows the same changes
    result = CliRunner().invoke(cli, ["diff", "git:HEAD", str(content_dir), "--repo", str(project),
                                      "--out", str(tmp_path / "diff")])
    assert result.exit_code == 0, result.output
    report = json.loads(next((tmp_path / "diff" / "andringar").glob("*.json")).read_text(encoding="utf-8"))
    agreement = next(d for d in report["documents"] if d["document"] == "agreement")
    assert {(p["status"], p["old_ref"] or p["new_ref"]) for p in agreement["paragraphs"]} == {
        ("changed", "3.1:5"), ("changed", "3.1:6"), ("removed", "3.1:7"), ("added", f"3.1:{new_ref}")}
    assert [(c["id"], c["status"]) for c in agreement["commitments"]] == [("A-3.1-1", "changed")]


def test_a_file_edited_without_track_changes_is_compared_with_the_text_and_what_cannot_be_placed_is_listed(
        project, returned, tmp_path):
    content = load_content(project / "content")
    review = collect(content, [returned["cilla.docx"]], project / "content")
    assert _proposals(review) == {("3.1:3", "changed", CILLA)}         # the saver's name, from the file's properties
    proposal = review.entries[0].proposals[0]
    assert not proposal.tracked and proposal.new.startswith("En betydande andel barn")
    notes = {(n.what, n.new) for n in review.notes}
    assert notes == {("Rubrik, tabell eller ingress ändrad", "Det väntade barnet och blivande föräldrarna"),
                     ("Ändring i en tabell", "Tillgången till narkotika, dopningsmedel, alkohol och tobak ska minska.")}
    result = CliRunner().invoke(cli, ["import", "--content", str(project / "content"), "--out", str(tmp_path / "r"),
                                      "--apply", str(returned["cilla.docx"])])
    assert result.exit_code == 0 and "applied 1 change(s)" in result.output, result.output
    changed = subprocess.run(["git", "-C", str(project), "diff", "--stat"], capture_output=True, text=True).stdout
    assert "03-prioriterade-malgrupper.md | 2 +-" in changed and "tables.yaml" not in changed


def test_a_stale_edition_is_compared_with_its_version_from_git_and_changes_since_are_conflicts(project, returned,
                                                                                               tmp_path):
    section = project / "content" / "agreement" / "sections" / "03-prioriterade-malgrupper.md"
    text = section.read_text(encoding="utf-8")
    section.write_text(text.replace("SIP är ett viktigt verktyg", "SIP är ett bra verktyg"), encoding="utf-8")
    _git(project, "commit", "-q", "-am", "3.1:5 changed after the edition was sent")
    content = load_content(project / "content")
    review = collect(content, [returned["anna.docx"]], project / "content")
    assert review.files[0].base.startswith("version 1.1 (git ")
    stale = {e.ref for e in review.entries for p in e.proposals if e.stale(p)}
    assert stale == {"3.1:5"}
    assert _proposals(review) == {x for x in EXPECTED if x[2] == ANNA}
    result = CliRunner().invoke(cli, ["import", "--content", str(project / "content"), "--out", str(tmp_path / "r"),
                                      "--apply", str(returned["anna.docx"])])
    assert result.exit_code == 0 and "applied 4 change(s)" in result.output, result.output
    after = load_content(project / "content").documents["agreement"]
    texts = {s.ref(p): p.text for s in after.sections for p in s.paragraphs()}
    assert texts["3.1:5"].startswith("SIP är ett bra verktyg")             # today's text kept: a conflict
    assert "båda föräldrarna" in texts["3.1:6"] and "3.1:7" not in texts    # carried forward
    review_text = docx_text(next((tmp_path / "r" / "granskning").glob("*.docx")))
    assert "Stycket har ändrats sedan utgåvan gjordes" in review_text


def test_an_edition_whose_version_is_not_in_the_history_is_compared_with_todays_text_as_unverified(
        project, returned, tmp_path):
    unknown = tmp_path / "okand-version.docx"
    with zipfile.ZipFile(returned["anna.docx"]) as source, zipfile.ZipFile(unknown, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/custom.xml":
                data = re.sub(rb"(samverkan-k\xc3\xa4lla\"><vt:lpwstr>)[0-9a-f]+", rb"\g<1>0123456789abcdef0123", data)
            target.writestr(item, data)
    content = load_content(project / "content")
    review = collect(content, [unknown], project / "content")
    assert "källan hittades inte" in review.files[0].base
    assert all(p.unverified for e in review.entries for p in e.proposals) and review.entries
    result = CliRunner().invoke(cli, ["import", "--content", str(project / "content"), "--out", str(tmp_path / "r"),
                                      "--apply", str(unknown)])
    assert "applied 0 change(s)" in result.output, result.output
    assert "Overifierad" in docx_text(next((tmp_path / "r" / "granskning").glob("*.docx")))


def test_a_remiss_edition_is_an_edition_too_and_its_printed_references_are_not_text(content, built_remiss, tmp_path):
    out, written = built_remiss
    edition = next(out / w.path for w in written if w.kind == "remiss-edition" and w.format == "docx"
                   and "overenskommelse" in w.path)
    assert not collect(content, [edition], CONTENT).entries                 # unedited: nothing proposed
    document = Document(str(edition))
    paragraph = next(p for p in document.paragraphs if "SIP är ett viktigt verktyg" in p.text)
    assert paragraph.text.startswith("[3.1:5]")
    run = next(r for r in paragraph.runs if "viktigt" in r.text)
    run.text = run.text.replace("viktigt", "centralt")                      # typed over, track changes off
    document.save(str(tmp_path / "remiss.docx"))
    review = collect(content, [tmp_path / "remiss.docx"], CONTENT)
    assert [(e.ref, [(p.kind, p.tracked) for p in e.proposals]) for e in review.entries] == [("3.1:5", [("changed", False)])]
    assert review.entries[0].proposals[0].new.startswith("SIP är ett centralt verktyg") and not review.notes


def test_apply_only_the_references_named(project, returned, tmp_path):
    result = CliRunner().invoke(cli, ["import", "--content", str(project / "content"), "--out", str(tmp_path / "r"),
                                      "--apply", "--ref", "3.1:6", "--ref", "A-3.1-1", str(returned["anna.docx"])])
    # a new paragraph goes with the paragraph it follows in the edition (it has no reference of its own yet)
    assert result.exit_code == 0 and "applied 3 change(s)" in result.output, result.output
    after = load_content(project / "content").documents["agreement"]
    assert after.commitments_of("3.1")[0].text.startswith("När det upptäcks")
    texts = {s.ref(p): p.text for s in after.sections for p in s.paragraphs()}
    assert "båda föräldrarna" in texts["3.1:6"] and "viktigt" in texts["3.1:5"] and "3.1:7" in texts
    assert ADDED in texts.values()
