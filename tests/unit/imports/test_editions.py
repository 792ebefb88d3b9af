"""imports/editions.py: a returned edition's paragraphs, tracked changes and comments."""

from __future__ import annotations

import io
import zipfile

import pytest

from samverkan.collect.untrusted import Package, Rejected
from samverkan.imports.editions import read_edition

from tests.unit.collect import hostile

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
      'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"')


def edition(body: str, extra: dict[str, str] | None = None):
    document = f'<?xml version="1.0"?><w:document {NS}><w:body>{body}</w:body></w:document>'
    data = hostile.docx(document, extra={k: v.encode() for k, v in (extra or {}).items()})
    return read_edition(Package(data, "document"), "x.docx")


def test_tracked_changes_moves_and_whole_paragraphs():
    ed = edition(
        "<w:p><w:r><w:t>Rubrik</w:t></w:r></w:p>"
        "<w:p><w:bookmarkStart w:id='1' w:name='_p_3_1_4'/><w:bookmarkEnd w:id='1'/><w:r><w:t>Ett </w:t></w:r>"
        "<w:del w:author='Anna' w:date='2026-12-01T10:00:00Z'><w:r><w:delText>gammalt</w:delText></w:r></w:del>"
        "<w:ins w:author='Anna' w:date='2026-12-01T10:00:00Z'><w:r><w:t>nytt</w:t></w:r></w:ins>"
        "<w:r><w:t> stycke.</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:rPr><w:del w:author='Bo' w:date='d'/></w:rPr></w:pPr>"
        "<w:bookmarkStart w:id='2' w:name='_p_3_1_5'/><w:moveFrom w:author='Bo' w:date='d'><w:r><w:delText>Bort.</w:delText>"
        "</w:r></w:moveFrom></w:p>"
        "<w:p><w:ins w:author='Bo' w:date='d'><w:r><w:t>Helt</w:t></w:r><w:r><w:tab/><w:t>ny.</w:t></w:r></w:ins></w:p>"
        "<w:p><w:bookmarkStart w:id='3' w:name='_c_A_3_1_2 Copy 1'/><w:bookmarkStart w:id='4' w:name='rubrik'/>"
        "<w:r><w:t>Åtagande</w:t></w:r></w:p>")
    title, changed, deleted, new, commitment = ed.paragraphs
    assert title.anchors == [] and title.before == title.after == "Rubrik"
    assert changed.anchors == ["_p_3_1_4"] and changed.before == "Ett gammalt stycke." and changed.after == "Ett nytt stycke."
    assert [(c.op, c.text, c.author) for c in changed.changes] == [("deleted", "gammalt", "Anna"), ("inserted", "nytt", "Anna")]
    assert deleted.deleted and deleted.after == "" and deleted.anchors == ["_p_3_1_5"] and deleted.moved == "from"
    assert new.inserted and new.after == "Helt ny." and not new.anchors and not new.moved
    assert commitment.anchors == ["_c_A_3_1_2"]


def test_comments_with_their_range_author_and_replies_from_the_comments_part():
    comments = (f'<w:comments {NS}>'
                "<w:comment w:id='0' w:author='Anna' w:date='2026-12-01T10:00:00Z'><w:p w14:paraId='0A'>"
                "<w:r><w:t>Varför?</w:t></w:r></w:p></w:comment>"
                "<w:comment w:id='1' w:author='Bo' w:date='2026-12-02T10:00:00Z'><w:p w14:paraId='0B'>"
                "<w:r><w:t>Därför.</w:t></w:r></w:p></w:comment>"
                "<w:comment w:id='2' w:author='Cilla'><w:p><w:r><w:t>Utan intervall.</w:t></w:r></w:p></w:comment>"
                "</w:comments>")
    extended = (f'<w15:commentsEx {NS}><w15:commentEx w15:paraId="0A"/>'
                '<w15:commentEx w15:paraId="0B" w15:paraIdParent="0A"/></w15:commentsEx>')
    ed = edition("<w:p><w:bookmarkStart w:id='1' w:name='_p_1_1'/><w:r><w:t>Före </w:t></w:r>"
                 "<w:commentRangeStart w:id='0'/><w:commentRangeStart w:id='1'/><w:r><w:t>det här</w:t></w:r>"
                 "<w:commentRangeEnd w:id='0'/><w:commentRangeEnd w:id='1'/>"
                 "<w:r><w:commentReference w:id='0'/></w:r><w:r><w:commentReference w:id='1'/></w:r></w:p>"
                 "<w:p><w:bookmarkStart w:id='2' w:name='_p_1_2'/><w:r><w:t>Andra.</w:t></w:r>"
                 "<w:r><w:commentReference w:id='2'/></w:r></w:p>",
                 {"word/comments.xml": comments, "word/commentsExtended.xml": extended})
    assert list(ed.comments) == ["0", "2"]                       # the reply is under its comment
    first = ed.comments["0"]
    assert (first.author, first.text, first.anchored, first.date) == ("Anna", "Varför?", "det här", "2026-12-01T10:00:00Z")
    assert [(r.author, r.text) for r in first.replies] == [("Bo", "Därför.")]
    assert ed.paragraphs[0].comments == ["0", "1"] and ed.paragraphs[1].comments == ["2"]
    assert ed.comments["2"].text == "Utan intervall."


