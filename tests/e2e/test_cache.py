"""Prepared routine templates kept between builds (.samverkan-cache/ beside the output): a
damaged, misplaced or older entry is never trusted, and the files are byte for byte those of a
cold build; a good entry is used. The same for the site's pages: each document is converted to
HTML once per build, and a later build that makes only some of its pages converts nothing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from samverkan.build import build_project, run_build
from samverkan.content import load_content
from samverkan.engine.cache import FOLDER, PREPARED
from samverkan.targets import BuildOptions
from samverkan.targets.routines import find_units
from samverkan.writers import html, pandoc

from tests.conftest import CONTENT
from tests.inspect import check_manifest

LONG_AGO = 946684800     # 2000-01-01: entries the build uses are touched, the others keep this


def routines_of(content, out: Path) -> dict[str, str]:
    """Täby's routine files and the site (every kommun's page of every routine template)."""
    run_build(content, out, ["routines", "site"], BuildOptions({"units": find_units(content, ["Täby"])}))
    check_manifest(out)
    return files_of(out)


def files_of(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def header(entry: Path) -> dict:
    return json.loads(entry.read_bytes().split(b"\n", 1)[0])


def with_header(data: bytes, **changes) -> bytes:
    first, payload = data.split(b"\n", 1)
    return json.dumps(dict(json.loads(first), **changes), sort_keys=True).encode() + b"\n" + payload


def with_payload(data: bytes, payload: bytes) -> bytes:
    """An entry with a header that is right in every way (key, samverkan, length, sha256) over
    another payload: only the writer's own check (`restore`) stands between it and the files."""
    return with_header(data.split(b"\n", 1)[0] + b"\n" + payload, bytes=len(payload),
                       sha256=hashlib.sha256(payload).hexdigest())


