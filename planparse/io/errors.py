"""The errors planparse reports: why a file could not be read (:class:`ReadError` and its
kinds, each with a short ``reason`` tag), a file's :class:`Failure` row in ``errors.csv``, and
:class:`UsageError` for a run asked to do something it cannot.

Examples:
    >>> failure_of("a.txt", "a.txt", EmptyFileError("a.txt", "the file is empty")).reason
    'empty'
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass


class ReadError(Exception):
    """A file that cannot be read as a plan; ``reason`` is a short machine-friendly tag.

    Examples:
        >>> import os, tempfile, planparse
        >>> path = os.path.join(tempfile.mkdtemp(), "empty.txt")
        >>> open(path, "wb").close()
        >>> try:
        ...     planparse.read_text(path)
        ... except planparse.ReadError as error:
        ...     print(error.reason, "|", error.message)
        empty | empty file
    """

    reason = "unreadable"

    def __init__(self, path: str | os.PathLike[str], message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message


class EmptyFileError(ReadError):
    reason = "empty"


class BinaryFileError(ReadError):
    reason = "binary"


class EncodingError(ReadError):
    reason = "unknown encoding"


class FileTooLargeError(ReadError):
    reason = "too large"


class PermissionDeniedError(ReadError):
    reason = "permission denied"


class UnsupportedFileError(ReadError):
    reason = "unsupported type"


class CorruptFileError(ReadError):
    reason = "corrupt"


#: Why an operating-system error stopped a read, by ``errno`` (any other is "os error").
_OS_REASONS = {
    errno.EACCES: ("permission denied", "permission denied"),
    errno.EPERM: ("permission denied", "operation not permitted"),
    errno.ENOENT: (
        "missing",
        "no such file (a mistyped path, a file moved while reading, or a dangling link)",
    ),
    errno.EISDIR: (
        "is a folder",
        (
            "a folder that could not be listed, or a link to a folder "
            "(links to folders are not followed)"
        ),
    ),
    errno.ELOOP: ("symlink loop", "a symbolic link that points back to itself (a loop)"),
    errno.ENAMETOOLONG: ("name too long", "the file name is too long for the system"),
    errno.EIO: ("i/o error", "input/output error (a failing disk or network share?)"),
}


def os_failure(path: str | os.PathLike[str], exc: OSError) -> ReadError:
    """The :class:`ReadError` for an operating-system error met while reading ``path``.

    Examples:
        >>> os_failure("a.txt", OSError(errno.ELOOP, "Too many levels")).reason
        'symlink loop'
    """
    reason, message = _OS_REASONS.get(
        exc.errno, ("os error", f"{exc.strerror or type(exc).__name__} (errno {exc.errno})")
    )
    error = PermissionDeniedError if reason == "permission denied" else ReadError
    failure = error(path, message)
    failure.reason = reason
    return failure


@dataclass(frozen=True, slots=True)
class Failure:
    """A file that could not be parsed: which, why (a short tag) and the full message."""

    doc_id: str
    path: str
    reason: str
    message: str


def failure_of(doc_id: str, path: str | os.PathLike[str], exc: BaseException) -> Failure:
    """The :class:`Failure` of one file, whatever stopped it: a :class:`ReadError`, any
    operating-system error, or a fault of planparse itself (reported, never fatal).

    Examples:
        >>> failure_of("a.txt", "a.txt", RecursionError("too deep")).reason
        'internal error'
    """
    if isinstance(exc, OSError):
        exc = os_failure(path, exc)
    if isinstance(exc, ReadError):
        return Failure(doc_id, str(path), exc.reason, str(exc))
    if isinstance(exc, UnicodeError):
        return Failure(doc_id, str(path), "decode error", f"{path}: {exc}")
    detail = str(exc).splitlines()[0] if str(exc) else ""
    return Failure(
        doc_id,
        str(path),
        "internal error",
        f"{path}: planparse failed on this file ({type(exc).__name__}: {detail}); "
        "please report it with the file if you can",
    )


class UsageError(ValueError):
    """A problem with what ``analyze`` was asked to do (arguments, model, metadata, output
    folder), found before any per-file work."""
