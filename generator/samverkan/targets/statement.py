"""The site's accessibility statement (tillgänglighetsredogörelse) and the footer every page
shows: what they say, from accessibility.yaml (content/accessibility.py) and the site's title.
The placeholders of the wording are filled in here, so the template only lays it out."""

from __future__ import annotations

from samverkan.dates import iso_date, long_date
from samverkan.model import Accessibility, Contact
from samverkan.text import fill

PAGE = "tillganglighetsredogorelse.html"


def contact(c: Contact) -> dict:
    return {"name": c.name, "organisation": c.organisation, "email": c.email, "phone": c.phone}


def footer(statement: Accessibility) -> dict:
    """What every page's footer shows: the publisher's contact and the link to the statement."""
    t = statement.texts
    return {"href": PAGE, "link": t["footer_link"], "contact_label": t["footer_contact"],
            "email_label": t["email"], "phone_label": t["phone"], "contact": contact(statement.contact)}


def page(statement: Accessibility, site_title: str) -> dict:
    """The statement page's context: every text filled in, the lists, the dates."""
    t = statement.texts
    values = {"publisher": statement.contact.organisation, "site": site_title, "compliance": statement.compliance,
              "assessed": long_date(statement.assessed), "reviewed": long_date(statement.reviewed)}

    return {"title": t["title"], "texts": {key: fill(value, **values) for key, value in t.items()},
            "exceptions": list(statement.exceptions), "burden": list(statement.burden),
            "outside": list(statement.outside), "report_url": statement.report_url,
            "assessed": iso_date(statement.assessed), "reviewed": iso_date(statement.reviewed),
            "contact": contact(statement.contact)}
