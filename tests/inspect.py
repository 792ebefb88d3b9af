"""Reading built documents back the way a reader or a client program would.

Text from DOCX comes from the package's XML (document, footnotes, headers); text from PDF
from poppler's pdftotext (soft hyphens from line-end hyphenation are joined again). LibreOffice
conversion is the real-client check.
"""

from __future__ import annotations

import atexit
import copy
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00ad", "").split())


def docx_xml(path: Path, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(part))


def docx_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as package:
        return package.namelist()


def paragraph_text(p: etree._Element) -> str:
    out = []
    for node in p.iter(f"{W}t", f"{W}br", f"{W}tab"):
        if node.tag == f"{W}t":
            out.append(node.text or "")
        else:
            out.append(" ")
    return "".join(out)


def docx_paragraphs(path: Path, part: str = "word/document.xml") -> list[tuple[str, str]]:
    """(style id, text) of every paragraph, tables and content controls included."""
    root = docx_xml(path, part)
    result = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        result.append((style.get(f"{W}val") if style is not None else "", norm(paragraph_text(p))))
    return result


def docx_text(path: Path) -> str:
    parts = ["word/document.xml"] + [p for p in docx_parts(path) if re.match(r"word/(footnotes|header\d*|footer\d*)\.xml", p)]
    return norm(" ".join(text for part in parts for _, text in docx_paragraphs(path, part)))


def pdf_text(path: Path, layout: bool = False) -> str:
    """Text by poppler's pdftotext; soft hyphens (line-end hyphenation) are joined again.
    Plain mode joins a word broken at a real hyphen ("vård-" + "och" → "vårdoch"): use
    layout=True, which keeps the lines as printed, where the words matter."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(path), "-"]
    out = subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")
    return out.replace("\u00ad\n", "").replace("\u00ad", "")


FOOTNOTE_MARK_AFTER = re.compile(r"(?<=[a-zåäöé)])\d{1,2}(?=[.,;:)]*$)")
FOOTNOTE_MARK_BEFORE = re.compile(r"^\d{1,2}(?=[A-ZÅÄÖ])")


def pdf_words(path: Path, drop_lines: tuple[str, ...] = ()) -> list[str]:
    """The PDF's words in reading order, without page header/footer lines and footnote marks,
    with words broken across lines (soft hyphen, or after a slash) joined again."""
    args = ["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"]
    raw = subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")
    lines = []
    for line in raw.replace("\f", "\n").splitlines():
        stripped = line.strip()
        if not stripped or re.fullmatch(r"Sida \d+ \(\d+\)", stripped) or stripped in drop_lines:
            continue
        lines.append(stripped)
    text = ""
    for line in lines:
        if text.endswith("\u00ad"):
            text = text[:-1] + line
        elif text.endswith("/"):
            text += line
        else:
            text += ("\n" if text else "") + line
    words = []
    for word in norm(text.replace("•", " ")).split():
        word = FOOTNOTE_MARK_BEFORE.sub("", FOOTNOTE_MARK_AFTER.sub("", word))
        if word:
            words.append(word)
    return words


def skeleton(text: str) -> str:
    """Letters and digits only, lower case: immune to line breaks, hyphenation and spacing."""
    return "".join(ch for ch in unicodedata.normalize("NFC", text).lower() if ch.isalnum())


class PdfReaderText:
    """Answers "does the reader see this text in the PDF?" Two readings of the page text:
    poppler's default reading (table cells stay together, but a word broken at a real hyphen
    is joined) compared letters-only, and the printed lines (layout) compared word by word
    allowing a page break's header, footer and footnotes in between."""

    def __init__(self, path: Path, drop_lines: tuple[str, ...] = ()):
        plain = [line for line in pdf_text(path).replace("\f", "\n").splitlines()
                 if not re.fullmatch(r"Sida \d+ \(\d+\)", line.strip()) and line.strip() not in drop_lines]
        words = [FOOTNOTE_MARK_BEFORE.sub("", FOOTNOTE_MARK_AFTER.sub("", w)) for w in norm(" ".join(plain)).split()]
        self.skeleton = skeleton(" ".join(words))
        self.words = pdf_words(path, drop_lines)

    def __contains__(self, text: str) -> bool:
        return skeleton(text) in self.skeleton or find_in_order(self.words, text.split()) >= 0


