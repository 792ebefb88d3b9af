from __future__ import annotations

import re

from pypdf import PdfReader

from samverkan.writers import pdffix


def make_pdf(stream_data: bytes) -> bytes:
    """A minimal one-page PDF whose page content stream holds `stream_data` (uncompressed)."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R>>",
        b"<</Length %d>>\nstream\n" % len(stream_data) + stream_data + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF" % (len(objects) + 1, xref)
    return bytes(out)


def offsets_point_at_objects(pdf: bytes) -> bool:
    _, entries = pdffix._xref(pdf)
    return all(re.match(rb"\d+ 0 obj", pdf[o:o + 12]) for _, o, kind in entries if kind == b"n")


def test_a_stream_ending_in_cr_gets_a_crlf_line_end_and_offsets_follow():
    data = b"0 0 m 10 10 l S %\r"
    pdf = make_pdf(data)
    fixed = pdffix.fix_stream_line_ends(pdf)
    assert len(fixed) == len(pdf) + 1
    assert data + b"\r\nendstream" in fixed
    assert offsets_point_at_objects(fixed)
    start = int(fixed[fixed.rindex(b"startxref") + 9:].split()[0])
    assert fixed[start:start + 4] == b"xref"
    reader = PdfReader(__import__("io").BytesIO(fixed), strict=True)
    assert reader.pages[0].get_contents().get_data() == data


def test_other_pdfs_are_left_byte_for_byte():
    pdf = make_pdf(b"0 0 m 10 10 l S")
    assert pdffix.fix_stream_line_ends(pdf) == pdf
    assert pdffix.fix_stream_line_ends(b"not a pdf") == b"not a pdf"