def test_a_damaged_cache_gives_the_bytes_of_a_cold_build_and_a_good_one_is_used(content, tmp_path):
    cold_out = tmp_path / "cold" / "output"
    cold = routines_of(content, cold_out)
    routines = {p: d for p, d in cold.items() if not p.startswith("site/")}
    assert len(routines) == 21                                  # 10 routines × Word + PDF, the ZIP
    kept = tmp_path / "cold" / FOLDER / PREPARED
    entries = {p.name: p.read_bytes() for p in sorted(kept.iterdir())}
    by_format = {fmt: sorted(n for n in entries if n.endswith(f".{fmt}")) for fmt in ("docx", "pdf", "html")}
    # 10 routines as Word and PDF; as HTML, and the agreement's and the supplement's pages
    assert [len(names) for names in by_format.values()] == [10, 10, 12] and sum(map(len, by_format.values())) == 32
    for name, data in entries.items():                      # the key it is stored under, plain JSON + payload
        assert header(kept / name)["key"] == name.rsplit(".", 1)[0]
    assert cold_out.parent.joinpath(FOLDER).is_dir() and not (cold_out / FOLDER).exists()

    # the same cache beside another output folder, its entries damaged in every way we know;
    # each damaged entry holds another template's payload (or half of its own), so a build
    # that trusted it would write other bytes
    cache = tmp_path / "warm" / FOLDER / PREPARED
    cache.mkdir(parents=True)
    for name, data in entries.items():
        (cache / name).write_bytes(data)
    docx, pdf, html = by_format["docx"], by_format["pdf"], by_format["html"]
    damaged = {
        # truncated (a write cut off by a power cut)
        docx[0]: entries[docx[0]][:len(entries[docx[0]]) // 2],
        pdf[0]: entries[pdf[0]][:-1],
        # another template's entry under this one's key (a renamed or copied file)
        docx[1]: entries[docx[2]],
        pdf[1]: entries[pdf[2]],
        # another payload with a header claiming this key, written by an older samverkan
        docx[3]: with_header(entries[docx[4]], key=docx[3].rsplit(".", 1)[0], samverkan="0.0.1"),
        # the right header over a payload that is not what it says (sha256)
        pdf[3]: entries[pdf[3]].split(b"\n", 1)[0] + b"\n" + entries[pdf[4]].split(b"\n", 1)[1],
        # not a JSON header at all
        docx[5]: b"\x80\x04\x95 not a header\n" + entries[docx[5]],
        # the same for the pages' HTML
        html[0]: entries[html[0]][:-10],
        html[1]: entries[html[2]],
        html[3]: with_header(entries[html[4]], key=html[3].rsplit(".", 1)[0], samverkan="0.0.1"),
        # a header right in every way over a payload that is not a converted document
        html[5]: with_payload(entries[html[5]], b'{"toc": 1, "body": ["<p>"]}'),
        # ... or JSON nested deeper than any reader goes (Python's json gives up with a RecursionError)
        html[7]: with_payload(entries[html[7]], b"[" * 200_000 + b"]" * 200_000),
        pdf[7]: with_payload(entries[pdf[7]], b'{"a": ' * 200_000 + b"1" + b"}" * 200_000),
    }
    for name, data in damaged.items():
        (cache / name).write_bytes(data)
    (cache / pdf[5]).unlink()                              # a symbolic link to another entry
    (cache / pdf[5]).symlink_to(cache / pdf[6])
    for entry in cache.iterdir():
        os.utime(entry, (LONG_AGO, LONG_AGO), follow_symlinks=False)
    inodes = {entry.name: entry.lstat().st_ino for entry in cache.iterdir()}

    warm = routines_of(content, tmp_path / "warm" / "output")
    assert warm == cold
    # every bad entry was replaced by the right one; every good one was used (touched, not rewritten)
    bad = set(damaged) | {pdf[5]}
    for name, data in entries.items():
        assert (cache / name).read_bytes() == data and not (cache / name).is_symlink(), name
        info = (cache / name).stat()
        if name not in bad:
            assert info.st_ino == inodes[name] and info.st_mtime > LONG_AGO, name
    # and a good entry really is what the build fills: a valid entry of another template under a
    # key makes that template's copies from it (what proves the cache is read at all); a page
    # shows the body its entry holds
    forged = entries[docx[7]]
    (cache / docx[6]).write_bytes(with_header(forged, key=docx[6].rsplit(".", 1)[0]))
    (cache / html[6]).write_bytes(with_payload(entries[html[6]], json.dumps(
        {"toc": "", "body": "<p>Förfalskad</p>"}).encode()))
    other = routines_of(content, tmp_path / "warm" / "forged")
    changed = {p for p in cold if other[p] != cold[p]}
    site = {p for p in changed if p.startswith("site/")}
    assert len(changed - site) == 2                                    # that routine's Word file and the ZIP
    pages = {p for p in site if p.endswith(".html")
             and "<p>Förfalskad</p>" in (tmp_path / "warm" / "forged" / p).read_text(encoding="utf-8")}
    # besides: the site's copies of those two files, and Täby's pages that give the Word file's size
    assert pages and all(p.startswith(("site/filer/", "site/kommuner/taby.html", "site/kommuner/taby/"))
                         for p in site - pages), site - pages


def test_the_site_converts_each_document_once_and_one_kommun_changed_converts_none(tmp_path, monkeypatch):
    """Counted in this process (one worker): every pandoc conversion to HTML."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    conversions: list[str] = []
    run = pandoc.run

    def counting(markdown: str, to: str, *args, **kwargs) -> bytes:
        if to == "html5":
            conversions.append(markdown)
        return run(markdown, to, *args, **kwargs)

    monkeypatch.setattr(pandoc, "run", counting)
    out = tmp_path / "output"
    html.forget_conversions()         # as in a new process: nothing remembered of other tests' pages
    build_project(root, out, ["site"], workers=1)
    # each routine template once for its 38 pages, the agreement's and the supplement's page once each
    assert len(conversions) == len(set(conversions)) == len(load_content(root).routines) + 2 == 12

    kommuner = root / "kommuner.yaml"
    line = '{name: Täby, official_name: Täby kommun, code: "0160", committee: Socialnämnden}'
    text = kommuner.read_text(encoding="utf-8")
    assert line in text
    kommuner.write_text(text.replace(line, line.replace("Socialnämnden", "Social- och omsorgsnämnden")),
                        encoding="utf-8")
    conversions.clear()
    html.forget_conversions()         # as in a new process: what this one remembers of the first build
    report = build_project(root, out, ["site"], workers=1)
    written = {w.path for w in report.written}
    assert conversions == []                                    # every routine's HTML from the cache
    assert "site/kommuner/taby/avvikelsehantering.html" in written
    assert all(p == "site/kommuner/taby.html" or p.startswith("site/kommuner/taby/") for p in written), written
    cold = tmp_path / "cold" / "output"                         # and the bytes of a build without the cache
    build_project(root, cold, ["site"], workers=1)
    assert files_of(out) == files_of(cold)


def test_pandoc_reads_each_text_once_for_its_word_pdf_and_web_page(tmp_path, monkeypatch):
    """A build of the documents and the site: the site's page of each agreement and routine
    template is converted in the pandoc run that makes its Word and PDF (engine/plan.py `ahead`),
    none on its own; its pages are those of a build that converts them in the site's phase
    (no cache: nothing is prepared ahead)."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    content = load_content(root)
    alone: list[str] = []
    together: list[list[str]] = []
    convert, prefetch = pandoc._convert, pandoc.prefetch
    monkeypatch.setattr(pandoc, "_convert", lambda markdown, to, *args: alone.append(to) or convert(markdown, to, *args))
    monkeypatch.setattr(pandoc, "prefetch", lambda requests, *args, **kwargs: together.append(
        [r.to for r in requests]) or prefetch(requests, *args, **kwargs))
    targets = ["agreement", "supplement", "routines", "site"]
    options = BuildOptions({"units": find_units(content, ["Täby"])})
    html.forget_conversions()
    run_build(content, tmp_path / "ahead" / "output", targets, options, workers=1)
    assert "html5" not in alone
    assert sorted(together) == sorted([["docx", "typst", "html5"]] * (2 + len(content.routines)))

    alone.clear()
    html.forget_conversions()
    monkeypatch.setenv("SAMVERKAN_CACHE_MB", "0")
    run_build(content, tmp_path / "alone" / "output", targets, options, workers=1)
    assert alone.count("html5") == 2 + len(content.routines)
    assert files_of(tmp_path / "ahead" / "output") == files_of(tmp_path / "alone" / "output")
