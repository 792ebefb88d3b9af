"""Rewrite tests/golden/ from the current templates and code: python tools/regenerate_golden.py"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.golden_cases import CASES, GOLDEN  # noqa: E402


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name, make in CASES.items():
        path = GOLDEN / name
        text = make()
        changed = not path.exists() or path.read_text(encoding="utf-8") != text
        path.write_text(text, encoding="utf-8")
        print(f"{'updated' if changed else 'unchanged'}: {path.relative_to(GOLDEN.parent.parent)}")


if __name__ == "__main__":
    main()
