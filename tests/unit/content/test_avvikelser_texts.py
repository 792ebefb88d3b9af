"""avvikelser.yaml: the avvikelse form's choices and wording, validated like the other catalogues
(content/forms.py); a project without it builds as before, the target skipped with a note."""

from __future__ import annotations


from samverkan.build import default_targets
from samverkan.content.loader import load_content

from tests.conftest import CONTENT, line_of, problem_text


def test_the_projects_and_the_examples_forms_load(example):
    stockholm = load_content(CONTENT).avvikelser
    assert stockholm.reply_days == 60 and stockholm.form_id == "avvikelse-v1" and not stockholm.publish_compilation
    assert stockholm.routine == "avvikelsehantering"
    assert [t.id for t in stockholm.target_groups][:2] == ["vuxna", "ungdomar"]
    made = load_content(example / "content").avvikelser
    assert made.receiver.organisation == "Region Exempel" and [t.id for t in made.target_groups] == ["unga", "vuxna",
                                                                                                      "spel"]
    assert load_content(CONTENT).remiss_web.save == "Spara svaret som fil"


def test_without_avvikelser_yaml_the_target_is_skipped_with_a_note(example):
    (example / "content" / "avvikelser.yaml").unlink()
    content = load_content(example / "content")
    chosen, skipped = default_targets(content)
    assert content.avvikelser is None and "avvikelser" not in chosen
    assert skipped["avvikelser"].endswith("avvikelser.yaml")


def test_mistakes_are_reported_with_file_and_line(example):
    path = example / "content" / "avvikelser.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("reply_days: 60", "reply_days: sextio")
    text = text.replace("target_groups: [unga, vuxna, spel]", "target_groups: [unga, vuxen]")
    text = text.replace("  email: samrad@example.org\n", "  email: samrad(at)example.org\n")
    text = text.replace("  kind: Typ av brist\n", "")
    text = text.replace("inom {days} dagar", "inom 60 dagar")
    text = text.replace("  - Annat\n", "  - Annat\n  - annat\n")
    text = text.replace("reply_days: sextio", "reply_days: sextio\nroutine: avvikelse")
    path.write_text(text, encoding="utf-8")
    found = problem_text(example / "content")
    assert f"avvikelser.yaml:{line_of(text, 'reply_days')}: avvikelser.yaml: field 'reply_days' must be a whole number" \
           in found
    assert f"avvikelser.yaml:{line_of(text, 'target_groups')}: avvikelser: target_groups: unknown topic 'vuxen'" in found
    assert "did you mean 'vuxna'?" in found
    assert "avvikelser: receiver: 'samrad(at)example.org' is not an e-mail address" in found
    assert "avvikelser.yaml: labels: missing required field 'kind'" in found
    assert "replies_text must contain {days}" in found and "'annat' is listed twice" in found
    assert f"avvikelser.yaml:{line_of(text, 'routine')}: avvikelser: routine 'avvikelse' is not a routine of " \
           "routines.yaml" in found
