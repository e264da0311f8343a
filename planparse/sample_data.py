"""Where the bundled sample archive is (``corpus/sample`` in the repository).

Example:
    >>> sample_path().name
    'sample'
"""

from __future__ import annotations

from pathlib import Path


def sample_path() -> Path:
    """The folder of the bundled sample archive, installed as the ``planparse.sample`` package.

    Falls back to ``corpus/sample`` beside the package when running from a source checkout.
    """
    from importlib.resources import files

    try:
        installed = Path(str(files("planparse.sample")))
    except ModuleNotFoundError:
        installed = None
    if installed is not None and installed.is_dir() and any(installed.glob("*.txt")):
        return installed
    checkout = Path(__file__).resolve().parent.parent / "corpus" / "sample"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("the bundled sample archive is missing; reinstall planparse")
