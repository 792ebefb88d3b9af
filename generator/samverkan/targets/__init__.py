"""The target registry: every build target, registered here and only here. The CLI's
target choices come from this dictionary."""

from __future__ import annotations

from samverkan.targets.avvikelser import AvvikelserTarget
from samverkan.targets.base import BuildOptions, Job, Target
from samverkan.targets.commitments import CommitmentsTarget
from samverkan.targets.documents import AgreementTarget, SupplementTarget
from samverkan.targets.followup import FollowUpTarget
from samverkan.targets.remiss import RemissTarget
from samverkan.targets.routines import RoutinesTarget
from samverkan.targets.site import SiteTarget

TARGETS: dict[str, type[Target]] = {t.name: t for t in (AgreementTarget, SupplementTarget, CommitmentsTarget,
                                                  RoutinesTarget, FollowUpTarget, RemissTarget, AvvikelserTarget,
                                                  SiteTarget)}

DEFAULT_TARGETS = tuple(name for name, target in TARGETS.items() if target.default)

__all__ = ["DEFAULT_TARGETS", "TARGETS", "BuildOptions", "Job", "Target"]
