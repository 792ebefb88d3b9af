"""collect/untrusted.py: files from outside are read within limits, and a bad one is rejected
with a sentence, never a traceback, a hang or gigabytes of memory."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from samverkan.collect.untrusted import LIMITS, Limits, Package, Rejected, parse_xml, read_file, sources

from tests.unit.collect import hostile

SMALL = Limits(max_file=1024 * 1024, max_members=50, max_member=2 * 1024 * 1024, max_total=3 * 1024 * 1024,
               max_ratio=50, max_elements=5000, seconds=30)


def rejected(call) -> str:
    with pytest.raises(Rejected) as info:
        call()
    return info.value.message


def test_a_good_package_is_read():
    package = Package(hostile.docx(), "form")
    assert package.has("word/document.xml")
    assert package.xml("word/document.xml").tag.endswith("document")


def test_only_regular_files_are_read(tmp_path):
    fifo = tmp_path / "x.docx"
    os.mkfifo(fifo)
    assert "not a regular file" in rejected(lambda: read_file(fifo))          # at once, no hang
    assert "not a regular file" in rejected(lambda: read_file(Path("/dev/zero")))
    assert "not a regular file" in rejected(lambda: read_file(tmp_path))
    assert "cannot be opened" in rejected(lambda: read_file(tmp_path / "saknas.docx"))


def test_a_file_over_the_size_limit_is_not_read(tmp_path):
    big = tmp_path / "stor.docx"
    with big.open("wb") as handle:
        handle.truncate(SMALL.max_file + 1)                       # sparse: nothing is written
    assert "more than the 1 MB" in rejected(lambda: read_file(big, SMALL))


@pytest.mark.parametrize("data, expected", [
    (b"hello", "not a ZIP package"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "password-protected or an old Word/Excel 97-2003 file"),
    (hostile.docx()[:200], "damaged"),
])
def test_not_a_package(data, expected):
    assert expected in rejected(lambda: Package(data, "form"))


def test_encrypted_members_and_unknown_methods_are_rejected():
    assert "is encrypted" in rejected(lambda: Package(hostile.flag_encrypted(hostile.docx()), "form"))
    lzma = hostile.docx(method=zipfile.ZIP_LZMA)
    assert "compression method" in rejected(lambda: Package(lzma, "form"))
    bzip = hostile.docx(method=zipfile.ZIP_BZIP2)
    assert "method 12" in rejected(lambda: Package(bzip, "form"))


def test_a_damaged_member_is_named():
    data = bytearray(hostile.docx(method=zipfile.ZIP_STORED))
    at = data.find(b"Hej")
    data[at:at + 3] = b"Hoj"                                      # the CRC no longer matches
    package = Package(bytes(data), "form")
    assert "word/document.xml does not match its checksum" in rejected(lambda: package.read("word/document.xml"))


def test_member_count_is_checked_before_the_directory_is_read():
    assert "parts, more than the 50" in rejected(lambda: Package(hostile.many_members(60), "form", SMALL))


def test_inflating_stops_at_the_limits():
    ratio = hostile.docx(extra={"word/big.xml": bytes(3 * 1024 * 1024)})
    assert "compressed more than 50 times" in rejected(lambda: Package(ratio, "form", SMALL).read("word/big.xml"))
    loose = Limits(max_member=1024 * 1024, max_ratio=100_000)
    assert "inflates to more than 1 MB" in rejected(lambda: Package(ratio, "form", loose).read("word/big.xml"))
    total = Limits(max_total=5 * 1024 * 1024, max_ratio=100_000)
    parts = hostile.docx(extra={f"word/p{i}.xml": bytes(2 * 1024 * 1024) for i in range(3)})
    package = Package(parts, "form", total)
    package.read("word/p0.xml")
    package.read("word/p1.xml")
    assert "inflates to more than 5 MB" in rejected(lambda: package.read("word/p2.xml"))


def test_a_zip_bomb_is_rejected_without_inflating_it():
    data = hostile.bomb(inflated=1024 * 1024 * 1024)               # 1 GiB of zeros in about 1 MB
    assert len(data) < 2 * 1024 * 1024
    package = Package(data, "form")
    assert "ZIP bomb" in rejected(lambda: package.read("word/document.xml"))
    assert package.inflated <= LIMITS.max_member + 1024 * 1024     # stopped at the member limit, not at 1 GiB


@pytest.mark.parametrize("xml, expected", [
    (hostile.BILLION_LAUGHS, "DOCTYPE"),
    (hostile.EXTERNAL_ENTITY, "DOCTYPE"),
    ('<?xml version="1.0"?><a>' + "<b>" * 300 + "</b>" * 300 + "</a>", "not well-formed"),    # too deep
    ("<a>" + "<b/>" * 6000 + "</a>", "more than 5000 XML elements"),
    ("<a><b></a>", "not well-formed"),
])
def test_xml_from_outside_is_parsed_without_entities_and_within_limits(xml, expected):
    assert expected in rejected(lambda: parse_xml(xml.encode(), "word/document.xml", SMALL))


def test_no_entity_is_ever_expanded():
    package = Package(hostile.docx(hostile.EXTERNAL_ENTITY), "form")
    assert "DOCTYPE" in rejected(lambda: package.xml("word/document.xml"))


def test_reading_time_is_limited():
    package = Package(hostile.docx(extra={"word/x.xml": bytes(200_000)}), "form", Limits(seconds=0))
    assert "took longer than 0 s" in rejected(lambda: package.read("word/x.xml"))


def test_sources_name_files_without_local_paths(tmp_path):
    folder = tmp_path / "svar"
    (folder / "under").mkdir(parents=True)
    for name in ("a.docx", "under/b.ODT", "~$a.docx", ".~lock.a.docx#", "c.txt"):
        (folder / name).write_bytes(b"")
    found = sources([folder, tmp_path / "svar" / "a.docx"], (".docx", ".odt"))
    assert [s.name for s in found] == ["svar/a.docx", "svar/under/b.ODT", "a.docx"]
    assert all(not s.name.startswith("/") and str(tmp_path) not in s.name for s in found)
