"""A byte-level repair of typst's PDF output for strict PDF/A validators.

When a compressed stream happens to end with the byte 0x0D (CR), typst writes it followed by
"\\n" and "endstream". Validators that strip a CR LF pair as the end-of-line marker then
count one byte too few and report that /Length does not match (page-validation does). The
repair writes "\\r\\n" after such streams, so that every reading of the end-of-line marker
gives the right length, and shifts the cross-reference table accordingly. Nothing else in
the file changes, so tags, metadata and the document ID stay as typst wrote them.
"""

from __future__ import annotations

import bisect
import re

_STREAM = re.compile(rb"stream(\r\n|\n)")
_LENGTH = re.compile(rb"/Length (\d+)(?![\d ]*R)")


def _xref(pdf: bytes) -> tuple[int, list[tuple[int, int, bytes]]]:
    """Position of the classic xref table and its entries (line start, offset, type)."""
    start = pdf.rindex(b"startxref")
    position = int(pdf[start + len(b"startxref"):].split()[0])
    if pdf[position:position + 4] != b"xref":
        raise ValueError("no classic cross-reference table")
    entries = []
    cursor = pdf.index(b"\n", position) + 1
    while not pdf.startswith(b"trailer", cursor):
        line_end = pdf.index(b"\n", cursor)
        first, count = (int(x) for x in pdf[cursor:line_end].split())
        cursor = line_end + 1
        for _ in range(count):
            entry = pdf[cursor:cursor + 20]
            entries.append((cursor, int(entry[:10]), entry[17:18]))
            cursor += 20
        del first
    return position, entries


def fix_stream_line_ends(pdf: bytes) -> bytes:
    """The PDF with "\\r\\n" after every stream whose data ends with CR (unchanged otherwise)."""
    if b"\r\nendstream" not in pdf:     # no stream's data ends with CR (most PDFs): nothing to do
        return pdf
    try:
        xref_at, entries = _xref(pdf)
    except (ValueError, IndexError):
        return pdf
    objects = sorted(offset for _, offset, kind in entries if kind == b"n")
    inserts = []
    for index, offset in enumerate(objects):
        end = objects[index + 1] if index + 1 < len(objects) else xref_at
        chunk = pdf[offset:end]
        match = _STREAM.search(chunk)
        length = _LENGTH.search(chunk, 0, match.start()) if match else None
        if not match or not length:
            continue
        data_end = offset + match.end() + int(length.group(1))
        if pdf[data_end - 1:data_end] == b"\r" and pdf[data_end:data_end + 1] == b"\n":
            inserts.append(data_end)
    if not inserts:
        return pdf

    def moved(position: int) -> int:
        return position + bisect.bisect_right(inserts, position - 1)

    out = bytearray()
    previous = 0
    for position in inserts:
        out += pdf[previous:position] + b"\r"
        previous = position
    out += pdf[previous:]
    new_xref = moved(xref_at)
    for line_at, offset, kind in entries:
        if kind == b"n":
            at = moved(line_at)
            out[at:at + 10] = b"%010d" % moved(offset)
    tail = out.rindex(b"startxref")
    number = re.compile(rb"startxref(\s+)(\d+)").match(out, tail)
    out[number.start(2):number.end(2)] = str(new_xref).encode()
    return bytes(out)
