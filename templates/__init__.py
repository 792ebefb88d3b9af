"""samverkan's packaged default templates and fonts (package data, not code).

This folder is installed as the package `samverkan.templates` (pyproject.toml maps it with
setuptools' package-dir); this file only lets an editable install resolve it. A project's own
`templates/` folder overrides these files one by one; this file and `__pycache__` are never
templates (project.TEMPLATE_SKIP).
"""
