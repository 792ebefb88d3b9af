from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from samverkan.cli import cli

from tests.conftest import write


def test_check_reports_ok(mini):
    result = CliRunner().invoke(cli, ["check", "--content", str(mini)])
    assert result.exit_code == 0, result.output
    assert "content OK: 1 documents, 4 commitments, 2 files would be built" in result.output
    assert "target supplement cannot be built" in result.output


def test_check_on_broken_content_lists_file_line_and_exits_1_without_traceback(mini):
    path = mini / "agreement" / "commitments.yaml"
    write(path, path.read_text(encoding="utf-8").replace("party: kommunerna", "party: kommunen"))
    write(mini / "topics.yaml", "- id: sip\n  name: SIP\n  - oops\n")
    done = subprocess.run([sys.executable, "-m", "samverkan", "check", "--content", str(mini)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "topics.yaml:3: YAML syntax error" in done.stderr
    assert "commitments.yaml:18: unknown party 'kommunen'" in done.stderr
    assert "did you mean 'kommunerna'" in done.stderr
    assert "4 problems" not in done.stderr and "2 problems" in done.stderr   # no follow-on noise


def test_build_writes_files_and_manifest(mini, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", "--content", str(mini), "--out", str(out), "agreement"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["format"] for e in manifest["documents"]} == {"docx", "pdf"}
    assert "2 files" in result.output


def test_unknown_target_is_refused_with_the_choices(mini, tmp_path):
    result = CliRunner().invoke(cli, ["build", "--content", str(mini), "--out", str(tmp_path), "agreemnt"])
    assert result.exit_code == 2
    assert "agreement" in result.output


def test_missing_content_folder(tmp_path):
    result = CliRunner().invoke(cli, ["check", "--content", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "content folder not found" in result.output
    assert "samverkan init DIR" in result.output          # a new user learns how to start


def test_build_help_lists_every_target_on_its_own_line():
    from samverkan.targets import TARGETS

    result = CliRunner().invoke(cli, ["build", "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name, target in TARGETS.items():
        line = next((l for l in lines if l.split()[:1] == [name]), None)
        assert line is not None, f"no line starts with target {name!r}:\n{result.output}"
        assert target.help in line


def test_building_one_target_says_how_many_it_made_and_how_many_the_folder_holds(mini, tmp_path):
    out = tmp_path / "out"
    first = CliRunner().invoke(cli, ["build", "--content", str(mini), "--out", str(out), "agreement"])
    assert first.exit_code == 0, first.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    forced = CliRunner().invoke(cli, ["build", "--content", str(mini), "--out", str(out), "--force", "agreement"])
    assert forced.exit_code == 0, forced.output
    listed = len(manifest["documents"])
    assert f"2 files made; {out} holds {listed} files, listed in {out / 'manifest.json'}" in forced.output


def test_a_build_with_nothing_to_do_loads_neither_the_content_nor_the_writers(mini, tmp_path):
    """The no-op answers from the input files alone (≤ 0.3 s, issue 23): the command line and
    the check import no target module, no content model or reader, no writer and none of their
    libraries."""
    out = tmp_path / "out"
    first = CliRunner().invoke(cli, ["build", "--content", str(mini), "--out", str(out), "-q", "-j", "1", "agreement"])
    assert first.exit_code == 0, first.output
    heavy = ["samverkan.model", "samverkan.content.loader", "samverkan.targets.documents", "samverkan.targets.site",
             "samverkan.writers.base", "samverkan.render", "samverkan.preview", "jinja2", "yaml", "docx", "openpyxl"]
    code = ("import sys; from samverkan.cli import cli\n"
            f"try: cli.main({['build', '--content', str(mini), '--out', str(out), '-q', 'agreement']!r})\n"
            "except SystemExit: pass\n"
            f"print('loaded:', [m for m in {heavy!r} if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "nothing to do" in result.stdout, result.stdout + result.stderr
    assert "loaded: []" in result.stdout, result.stdout
