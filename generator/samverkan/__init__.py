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



def __getattr__(name: str) -> str:
    """`samverkan.__version__`, read from the installed package's metadata on first use
    (importlib.metadata costs a noticeable part of a no-op build's start)."""
    if name != "__version__":
        raise AttributeError(f"module 'samverkan' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("samverkan")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
        value = "0+unknown"
    globals()["__version__"] = value
    return value
