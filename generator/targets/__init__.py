"""The target registry: every build target, registered here and only here. The CLI's
target choices come from this dictionary."""

from __future__ import annotations

from .base import BuildOptions, Job, Target
from .commitments import CommitmentsTarget
from .documents import AgreementTarget, SupplementTarget
from .remiss import RemissTarget
from .routines import RoutinesTarget

TARGETS: dict[str, type[Target]] = {t.name: t for t in (AgreementTarget, SupplementTarget, CommitmentsTarget, RoutinesTarget, RemissTarget)}

DEFAULT_TARGETS = tuple(name for name, target in TARGETS.items() if target.default)

__all__ = ["DEFAULT_TARGETS", "TARGETS", "BuildOptions", "Job", "Target"]
