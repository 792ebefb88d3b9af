"""Which form, and which version of it, a file from outside answers: one rule for every form
samverkan sends out and reads back (the remiss response form, the avvikelse form), for the
Word form and the site's web form alike.

A Word form carries the exact version in a custom document property (Word and LibreOffice keep
it); where the property was lost (the text pasted into a new document) the line that names the
form in words is looked for. The site's web form saves the same id in its file. A file of
another version is rejected with the reason: its questions may mean something else, so it is
never read by its labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from samverkan.collect.documents import Paragraph, TextDocument
from samverkan.collect.untrusted import Rejected
from samverkan.text import normalise


@dataclass(frozen=True)
class FormVersion:
    what: str                    # the form's kind in messages: "remiss", "avvikelse form"
    a_form: str                  # what a file must be, in messages: "a response form of this remiss"
    form: str                    # what the sender should fill instead: "response form"
    property: str                # the custom document property holding the id
    current: str                 # the id of the version collected
    words: str                   # the line naming the current version, as the form shows it
    family: str = ""             # every id of this kind of form starts with it ("avvikelse-")
    named: re.Pattern | None = None   # the line naming any version of the form (matched on normalised text)

    def check(self, found: str, current: str | None = None) -> None:
        """`found`: the id a file claims ("" when it claims none), or the line naming its version
        (compared with `current`, the line naming this one)."""
        current = current or self.current
        if found and found != current:
            raise Rejected(f"answers another {self.what} version ({found}); this {self.what} is {current}. "
                           f"Ask the sender to copy the answers into the current {self.form}")

    def identify(self, document: TextDocument) -> None:
        """A Word or LibreOffice file is this version of the form, or Rejected saying why not."""
        found = normalise(document.properties.get(self.property, ""))
        if found and self.family and not found.startswith(self.family):
            raise Rejected(f"is not {self.a_form} (its property {self.property} is '{found}')")
        self.check(found)
        if found:
            return
        texts = [normalise(b.text) for b in document.blocks if isinstance(b, Paragraph)]
        exact = re.compile(re.escape(normalise(self.words)) + r"(?![\w.,-]*\w)")
        if any(exact.search(text) for text in texts):
            return
        if self.named is not None:
            for text in texts:
                if match := self.named.search(text):
                    self.check(match.group(0), normalise(self.words))
        raise Rejected(f"is not {self.a_form}: it has neither the property '{self.property}' nor the line "
                       f"'{normalise(self.words)}'")
