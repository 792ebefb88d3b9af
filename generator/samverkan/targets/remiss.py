"""Target `remiss`: the remiss editions of the agreements (Word, PDF), the cover letter
(missiv, Word and PDF) and the response form (svarsmall, Word); and the files of the
compilation of the answers (`samverkan remiss collect`).

    samverkan build remiss --deadline 2027-01-29
"""

from __future__ import annotations

from dataclasses import replace

from samverkan.dates import build_timestamp, iso_date
from samverkan.model import Content
from samverkan.rules.records import Column, Records
from samverkan.collect.answers import Compilation
from samverkan.remiss import (
    ANSWER_ROWS, FORM_PROPERTY, answer_field_tag, answer_refs, chapters, citation_examples, edition, remiss_words,
)
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
                            chapters=chapters, answer_field_tag=answer_field_tag, answer_rows=ANSWER_ROWS,
                            remiss_words=remiss_words(remiss), form_property=FORM_PROPERTY,
                            citation_examples=citation_examples)
        jobs.append(Job(form, "docx", f"{FOLDER}/svarsmall-{date}.docx", "remiss-form",
                        f"{t.form.title}: {remiss.spec.title}", timestamp))
        # the deadline in the manifest: a later build of the site states it without --deadline
        facts = (("deadline", iso_date(remiss.deadline)),)
        return [replace(job, facts=facts) for job in jobs]


COMPILATION_COLUMNS = (
    Column("organisation", "Organisation", 28, wrap=True),
    Column("document", "Dokument", 24, wrap=True),
    Column("ref", "Hänvisning", 12),
    Column("cited", "Hänvisning i svaret", 14),
    Column("excerpt", "Texten börjar", 40, wrap=True),
    Column("comment", "Synpunkt", 60, wrap=True),
    Column("proposal", "Förslag till ändring", 60, wrap=True),
    Column("file", "Fil", 24),
)


def _rows_and_helpers(compilation: Compilation):
    """The compilation's rows (one per answer, and one per general comment) and the row
    helpers of its Word document: an answer shows the reference its author wrote when that is
    not the one it is filed under, and a second form from one organisation is marked."""
    t = compilation.remiss.texts.compilation
    form = compilation.remiss.texts.form
    refs = answer_refs(compilation.remiss)

    def organisation(name: str, file: str) -> str:
        response = next((r for r in compilation.responses if r.file == file), None)
        notes = [t.not_on_list] if response is not None and not response.on_list else []
        if response is not None and response.duplicate_of:
            notes.append(f"{t.duplicate}: {response.duplicate_of}")
        return name + "".join(f" ({note})" for note in notes)

    def answer_row(answer, ref: str | None = None) -> list[str]:
        who = organisation(answer.organisation, answer.file)
        if answer.cited and (not answer.placed or ref is None or answer.cited.strip("[] ") != ref):
            who += f"\n{t.cited}: {answer.cited}" + ("" if answer.placed else f" ({t.unknown_reference})")
        return [who, answer.comment or "–", answer.proposal or "–"]

    def response_row(response) -> list[str]:
        return [organisation(response.organisation, response.file), response.contact or "–", response.email or "–",
                response.date or "–", response.file]

    def general_row(response) -> list[str]:
        return [organisation(response.organisation, response.file), response.general]

    rows = [{"organisation": organisation(r.organisation, r.file), "document": "", "ref": "", "cited": "",
             "excerpt": form.general_label, "comment": r.general, "proposal": "", "file": r.file}
            for r in compilation.responses if r.general]
    placed = [(doc.meta.short_title, ref, text or f"{form.whole_section}: {section.title}", answer)
              for doc, section, ref, text in refs for answer in compilation.answers[(doc.key, ref)]]
    placed += [("", "", t.unplaced_heading, answer) for answer in compilation.unplaced]
    for document, ref, text, answer in placed:
        rows.append({"organisation": organisation(answer.organisation, answer.file), "document": document,
                     "ref": ref, "cited": answer.cited or "", "excerpt": text, "comment": answer.comment or "",
                     "proposal": answer.proposal or "", "file": answer.file})
    helpers = {"answer_row": answer_row, "response_row": response_row, "general_row": general_row}
    return rows, helpers


def compilation_jobs(content: Content, compilation: Compilation) -> list:
    """The compilation as Word and CSV."""
    t = compilation.remiss.texts.compilation
    rows, helpers = _rows_and_helpers(compilation)
    document = intermediate("compilation.md.j2", content, t.title, compilation=compilation,
                            refs=answer_refs(compilation.remiss), remiss_words=remiss_words(compilation.remiss),
                            **helpers)
    records = Records(t.title, COMPILATION_COLUMNS, tuple(rows))
    stem = f"remiss/remissammanstallning-{iso_date(compilation.remiss.date)}"
    timestamp = build_timestamp(compilation.remiss.date)
    return [Job(document, "docx", f"{stem}.docx", "remiss-compilation", t.title, timestamp),
            Job(records, "csv", f"{stem}.csv", "remiss-compilation", t.title, timestamp)]
