"""`samverkan init DIR`: a new project folder with a small but complete example content.

The example is package data (samverkan/example/): an agreement and a supplement with
commitments, parties, topics, three made-up kommuner (one with stadsdelar), two routines, the
commitment tables, a remiss and a README for editors. Two things are filled in when it is
written: the region's name (`--region`) and today's date as the date of the first draft.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

from samverkan.errors import ContentInvalid, UsageProblem
from samverkan.project import CONTENT, packaged

DEFAULT_REGION = "Region Exempel"
EXAMPLE = "example"
EXAMPLE_DATE = "2026-01-15"         # the draft's date in the example files: becomes today's
RENAMED = {"gitignore": ".gitignore"}   # package data cannot hold dotfiles portably
MAX_REGION = 80
NOT_IN_NAMES = "[]{}"                # would read as footnote marks or paragraph numbers in the text


def check_region(name: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if not name:
        raise UsageProblem("--region is empty; give the region's name, e.g. --region \"Region Gävleborg\"")
    if len(name) > MAX_REGION:
        raise UsageProblem(f"--region is {len(name)} characters; a region's name has at most {MAX_REGION}")
    bad = sorted({ch for ch in name if ch in NOT_IN_NAMES or unicodedata.category(ch).startswith("C")})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad)
        raise UsageProblem(f"--region may not contain {shown}; write the name as it is spelled")
    return name


def _filled(text: str, suffix: str, region: str, today: str) -> str:
    """The example file with the region's name and the date filled in. In YAML the name only
    ever stands inside double quotes, so it is written with YAML's (= JSON's) escapes."""
    name = json.dumps(region, ensure_ascii=False)[1:-1] if suffix == ".yaml" else region
    return text.replace(DEFAULT_REGION, name).replace(EXAMPLE_DATE, today)


def init_project(folder: Path, region: str = DEFAULT_REGION, force: bool = False,
                 today: dt.date | None = None) -> list[Path]:
    """Write the example project into `folder` (created if missing); refuse a folder that is
    not empty unless `force`. Returns the files written."""
    region = check_region(region)
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageProblem(f"{folder} is a file, not a folder; give a new or empty folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise UsageProblem(f"{folder} is not empty; give a new or empty folder, or add --force to write the "
                           "example into it anyway (files of the same name are replaced)")
    source = packaged(EXAMPLE)
    stamp = (today or dt.date.today()).isoformat()
    written = []
    for path in sorted(p for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        relative = path.relative_to(source)
        target = folder / relative.parent / RENAMED.get(relative.name, relative.name)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_filled(path.read_text(encoding="utf-8"), path.suffix, region, stamp), encoding="utf-8")
        except OSError as exc:
            raise UsageProblem(f"cannot write {target}: {exc.strerror or exc}; choose a folder you can write to") \
                from exc
        written.append(target)
    from samverkan.content import load_content   # the loader: only here (the CLI imports this module)

    try:
        load_content(folder / CONTENT)
    except ContentInvalid as exc:   # a bug in the example, or a name it cannot take
        raise UsageProblem(f"the example written into {folder} is not valid content; please report this:\n"
                           f"{exc.message}") from exc
    return written
