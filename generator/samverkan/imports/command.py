"""`samverkan import`: read, review, and with --apply write into content/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from samverkan import build as build_module
from samverkan.collect.untrusted import sources
from samverkan.content import load_content
from samverkan.errors import UsageProblem
from samverkan.imports.editions import SUFFIXES
from samverkan.imports import review as review_module


@dataclass
class Result:
    review: review_module.Review
    written: list
    lines: list[str]


def run(content_dir: Path, out_dir: Path, files: list[Path], apply: bool = False, author: str | None = None,
        refs: list[str] | None = None) -> Result:
    content = load_content(content_dir)
    if not sources(files, SUFFIXES):
        raise UsageProblem(f"no .docx or .odt file in {', '.join(str(f) for f in files)}: name the returned "
                           "editions or the folder they are in")
    review = review_module.collect(content, files, content_dir)
    lines: list[str] = []
    if apply:
        from samverkan.imports.apply import apply_review

        apply_review(review, content_dir, author, refs or [])
        lines.append(f"applied {len(review.applied)} change(s) to {content_dir}; "
                     f"{len(review.not_applied)} left for the secretariat (listed in the review)")
    jobs = review_module.review_jobs(review)
    written = build_module.write_outputs(out_dir, jobs, build_module.run_jobs(jobs))
    proposals = sum(len(e.proposals) for e in review.entries)
    conflicts = sum(e.conflict for e in review.entries)
    comments = sum(len(e.comments) for e in review.entries)
    lines.insert(0, f"read {len(review.files)} edition(s): {proposals} proposal(s), {conflicts} conflict(s), "
                    f"{comments} comment(s), {len(review.notes)} to handle by hand")
    return Result(review, written, lines)
