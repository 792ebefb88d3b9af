"""A samverkan project: the folder a user works in, and the templates it is built with.

    my-region/
      content/      the agreements' text and data (Markdown, YAML)         --content
      templates/    optional: files that replace packaged templates         (beside content/)
      output/       what `samverkan build` writes                           --out

The templates (Jinja templates of the intermediate, reference.docx, the Typst template, the Lua
filters, the fonts) are packaged with samverkan. A file of the same name in the project's
templates/ folder replaces the packaged one, file by file, like MkDocs' `custom_dir`.
"""

from __future__ import annotations

import atexit
import importlib.resources
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from samverkan.errors import BuildFailed

CONTENT, TEMPLATES, OUTPUT = "content", "templates", "output"
FONTS = "fonts"
# What lives in a templates folder but is not a template: the packaged folder is the package
# `samverkan.templates` (its __init__.py, and the __pycache__ Python may write beside it).
TEMPLATE_SKIP = frozenset({"__init__.py", "__pycache__"})


def template_files(folder: Path) -> list[Path]:
    """The template files below `folder`, sorted: no hidden files, nothing of TEMPLATE_SKIP."""
    return sorted(path for path in folder.rglob("*")
                  if path.is_file() and not path.name.startswith(".")
                  and not TEMPLATE_SKIP.intersection(path.relative_to(folder).parts))


@lru_cache(maxsize=None)
def packaged(name: str) -> Path:
    """A folder of package data (templates, the `init` example) as a real folder: pandoc and
    Typst read files by path. A zipped install is extracted once per process."""
    # The templates are a package of their own (mapped from the repository's top-level
    # templates/ folder); everything else is package data of samverkan.
    resource = (importlib.resources.files("samverkan.templates") if name == TEMPLATES
                else importlib.resources.files("samverkan") / name)
    if isinstance(resource, Path):
        return resource
    target = Path(tempfile.mkdtemp(prefix=f"samverkan-{name}-"))
    atexit.register(shutil.rmtree, target, True)

    def copy(node, into: Path) -> None:
        for child in node.iterdir():
            if child.is_dir():
                (into / child.name).mkdir()
                copy(child, into / child.name)
            else:
                (into / child.name).write_bytes(child.read_bytes())

    copy(resource, target)
    return target


@dataclass(frozen=True)
class Override:
    name: str            # relative to templates/, e.g. "reference.docx", "fonts/MyFont.otf"
    path: Path
    replaces: bool       # a packaged file of that name exists (else the file is an addition)


@dataclass(frozen=True)
class Templates:
    """Where a build finds its templates: the project's folder first (when it has one), then the
    packaged defaults. Picklable and hashable: it travels with every intermediate to the writers."""

    project: Path | None = None

    @classmethod
    def for_content(cls, content_dir: Path) -> "Templates":
        """The templates of the project whose content folder is `content_dir`: the templates/
        folder beside it, if there is one."""
        folder = Path(content_dir).resolve().parent / TEMPLATES
        if not folder.is_dir() or folder.resolve() == packaged(TEMPLATES).resolve():
            # no folder, or the packaged templates themselves (samverkan's own repository is a
            # project folder too): nothing is overridden
            return cls(None)
        return cls(folder)

    @property
    def dirs(self) -> tuple[Path, ...]:
        return ((self.project,) if self.project else ()) + (packaged(TEMPLATES),)

    def path(self, name: str) -> Path:
        for folder in self.dirs:
            if (folder / name).is_file():
                return folder / name
        raise BuildFailed(f"template {name} not found (looked in {', '.join(str(d) for d in self.dirs)}); "
                          "reinstall samverkan, or remove the name from the template that uses it")

    def font_dirs(self) -> tuple[str, ...]:
        """Every fonts/ folder, the project's first: the PDFs use these fonts and never the system's."""
        return tuple(str(d / FONTS) for d in self.dirs if (d / FONTS).is_dir())

    def overrides(self) -> list[Override]:
        """The project's template files, and whether each replaces a packaged one."""
        if self.project is None:
            return []
        base = packaged(TEMPLATES)
        return [Override(path.relative_to(self.project).as_posix(), path,
                         (base / path.relative_to(self.project)).is_file())
                for path in template_files(self.project)]
