"""A corpus of hostile and broken office files, built in the tests (nothing is downloaded)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
W_DOC = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
         'wordprocessingml/2006/main"><w:body>{}</w:body></w:document>')


def docx(body_xml: str = "<w:p><w:r><w:t>Hej</w:t></w:r></w:p>", extra: dict[str, bytes] | None = None,
         method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("word/document.xml", W_DOC.format(body_xml) if not body_xml.startswith("<?xml") else body_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


def flag_encrypted(data: bytes, name: str = "word/document.xml") -> bytes:
    """The same package with the 'encrypted' bit set on one member (local and central header)."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, flag_offset, name_offset in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (start := out.find(signature, start)) >= 0:
            if out[start + name_offset:start + name_offset + len(encoded)] == encoded:
                (flags,) = struct.unpack("<H", out[start + flag_offset:start + flag_offset + 2])
                out[start + flag_offset:start + flag_offset + 2] = struct.pack("<H", flags | 1)
            start += 4
    return bytes(out)


def bomb(inflated: int = 4608 * 1024 * 1024, name: str = "word/document.xml") -> bytes:
    """A .docx whose document part inflates to `inflated` bytes of zeros (4.5 GiB by default,
    about 4.7 MB on disk): ZIP64 sizes, a real deflate stream, a made-up CRC."""
    chunk = 16 * 1024 * 1024
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = block.compress(bytes(chunk)) + block.flush(zlib.Z_FULL_FLUSH)
    raw = piece * (inflated // chunk) + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    out = io.BytesIO()
    central = []

    def member(member_name: bytes, data: bytes, size: int, method: int, crc: int) -> None:
        offset = out.tell()
        extra = struct.pack("<HHQQ", 1, 16, size, len(data))
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 45, 0, method, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF,
                              len(member_name), len(extra)) + member_name + extra)
        out.write(data)
        central_extra = struct.pack("<HHQQ", 1, 16, size, len(data))
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 45, 45, 0, method, 0, 0x21, crc,
                                   0xFFFFFFFF, 0xFFFFFFFF, len(member_name), len(central_extra), 0, 0, 0, 0, offset)
                       + member_name + central_extra)

    types = CONTENT_TYPES
    member(b"[Content_Types].xml", types, len(types), 0, zlib.crc32(types))
    member(name.encode(), raw, inflated, 8, 0x12345678)
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:body></w:document>"""


def deep(levels: int) -> str:
    return "<w:p>" * levels + "</w:p>" * levels


def many_elements(count: int) -> str:
    return "<w:p/>" * count


def many_members(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", W_DOC.format(""))
        for index in range(count):
            z.writestr(f"x/{index}", b"")
    return buffer.getvalue()
