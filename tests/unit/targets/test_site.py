"""targets/site.py: which pages the site has and what each offers, from the manifest."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan import scaffold
from samverkan.content import load_content
from samverkan.errors import BuildFailed
from samverkan.targets import TARGETS, BuildOptions
from samverkan.targets.base import Linked
from samverkan.targets.site import SiteTarget, commitments_page
from samverkan.writers.html import HtmlPage


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    folder = tmp_path_factory.mktemp("example") / "p"
    scaffold.init_project(folder, "Region Test", today=dt.date(2026, 3, 1))
    return load_content(folder / "content")


def manifest_of(content, targets, options=BuildOptions()):
    """A manifest as a build of `targets` would write it (without writing the files)."""
    return [{"path": job.path, "kind": job.kind, "format": job.format, "title": job.title, "kommun": job.kommun,
             "sha256": "0" * 64, "bytes": 1000 + index} | ({"facts": dict(job.facts)} if job.facts else {})
            for name in targets for index, job in enumerate(TARGETS[name]().jobs(content, options))]


def pages(jobs) -> dict[str, HtmlPage]:
    return {job.path: job.artifact for job in jobs if isinstance(job.artifact, HtmlPage)}


def test_the_site_needs_its_wording(mini):
    content = load_content(mini)
    assert "site.yaml" in SiteTarget().missing(content)
    with pytest.raises(BuildFailed):
        SiteTarget().jobs(content, BuildOptions())
    assert SiteTarget.reads_output and SiteTarget.default


def test_the_site_offers_every_file_of_the_manifest_and_has_a_page_of_every_kind(example):
    manifest = manifest_of(example, ["agreement", "supplement", "commitments", "routines"])
    manifest += [{"path": "andringar/andringar-1.0-till-1.1.docx", "kind": "change-report", "format": "docx",
                  "title": "Ändringar", "kommun": None, "sha256": "1" * 64, "bytes": 5},
                 {"path": "site/index.html", "kind": "site", "format": "html", "title": "old", "kommun": None,
                  "sha256": "2" * 64, "bytes": 5}]
    jobs = SiteTarget().jobs(example, BuildOptions({"manifest": manifest}))
    linked = {job.path: job.artifact for job in jobs if isinstance(job.artifact, Linked)}
    offered = [e for e in manifest if not e["path"].startswith("site/")]
    assert linked == {f"site/filer/{e['path']}": Linked(e["path"], e["sha256"]) for e in offered}
    assert all(job.kind == "site-file" for job in jobs if isinstance(job.artifact, Linked))
    site = pages(jobs)
    assert {"site/index.html", "site/overenskommelse-missbruk-beroende.html", "site/ataganden.html",
            "site/kommuner/index.html", "site/kommuner/exempelby.html", "site/kommuner/sjostad.html",
            "site/kommuner/sjostad-hamnen.html", "site/tillganglighetsredogorelse.html"} <= set(site)
    assert "site/remiss.html" not in site                         # no remiss built
    assert {job.path for job in jobs if job.format in ("css", "js")} == {"site/assets/site.css", "site/assets/site.js"}
    start = site["site/index.html"].context
    assert [f.href for f in start["others"]] == ["filer/andringar/andringar-1.0-till-1.1.docx"]   # the file no page places
    agreement = start["documents"][0]
    assert [(d.format, d.label) for d in agreement["downloads"]] == [("docx", "Word"), ("pdf", "PDF")]
    assert agreement["downloads"][0].date == "2026-03-01" and agreement["downloads"][0].size == 1000
    # the document page is made from the agreement's own intermediate
    doc_page = site["site/overenskommelse-missbruk-beroende.html"]
    assert doc_page.document is not None and "[]{.anchor" in doc_page.document.markdown
    kommun = site["site/kommuner/exempelby.html"].context
    assert [row["title"] for row in kommun["templates"]] == [r.title for r in example.routines]
    assert all(row["docx"] and row["pdf"] for row in kommun["templates"]) and kommun["bundle"].format == "zip"
    assert kommun["unit"]["local_council"] == "Lokala samrådet i Exempelby"
    norrvik = site["site/kommuner/norrvik.html"].context["unit"]
    assert norrvik["local_council"] is None and norrvik["committee_party"] == "Social- och omsorgsnämnden, Norrviks kommun"
    # the search reaches every kommun page and stadsdel page
    index = start["site"]["search"]["entries"]
    assert {e["href"] for e in index} == {p[len("site/"):] for p in site if p.startswith("site/kommuner/")
                                          and not p.endswith("index.html") and p.count("/") == 2}
    # every routine template is a page of its own, from the routine's intermediate, linked from the row
    assert [row["href"] for row in kommun["templates"]] == [f"kommuner/exempelby/{r.id}.html" for r in example.routines]
    page = site["site/kommuner/exempelby/" + example.routines[0].id + ".html"]
    assert page.document is not None and dict(page.fill)     # the kommun's values fill its fields


def test_without_the_built_files_the_pages_say_so_and_link_nothing(example):
    jobs = SiteTarget().jobs(example, BuildOptions({"manifest": []}))
    assert not [job for job in jobs if isinstance(job.artifact, Linked)]
    start = pages(jobs)["site/index.html"].context
    assert start["documents"][0]["downloads"] == [] and start["others"] == []
    assert all(row["docx"] is None for row in pages(jobs)["site/kommuner/exempelby.html"].context["templates"])


def test_the_commitment_filter_has_a_page_for_every_choice_with_commitments(example):
    site = pages(SiteTarget().jobs(example, BuildOptions({"manifest": []})))
    filters = {p for p in site if p.startswith("site/ataganden/")}
    commitments = example.all_commitments()
    for c in commitments:
        for party in {c.party.id, c.group_party.id}:
            assert f"site/{commitments_page(party, None)}" in filters
            assert f"site/{commitments_page(party, c.topic.id)}" in filters
        assert f"site/{commitments_page(None, c.topic.id)}" in filters
    for path in filters:
        assert site[path].context["rows"]                          # no page for a choice without commitments
    everything = site["site/ataganden.html"].context
    assert len(everything["rows"]) == everything["total"] == len(commitments)
    assert commitments_page("kommunerna", "sip") == "ataganden/part-kommunerna_malgrupp-sip.html"


def test_the_remiss_page_needs_the_remiss_built_and_states_its_deadline(example):
    deadline = BuildOptions({"deadline": dt.date(2026, 5, 1)})
    manifest = manifest_of(example, ["agreement", "remiss"], deadline)
    for options in ({"manifest": manifest, "deadline": dt.date(2026, 5, 1)},
                    {"manifest": manifest}):           # a later plain build: the deadline from the manifest
        jobs = SiteTarget().jobs(example, BuildOptions(options))
        remiss = pages(jobs)["site/remiss.html"].context["remiss"]
        assert remiss["deadline"] == "2026-05-01" and [len(e["downloads"]) for e in remiss["editions"]] == [2, 2]
        assert [d.format for d in remiss["missiv"]] == ["docx", "pdf"] and [d.format for d in remiss["form"]] == ["docx"]
    # with a deadline but no remiss in the output: no remiss page
    jobs = SiteTarget().jobs(example, BuildOptions({"manifest": [], "deadline": dt.date(2026, 5, 1)}))
    assert "site/remiss.html" not in pages(jobs)


def test_a_manifest_entry_that_cannot_be_read_is_an_error(example):
    with pytest.raises(BuildFailed) as info:
        SiteTarget().jobs(example, BuildOptions({"manifest": [{"path": "x.docx"}]}))
    assert "manifest.json" in info.value.message


def test_a_full_build_renders_each_template_once_though_the_site_asks_the_other_targets_again(example, monkeypatch):
    """The site asks the other targets for their files (the avvikelse form, the follow-up
    workbooks); their templates and workbooks are made once per build (the main process renders
    before any worker starts: the workbooks twice had cost 0.4 s at 290 kommuner)."""
    from samverkan import render
    from samverkan.build import default_targets, planned_jobs
    from samverkan.targets import followup

    content = load_content(example.root)        # a content of its own: nothing rendered yet
    rendered: dict[str, int] = {}
    workbooks: list[str] = []
    real_render, real_workbook = render.render, followup.follow_up_workbook

    def counting_render(template, *args, **kwargs):
        rendered[template] = rendered.get(template, 0) + 1
        return real_render(template, *args, **kwargs)

    def counting_workbook(content, name, *args):
        workbooks.append(name)
        return real_workbook(content, name, *args)

    monkeypatch.setattr(render, "render", counting_render)
    monkeypatch.setattr(followup, "follow_up_workbook", counting_workbook)
    targets, _ = default_targets(content)
    assert {"commitments", "avvikelser", "followup", "routines", "site"} <= set(targets)
    jobs = planned_jobs(content, targets, BuildOptions())
    assert rendered["commitments.md.j2"] == 1 and rendered["avvikelse-form.md.j2"] == 1
    assert rendered["routine.md.j2"] == len(content.routines)
    assert len(workbooks) == len(set(workbooks)) == sum(job.format == "xlsx" and job.kind == "follow-up-workbook"
                                                        for job in jobs)
