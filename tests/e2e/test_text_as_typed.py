"""Property: any text an editor types reaches the Word file and the PDF as typed.

Paragraphs, a heading and a commitment (YAML) are filled with generated text full of the
characters that are markup somewhere on the way (Markdown, pandoc, Typst: `*`, `#`, `...`,
`-?`, `--`, `~`, quotes, `$`, `@`, `<`, `//`, …) and of spaces typed on purpose (no-break
space, narrow no-break space). The agreement is built for real and its text read back from
document.xml and from the PDF. Line breaks and plain spaces may move; every other character
must be there, in order.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import pypdf
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from samverkan.build import build
from samverkan.text import normalise

from tests.conftest import FIXTURES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ALPHABET = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "åäöÅÄÖéü–—…’‘”“«»§€½°±×"
    + "\u00a0\u202f" * 3          # no-break space, narrow no-break space
    + "....--- ~~''\"\"" * 2       # Typst shorthands, more often
)
texts = st.text(alphabet=ALPHABET, min_size=1, max_size=90)
PAGE_LINES = re.compile(r"^(Sida \d+ \(\d+\)|Testöverenskommelse.*)$")


def plain(text: str) -> str:
    """What must survive: every character but plain white space, soft hyphens and zero-width
    spaces (a line may break, and Typst hyphenates with a soft hyphen, anywhere; a "word" longer
    than 40 characters may break anywhere: templates/typst-filter.lua puts a zero-width space
    between its characters, and the PDF's text holds some of them, where typst's runs of glyphs
    meet)."""
    return re.sub(r"[ \t\n\r\u00ad\u200b]", "", text)


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))


def pdf_text(path: Path) -> str:
    pages = pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages
    lines = [line for page in pages for line in page.extract_text().split("\n")]
    return "\n".join(line for line in lines if not PAGE_LINES.match(line.strip()))


def acceptable(text: str) -> bool:
    """Text that is a paragraph's text (not a footnote reference or a reference marker, which
    are content syntax) and not only white space."""
    return "[^" not in text and "{¶" not in text and bool(normalise(text))


# Each example is a real build (~0.2 s); a failure is reported as found, not shrunk by
# hundreds of builds.
@settings(max_examples=40, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(paragraphs=st.lists(texts, min_size=1, max_size=3), heading=texts, commitment=texts)
@example(paragraphs=["Punkter... och -? och -1 och -- och --- och ~ och 'a' \"b\" och 10\u00a0000 kr, a\u202fb",
                     "$x$ @ref <tag> // /* *s* _u_ `k` #h =r +p \\ [a](b) https://x.se"],
         heading="Programmering i C#", commitment="Minst 5\u00a0000 kr ... -?")
@example(paragraphs=['aH^0k\u202fYäQY-cRG}a"9f|Ås€e~U‘"q#_Vx9ä,d%cs}'], heading="ep=—]{«ÄöK~w.H€E",
         commitment="å±-")        # a word of 41 characters: may break anywhere in the PDF
def test_any_text_survives_into_docx_and_pdf(tmp_path: Path, paragraphs: list[str], heading: str, commitment: str):
    assume(all(acceptable(t) for t in [*paragraphs, heading, commitment]))
    assume(not re.search(r"[ \t\u00a0\u202f]#+\s*$", " " + heading))      # a Markdown closing sequence
    work = Path(tempfile.mkdtemp(dir=tmp_path))       # one folder per example
    root = work / "content"
    shutil.copytree(FIXTURES / "mini", root)
    section = root / "agreement" / "sections" / "02.md"
    body = "".join(f"\nText {p}\n" for p in paragraphs)
    section.write_text(section.read_text(encoding="utf-8").replace(
        "\n# 3 Sammanställning", f"\n## 2.2 {heading}\n{body}\n# 3 Sammanställning"), encoding="utf-8")
    commitments = root / "agreement" / "commitments.yaml"
    commitments.write_text(commitments.read_text(encoding="utf-8").replace(
        "text: Erbjuda basutredningar.", f"text: {json.dumps(commitment, ensure_ascii=False)}"), encoding="utf-8")

    out = work / "out"
    written = {w.format: out / w.path for w in build(root, out, ["agreement"])}
    documents = {"docx": plain(docx_text(written["docx"])), "pdf": plain(pdf_text(written["pdf"]))}
    for text in [*(f"Text {p}" for p in paragraphs), heading, commitment]:
        expected = plain(normalise(text))
        for fmt, found in documents.items():
            assert expected in found, (fmt, text)
