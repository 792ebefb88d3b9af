"""Fill in documents with LibreOffice itself, the way a person does, and save them.

Run with the system Python that has Debian's python3-uno (/usr/bin/python3), not the venv:

    /usr/bin/python3 tests/libreoffice_fill.py < jobs.json

jobs.json: {"profile": DIR, "jobs": [{"source": PATH, "actions": [...], "save": [[PATH, FILTER], ...]}]}
Actions:
  {"table": N, "cell": "B2", "value": TEXT, "mode": "field"|"type"}   Writer: the N-th table
      (document order). "field" edits the fill-in field in the cell as LibreOffice shows it (the
      content control Word wrote becomes an input field: its content is set, as in LibreOffice's
      field dialog); "type" selects everything in the cell and types over it (the field is gone).
      "append-row": true adds a row under the table first (Tab in the last cell).
  {"sheet": NAME, "cell": "C10", "value": TEXT}   Calc: types TEXT into the cell.
Editing a Writer document as a party does (a job's "user": NAME is LibreOffice's user name, which
tracked changes record as their author; "track": true turns on track changes before the actions):
  {"replace": OLD, "with": NEW}            selects the first OLD in the text and types NEW over it
  {"delete-paragraph": START}              deletes the paragraph that starts with START (and its mark)
  {"insert-after": START, "text": NEW}     Enter at the end of the paragraph starting with START, types NEW
Prints one JSON line per saved file. Starts its own soffice (private profile, pipe) and stops it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import uno  # noqa: F401  (Debian's python3-uno)
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(profile: str):
    pipe = f"samverkan{os.getpid()}"
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
                               f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(300):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            SERVICES.update(context=ctx, manager=ctx.ServiceManager)
            return office, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            if office.poll() is not None:
                raise SystemExit("soffice stopped before it accepted a connection")
            time.sleep(0.2)
    office.kill()
    raise SystemExit("soffice did not accept a connection within 60 s")


def tables_in_order(doc):
    found = []
    paragraphs = doc.getText().createEnumeration()
    while paragraphs.hasMoreElements():
        element = paragraphs.nextElement()
        if element.supportsService("com.sun.star.text.TextTable"):
            found.append(element)
    return found


def input_fields(cell):
    fields = []
    paragraphs = cell.getText().createEnumeration()
    while paragraphs.hasMoreElements():
        portions = paragraphs.nextElement().createEnumeration()
        while portions.hasMoreElements():
            portion = portions.nextElement()
            if portion.TextPortionType == "TextField" and \
                    portion.TextField.supportsService("com.sun.star.text.textfield.Input"):
                fields.append(portion.TextField)
    return fields


def fill_writer(doc, action) -> None:
    table = tables_in_order(doc)[action["table"]]
    if action.get("append-row"):
        table.getRows().insertByIndex(table.getRows().getCount(), 1)
    cell = table.getCellByName(action["cell"])
    value = action["value"]
    fields = input_fields(cell)
    if action["mode"] == "field" and fields:
        fields[0].setPropertyValue("Content", value)
        return
    text = cell.getText()
    cursor = text.createTextCursor()
    cursor.gotoStart(False)
    cursor.gotoEnd(True)
    lines = value.split("\n")
    text.insertString(cursor, lines[0], True)
    for line in lines[1:]:
        cursor.gotoEnd(False)
        text.insertControlCharacter(cursor, 0, False)       # PARAGRAPH_BREAK, as Enter
        cursor.gotoEnd(False)
        text.insertString(cursor, line, False)


def fill_calc(doc, action) -> None:
    sheet = doc.getSheets().getByName(action["sheet"])
    cell = sheet.getCellRangeByName(action["cell"])
    cell.setString(action["value"])


def set_user(desktop, name: str) -> None:
    """LibreOffice's user name (Tools ▸ Options ▸ User Data), the author of tracked changes."""
    provider = SERVICES["manager"].createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider",
                                                               SERVICES["context"])
    access = provider.createInstanceWithArguments("com.sun.star.configuration.ConfigurationUpdateAccess",
                                                  (prop("nodepath", "/org.openoffice.UserProfile/Data"),))
    given, _, family = name.partition(" ")
    access.setPropertyValue("givenname", given)
    access.setPropertyValue("sn", family)
    access.commitChanges()


def paragraph_starting(doc, start: str):
    paragraphs = doc.getText().createEnumeration()
    while paragraphs.hasMoreElements():
        element = paragraphs.nextElement()
        if element.supportsService("com.sun.star.text.Paragraph") and element.getString().startswith(start):
            return element
    raise SystemExit(f"no paragraph starts with {start!r}")


def edit_writer(doc, action) -> None:
    text = doc.getText()
    if "replace" in action:
        search = doc.createSearchDescriptor()
        search.SearchString = action["replace"]
        found = doc.findFirst(search)
        if found is None:
            raise SystemExit(f"text not found: {action['replace']!r}")
        found.setString(action["with"])
    elif "delete-paragraph" in action:
        paragraph = paragraph_starting(doc, action["delete-paragraph"])
        cursor = text.createTextCursorByRange(paragraph.getStart())
        cursor.gotoEndOfParagraph(True)
        cursor.goRight(1, True)
        cursor.setString("")
    elif "insert-after" in action:
        paragraph = paragraph_starting(doc, action["insert-after"])
        cursor = text.createTextCursorByRange(paragraph.getEnd())
        text.insertControlCharacter(cursor, 0, False)       # PARAGRAPH_BREAK, as Enter
        text.insertString(cursor, action["text"], False)


SERVICES: dict = {}


def main() -> None:
    spec = json.load(sys.stdin)
    office, desktop = connect(spec["profile"])
    try:
        for job in spec["jobs"]:
            if job.get("user"):
                set_user(desktop, job["user"])
            url = uno.systemPathToFileUrl(os.path.abspath(job["source"]))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
            if doc is None:
                raise SystemExit(f"LibreOffice could not open {job['source']}")
            try:
                calc = doc.supportsService("com.sun.star.sheet.SpreadsheetDocument")
                if job.get("track"):
                    doc.RecordChanges = True
                for action in job.get("actions", []):
                    if any(key in action for key in ("replace", "delete-paragraph", "insert-after")):
                        edit_writer(doc, action)
                    else:
                        (fill_calc if calc else fill_writer)(doc, action)
                for path, filter_name in job["save"]:
                    doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(path)),
                                   (prop("FilterName", filter_name), prop("Overwrite", True)))
                    print(json.dumps({"saved": path}), flush=True)
            finally:
                doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
