"""Fonts in Word files: embedding a font the way Word does (ECMA-376 Part 1, 17.8: an obfuscated
copy in word/fonts/, named in word/fontTable.xml), and reading the advance widths of an
embedded font, so that table columns can be made wide enough for their longest word.

Word shows only embedded fonts with TrueType outlines (not CFF-based .otf); LibreOffice shows
both. The packaged Source Sans Pro files are TrueType.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile

from lxml import etree

from samverkan.errors import FontUnreadable
from samverkan.fontmetrics import Metrics, metrics, read_font
from samverkan.ooxml.wordml import qn

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
FONT_TABLE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
OBFUSCATED = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
STYLES = ("Regular", "Bold", "Italic", "BoldItalic")      # fontTable's embedRegular, embedBold, …
# the settings that come before w:embedTrueTypeFonts in settings.xml (CT_Settings' sequence)
SETTINGS_BEFORE_EMBED = ("writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
                         "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
                         "printFractionalCharacterWidth", "printFormsData")


def font_key(data: bytes) -> str:
    """A GUID for obfuscating a font, derived from the font (same font, same bytes)."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """XOR the font's first 32 bytes with the key's 16 bytes in reverse order (17.8.1); the
    same operation undoes it."""
    key_bytes = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    if len(key_bytes) != 16:
        raise ValueError(f"a font key is a GUID (16 bytes), not {key!r}")
    head = bytes(b ^ key_bytes[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def embedded_metrics(document) -> dict[str, Metrics]:
    """The metrics of the fonts embedded in a python-docx document, by style (Regular, Bold,
    …) of the first embedded family; empty when none is embedded."""
    try:
        table = document.part.part_related_by(FONT_TABLE_REL)
    except KeyError:
        return {}
    root = etree.fromstring(table.blob)
    for font in root.iter(qn("w:font")):
        found = {}
        for style in STYLES:
            embed = font.find(qn(f"w:embed{style}"))
            if embed is None:
                continue
            rel = table.rels.get(embed.get(f"{{{R_NS}}}id"))
            if rel is not None and not rel.is_external:
                name = f"{font.get(qn('w:name'))} ({style}, {rel.target_part.partname.lstrip('/')})"
                try:
                    data = obfuscate(rel.target_part.blob, embed.get(qn("w:fontKey")) or "")
                except ValueError:
                    raise FontUnreadable(name) from None
                found[style] = metrics(data, name)
        if found:
            return found
    return {}


# --- embedding (used to make reference.docx) ---------------------------------------------------

def _panose(data: bytes) -> str:
    """The font's PANOSE classification (OS/2 table), as fontTable.xml's w:panose1 has it."""
    from fontTools.misc import sstruct
    from fontTools.ttLib.tables.O_S_2f_2 import panoseFormat

    panose = read_font(data, "the font to embed", lambda font: sstruct.pack(panoseFormat, font["OS/2"].panose))
    return panose.hex().upper()


# What the embedded fonts keep (`subset`): every Latin letter, with the accents of the Nordic
# languages (Sami too) and the rest of Europe's Latin script, punctuation, spaces, currency and
# the symbols of running text. That is what anyone filling in a form may type; the documents'
# own text passes `samverkan check`, which allows only what the (whole) PDF fonts have.
EMBEDDED_TEXT = [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x2000, 0x2070), *range(0x20A0, 0x20C0),
                 *range(0x2100, 0x2200), *range(0x2190, 0x2200), *range(0x2200, 0x2270), *range(0x25A0, 0x2600),
                 0x2713, 0x2714, 0xFB01, 0xFB02]


def subset(data: bytes) -> bytes:
    """A font file with only the characters of EMBEDDED_TEXT (and their ligatures, kerning and
    hinting): a third of the size, in every Word file. Embedding a subset in a document, as PDFs
    do, is what the SIL Open Font License allows without renaming the font."""
    from fontTools import subset as subsetting
    from fontTools.ttLib import TTFont

    options = subsetting.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.legacy_kern = True
    options.notdef_outline = True
    options.hinting = True
    font = TTFont(io.BytesIO(data))
    subsetter = subsetting.Subsetter(options)
    subsetter.populate(unicodes=EMBEDDED_TEXT)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def embed_fonts(docx: bytes, family: str, files: dict[str, bytes]) -> bytes:
    """The Word file `docx` with the font files of `family` (by style: Regular, Bold, Italic,
    BoldItalic) embedded (as given: see `subset`) and named in the font table, so that Word and
    LibreOffice show the documents in that font where it is not installed, and Word keeps it
    when saving."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    parts = {name: source.read(name) for name in source.namelist()}
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    table = etree.fromstring(parts["word/fontTable.xml"])
    for old in [f for f in table.iter(qn("w:font")) if f.get(qn("w:name")) == family]:
        table.remove(old)
    font = etree.SubElement(table, qn("w:font"))
    font.set(qn("w:name"), family)
    first = next(iter(files.values()))
    for tag, value in (("w:panose1", _panose(first)), ("w:charset", "00"), ("w:family", "swiss"),
                       ("w:pitch", "variable")):
        etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    rels_name = "word/_rels/fontTable.xml.rels"
    rels = etree.fromstring(parts[rels_name]) if rels_name in parts else etree.Element(f"{{{REL_NS}}}Relationships",
                                                                                       nsmap={None: REL_NS})
    for index, style in enumerate(s for s in STYLES if s in files):
        data = files[style]
        key = font_key(data)
        name = f"font{index + 1}.odttf"
        parts[f"word/fonts/{name}"] = obfuscate(data, key)
        rid = f"rIdFont{index + 1}"
        rel = etree.SubElement(rels, f"{{{REL_NS}}}Relationship")
        rel.attrib.update({"Id": rid, "Type": FONT_REL, "Target": f"fonts/{name}"})
        embed = etree.SubElement(font, qn(f"w:embed{style}"))
        embed.set(f"{{{R_NS}}}id", rid)
        embed.set(qn("w:fontKey"), key)
    parts["word/fontTable.xml"] = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts[rels_name] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)

    types = etree.fromstring(parts["[Content_Types].xml"])
    if not any(d.get("Extension") == "odttf" for d in types.iter(f"{{{CT_NS}}}Default")):
        etree.SubElement(types, f"{{{CT_NS}}}Default").attrib.update({"Extension": "odttf",
                                                                      "ContentType": OBFUSCATED})
    parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)

    settings = etree.fromstring(parts["word/settings.xml"])
    if settings.find(qn("w:embedTrueTypeFonts")) is None:           # Word keeps them when saving
        before = [child for child in settings if etree.QName(child).localname in SETTINGS_BEFORE_EMBED]
        at = settings.index(before[-1]) + 1 if before else 0
        settings.insert(at, etree.Element(f"{{{w}}}embedTrueTypeFonts"))
    if settings.find(qn("w:saveSubsetFonts")) is None:              # a subset: Word saves one too
        settings.find(qn("w:embedTrueTypeFonts")).addnext(etree.Element(f"{{{w}}}saveSubsetFonts"))
    parts["word/settings.xml"] = etree.tostring(settings, xml_declaration=True, encoding="UTF-8", standalone=True)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()
