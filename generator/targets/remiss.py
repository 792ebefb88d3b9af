"""Target `remiss`: the remiss editions of the agreements (Word, PDF), the cover letter
(missiv, Word and PDF) and the response form (svarsmall, Word).

    samverkan build remiss --deadline 2027-01-29
"""

from __future__ import annotations

from ..dates import build_timestamp, iso_date
from ..model import Content
from ..remiss import edition, field_tag, reference_rows
from ..render import FieldRegistry, Intermediate, render, render_document
from .base import BuildOptions, Job, Target
from .documents import document_file_stem

FOLDER = "remiss"


class RemissTarget(Target):
    name = "remiss"
    help = "remiss editions, cover letter and response form (needs --deadline; not part of a plain build)"
    default = False

    def jobs(self, content: Content, options: BuildOptions) -> list[Job]:
        remiss = edition(content, options.get("deadline"))
        timestamp = build_timestamp(remiss.date)
        date = iso_date(remiss.date)
        jobs: list[Job] = []
        for doc in remiss.documents:
            intermediate = render_document(content, doc.key, remiss=remiss)
            stem = f"{FOLDER}/remiss-{document_file_stem(doc)}"
            title = f"{doc.meta.title} (remissversion {date})"
            jobs += [Job(intermediate, fmt, f"{stem}.{fmt}", "remiss-edition", title, timestamp)
                     for fmt in ("docx", "pdf")]
        t = remiss.texts
        letter = render("missiv.md.j2", content, remiss=remiss, field=FieldRegistry())
        jobs += [Job(Intermediate(letter, t.missiv.subject), fmt, f"{FOLDER}/missiv-{date}.{fmt}", "remiss-missiv",
                     t.missiv.subject, timestamp) for fmt in ("docx", "pdf")]
        form = render("svarsmall.md.j2", content, remiss=remiss, field=FieldRegistry(),
                      reference_rows=reference_rows, field_tag=field_tag)
        jobs.append(Job(Intermediate(form, t.form.title), "docx", f"{FOLDER}/svarsmall-{date}.docx", "remiss-form",
                        f"{t.form.title}: {remiss.spec.title}", timestamp))
        return jobs
