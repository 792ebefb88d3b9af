"""Compiled Jinja templates kept between processes (`keep_compiled`).

Every build is a new process, and Jinja compiles each template it renders to Python first:
the ten routine templates, the agreement and the tables cost a one-kommun build's main process
0.12 s of compiling (of 1.3 s), and its workers compile the site's page templates again. Jinja
keeps what it compiled in its own bytecode cache (FileSystemBytecodeCache), in the folder it
makes for the user in the temporary folder (`_jinja2-cache-UID`: Jinja sets it to mode 0700 and
refuses it unless it is a folder of the user's own, not a link and not another user's).

Why there and not in `.samverkan-cache/` beside the output: the cache holds marshalled code,
which runs as it is loaded, and the output's cache folder is as untrusted as any file a build
reads (engine/cache.py keeps plain data there, checked before use). The user's own private
temporary folder is trusted as the user's Python installation is, whose __pycache__ holds the
same kind of code.

Jinja checks each entry against its template's source (a changed template is compiled again)
and the Python version. What the compiled code also depends on is the environment's settings
(delimiters, whitespace control, autoescaping, finalize, extensions; and the filters and tests
a template may name, which Jinja checks as it compiles): their digest names the entries, so
that an environment set up otherwise (another samverkan version, another Jinja) never loads
code compiled for this one. An entry that cannot be read is compiled again; one that cannot be
written is not kept; neither stops a build.
"""

from __future__ import annotations

import hashlib

import jinja2
from jinja2.bccache import Bucket


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's cache in its own folder for the user, never failing a build: an entry it cannot
    read is compiled again (`bucket.reset`), one it cannot write is not kept."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:                   # damaged: a half-written or foreign file
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:                     # the temporary folder full or read-only
            pass


def settings_digest(env: jinja2.Environment) -> str:
    """A digest of what a template's compiled code depends on besides its source."""
    def name(value) -> str:
        return value if isinstance(value, (bool, str, type(None))) else \
            f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__qualname__)}"

    settings = (
        jinja2.__version__, env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
        env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
        env.keep_trailing_newline, env.optimized, env.is_async, name(env.autoescape), name(env.finalize),
        name(env.undefined), name(env.code_generator_class), name(env.context_class),
        sorted(env.extensions), sorted(env.filters), sorted(env.tests),
    )
    return hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()[:16]


def keep_compiled(env: jinja2.Environment) -> jinja2.Environment:
    """`env` with its compiled templates kept in the user's Jinja cache (see the module's
    docstring), once its filters and tests are set; as it is where there is no such folder."""
    try:
        env.bytecode_cache = _CompiledTemplates(pattern=f"samverkan-{settings_digest(env)}-%s.cache")
    except (OSError, RuntimeError):         # no temporary folder of our own: compiled every time
        pass
    return env
