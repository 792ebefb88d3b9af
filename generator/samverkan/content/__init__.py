"""Loading and validating content/: YAML and Markdown files into the model, collecting every
problem with its file and line (like MkDocs' config validation), then failing once."""

from samverkan.content.loader import DOCUMENT_FILE, load_content

__all__ = ["DOCUMENT_FILE", "load_content"]
