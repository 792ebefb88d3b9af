"""The target registry: every build target, registered here and only here. The CLI's
target choices come from this dictionary.

`TARGETS` maps each target's name to its class, and imports a target's module only when the
class is asked for: the command line knows the names (and `samverkan build` with nothing to do
answers) without loading every writer behind them. `DEFAULT_TARGETS` is read from the classes
on first use."""

from __future__ import annotations

from importlib import import_module
from typing import Iterator, MutableMapping

from samverkan.targets.base import BuildOptions, Job, Target

# name → (module under samverkan.targets, class); the order is the build's and `build --help`'s.
_REGISTRY: dict[str, tuple[str, str]] = {
    "agreement": ("documents", "AgreementTarget"),
    "supplement": ("documents", "SupplementTarget"),
    "commitments": ("commitments", "CommitmentsTarget"),
    "routines": ("routines", "RoutinesTarget"),
    "followup": ("followup", "FollowUpTarget"),
    "remiss": ("remiss", "RemissTarget"),
    "avvikelser": ("avvikelser", "AvvikelserTarget"),
    "site": ("site", "SiteTarget"),
}


class _Registry(MutableMapping[str, "type[Target]"]):
    """The targets by name; a target's module is imported the first time its class is asked for.
    A target set here (a test's, a plugin's) is taken as it is."""

    def __init__(self, registry: dict[str, tuple[str, str]]) -> None:
        self._registry: dict[str, tuple[str, str] | None] = dict(registry)
        self._loaded: dict[str, type[Target]] = {}

    def __getitem__(self, name: str) -> type[Target]:
        if name not in self._loaded:
            module, cls = self._registry[name] or ("", "")
            target = getattr(import_module(f"samverkan.targets.{module}"), cls)
            if target.name != name:             # a renamed target must be renamed here too
                raise RuntimeError(f"target {cls} is named '{target.name}', registered as '{name}'")
            self._loaded[name] = target
        return self._loaded[name]

    def __setitem__(self, name: str, target: type[Target]) -> None:
        self._registry.setdefault(name, None)
        self._loaded[name] = target

    def __delitem__(self, name: str) -> None:
        del self._registry[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._registry)

    def __len__(self) -> int:
        return len(self._registry)


TARGETS: MutableMapping[str, type[Target]] = _Registry(_REGISTRY)


def __getattr__(name: str):
    if name == "DEFAULT_TARGETS":
        return tuple(name for name, target in TARGETS.items() if target.default)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DEFAULT_TARGETS", "TARGETS", "BuildOptions", "Job", "Target"]
