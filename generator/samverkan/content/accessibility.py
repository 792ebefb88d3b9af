"""accessibility.yaml: the download site's accessibility statement (tillgänglighetsredogörelse).

A Swedish public body's website must publish one (lag 2018:1937 om tillgänglighet till digital
offentlig service; Digg's guidance): the compliance in one of three words, what is not
accessible and why, how to tell the publisher, the link to the supervisory authority's
reporting form, when the site was assessed and when the statement was last reviewed. The
publisher's contact is the remiss's (remiss/remiss.yaml) unless the file names its own, so the
project states it once. `samverkan check` warns when the review is more than a year old.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from samverkan.content.catalogues import load_texts
from samverkan.content.fields import Fields, item_texts
from samverkan.content.yamlfile import Node, load_yaml
from samverkan.errors import Location, Problems
from samverkan.model import Accessibility, Contact, Remiss

FILE = "accessibility.yaml"
COMPLIANCE = ("helt förenlig", "delvis förenlig", "inte förenlig")
REVIEW_EVERY = dt.timedelta(days=365)
HTTPS = re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/[A-Za-z0-9._~/%-]*)?\Z")
TEXTS = {"texts": ("title", "intro", "compliance_heading", "compliance_text", "exceptions_heading",
                   "burden_heading", "outside_heading", "report_heading", "report_text", "supervision_heading",
                   "supervision_text", "supervision_link", "method_heading", "method", "assessed", "reviewed",
                   "footer_contact", "footer_link", "email", "phone")}
PLACEHOLDERS = {"intro": ("{publisher}", "{site}"), "compliance_text": ("{compliance}",),
                "assessed": ("{assessed}",), "reviewed": ("{reviewed}",)}
FIELDS = ("contact", "compliance", "assessed", "reviewed", "report_url", "exceptions", "burden", "outside")


def _date(f: Fields, key: str) -> dt.date | None:
    text = f.get(key)
    try:
        return dt.date.fromisoformat(text) if text is not None else None
    except ValueError:
        f.problems.add(f.loc(key), f"{FILE}: '{key}' must be a date written YYYY-MM-DD, not '{text}'",
                       f"write e.g. {key}: 2026-11-24")
        return None


def _list(f: Fields, key: str) -> list[str] | None:
    items = f.get(key, list, required=False, default=[])
    texts = item_texts(items, key, FILE, f.loc(key), f.problems)
    return None if None in texts else texts    # type: ignore[return-value]


def _contact(f: Fields, remiss: Remiss | None) -> Contact | None:
    node = f.get("contact", Node, required=False)
    if node is None:
        if remiss is None:
            f.problems.add(f.loc(), f"{FILE}: no contact, and no remiss/remiss.yaml whose contact it could use",
                           "add 'contact:' with name, organisation and email or phone (how visitors reach you)")
            return None
        return remiss.contact
    c = Fields(node, f"{FILE}: contact", f.problems, f.loc("contact"))
    contact = Contact(c.get("name"), c.get("organisation"), c.get("email", required=False),
                      c.get("phone", required=False))
    c.finish()
    if c.ok and not (contact.email or contact.phone):
        f.problems.add(f.loc("contact"), f"{FILE}: the contact gives no e-mail address or telephone number, so "
                                         "visitors cannot report a problem", "add 'email: …' or 'phone: …'")
        return None
    return contact if c.ok and None not in (contact.name, contact.organisation) else None


def load_accessibility(path: Path, remiss: Remiss | None, problems: Problems, data: Node | None = None
                       ) -> Accessibility | None:
    data = load_yaml(path, problems) if data is None else data
    if data is None:
        return None
    texts = load_texts(path, TEXTS, problems, data=data, allowed_extra=FIELDS)
    f = Fields(data, FILE, problems, Location(path, 1))
    contact = _contact(f, remiss)
    compliance = f.get("compliance")
    if compliance is not None and compliance not in COMPLIANCE:
        problems.add(f.loc("compliance"), f"{FILE}: compliance '{compliance}' must be one of the three words of "
                                          "Digg's guidance", "write " + ", ".join(f"'{c}'" for c in COMPLIANCE))
        compliance = None
    assessed, reviewed = _date(f, "assessed"), _date(f, "reviewed")
    url = f.get("report_url")
    if url is not None and not HTTPS.match(url):
        problems.add(f.loc("report_url"), f"{FILE}: report_url '{url}' must be an https address without query or "
                                          "spaces", "write e.g. report_url: https://www.digg.se/tdosanmalan")
        url = None
    lists = {key: _list(f, key) for key in ("exceptions", "burden", "outside")}
    if texts is not None:
        for key, needed in PLACEHOLDERS.items():
            if not all(p in texts.texts[key] for p in needed):
                problems.add(data["texts"].loc(key) if isinstance(data.get("texts"), Node) else f.loc("texts"),
                             f"{FILE}: texts.{key} must contain {' and '.join(needed)} (filled in by the site)",
                             f"e.g. write {needed[0]} where it belongs")
                texts = None
                break
    if compliance == "helt förenlig" and lists["exceptions"]:
        problems.add(f.loc("exceptions"), f"{FILE}: a site that is 'helt förenlig' has no exceptions",
                     "write compliance: delvis förenlig, or remove the exceptions that are fixed")
        compliance = None
    if compliance in ("delvis förenlig", "inte förenlig") and lists["exceptions"] == []:
        problems.add(f.loc("compliance"), f"{FILE}: compliance '{compliance}' needs the list of what is not "
                                          "accessible and why", "add 'exceptions:' with one item per shortcoming")
        compliance = None
    if assessed and reviewed and assessed > reviewed:
        problems.add(f.loc("reviewed"), f"{FILE}: reviewed ({reviewed}) is before assessed ({assessed})",
                     "the statement is reviewed when the site is assessed or later; correct the dates")
        reviewed = None
    f.finish(("texts",))
    if None in (texts, contact, compliance, assessed, reviewed, url) or None in lists.values() or not f.ok:
        return None
    return Accessibility(contact, compliance, assessed, reviewed, f.loc("reviewed"), url,   # type: ignore[arg-type]
                         lists["exceptions"], lists["burden"], lists["outside"], texts.texts)  # type: ignore


def stale(statement: Accessibility, today: dt.date, root: Path | None = None) -> str | None:
    """`samverkan check`'s warning when the statement's review is more than a year old (Digg
    asks for a yearly review), or None."""
    if today - statement.reviewed <= REVIEW_EVERY:
        return None
    return (f"{statement.reviewed_at.display(root)}: the accessibility statement was last reviewed on "
            f"{statement.reviewed.isoformat()}, more than a year ago\n"
            "    → review the site and the statement, then write the date in 'reviewed' (and 'assessed')")
