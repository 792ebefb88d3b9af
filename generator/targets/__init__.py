"""The target registry: every build target, registered here and only here. The CLI's
target choices come from this dictionary."""

from __future__ import annotations

from .base import BuildOptions, Job, Target
from .commitments import CommitmentsTarget
from .documents import AgreementTarget, SupplementTarget
from .routines import RoutinesTarget

TARGETS: dict[str, type[Target]] = {t.name: t for t in (AgreementTarget, SupplementTarget, CommitmentsTarget, RoutinesTarget)}

__all__ = ["TARGETS", "BuildOptions", "Job", "Target"]
