"""planparse: parse, tag and compare Chinese work-plan texts.

The pipeline, one package or module per stage: :mod:`~planparse.io` (read) →
:mod:`~planparse.normalize` → :mod:`~planparse.parse` → :mod:`~planparse.classify` →
:mod:`~planparse.reuse` → :mod:`~planparse.diff` → :mod:`~planparse.themes` →
:mod:`~planparse.plot`; :mod:`~planparse.pipeline` runs them over an archive
(``planparse analyze``) and :mod:`~planparse.cli` is the command line.  Heavy dependencies are
imported only when a stage that needs them runs, so ``import planparse`` is fast.

Examples:
    >>> import planparse
    >>> doc = planparse.parse("一、加强学习\\n二、开展活动\\n", doc_id="a.txt")
    >>> len(doc.to_frame())
    2
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# The parser needs only the standard library, so it is imported now.  It must be: the
# subpackage planparse.parse shares its name with the function, and importing the
# subpackage would otherwise leave the module where users expect the function.
from planparse.parse import parse  # noqa: F401 (re-exported)

# name -> module; resolved on first use (PEP 562) to keep import time small.
_EXPORTS = {
    "Document": "planparse.tree",
    "Plan": "planparse.tree",
    "Node": "planparse.tree",
    "read_text": "planparse.io.read",
    "read_texts": "planparse.io.read",
    "ReadError": "planparse.io.errors",
    "iter_files": "planparse.io.read",
    "parse_file": "planparse.parse.files",
    "parse_files": "planparse.parse.files",
    "analyze": "planparse.pipeline.run",
    "sample_path": "planparse.sample_data",
    "COLUMNS": "planparse.schema",
    "tag": "planparse.classify.tagging",
    "DomainClassifier": "planparse.classify.estimator",
    "LexiconTagger": "planparse.classify.lexicon",
    "Taxonomy": "planparse.classify.taxonomy",
    "load_model": "planparse.classify.persist",
    "find_duplicates": "planparse.reuse.detect",
    "compare": "planparse.diff.align",
}

__all__ = sorted([*_EXPORTS, "parse", "__version__"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:  # a submodule, such as planparse.plot
        try:
            return import_module(f"planparse.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module 'planparse' has no attribute {name!r}") from None
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
