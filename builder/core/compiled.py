"""Compiled Jinja templates kept for the whole process, so that a template is compiled once, not once per build.

MkDocs makes a new Jinja environment for every build (every variant and language), and the sandbox
of collateral templates is made for every rendering: each compiles the same templates again. Jinja's
bytecode cache, given to each of them, keeps the compiled code in memory. A template is compiled
again when its source changes (the cache checks a digest of the source) or when it would compile
differently: the key holds the environment's settings, and the identity of each filter and test that
Jinja may call while compiling (it folds a filter applied to constants into the compiled code).
"""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2.bccache import Bucket

_SETTINGS = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "is_async",
)  # fmt: skip


class CompiledTemplates(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self._known: dict[int, Any] = {}  # each object named by its id in a key, kept so that no other takes its id

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        key = self.get_cache_key(f"{self._compiled_alike(environment)}\0{name}", filename)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # a source whose digest differs is compiled again by Jinja

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def _compiled_alike(self, environment: jinja2.Environment) -> str:
        """What decides how a template compiles, beyond its source."""
        settings = [type(environment).__qualname__, *(repr(getattr(environment, name)) for name in _SETTINGS)]
        settings.append(self._identity(environment.autoescape))
        settings.extend(sorted(environment.extensions))
        for kind, functions in (("filter", environment.filters), ("test", environment.tests)):
            settings.extend(f"{kind}:{name}:{self._identity(function)}" for name, function in sorted(functions.items()))
        return "\0".join(settings)

    def _identity(self, value: Any) -> str:
        if not callable(value):
            return repr(value)
        self._known[id(value)] = value
        return f"callable:{id(value)}"


COMPILED = CompiledTemplates()


def keep_compiled(environment: jinja2.Environment) -> jinja2.Environment:
    """The environment, with its templates compiled once per process."""
    environment.bytecode_cache = COMPILED
    return environment
