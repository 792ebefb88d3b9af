"""Target `remiss`: the remiss editions of the agreements (Word, PDF), the cover letter
(missiv, Word and PDF) and the response form (svarsmall, Word); and the files of the
compilation of the answers (`samverkan remiss collect`).

    samverkan build remiss --deadline 2027-01-29
"""

from __future__ import annotations

from samverkan.dates import build_timestamp, iso_date
from samverkan.model import Content
from samverkan.rules.records import Column, Records
from samverkan.remiss import Compilation, answer_refs, edition, field_tag, reference_rows
from samverkan.render import FieldRegistry, intermediate, render_document
from samverkan.targets.base import BuildOptions, Job, Target
from samverkan.targets.documents import document_file_stem

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
            edition_document = render_document(content, doc.key, remiss=remiss)
            stem = f"{FOLDER}/remiss-{document_file_stem(doc)}"
            title = f"{doc.meta.title} (remissversion {date})"
            jobs += [Job(edition_document, fmt, f"{stem}.{fmt}", "remiss-edition", title, timestamp)
                     for fmt in ("docx", "pdf")]
        t = remiss.texts
        letter = intermediate("missiv.md.j2", content, t.missiv.subject, remiss=remiss)
        jobs += [Job(letter, fmt, f"{FOLDER}/missiv-{date}.{fmt}", "remiss-missiv", t.missiv.subject, timestamp)
                 for fmt in ("docx", "pdf")]
        form = intermediate("svarsmall.md.j2", content, t.form.title, remiss=remiss, field=FieldRegistry(),
                            reference_rows=reference_rows, field_tag=field_tag)
        jobs.append(Job(form, "docx", f"{FOLDER}/svarsmall-{date}.docx", "remiss-form",
                        f"{t.form.title}: {remiss.spec.title}", timestamp))
        return jobs


COMPILATION_COLUMNS = (
    Column("organisation", "Organisation", 28, wrap=True),
    Column("document", "Dokument", 24, wrap=True),
    Column("ref", "Hänvisning", 12),
    Column("excerpt", "Texten börjar", 40, wrap=True),
    Column("comment", "Synpunkt", 60, wrap=True),
    Column("proposal", "Förslag till ändring", 60, wrap=True),
)


def compilation_jobs(content: Content, compilation: Compilation) -> list:
    """The compilation as Word and CSV (one row per answer to a paragraph or section, and
    one per general comment)."""
    refs = answer_refs(compilation.remiss)
    t = compilation.remiss.texts.compilation
    document = intermediate("compilation.md.j2", content, t.title, compilation=compilation, refs=refs)
    rows = []
    for response in compilation.responses:
        if response.general:
            rows.append({"organisation": response.organisation, "document": "", "ref": "",
                         "excerpt": compilation.remiss.texts.form.general_label, "comment": response.general,
                         "proposal": ""})
    for doc, section, ref, text in refs:
        for answer in compilation.answers[(doc.key, ref)]:
            rows.append({"organisation": answer.organisation, "document": doc.meta.short_title, "ref": ref,
                         "excerpt": text or f"{compilation.remiss.texts.form.whole_section}: {section.title}",
                         "comment": answer.comment or "", "proposal": answer.proposal or ""})
    records = Records(t.title, COMPILATION_COLUMNS, tuple(rows))
    stem = f"remiss/remissammanstallning-{iso_date(compilation.remiss.date)}"
    timestamp = build_timestamp(compilation.remiss.date)
    return [Job(document, "docx", f"{stem}.docx", "remiss-compilation", t.title, timestamp),
            Job(records, "csv", f"{stem}.csv", "remiss-compilation", t.title, timestamp)]
