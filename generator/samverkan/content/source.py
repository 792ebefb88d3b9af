"""Reading a content file safely, and the characters a content file may hold.

Content is edited by many hands, so every file is read the same careful way: it must lie
inside the content folder (no `../` and no symbolic link leads out of it), be a regular
file (a FIFO would hang the build, a device never ends) of a sane size, and be UTF-8 text.
Characters no document can hold (control characters such as NUL or ESC, private-use and
non-characters, which PDF/A forbids) and characters that cannot be shown safely (the invisible
format characters: bidirectional controls such as U+202E, which reverse the rest of a line on
the site, zero-width spaces and joiners, directional marks, soft hyphens) are named by file,
line and code point, wherever they are in a content file; characters the PDF fonts cannot show
are found by `glyphs.py`.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

from samverkan.errors import Location, Problems

# A content file is text an editor writes: the whole 2017 agreement is ~200 kB.
MAX_BYTES = 5 * 1024 * 1024

# Names of the C0 control characters and DEL, which unicodedata does not name.
CONTROL_NAMES = dict(enumerate((
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY",
    "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION", "FORM FEED",
    "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO",
    "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE", "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE", "FILE SEPARATOR",
    "GROUP SEPARATOR", "RECORD SEPARATOR", "UNIT SEPARATOR")))
CONTROL_NAMES[0x7F] = "DELETE"

ALLOWED_CONTROLS = "\t\n\r"


def describe(char: str) -> str:
    """'U+001B ESCAPE', 'U+1F600 GRINNING FACE'."""
    code = ord(char)
    name = CONTROL_NAMES.get(code) or unicodedata.name(char, "")
    if not name:
        name = {"Cc": "control character", "Co": "private-use character", "Cs": "surrogate"}.get(
            unicodedata.category(char), "unassigned code point")
    return f"U+{code:04X} {name}"


def forbidden(char: str) -> bool:
    """A character no document may hold: control characters (but tab and line ends),
    private-use code points, surrogates and non-characters (PDF/A refuses them; Word shows
    them as boxes)."""
    category = unicodedata.category(char)
    if category == "Cc":
        return char not in ALLOWED_CONTROLS
    return category in ("Co", "Cs") or (category == "Cn" and _noncharacter(char))


def hidden(char: str) -> bool:
    """An invisible format character (Unicode category Cf): the bidirectional embeddings,
    overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make text show in another order
    than it is stored, the directional marks, zero-width space, joiners, word joiner, soft
    hyphen, byte order mark and tag characters. None shows in an editor; each changes what a
    reader sees or breaks search and copying in the documents."""
    return unicodedata.category(char) == "Cf"


def refused(char: str) -> bool:
    """A character no content value may hold: `forbidden` or `hidden`."""
    return forbidden(char) or hidden(char)


def refused_in(text: str) -> list[str]:
    """The refused characters of `text`, each once, in code point order."""
    if text.isprintable():              # the usual case, at C speed: refused characters are never printable
        return []
    return sorted(c for c in set(text) if refused(c))


def character_message(chars: list[str], column: int | None = None, what: str = "the line") -> tuple[str, str]:
    """(message, hint) for a line (or `what`) holding refused characters."""
    names = ", ".join(describe(c) for c in chars)
    where = f" (column {column})" if column else ""
    if any(forbidden(c) for c in chars):
        return (f"{what} holds {names}{where}, a character that cannot be printed",
                "delete it: it is invisible in an editor but breaks the documents (retype the line if you cannot "
                "find it)")
    return (f"{what} holds {names}{where}, an invisible character that changes how the text is shown "
            "(a bidirectional control reverses the rest of the line)",
            "delete it: it does not show in an editor, but it reorders or hides text in the documents and on the "
            "site and breaks search and copying (retype the line if you cannot find it)")


def _noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def character_problems(path: Path, text: str, problems: Problems, first_line: int = 1) -> bool:
    """Report every line holding refused characters (with the characters named); returns
    True when there was any."""
    if not refused_in(text):
        return False
    for number, line in enumerate(text.split("\n"), start=first_line):
        bad = refused_in(line)
        if bad:
            column = min(line.index(c) for c in bad) + 1
            problems.add(Location(path, number), *character_message(bad, column))
    return True


def outside(path: Path, root: Path | None) -> bool:
    """True when `path` (symbolic links followed) is not inside the content folder `root`."""
    if root is None:
        return False
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return True
    return False


def read_source(path: Path, problems: Problems, missing_hint: str = "create it, or fix the name that refers to it",
                what: str = "file") -> str | None:
    """The text of a content file, or None after recording why it cannot be read (and
    marking it broken, so that problems following from its absence are not reported)."""
    def refuse(message: str, hint: str, line: int | None = None) -> None:
        problems.add(Location(path, line), message, hint)
        problems.mark_broken(path)

    if outside(path, problems.root):
        refuse(f"{what} lies outside the content folder (through '..' or a symbolic link)",
               "keep every content file inside the content folder; copy the file in instead of linking to it")
        return None
    try:
        info = path.stat()
    except FileNotFoundError:
        refuse(f"{what} is missing", missing_hint)
        return None
    except OSError as exc:
        refuse(f"{what} cannot be read ({exc.strerror or exc})", "check the file's name and permissions")
        return None
    if not stat.S_ISREG(info.st_mode):
        refuse(f"{what} is not a regular file", "replace it with a text file")
        return None
    if info.st_size > MAX_BYTES:
        refuse(f"{what} is {info.st_size // (1024 * 1024)} MB; a content file holds at most "
               f"{MAX_BYTES // (1024 * 1024)} MB of text", "split the text into several files, or check that "
                                                          "this is the right file")
        return None
    try:
        with open(path, "rb", opener=_no_follow_fifo) as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        refuse(f"{what} cannot be read ({exc.strerror or exc})", "check the file's permissions")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        refuse(f"{what} is not UTF-8 text ({exc.reason} at byte {exc.start})", "save the file as UTF-8", line)
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems.sources[path] = text
    return text


def _no_follow_fifo(path: str, flags: int) -> int:
    """Open without blocking: a FIFO swapped in after the check above must not hang the read."""
    fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(0, "not a regular file")
    return fd
