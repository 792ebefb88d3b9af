"""render/compiled.py: a template compiled by one process is loaded by the next, never when its
source, the environment's settings or the entry itself differ; the cache never fails a build."""

from __future__ import annotations

import os
import stat
import tempfile

import jinja2
import pytest

from samverkan.render.compiled import keep_compiled


@pytest.fixture
def temporary(tmp_path, monkeypatch):
    """The temporary folder Jinja makes its cache folder in (tempfile's, for this test)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def environment(templates, **settings) -> tuple[jinja2.Environment, list[str]]:
    """A new environment, as a new process has, and the names of the templates it compiles."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), keep_trailing_newline=True, **settings)
    env.filters["shout"] = str.upper
    compiled: list[str] = []
    compile_source = env.compile

    def compile(source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return compile_source(source, name, filename, *args, **kwargs)

    env.compile = compile
    return keep_compiled(env), compiled


def test_a_template_compiled_once_is_loaded_by_the_next_process(tmp_path, temporary):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.md.j2").write_text("{% if x %}\n{{ x | shout }}\n{% endif %}\n", encoding="utf-8")

    first, compiled = environment(templates, trim_blocks=True)
    assert first.get_template("page.md.j2").render(x="hej") == "HEJ\n" and compiled == ["page.md.j2"]
    folder = temporary / f"_jinja2-cache-{os.getuid()}"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and len(list(folder.iterdir())) == 1

    again, compiled = environment(templates, trim_blocks=True)
    assert again.get_template("page.md.j2").render(x="hej") == "HEJ\n" and compiled == []      # loaded

    # other settings (whitespace control here) compile code of their own, never load this one's
    other, compiled = environment(templates)
    assert other.get_template("page.md.j2").render(x="hej") == "\nHEJ\n\n" and compiled == ["page.md.j2"]

    # a changed template is compiled again
    (templates / "page.md.j2").write_text("{{ x }}!\n", encoding="utf-8")
    changed, compiled = environment(templates, trim_blocks=True)
    assert changed.get_template("page.md.j2").render(x="hej") == "hej!\n" and compiled == ["page.md.j2"]


def test_a_damaged_entry_is_compiled_again_and_a_full_disk_stops_nothing(tmp_path, temporary, monkeypatch):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.md.j2").write_text("{{ x | shout }}\n", encoding="utf-8")
    environment(templates)[0].get_template("page.md.j2")
    folder = temporary / f"_jinja2-cache-{os.getuid()}"
    for entry in folder.iterdir():
        entry.write_bytes(entry.read_bytes()[:40])                          # cut short

    env, compiled = environment(templates)
    assert env.get_template("page.md.j2").render(x="a") == "A\n" and compiled == ["page.md.j2"]

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", full)              # how Jinja writes an entry
    (templates / "page.md.j2").write_text("{{ x }}?\n", encoding="utf-8")
    env, compiled = environment(templates)
    assert env.get_template("page.md.j2").render(x="a") == "a?\n" and compiled == ["page.md.j2"]


def test_without_a_private_folder_templates_are_compiled_as_before(tmp_path, temporary):
    """A cache folder that is not the user's own folder (here a link to another) is refused by
    Jinja: no cache, no failure, nothing written there."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.md.j2").write_text("{{ x }}\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, temporary / f"_jinja2-cache-{os.getuid()}")
    env, compiled = environment(templates)
    assert env.bytecode_cache is None
    assert env.get_template("page.md.j2").render(x="a") == "a\n" and compiled == ["page.md.j2"]
    assert list(elsewhere.iterdir()) == []


def test_the_markdown_and_the_html_templates_keep_their_compiled_code_apart(temporary):
    """The two environments samverkan renders with (the intermediate's Markdown, the site's HTML)
    escape differently: each loads only code compiled with its own settings."""
    from samverkan.project import Templates
    from samverkan.render import environment as markdown_environment
    from samverkan.writers.html import environment as html_environment

    markdown_environment.cache_clear()
    html_environment.cache_clear()
    try:
        patterns = {markdown_environment(Templates()).bytecode_cache.pattern,
                    html_environment(Templates()).bytecode_cache.pattern}
        assert len(patterns) == 2 and all(p.startswith("samverkan-") for p in patterns)
    finally:
        markdown_environment.cache_clear()
        html_environment.cache_clear()
