"""The target registry: every build target, registered here and only here. The CLI's
target choices come from this dictionary.

`TARGETS` maps each target's name to its class, and imports a target's module only when the
class is asked for: the command line knows the names (and `samverkan build` with nothing to do
answers) without loading every writer behind them. `DEFAULT_TARGETS` is read from the classes
on first use."""

from __future__ import annotations

from typing import MutableMapping

from samverkan.registry import LazyRegistry
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


TARGETS: MutableMapping[str, type[Target]] = LazyRegistry(
    {name: (f"samverkan.targets.{module}", cls) for name, (module, cls) in _REGISTRY.items()}, "target")


def __getattr__(name: str):
    if name == "DEFAULT_TARGETS":
        return tuple(name for name, target in TARGETS.items() if target.default)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DEFAULT_TARGETS", "TARGETS", "BuildOptions", "Job", "Target"]
