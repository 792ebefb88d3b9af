"""samverkan: a region's and its kommuner's agreement on substance abuse/addiction as one structured
source, and every document made from it.

The pipeline, package by package:

    content/   load and validate content/ into the model (model.py), every problem with file:line
    rules/     the rules: how commitments are grouped, which fields the exports have
    render/    the model as pandoc Markdown (the intermediate), through Jinja templates
    writers/   one writer per output format (docx, pdf, csv, json, xlsx, zip)
    ooxml/     Word package helpers the writers share (WordprocessingML, content controls, zip)
    targets/   one class per build target: which files to make from the model
    build.py   runs the targets' jobs and writes the files and manifest.json

and around it: project.py (project folder, template overrides), scaffold.py (`samverkan init`),
remiss.py (remiss editions and collecting answers), revisions/ (`samverkan diff`), cli.py.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("samverkan")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0+unknown"
