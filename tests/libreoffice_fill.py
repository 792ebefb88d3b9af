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


def main() -> None:
    spec = json.load(sys.stdin)
    office, desktop = connect(spec["profile"])
    try:
        for job in spec["jobs"]:
            url = uno.systemPathToFileUrl(os.path.abspath(job["source"]))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
            if doc is None:
                raise SystemExit(f"LibreOffice could not open {job['source']}")
            try:
                calc = doc.supportsService("com.sun.star.sheet.SpreadsheetDocument")
                for action in job.get("actions", []):
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