def find_in_order(haystack: list[str], needle: list[str], slack: int = 80) -> int:
    """Index where `needle` starts in `haystack` as a subsequence with at most `slack` extra
    words in between (a page break brings a header, footer and footnotes); -1 if absent."""
    if not needle:
        return 0
    head = needle[: min(3, len(needle))]
    for start in range(len(haystack) - len(head) + 1):
        if haystack[start:start + len(head)] != head:
            continue
        pos, limit = start, start + len(needle) + slack
        ok = True
        for word in needle:
            while pos < min(limit, len(haystack)) and haystack[pos] != word:
                pos += 1
            if pos >= min(limit, len(haystack)):
                ok = False
                break
            pos += 1
        if ok:
            return start
    return -1


@contextmanager
def libreoffice_profile() -> Iterator[Path]:
    """A LibreOffice user profile of one run's own (no run waits for another's lock), removed
    after it: 0.6 MB each, which every test run had left in the temporary folder."""
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        yield profile
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def libreoffice_convert(path: Path, to: str = "pdf") -> Path:
    """Convert with LibreOffice headless (the real-client test); returns the converted file, in a
    folder of its own that is removed when the test run ends (the tests read the file after this
    returns; 16 such folders were found left in /tmp)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: .ci/run installs libreoffice-writer-nogui"
    out = Path(tempfile.mkdtemp(prefix="lo-"))
    atexit.register(shutil.rmtree, out, True)
    with libreoffice_profile() as profile:
        done = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                               "--convert-to", to, "--outdir", str(out), str(path)],
                              capture_output=True, timeout=300)
    converted = out / (path.stem + "." + to.split(":")[0])
    assert done.returncode == 0 and converted.exists(), done.stderr.decode("utf-8", "replace")
    return converted


def openxml_audit(path: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "openxml_audit", "--output", "json", "--max-errors", "0",
                           str(path)], capture_output=True, text=True)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return [done.stdout + done.stderr]
    errors = report.get("errors") if isinstance(report, dict) else None
    if errors is None and isinstance(report, list):
        errors = [e for r in report for e in r.get("errors", [])]
    return [json.dumps(e, ensure_ascii=False) for e in (errors or [])]


def pdf_page_texts(path: Path) -> list[str]:
    """Each page's text as pypdf reads it (keeps rotated text such as a watermark whole)."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def pdf_validation(path: Path, profile: str) -> list[str]:
    import page

    report = page.validate_pdf(str(path), profile=profile)
    return [f"{f.rule_id}: {f.message}" for f in report.failures] if not report.is_compliant else []


def file_text(path: Path, data: bytes | None = None) -> str:
    """Everything a person or program could read in a built file, whatever its format: every XML
    text node of a Word or Excel package (document properties included), a PDF's text (and its
    metadata), the members of a ZIP (read the same way), CSV and JSON as they are."""
    data = path.read_bytes() if data is None else data
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
            tmp.write(data)
            tmp.flush()
            text = pdf_text(Path(tmp.name))
            info = subprocess.run(["pdfinfo", "-meta", tmp.name], capture_output=True).stdout.decode("utf-8", "replace")
        return text + "\n" + info
    if suffix in (".docx", ".xlsx", ".zip"):
        out = []
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for name in package.namelist():
                member = package.read(name)
                if suffix == ".zip":
                    out.append(file_text(Path(name), member))
                elif name.endswith((".xml", ".rels")):
                    out.append(" ".join(etree.fromstring(member).itertext()))
        return "\n".join(out)
    return data.decode("utf-8-sig")


