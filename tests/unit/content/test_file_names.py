"""Property: no content value escapes the output folder.

Any text put into the content values that become file names (document version and
file_stem, the commitment tables' and follow-up workbook's and report's file_stem, the follow-up
period, a routine id, a kommun or stadsdel name) either is refused with a message (ContentInvalid, never another error), or
gives files whose every path lies inside the output folder, with short, plain names.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import samverkan
from samverkan import build as build_module
from samverkan.content.loader import load_content
from samverkan.errors import ContentInvalid
from samverkan.targets import BuildOptions

EXAMPLE = Path(samverkan.__file__).parent / "example" / "content"

# Text that tries hard: path separators, dots, NUL, very long runs, Unicode look-alikes.
hostile = st.one_of(
    st.text(min_size=0, max_size=300),
    st.lists(st.sampled_from(["..", "/", "\\", ".", "x", "-", "~", "\x00", "%2e", "ä", " ", "C:", "\u2024",
                              "\uff0f", "a" * 100]), min_size=1, max_size=12).map("".join),
)

FIELDS = {
    "version": ("agreement/document.yaml", 'version: "0.1"', "version: {}"),
    "file_stem": ("agreement/document.yaml", "file_stem: overenskommelse-missbruk-beroende", "file_stem: {}"),
    "tables_stem": ("commitment-tables.yaml", "file_stem: ataganden", "file_stem: {}"),
    "follow_up_stem": ("commitment-tables.yaml", "  file_stem: uppfoljning\n", "  file_stem: {}\n"),
    "report_stem": ("commitment-tables.yaml", "file_stem: uppfoljningsrapport", "file_stem: {}"),
    "period": ("commitment-tables.yaml", 'period: "2026"', "period: {}"),
    "routine_id": ("routines.yaml", "- id: unga", "- id: {}"),
    "kommun": ("kommuner.yaml", "- name: Exempelby", "- name: {}"),
}


def _content(tmp: Path, field: str, value: str) -> Path:
    root = tmp / "content"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(EXAMPLE, root)
    relative, old, new = FIELDS[field]
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new.format(json.dumps(value)), 1), encoding="utf-8")
    return root


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(sorted(FIELDS)), value=hostile)
@example(field="kommun", value="../../Ny kommun/..")        # slugged: "ny-kommun"
@example(field="kommun", value="x" * 300)                    # slugged and cut
@example(field="version", value="1.1/../../../../x")         # refused
@example(field="follow_up_stem", value="../../x")            # refused
def test_no_content_value_escapes_the_output_folder(tmp_path: Path, field: str, value: str):
    root = _content(tmp_path, field, value)
    try:
        content = load_content(root)
    except ContentInvalid as exc:
        assert exc.problems and all(p.location.file.is_relative_to(root) for p in exc.problems)
        return
    targets, _ = build_module.default_targets(content)
    out = (tmp_path / "out").resolve()
    for job in build_module.collect_jobs(content, targets, BuildOptions()):
        path = (out / job.path).resolve()
        assert path.is_relative_to(out), job.path
        assert all(0 < len(part.encode("utf-8")) <= 160 for part in Path(job.path).parts), job.path
        assert all(part not in ("..", ".") for part in Path(job.path).parts), job.path
        assert "\x00" not in job.path and "\\" not in job.path


def test_a_long_kommun_name_gives_a_short_file_name(tmp_path: Path):
    root = _content(tmp_path, "kommun", "Exempelby " + "Långnamnsby " * 30)
    content = load_content(root)
    unit = next(u for u in content.kommuner.units if u.name.startswith("Exempelby "))
    assert 0 < len(unit.slug) <= 60 and unit.slug.startswith("exempelby-langnamnsby")
