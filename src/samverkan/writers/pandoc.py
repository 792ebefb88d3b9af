"""Running pandoc (the binary inside the pypandoc-binary wheel: no system pandoc needed)."""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache

from samverkan.errors import BuildFailed
from samverkan.render.markdown import GRID_WIDTH, PANDOC_READER


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def run(markdown: str, to: str, args: list[str] = (), timestamp: int | None = None,
        reader: str = PANDOC_READER) -> bytes:
    """Convert the intermediate Markdown to `to`; returns the output bytes. `reader` is the
    input format: the intermediate's Markdown, or "json" for a pandoc document tree (the redline)."""
    env = dict(os.environ)
    if timestamp is not None:
        env["SOURCE_DATE_EPOCH"] = str(timestamp)
    command = [pandoc_path(), f"--from={reader}", f"--to={to}", f"--columns={GRID_WIDTH}",
               "--output=-", *args]
    try:
        done = subprocess.run(command, input=markdown.encode("utf-8"), capture_output=True, env=env, check=False)
    except OSError as exc:
        raise BuildFailed(f"could not run pandoc ({exc}); reinstall the project: pip install -e .") from exc
    if done.returncode != 0:
        raise BuildFailed(f"pandoc failed converting to {to}: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


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