def check_manifest(out: Path) -> list[dict]:
    """The manifest describes the output folder exactly: every entry's file exists with its
    sha256 and size, and every file in the folder is listed. Returns the entries."""
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert entries, "the manifest lists no files"
    for entry in entries:
        data = (out / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data), entry["path"]
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != "manifest.json")
    assert on_disk == sorted(e["path"] for e in entries)
    return entries


FILL_HELPER = Path(__file__).resolve().parent / "libreoffice_fill.py"


def libreoffice_fill(jobs: list[dict]) -> None:
    """Fill and save documents in LibreOffice itself (tests/libreoffice_fill.py, run with the
    system Python that has Debian's python3-uno; .ci/run installs it)."""
    python = "/usr/bin/python3"
    probe = subprocess.run([python, "-c", "import uno"], capture_output=True)
    assert probe.returncode == 0, "python3-uno is not installed: .ci/run installs it with apt-get"
    with libreoffice_profile() as profile:
        done = subprocess.run([python, str(FILL_HELPER)], input=json.dumps({"profile": str(profile), "jobs": jobs}),
                              capture_output=True, text=True, timeout=600,
                              env={"PATH": "/usr/bin:/bin", "HOME": str(profile)})
    assert done.returncode == 0, done.stderr
    for job in jobs:
        for path, _ in job["save"]:
            assert Path(path).is_file(), f"LibreOffice did not save {path}: {done.stderr}"


def snapshot(out: Path) -> dict[str, tuple[int, int, str]]:
    """Every file of an output folder: inode, mtime and sha256 (a file written again has a new
    inode: the build replaces files, it never rewrites them in place)."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns,
                                            hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(out.rglob("*")) if p.is_file()}


def changed(before: dict, after: dict) -> set[str]:
    """The paths whose snapshot differs (added, removed or written again)."""
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def no_leftovers(out: Path) -> None:
    """Nothing of a build's work folder is left, beside the output folder or in it."""
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")], "work folder left beside"
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "hidden leftovers in the output folder"


def libreoffice_page_break_sweep(docx: Path, before: str, shifts: int, work: Path) -> list[list[str]]:
    """Where LibreOffice breaks the pages of `docx` when the text above the paragraph that holds
    `before` grows line by line: `shifts` copies of the file with 0, 1, 2, … one-line paragraphs
    inserted there (so that a page break falls on every line below), converted in one batch.
    Returns, per copy, the text of each page (white space made single)."""
    from pypdf import PdfReader

    with zipfile.ZipFile(docx) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    body = etree.fromstring(parts["word/document.xml"])
    marker = next(p for p in body.iter(f"{W}p") if before in "".join(t.text or "" for t in p.iter(f"{W}t")))
    line = etree.fromstring(f'<w:p xmlns:w="{W[1:-1]}"><w:r><w:t>Rad.</w:t></w:r></w:p>')
    copies = []
    for shift in range(shifts):
        if shift:
            marker.addprevious(copy.deepcopy(line))
        path = work / f"shift-{shift:03d}.docx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in parts.items():
                package.writestr(name, etree.tostring(body) if name == "word/document.xml" else data)
        copies.append(path)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: .ci/run installs libreoffice-writer-nogui"
    with libreoffice_profile() as profile:
        done = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                               "--convert-to", "pdf", "--outdir", str(work), *map(str, copies)],
                              capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return [[" ".join((page.extract_text() or "").split()) for page in PdfReader(path.with_suffix(".pdf")).pages]
            for path in copies]


def rewrite_part(package: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """A ZIP package (docx, xlsx) with `old` replaced by `new` in one part (e.g. a form's
    properties made to claim another version)."""
    source = zipfile.ZipFile(io.BytesIO(package))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data.replace(old, new) if item.filename == part else data)
    return buffer.getvalue()
