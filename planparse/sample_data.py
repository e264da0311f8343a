"""Where the bundled sample archive is (``corpus/sample`` in the repository).

Examples:
    >>> sample_path().name
    'sample'
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def sample_path() -> Path:
    """The folder of the bundled sample archive.

    A wheel carries it as ``planparse/sample``; a source checkout (or an editable install)
    has it at ``corpus/sample`` beside the package.

    Examples:
        >>> import planparse
        >>> (planparse.sample_path() / "plans.tsv").is_file()
        True
    """
    for candidate in (_PACKAGE / "sample", _PACKAGE.parent / "corpus" / "sample"):
        if (candidate / "plans.tsv").is_file():
            return candidate
    raise FileNotFoundError("the bundled sample archive is missing; reinstall planparse")
