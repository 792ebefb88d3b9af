from __future__ import annotations

from samverkan.text import FILE_PART_MAX, normalise, slugify


def test_normalise_folds_typing_space_but_keeps_spaces_typed_on_purpose():
    assert normalise("  Kostar\t10\u00a0000 kr\n och  5\u202f§ ") == "Kostar 10\u00a0000 kr och 5\u202f§"
    assert normalise("\u00a0kant\u202f") == "kant"        # no space of any kind at the ends
    assert normalise("e\u0301") == "é"                     # NFC


def test_slugify_is_a_plain_short_file_name_part_never_a_path():
    assert slugify("Upplands Väsby") == "upplands-vasby"
    assert slugify("..") == "" and slugify("../../etc") == "etc" and slugify("a/b\\c") == "a-b-c"
    long = slugify("Långnamnsby " * 40, limit=FILE_PART_MAX)
    assert len(long) <= FILE_PART_MAX and long.startswith("langnamnsby-") and not long.endswith("-")
    assert slugify("x" * 300, limit=60) == "x" * 60
