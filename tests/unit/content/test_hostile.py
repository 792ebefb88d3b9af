"""Hostile and broken content, run through the command line as a user would.

Every case is a small content tree (the test fixture, or the example project `samverkan init`
writes) broken in one way. Each must end with exit code 1, one message naming the file (and
the line where there is one) and what to do, no traceback, and the previous output left as it
was. The bombs run in a subprocess whose address space is limited to 1 GB.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

import samverkan
from samverkan.cli import cli

from tests.conftest import FIXTURES

EXAMPLE = Path(samverkan.__file__).parent / "example" / "content"
GIB = 1024 ** 3


@dataclass
class Case:
    id: str
    edit: Callable[[Path], None]
    where: str                  # "file:line" (or "file" where no line exists) the message names
    says: str                   # words of the message
    base: Path = FIXTURES / "mini"
    count: int = 1              # problems reported: one mistake, one message


def replace(relative: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return edit


def write(relative: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / relative).write_text(text, encoding="utf-8")
    return edit


def append(relative: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / relative
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return edit


def symlink(relative: str, target: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / relative).unlink()
        os.symlink(target, root / relative)
    return edit


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        previous = chr(ord("a") + i - 1)
        lines.append(f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [{', '.join(['*' + previous] * 9)}]")
    return "\n".join(lines) + "\n"


def merge_bomb() -> str:
    lines = ["m0: &m0 {x: 1, y: 2}"]
    for i in range(1, 30):
        lines.append(f"m{i}: &m{i}\n  <<: [*m{i - 1}]\n  a{i}: *m{i - 1}\n  b{i}: *m{i - 1}")
    return "\n".join(lines) + "\n"


DOC = "agreement/document.yaml"
COMMITMENTS = "agreement/commitments.yaml"
SECTION = "agreement/sections/02.md"

CASES = [
    # --- paths: nothing outside content/, no content value becomes a path ---
    Case("section-outside", replace(DOC, "  - sections/02.md", "  - ../../secret.md"), f"{DOC}:17",
         "section file '../../secret.md' lies outside the content folder"),
    Case("section-absolute", replace(DOC, "  - sections/02.md", "  - /etc/passwd"), f"{DOC}:17",
         "lies outside the content folder"),
    Case("section-symlink-out", symlink("agreement/sections/02.md", "/etc/hostname"), f"{DOC}:17",
         "(a symbolic link to"),
    Case("yaml-symlink-out", symlink("topics.yaml", "/etc/hostname"), "topics.yaml",
         "lies outside the content folder"),
    Case("version-path", replace(DOC, 'version: "0.9"', 'version: "1.1/../../../../x"'), f"{DOC}:10",
         "version '1.1/../../../../x' may only use letters, digits"),
    Case("version-long", replace(DOC, 'version: "0.9"', f'version: "{"1." * 30}1"'), f"{DOC}:10",
         "version is 61 characters"),
    Case("file-stem-path", replace(DOC, "file_stem: testavtal", 'file_stem: "../../x"'), f"{DOC}:3",
         "file_stem '../../x' may only use a–z"),
    Case("file-stem-backslash", replace(DOC, "file_stem: testavtal", 'file_stem: "..\\\\x"'), f"{DOC}:3",
         "may only use a–z"),
    Case("file-stem-long", replace(DOC, "file_stem: testavtal", f"file_stem: {'x' * 300}"), f"{DOC}:3",
         "file_stem is 300 characters"),
    Case("follow-up-stem-path", replace("commitment-tables.yaml", "  file_stem: uppfoljning\n",
                                        '  file_stem: "../../x"\n'), "commitment-tables.yaml:22",
         "follow_up: file_stem '../../x'", EXAMPLE),
    Case("kommun-dots", replace("kommuner.yaml", "- name: Exempelby", '- name: ".."'), "kommuner.yaml:17",
         "the name '..' has no letters or digits", EXAMPLE),
    Case("routine-id-path", replace("routines.yaml", "- id: unga", '- id: "../unga"'), "routines.yaml:39",
         "routine id '../unga' may only use", EXAMPLE),
    # --- YAML read with limits ---
    Case("alias-bomb", write("topics.yaml", billion_laughs()), "topics.yaml:", "expand the data to more than"),
    Case("merge-bomb", write("topics.yaml", merge_bomb()), "topics.yaml:", "expand the data to more than"),
    Case("alias-cycle", write("topics.yaml", "a: &a [x, *a]\n"), "topics.yaml:1", "YAML"),
    Case("yaml-deep", write("topics.yaml", "[" * 5000 + "]" * 5000), "topics.yaml:1",
         "nested more than 40 levels deep"),
    Case("yaml-nul", write("topics.yaml", "- id: sip\n  name: S\x00IP\n"), "topics.yaml:2", "U+0000 NULL"),
    Case("yaml-esc", write("topics.yaml", "- id: sip\n  name: SIP\n- id: unga\n  name: U\x1bnga\n"),
         "topics.yaml:4", "U+001B ESCAPE"),
    Case("yaml-unclosed-quote-at-end", replace("parties.yaml", "name: Regionen", 'name: "Regionen'),
         "parties.yaml:5", "a quote opens here and is never closed"),
    Case("yaml-unclosed-quote-swallows", replace(COMMITMENTS, 'section: "2"', 'section: "2'),
         f"{COMMITMENTS}:2", "a quote opens here and closes only on line 7"),
    Case("yaml-octal-code", replace("kommuner.yaml", 'code: "9901"', "code: 0127"), "kommuner.yaml:19",
         "'code' is written 0127, which YAML reads as the number 87", EXAMPLE),
    Case("yaml-float-version", replace(DOC, 'version: "0.9"', "version: 1.10"), f"{DOC}:10",
         "'version' is written 1.10, which YAML reads as the number 1.1"),
    Case("yaml-bool-name", replace("topics.yaml", "name: Samordnad individuell plan (SIP)", "name: yes"), "topics.yaml:2",
         "'name' is written yes, which YAML reads as true"),
    Case("yaml-sexagesimal-cell", replace("agreement/tables.yaml", '"1"', "1:30"), "agreement/tables.yaml:",
         "YAML reads as the number 90"),
    Case("yaml-not-utf8", lambda root: (root / "topics.yaml").write_bytes(b"- id: sip\n  name: S\xe9IP\n"),
         "topics.yaml:2", "not UTF-8"),
    Case("yaml-fifo", lambda root: ((root / "topics.yaml").unlink(), os.mkfifo(root / "topics.yaml")),
         "topics.yaml", "not a regular file"),
    # --- one mistake, one message ---
    Case("indentation", replace(COMMITMENTS, "  party: gemensamt", "   party: gemensamt"), f"{COMMITMENTS}:3",
         "YAML syntax error"),
    Case("indentation-example", replace(COMMITMENTS, "  party: gemensamt", "   party: gemensamt"),
         f"{COMMITMENTS}:6", "YAML syntax error", EXAMPLE),
    Case("empty-parties", write("parties.yaml", ""), "parties.yaml", "the file is empty"),
    Case("empty-parties-example", write("parties.yaml", "# bara en kommentar\n"), "parties.yaml",
         "the file is empty", EXAMPLE),
    Case("empty-topics", write("topics.yaml", ""), "topics.yaml", "the file is empty"),
    Case("party-without-name", replace("parties.yaml", "  name: Regionen\n", ""), "parties.yaml:4",
         "missing required field 'name'"),
    # --- Markdown nesting ---
    Case("deep-list", append(SECTION, "\n" + "".join("  " * i + "- x\n" for i in range(600))), SECTION,
         "nested more than 8 levels deep"),
    Case("deep-quote", append(SECTION, "\n" + "> " * 2000 + "x\n"), SECTION, "nested more than 8 levels deep"),
    # --- what build would fail on, found by check ---
    Case("emoji", append(SECTION, "\nEtt stycke med \U0001F600.\n"), f"{SECTION}:25",
         "U+1F600 GRINNING FACE cannot be shown in the PDF"),
    Case("nul-in-paragraph", append(SECTION, "\nEtt stycke med \x00.\n"), f"{SECTION}:25", "U+0000 NULL"),
    Case("esc-in-heading", append(SECTION, "\n## 3.1 Rubrik \x1b\n"), f"{SECTION}:25", "U+001B ESCAPE"),
    Case("cjk-in-yaml", replace("topics.yaml", "name: Samordnad individuell plan (SIP)", 'name: "SIP 漢"'), "topics.yaml:2",
         "U+6F22 CJK UNIFIED IDEOGRAPH-6F22 cannot be shown"),
    Case("private-use", append(SECTION, "\nTecken \ue000 här.\n"), f"{SECTION}:25", "U+E000"),
    # --- text that cannot be shown safely: bidi controls and other invisible characters (issue 24) ---
    Case("bidi-kommun", replace("kommuner.yaml", "- name: Norrvik", "- name: Norr\u202evik"), "kommuner.yaml:22",
         "U+202E RIGHT-TO-LEFT OVERRIDE (column 15), an invisible character", EXAMPLE),
    Case("bidi-escape-yaml", replace("topics.yaml", "name: Samordnad individuell plan (SIP)",
                                     'name: "SIP \\u2066x"'), "topics.yaml:2",
         "a value written with an escape holds U+2066 LEFT-TO-RIGHT ISOLATE"),
    Case("bidi-markdown", append(SECTION, "\nEtt stycke med \u2067dolt.\n"), f"{SECTION}:25",
         "U+2067 RIGHT-TO-LEFT ISOLATE"),
    Case("zero-width-yaml", replace("parties.yaml", "name: Regionen", "name: Regio\u200bnen"), "parties.yaml:5",
         "U+200B ZERO WIDTH SPACE"),
    Case("soft-hyphen-markdown", append(SECTION, "\nMjuk\u00adt bindestreck.\n"), f"{SECTION}:25",
         "U+00AD SOFT HYPHEN"),
    Case("same-file-name", replace("kommuner.yaml", "- name: Norrvik", "- name: ExempelBy"), "kommuner.yaml:22",
         "'ExempelBy' (line 22) and 'Exempelby' (line 17) would share the file name 'exempelby'", EXAMPLE),
    # --- accepted without a word before ---
    Case("heading-order", append(SECTION, "\n## 3.2 Andra\n\nText.\n\n## 3.1 Första\n\nText.\n"),
         f"{SECTION}:29", "section 3.1 comes after section 3.2"),
    Case("heading-misplaced", replace(SECTION, "## 2.1 Unga", "## 3.1 Unga"), f"{SECTION}:17",
         "section 3.1 stands under section 2, but its number puts it in 3"),
    Case("marker-mid-paragraph", replace("agreement/sections/01.md", "Raden fortsätter här.",
                                         "Raden {¶5} fortsätter här."), "agreement/sections/01.md:4",
         "reference marker {¶5} stands in the middle of a paragraph"),
]


def _tree(case: Case, tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(case.base, root)
    case.edit(root)
    return root


def _previous_output(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "out"
    out.mkdir()
    files = {"manifest.json": b'{"documents": []}\n', "earlier.pdf": b"%PDF-1.7 earlier build\n"}
    for name, data in files.items():
        (out / name).write_bytes(data)
    return out, files


def _assert_one_message(case: Case, output: str, root: Path) -> None:
    assert "Traceback" not in output, output
    where = f"content/{case.where}"
    assert where in output, output
    assert case.says in output, output
    first = output.index(where)
    assert "\n    → " in output[first:], output           # and what to do
    found = re.search(r"(\d+) problems? in the content", output)
    assert found and int(found.group(1)) == case.count, output


@pytest.mark.parametrize("case", [c for c in CASES if "bomb" not in c.id and "deep" not in c.id],
                         ids=lambda c: c.id)
def test_broken_content_gives_one_message_with_file_line_and_what_to_do(case: Case, tmp_path: Path):
    root = _tree(case, tmp_path)
    out, before = _previous_output(tmp_path)
    for command in (["check", "--content", str(root)], ["build", "--content", str(root), "--out", str(out)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit), result.exception     # a message, not a crash
        _assert_one_message(case, result.output, root)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before          # previous output intact
    assert not (tmp_path / "x").exists() and not (tmp_path.parent / "x").exists()


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))


@pytest.mark.parametrize("case", [c for c in CASES if "bomb" in c.id or "deep" in c.id], ids=lambda c: c.id)
def test_bombs_and_deep_nesting_are_refused_quickly_within_1_gb(case: Case, tmp_path: Path):
    root = _tree(case, tmp_path)
    out, before = _previous_output(tmp_path)
    done = subprocess.run([sys.executable, "-m", "samverkan", "build", "--content", str(root), "--out", str(out)],
                          capture_output=True, text=True, timeout=120, preexec_fn=_limit_memory,
                          cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    _assert_one_message(case, done.stderr, root)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
