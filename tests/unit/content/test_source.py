from __future__ import annotations

import os
import threading

from samverkan.content.source import MAX_BYTES, character_problems, describe, read_source
from samverkan.errors import Problems

from tests.conftest import write


def test_text_is_read_as_utf8_with_line_ends_unified_and_a_bom_dropped(tmp_path):
    problems = Problems(tmp_path)
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf# 1 Rubrik\r\nText\rmer\n")
    assert read_source(path, problems) == "# 1 Rubrik\nText\nmer\n" and not problems
    assert problems.sources[path].startswith("# 1")


def test_files_outside_the_content_folder_are_refused_also_through_a_link(tmp_path):
    root = tmp_path / "content"
    secret = write(tmp_path / "secret.md", "hemligt")
    problems = Problems(root)
    assert read_source(root / ".." / "secret.md", problems) is None
    os.makedirs(root)
    os.symlink(secret, root / "link.md")
    assert read_source(root / "link.md", problems) is None
    assert [p.message for p in problems.items] == ["file lies outside the content folder (through '..' or a "
                                                   "symbolic link)"] * 2
    assert root / "link.md" in problems.broken


def test_a_fifo_a_folder_a_huge_file_and_bad_utf8_are_refused_with_the_reason(tmp_path):
    problems = Problems(tmp_path)
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "folder.yaml").mkdir()
    with open(tmp_path / "huge.md", "wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    (tmp_path / "latin1.md").write_bytes(b"rad ett\nrad tv\xe5\n")
    results = []
    reader = threading.Thread(target=lambda: results.extend(
        read_source(tmp_path / name, problems) for name in ("fifo.yaml", "folder.yaml", "huge.md", "latin1.md")))
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "reading a FIFO must not hang"
    assert results == [None] * 4
    shown = [p.display() for p in problems.items]
    assert "fifo.yaml: file is not a regular file" in shown[0] and "folder.yaml: file is not a regular file" in shown[1]
    assert "huge.md: file is 5 MB; a content file holds at most 5 MB" in shown[2]
    assert "latin1.md:2: file is not UTF-8 text" in shown[3]


def test_unprintable_characters_are_named_per_line():
    problems = Problems()
    from pathlib import Path
    assert character_problems(Path("x.md"), "bra\nmed \x00 och \x1b\nbra\n\ue000", problems)
    shown = [p.display() for p in problems.items]
    assert shown[0].startswith("x.md:2: the line holds U+0000 NULL, U+001B ESCAPE (column 5)")
    assert shown[1].startswith("x.md:4: the line holds U+E000 private-use character")
    assert not character_problems(Path("x.md"), "tab\there, no-break\u00a0space, å, 😀", Problems())
    assert describe("\U0001F600") == "U+1F600 GRINNING FACE" and describe("\x7f") == "U+007F DELETE"
