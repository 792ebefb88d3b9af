"""One lazy registry for the two places that name classes by a key: the build targets
(targets/__init__.py) and the writers (writers/__init__.py). A class's module is imported the
first time the class is asked for, so the command line and a build with nothing to do know the
names without loading python-docx, openpyxl, typst or the renderer behind them."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from importlib import import_module
from typing import Any


class LazyRegistry(MutableMapping[str, Any]):
    """name → class, given as name → (module, class name), in the order given. Each class's
    `name` must be its key (a renamed class must be renamed in the registry too). A class set
    here (a test's, a plugin's) is taken as it is."""

    def __init__(self, where: dict[str, tuple[str, str]], kind: str) -> None:
        self._where: dict[str, tuple[str, str] | None] = dict(where)
        self._loaded: dict[str, Any] = {}
        self._kind = kind

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded:
            where = self._where[name]
            if where is None:
                raise KeyError(name)
            found = getattr(import_module(where[0]), where[1])
            if found.name != name:
                raise RuntimeError(f"{self._kind} {where[1]} is named '{found.name}', registered as '{name}'")
            self._loaded[name] = found
        return self._loaded[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self._where.setdefault(name, None)
        self._loaded[name] = value

    def __delitem__(self, name: str) -> None:
        del self._where[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)
