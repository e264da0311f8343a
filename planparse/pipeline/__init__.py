"""The archive run (``planparse analyze``), in the order the data flows:

* :mod:`~planparse.pipeline.usage`: what was asked, checked before anything is written;
* :mod:`~planparse.pipeline.folder`: the output folder, its lock and what a run writes there;
* :mod:`~planparse.pipeline.per_file`: read, parse and tag each file, a chunk at a time;
* :mod:`~planparse.pipeline.chunks`: the item table kept in chunks on disk;
* :mod:`~planparse.pipeline.stages`: copy-paste, themes, changes and plots over the archive;
* :mod:`~planparse.pipeline.run`: :func:`analyze`, which runs them in order.

The stages themselves (``planparse.parse``, ``classify``, ``reuse``, ``themes``, ``diff``,
``plot``) never import this package: it calls them.

Examples:
    >>> from planparse.pipeline import analyze
    >>> summary = analyze([planparse.sample_path()], "out", quiet=True)   # doctest: +SKIP
"""

from planparse.io.errors import UsageError
from planparse.pipeline.folder import OUTPUT_FILES, clear_outputs
from planparse.pipeline.run import analyze

__all__ = ["OUTPUT_FILES", "UsageError", "analyze", "clear_outputs"]
