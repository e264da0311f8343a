"""Save and load models with skops (never pickle), with a JSON sidecar of provenance.

A model file is only loaded when every type in it is on :data:`TRUSTED_PREFIXES` (our own
classes, scikit-learn, numpy, scipy); anything else is refused with the list of offending
types, before any of the file's code could run.

Examples:
    >>> model = load_model()              # the shipped model, offline   # doctest: +SKIP
    >>> model.classes_.tolist()                                            # doctest: +SKIP
    ['维权', '家庭建设', '就业', '组织建设', '其他']
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

#: Module prefixes whose types a model file may contain, and the harmless builtins.
TRUSTED_PREFIXES = ("planparse.classify.", "sklearn.", "numpy.", "scipy.sparse.")
TRUSTED_BUILTINS = {
    f"builtins.{name}"
    for name in (
        "tuple",
        "list",
        "dict",
        "str",
        "int",
        "float",
        "bool",
        "set",
        "frozenset",
        "slice",
        "bytes",
    )
}
SHIPPED = "domain_model.skops"


class UntrustedModelError(ValueError):
    """A model file holds types that planparse does not trust; it was not loaded."""


def _freeze(data: bytes) -> bytes:
    """The same skops zip, made reproducible: fixed timestamps, and the ``id()``-based names
    of array files and shared objects renumbered by order of appearance in ``schema.json``."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    schema = entries.pop("schema.json").decode("utf-8")
    names = {}
    for match in re.finditer(r'"(\d+\.\w+)"', schema):
        if match.group(1) in entries and match.group(1) not in names:
            names[match.group(1)] = f"{len(names):05d}{Path(match.group(1)).suffix}"
    schema = re.sub(r'"(\d+\.\w+)"', lambda m: f'"{names.get(m.group(1), m.group(1))}"', schema)
    ids: dict[str, str] = {}  # object ids mark shared objects; their order is what matters
    schema = re.sub(
        r'"__id__": (\d+)',
        lambda m: f'"__id__": {ids.setdefault(m.group(1), str(len(ids)))}',
        schema,
    )
    renamed = {"schema.json": schema.encode("utf-8")}
    renamed.update((names.get(name, name), content) for name, content in entries.items())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(renamed):
            target.writestr(
                zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)),
                renamed[name],
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def save_model(model: Any, path: str | Path, metadata: dict | None = None) -> Path:
    """Write ``model`` with skops to ``path`` and its sidecar ``path.json``."""
    import skops.io as sio

    path = Path(path)
    path.write_bytes(_freeze(sio.dumps(model)))
    if metadata is not None:
        sidecar = path.with_suffix(path.suffix + ".json")
        sidecar.write_text(
            json.dumps(metadata, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
    return path


def _refused(types: list[str]) -> list[str]:
    return [t for t in types if not t.startswith(TRUSTED_PREFIXES) and t not in TRUSTED_BUILTINS]


def untrusted_types(data: bytes) -> list[str]:
    """Types in a skops file that are not on :data:`TRUSTED_PREFIXES`."""
    import skops.io as sio

    return _refused(sio.get_untrusted_types(data=data))


def load_model(path: str | Path | None = None) -> Any:
    """Load a model saved by :func:`save_model`; ``None`` loads the shipped model.

    Raises :class:`UntrustedModelError` when the file holds types outside
    :data:`TRUSTED_PREFIXES`.
    """
    if path is None:
        return _shipped()
    return _load_bytes(Path(path).read_bytes(), str(path))


def _load_bytes(data: bytes, name: str) -> Any:
    import skops.io as sio

    types = sio.get_untrusted_types(data=data)
    bad = _refused(types)
    if bad:
        raise UntrustedModelError(
            f"{name}: refusing to load a model with untrusted types: {', '.join(sorted(bad))}. "
            "Only planparse, scikit-learn, numpy and scipy types are allowed."
        )
    return sio.loads(data, trusted=types)


@lru_cache(maxsize=1)
def _shipped() -> Any:
    resource = files("planparse.data").joinpath(SHIPPED)
    if not resource.is_file():
        raise FileNotFoundError(
            "the shipped model is missing; train one with "
            "`planparse train --labels corpus/labels -o model.skops`"
        )
    return _load_bytes(resource.read_bytes(), f"planparse/data/{SHIPPED}")


def model_card(path: str | Path | None = None) -> dict:
    """The JSON sidecar of a model (the shipped one for ``None``): versions, data hash,
    labels and evaluation figures."""
    if path is None:
        text = files("planparse.data").joinpath(SHIPPED + ".json").read_text(encoding="utf-8")
    else:
        text = Path(str(path) + ".json").read_text(encoding="utf-8")
    return json.loads(text)
