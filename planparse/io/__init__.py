"""Input and output: reading plan files (:mod:`~planparse.io.read`, with the .docx, .pdf
and .html extractors of :mod:`~planparse.io.extract`), the errors planparse reports
(:mod:`~planparse.io.errors`) and the writers every output goes through
(:mod:`~planparse.io.write`).

Examples:
    >>> from planparse.io import ReadError, read_text
    >>> issubclass(ReadError, Exception)
    True
"""

from planparse.io.errors import Failure, ReadError, UsageError, failure_of
from planparse.io.read import iter_files, read_source, read_text, read_texts

__all__ = [
    "Failure",
    "ReadError",
    "UsageError",
    "failure_of",
    "iter_files",
    "read_source",
    "read_text",
    "read_texts",
]