def test_odt_tracked_changes_bookmarks_copied_into_deletions_and_annotations():
    import io
    import zipfile

    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')
    info = "<office:change-info><dc:creator>Anna</dc:creator><dc:date>2026-12-01T10:00:00</dc:date></office:change-info>"
    content = (f'<?xml version="1.0"?><office:document-content {ns}><office:body><office:text><text:tracked-changes>'
               f'<text:changed-region text:id="d1"><text:deletion>{info}<text:p><text:bookmark text:name="_p_1_1 Copy 1"/>'
               'Gammal</text:p></text:deletion></text:changed-region>'
               f'<text:changed-region text:id="i1"><text:insertion>{info}</text:insertion></text:changed-region>'
               f'<text:changed-region text:id="d2"><text:deletion>{info}<text:p><text:bookmark text:name="_p_1_2"/>'
               'Bort hela.</text:p><text:p/></text:deletion></text:changed-region>'
               '</text:tracked-changes>'
               '<text:p><text:change text:change-id="d1"/><text:change-start text:change-id="i1"/>Ny'
               '<text:change-end text:change-id="i1"/> början<text:s text:c="2"/>här.</text:p>'
               '<text:p><text:change text:change-id="d2"/><text:bookmark text:name="_p_1_3"/>Tredje '
               '<office:annotation office:name="k1"><dc:creator>Bo</dc:creator><dc:date>2026-12-02T09:00:00</dc:date>'
               '<text:p>Bra?</text:p></office:annotation>stycket<office:annotation-end office:name="k1"/>.</text:p>'
               '</office:text></office:body></office:document-content>')
    meta = (f'<?xml version="1.0"?><office:document-meta {ns}><office:meta><dc:creator>Anna</dc:creator>'
            '<meta:user-defined meta:name="samverkan-version">1.1</meta:user-defined></office:meta></office:document-meta>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content)
        z.writestr("meta.xml", meta)
    ed = read_edition(Package(buffer.getvalue(), "document"), "x.odt")
    assert ed.properties == {"samverkan-version": "1.1"} and ed.saved_by == "Anna"
    changed, gone, third = ed.paragraphs
    assert changed.anchors == ["_p_1_1"] and changed.before == "Gammal början här." and changed.after == "Ny början här."
    assert [(c.op, c.text, c.author) for c in changed.changes] == [("deleted", "Gammal", "Anna"), ("inserted", "Ny", "Anna")]
    assert gone.anchors == ["_p_1_2"] and gone.deleted and gone.before == "Bort hela."
    assert third.anchors == ["_p_1_3"] and third.after == "Tredje stycket."
    comment = ed.comments[third.comments[0]]
    assert (comment.author, comment.text, comment.anchored) == ("Bo", "Bra?", "stycket")


def test_footnotes_are_read_with_their_tracked_changes():
    notes = (f'<w:footnotes {NS}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
             '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> '
             "Se </w:t></w:r><w:ins w:author='Anna' w:date='d'><w:r><w:t>även </w:t></w:r></w:ins>"
             "<w:r><w:t>lagen.</w:t></w:r></w:p></w:footnote></w:footnotes>")
    ed = edition("<w:p><w:r><w:t>Text</w:t></w:r><w:r><w:footnoteReference w:id='1'/></w:r></w:p>",
                 {"word/footnotes.xml": notes})
    assert [(n.before, n.after, [c.author for c in n.changes]) for n in ed.footnotes] == [
        ("Se lagen.", "Se även lagen.", ["Anna"])]
    assert ed.paragraphs[0].after == "Text"


def test_invisible_characters_from_the_office_program_are_not_text():
    """Word's soft hyphens, zero-width spaces and directional marks are dropped as the edition is
    read: content/ refuses them (check), so an import must neither propose nor apply them."""
    ed = edition("<w:p><w:bookmarkStart w:id='1' w:name='_p_3_1_4'/><w:bookmarkEnd w:id='1'/>"
                 "<w:r><w:t>Sam\u00adverkan</w:t></w:r>"
                 "<w:ins w:author='Anna' w:date='2026-12-01T10:00:00Z'><w:r><w:t>\u200b</w:t></w:r></w:ins>"
                 "<w:ins w:author='Anna' w:date='2026-12-01T10:00:00Z'><w:r><w:t> i\u202e länet</w:t></w:r></w:ins>"
                 "</w:p>")
    paragraph, = ed.paragraphs
    assert paragraph.before == "Samverkan" and paragraph.after == "Samverkan i länet"
    assert [(c.op, c.text) for c in paragraph.changes] == [("inserted", " i länet")]


def test_a_run_of_spaces_in_an_odt_with_a_strange_count_is_refused_not_a_traceback():
    """text:c="²" passes isdigit() but not int(): the strict parser of untrusted numbers refuses it."""
    content = ('<?xml version="1.0"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
               '<text:p>Ett<text:s text:c="²"/>stycke</text:p></office:text></office:body></office:document-content>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", content)
    with pytest.raises(Rejected) as caught:
        read_edition(Package(buffer.getvalue(), "document"), "x.odt")
    assert "text:c" in str(caught.value) and "not a whole number" in str(caught.value)
