"""Reading a content file safely, and the characters a content file may hold.

Content is edited by many hands, so every file is read the same careful way: it must lie
inside the content folder (no `../` and no symbolic link leads out of it), be a regular
file (a FIFO would hang the build, a device never ends) of a sane size, and be UTF-8 text.
Characters no document can hold (control characters such as NUL or ESC, private-use and
non-characters, which PDF/A forbids) are named by file, line and code point; characters the
PDF fonts cannot show are found by `glyphs.py`.
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


def _noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def character_problems(path: Path, text: str, problems: Problems, first_line: int = 1) -> bool:
    """Report every line holding forbidden characters (with the characters named); returns
    True when there was any."""
    found = False
    if all(not forbidden(c) for c in set(text)):
        return False
    for number, line in enumerate(text.split("\n"), start=first_line):
        bad = sorted({c for c in line if forbidden(c)})
        if bad:
            found = True
            names = ", ".join(describe(c) for c in bad)
            column = min(line.index(c) for c in bad) + 1
            problems.add(Location(path, number), f"the line holds {names} (column {column}), a character that "
                                                 "cannot be printed", "delete it: it is invisible in an editor but "
                                                                      "breaks the documents (retype the line if "
                                                                      "you cannot find it)")
    return found


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
