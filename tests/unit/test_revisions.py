"""Issue 6: comparing versions (rules), resolving OLD/NEW, the redline's merge and its
accept/reject reading."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from generator.__main__ import cli
from generator.content import load_content
from generator.errors import UsageProblem
from generator.revisions import report_document
from generator.revisions.compare import align, compare_contents, word_opcodes
from generator.revisions.redline import DELETION, INSERTION, Merger, resolve
from generator.revisions.sources import Version, load_version

from ..conftest import FIXTURES, write

VERSIONS = FIXTURES / "versions"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def summary(changes) -> dict:
    """What the comparison found, in the plain terms the tests state it."""
    d = changes.documents[0]
    return {
        "metadata": [(f.field, f.old, f.new) for f in d.metadata],
        "history": [(h.status, (h.new or h.old).version) for h in d.history],
        "commitments": sorted((c.status, c.id, c.fields) for c in d.commitments),
        "sections": [(s.status, s.number, s.old_title, s.new_title) for s in d.sections],
        "paragraphs": [(p.status, p.old_section, p.new_section, p.old_text, p.new_text) for p in d.paragraphs],
        "tables": d.tables, "footnotes": d.footnotes, "names": d.names,
    }


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    """Writable copies of the two fixture versions."""
    shutil.copytree(VERSIONS / "v1", tmp_path / "v1")
    shutil.copytree(VERSIONS / "v2", tmp_path / "v2")
    return tmp_path / "v1", tmp_path / "v2"


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    write(path, text.replace(old, new, 1))


# --- the rules ------------------------------------------------------------------------------------

def test_the_known_edits_are_exactly_what_the_comparison_finds():
    changes = compare_contents(load_content(VERSIONS / "v1"), load_content(VERSIONS / "v2"))
    assert not changes.empty
    assert summary(changes) == {
        "metadata": [("version", "0.9", "1.0"), ("status", "utkast", "remiss"), ("date", "2026-11-24", "2027-01-15")],
        "history": [("added", "1.0")],
        "commitments": [("added", "T-2.1-2", ()), ("changed", "T-2-1", ("text",)), ("removed", "T-2-3", ())],
        "sections": [("renamed", "2.1", "Unga", "Unga och unga vuxna")],
        "paragraphs": [("moved", "2", "2.1", "Text efter.", "Text efter.")],
        "tables": [], "footnotes": [], "names": [],
    }


def test_the_same_content_has_no_changes_and_the_report_says_so():
    content = load_content(VERSIONS / "v1")
    changes = compare_contents(content, load_content(VERSIONS / "v1"))
    assert changes.empty
    report = report_document(changes, Version("v1", content), Version("v1", content), {}).markdown
    assert "Inga ändringar" in report
    assert "\n# 1 " not in report            # no per-document chapter when nothing changed


def test_a_commitment_moved_to_another_section_or_place_is_moved_not_removed_and_added(versions):
    v1, _ = versions
    moved = v1.parent / "moved"
    shutil.copytree(v1, moved)
    commitments = moved / "agreement" / "commitments.yaml"
    edit(commitments, '- id: T-2-2\n  section: "2"', '- id: T-2-2\n  section: "2.1"')
    edit(commitments, "text: Erbjuda basutredningar.", "text: Erbjuda basutredningar i hela länet.")
    changes = compare_contents(load_content(v1), load_content(moved))
    assert summary(changes)["commitments"] == [("moved", "T-2-2", ("text",))]
    moved_one = changes.documents[0].commitments[0]
    assert (moved_one.old.section, moved_one.new.section) == ("2", "2.1")
    assert changes.documents[0].moves() == [
        (("Erbjuda basutredningar.", "Erbjuda basutredningar. (T-2-2)"),
         ("Erbjuda basutredningar i hela länet.", "Erbjuda basutredningar i hela länet. (T-2-2)"))]

    reordered = v1.parent / "reordered"
    shutil.copytree(v1, reordered)
    text = (v1 / "agreement" / "commitments.yaml").read_text(encoding="utf-8")
    first, second, rest = text.split("- id: ")[1], text.split("- id: ")[2], text.split("- id: ")[3:]
    write(reordered / "agreement" / "commitments.yaml", "- id: " + "- id: ".join([second, first, *rest]))
    changes = compare_contents(load_content(v1), load_content(reordered))
    assert summary(changes)["commitments"] == [("moved", "T-2-2", ())]   # T-2-1 and T-2-3 keep their order


def test_paragraphs_changed_a_little_are_changed_rewritten_ones_removed_and_added(versions):
    v1, v2 = versions
    sections = v2 / "agreement" / "sections"
    edit(sections / "02.md", "Beskrivning av fas ett.", "Kort beskrivning av fas ett.")
    edit(sections / "01.md", "Andra stycket i rutan.", "Något helt annat står här nu.")
    edit(sections / "02.md", "# 3 Sammanställning", "# 4 Sammanställning")
    paragraphs = summary(compare_contents(load_content(v1), load_content(v2)))["paragraphs"]
    assert ("changed", "2", "2", "Beskrivning av fas ett.", "Kort beskrivning av fas ett.") in paragraphs
    assert ("removed", "1.1", "", "Andra stycket i rutan.", "") in paragraphs
    assert ("added", "", "1.1", "", "Något helt annat står här nu.") in paragraphs
    sections_found = summary(compare_contents(load_content(v1), load_content(v2)))["sections"]
    assert ("removed", "3", "Sammanställning", "") in sections_found
    assert ("added", "4", "", "Sammanställning") in sections_found


def test_align_pairs_similar_items_and_keeps_order():
    old, new = ["a b c d", "x", "e f"], ["a b c e", "e f", "y"]

    def similar(i, j):
        from generator.revisions.compare import similarity
        return similarity(old[i], new[j])

    steps = [(s.op, s.old, s.new) for s in align(old, new, similar)]
    assert steps == [("changed", 0, 0), ("removed", 1, None), ("equal", 2, 1), ("added", None, 2)]
    filled = [(s.op, s.old, s.new) for s in align(["p"], ["q"], similar=lambda i, j: 0.0, fill=lambda i, j: True)]
    assert filled == [("changed", 0, 0)]


def test_word_opcodes_take_blank_runs_between_changes_into_the_change():
    old, new = ["a", " ", "b", " ", "c"], ["x", " ", "b", " ", "y"]
    assert [c[0] for c in word_opcodes(old, new)] == ["replace", "equal", "replace"]
    old, new = ["one", " ", "two"], ["uno", " ", "dos"]
    assert word_opcodes(old, new) == [("replace", 0, 3, 0, 3)]


# --- OLD and NEW ----------------------------------------------------------------------------------

def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A throwaway repository: v1 of the content tagged v1.0, then v2 on top."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.org")
    git(root, "config", "user.name", "Test")
    shutil.copytree(VERSIONS / "v1", root / "content")
    git(root, "add", "content")
    git(root, "commit", "-q", "-m", "v1")
    git(root, "tag", "v1.0")
    shutil.rmtree(root / "content")
    shutil.copytree(VERSIONS / "v2", root / "content")
    git(root, "add", "-A", "content")
    git(root, "commit", "-q", "-m", "v2")
    return root


def test_git_revisions_are_read_from_the_repository(repo):
    old = load_version("git:v1.0", repo, "OLD")
    new = load_version("git:HEAD", repo, "NEW")
    assert old.label == "git:v1.0" and old.content.documents["agreement"].meta.version == "0.9"
    assert new.content.documents["agreement"].meta.version == "1.0"
    assert summary(compare_contents(old.content, new.content)) == \
        summary(compare_contents(load_content(VERSIONS / "v1"), load_content(VERSIONS / "v2")))


@pytest.mark.parametrize("spec, message", [
    ("git:v9.9", "unknown git revision 'v9.9'"),
    ("git:v1.O", "did you mean git:v1.0?"),
    ("git:", "names no revision"),
])
def test_bad_revisions_are_named_clearly(repo, spec, message):
    with pytest.raises(UsageProblem) as info:
        load_version(spec, repo, "OLD")
    assert message in info.value.message and "OLD" in info.value.message


def test_a_revision_without_content_or_a_folder_that_is_no_repository(repo, tmp_path):
    write(repo / "README", "x")
    git(repo, "add", "README")
    git(repo, "rm", "-q", "-r", "content")
    git(repo, "commit", "-q", "-m", "no content")
    with pytest.raises(UsageProblem) as info:
        load_version("git:HEAD", repo, "NEW")
    assert "has no content/ folder" in info.value.message
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(UsageProblem) as info:
        load_version("git:HEAD", elsewhere, "NEW")
    assert "not a git repository" in info.value.message


def test_folders_without_content_are_refused(tmp_path):
    with pytest.raises(UsageProblem) as info:
        load_version(str(tmp_path / "missing"), tmp_path, "OLD")
    assert "neither a folder nor a git revision" in info.value.message
    with pytest.raises(UsageProblem) as info:
        load_version(str(tmp_path), tmp_path, "NEW")
    assert "holds no content" in info.value.message


def test_a_checkout_folder_means_its_content_folder(repo):
    assert load_version(str(repo), repo, "NEW").content.documents["agreement"].meta.version == "1.0"


def test_invalid_content_is_reported_with_the_version_file_and_line(repo, versions):
    _, v2 = versions
    edit(v2 / "agreement" / "commitments.yaml", "party: kommunerna", "party: kommunen")
    with pytest.raises(UsageProblem) as info:
        load_version(str(v2), repo, "NEW")
    assert f"in {v2}: v2/agreement/commitments.yaml:13: unknown party 'kommunen'" in info.value.message
    shutil.rmtree(repo / "content")
    shutil.copytree(v2, repo / "content")
    git(repo, "commit", "-q", "-am", "broken")
    with pytest.raises(UsageProblem) as info:
        load_version("git:main", repo, "OLD")
    message = info.value.message
    assert message.startswith("OLD 'git:main' is not valid content (1 problem)")
    assert "in git:main: content/agreement/commitments.yaml:13: unknown party 'kommunen'" in message
    assert "did you mean 'kommunerna'" in message


def test_the_diff_command_reports_problems_without_a_traceback(repo, tmp_path):
    result = CliRunner().invoke(cli, ["diff", "git:nope", "git:HEAD", "--repo", str(repo), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "unknown git revision 'nope'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "andringar").exists()


# --- the redline's merge and reading --------------------------------------------------------------

def test_the_merge_tracks_words_and_keeps_moved_texts_whole():
    def para(text):
        inlines = []
        for index, word in enumerate(text.split()):
            inlines += ([{"t": "Space"}] if index else []) + [{"t": "Str", "c": word}]
        return {"t": "Para", "c": inlines}

    merger = Merger("A", "2027-01-15T12:00:00Z", [(("Flyttas hit.",), ("Flyttas hit.",))])
    old = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [para("Ett två tre."), para("Flyttas hit.")]}
    new = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [para("Flyttas hit."), para("Ett fyra tre.")]}
    merged = merger.merge(old, new)["blocks"]
    kinds = [[x["c"][0][1] if x["t"] == "Span" else x["t"] for x in b["c"]] for b in merged]
    assert kinds[1] == ["Str", "Space", [DELETION], [INSERTION], "Space", "Str"]
    assert merged[0]["c"][0]["c"][0][0] == "rl-to-1" and merged[2]["c"][0]["c"][0][0] == "rl-from-1"
    assert merged[1]["c"][2]["c"][0][2] == [["author", "A"], ["date", "2027-01-15T12:00:00Z"]]


def w(xml: str) -> bytes:
    return f'<w:document xmlns:w="{W_NS}"><w:body>{xml}</w:body></w:document>'.encode()


def texts(root) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(f"{{{W_NS}}}t")) for p in root.iter(f"{{{W_NS}}}p")]


def test_resolve_accepts_and_rejects_as_word_does():
    xml = w(
        '<w:p><w:r><w:t>Hej </w:t></w:r><w:del w:id="1"><w:r><w:delText>gamla</w:delText></w:r></w:del>'
        '<w:ins w:id="2"><w:r><w:t>nya</w:t></w:r></w:ins></w:p>'
        '<w:p><w:pPr><w:rPr><w:ins w:id="3"/></w:rPr></w:pPr>'
        '<w:ins w:id="4"><w:r><w:t>Nytt stycke</w:t></w:r></w:ins></w:p>'
        '<w:moveFromRangeStart w:id="5" w:name="move1"/>'
        '<w:p><w:pPr><w:rPr><w:moveFrom w:id="6"/></w:rPr></w:pPr><w:moveFrom w:id="7"><w:r><w:t>Flyttad</w:t></w:r>'
        '</w:moveFrom></w:p><w:moveFromRangeEnd w:id="5"/>'
        '<w:p><w:r><w:t>Sist</w:t></w:r></w:p>'
        '<w:moveToRangeStart w:id="8" w:name="move1"/>'
        '<w:p><w:pPr><w:rPr><w:moveTo w:id="9"/></w:rPr></w:pPr><w:moveTo w:id="10"><w:r><w:t>Flyttad</w:t></w:r>'
        '<w:del w:id="11"><w:r><w:delText> ord</w:delText></w:r></w:del></w:moveTo></w:p><w:moveToRangeEnd w:id="8"/>'
        '<w:p><w:r><w:t>Slut</w:t></w:r></w:p>'
        '<w:tbl><w:tr><w:trPr><w:del w:id="12"/></w:trPr><w:tc><w:p><w:del w:id="13"><w:r><w:delText>rad</w:delText>'
        '</w:r></w:del></w:p></w:tc></w:tr></w:tbl>'
        '<w:p><w:r><w:t>Efter</w:t></w:r></w:p>')
    assert texts(resolve(xml, accept=True)) == ["Hej nya", "Nytt stycke", "Sist", "Flyttad", "Slut", "Efter"]
    assert texts(resolve(xml, accept=False)) == ["Hej gamla", "Flyttad", "Sist", "Slut", "rad", "Efter"]
    accepted = etree.tostring(resolve(xml, accept=True)).decode()
    assert "w:ins" not in accepted and "w:del" not in accepted and "w:move" not in accepted
