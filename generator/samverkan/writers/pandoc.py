"""Running pandoc (the binary inside the pypandoc-binary wheel: no system pandoc needed)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from samverkan.errors import BuildFailed
from samverkan.render.markdown import GRID_WIDTH, PANDOC_READER


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


# Pandoc's memory settings (GHC's runtime). The pandoc binary asks for a 64 MB heap (-H64m), which
# makes its allocation area as large: every young object then lands outside the processor's
# caches. An 8 MB heap and a 64 MB old generation before the first major collection do the same
# conversions in two thirds of the time (a routine template as Word and Typst 170 → 120 ms, the
# agreement 650 → 450 ms; the same bytes). A GHCRTS the user set wins; a pandoc that does
# not take runtime options ignores the variable with a warning.
RTS_OPTIONS = "-H8m -O64m"


def _environment(timestamp: int | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("GHCRTS", RTS_OPTIONS)
    if timestamp is not None:
        env["SOURCE_DATE_EPOCH"] = str(timestamp)
    return env


def run(markdown: str, to: str, args: list[str] = (), timestamp: int | None = None,
        reader: str = PANDOC_READER) -> bytes:
    """Convert the intermediate Markdown to `to`; returns the output bytes. `reader` is the
    input format: the intermediate's Markdown, or "json" for a pandoc document tree (the redline).
    A conversion `prefetch` made already is returned from memory, as often as it is asked for
    (the agreement's Typst text serves both the Word file's table of contents and the PDF)
    until the next prefetch."""
    done = _prefetched.get((markdown, to, tuple(args), timestamp, reader))
    if done is not None:
        return done
    return _convert(markdown, to, tuple(args), timestamp, reader)


def _convert(markdown: str, to: str, args: tuple[str, ...], timestamp: int | None, reader: str) -> bytes:
    """One pandoc process for one conversion (see `run`)."""
    env = _environment(timestamp)
    command = [pandoc_path(), f"--from={reader}", f"--to={to}", f"--columns={GRID_WIDTH}",
               "--output=-", *args]
    try:
        done = subprocess.run(command, input=markdown.encode("utf-8"), capture_output=True, env=env, check=False)
    except OSError as exc:
        raise BuildFailed(f"could not run pandoc ({exc}); reinstall the project: pip install -e .") from exc
    if done.returncode != 0:
        raise BuildFailed(f"pandoc failed converting to {to}: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


@dataclass(frozen=True)
class Request:
    """One conversion a writer will ask for (see `prefetch`); `timestamp` None: the output does
    not depend on SOURCE_DATE_EPOCH (Word's does)."""

    markdown: str
    to: str
    args: tuple[str, ...]
    timestamp: int | None = None


_prefetched: dict[tuple, bytes] = {}
CONVERT = Path(__file__).with_name("convert.lua")


def _output(to: str, args: tuple[str, ...]) -> dict | None:
    """The options of one output for convert.lua, or None for an argument it does not know."""
    output: dict = {"to": to, "filters": []}
    standalone = False
    for arg in args:
        name, _, value = arg.partition("=")
        if name == "--lua-filter":
            output["filters"].append(value)
        elif name == "--template":
            output["template"] = value
        elif name == "--reference-doc":
            output["reference_doc"] = value
        elif arg == "--toc":
            output["toc"] = True
        elif name == "--toc-depth":
            output["toc_depth"] = int(value)
        elif arg == "--standalone":
            standalone = True
        elif name == "--wrap" and value in ("auto", "none", "preserve"):
            output["wrap"] = value
        elif name == "--shift-heading-level-by" and value.isascii() and value.isdigit() and int(value) > 0:
            output["shift_heading_level_by"] = int(value)
        elif name == "--metadata" and ":" in value:
            key, _, text = value.partition(":")
            if "=" in key or text in ("true", "True", "TRUE", "false", "False", "FALSE") or key in output.get("metadata", {}):
                return None             # split at "=" first; booleans; a key given twice: a list
            output.setdefault("metadata", {})[key] = text
        else:
            return None
    if standalone and "template" not in output:
        return None                     # pandoc's default template: not what the script writes
    return output


def prefetch(requests: list[Request], reader: str = PANDOC_READER, side_by_side: bool = False) -> None:
    """Make several conversions of one text with one pandoc process, which reads the text once
    (reading is most of pandoc's time: a routine template as Word and PDF in 160 ms, not 260);
    `run` then returns them from memory. Anything convert.lua cannot do exactly as the command
    line would (other arguments, other texts or timestamps) is left to `run`.

    `side_by_side`: cores are idle (a small build: the agreement's Word and PDF and little
    else): one pandoc process per conversion instead, all at once. Each reads the text, but
    they run on several cores, and the slowest conversion alone sets the time (the agreement:
    Typst ~0.57 s and Word ~0.32 s of CPU side by side, where one process needs ~0.9 s)."""
    _prefetched.clear()              # one text at a time: what was not asked for goes
    if len(requests) < 2:
        return
    if side_by_side:
        _side_by_side(requests, reader)
        return
    stamps = {r.timestamp for r in requests} - {None}
    if len({r.markdown for r in requests}) != 1 or len(stamps) > 1:
        return
    outputs = [_output(r.to, r.args) for r in requests]
    if any(o is None for o in outputs):
        return
    env = _environment(stamps.pop() if stamps else None)
    spec = json.dumps({"columns": GRID_WIDTH, "outputs": outputs})
    try:
        done = subprocess.run([pandoc_path(), "lua", str(CONVERT), reader, spec],
                              input=requests[0].markdown.encode("utf-8"), capture_output=True, env=env, check=False)
    except OSError:
        return                       # `run` reports it, once per file
    converted = _frames(done.stdout, len(requests)) if done.returncode == 0 else None
    if converted is None:
        return
    for request, data in zip(requests, converted):
        _prefetched[(request.markdown, request.to, request.args, request.timestamp, reader)] = data


def _side_by_side(requests: list[Request], reader: str) -> None:
    """Each conversion in its own pandoc process, all running at once (threads only wait for
    them); one that fails is left to `run`, which reports it."""
    import threading

    def convert(request: Request) -> None:
        key = (request.markdown, request.to, request.args, request.timestamp, reader)
        try:
            _prefetched[key] = _convert(*key)
        except BuildFailed:
            pass

    threads = [threading.Thread(target=convert, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _frames(stdout: bytes, count: int) -> list[bytes] | None:
    """convert.lua's outputs, one after the other on its standard output, each after its length
    in bytes and a newline (no files: a killed build leaves nothing behind); None if they do
    not add up."""
    frames, at = [], 0
    for _ in range(count):
        end = stdout.find(b"\n", at)
        if end < 0 or not stdout[at:end].isdigit():
            return None
        size = int(stdout[at:end])
        frames.append(stdout[end + 1:end + 1 + size])
        at = end + 1 + size
    return frames if at == len(stdout) else None


def without_field_registry(markdown: str) -> str:
    """The intermediate without the field registry of its metadata block (`fields:`): the
    writers read it from the intermediate's metadata themselves, pandoc's templates never use
    it, and pandoc would parse each of its values as Markdown (a fifth of its time for a
    routine template; in Word it only became an empty custom property)."""
    if not markdown.startswith("---\n"):
        return markdown
    end = markdown.index("\n---\n", 4)
    kept, skipping = [], False
    for line in markdown[4:end].split("\n"):
        if line.startswith("fields:"):
            skipping = True
            continue
        if skipping and line.startswith(" "):
            continue
        skipping = False
        kept.append(line)
    return "---\n" + "\n".join(kept) + markdown[end:]
