"""Save and load models with skops (never pickle), with a JSON sidecar of provenance.

A model file is only loaded when every type in it is on :data:`TRUSTED_TYPES`, the exact
classes a planparse model consists of; anything else (a function, a class of another
library) is refused with the list of offending types, read from the file's schema before any
object is built.  Every other unusable file (a pickle, a damaged zip, the wrong object, a
model from a newer planparse) is a :class:`ModelFileError` naming the file.

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
import zlib
from collections.abc import Iterator
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

#: Every type a planparse model file may hold, by exact qualified name: one place to extend
#: when a retrained model holds a new class (``tests/test_classify.py`` checks that the shipped
#: model's types are all here, and that every entry is a class, never a function).  Nothing is
#: trusted by module prefix: ``numpy.`` alone holds functions that run strings as code.
TRUSTED_TYPES = frozenset(
    {
        "planparse.classify.estimator.DomainClassifier",
        "planparse.classify.features.NgramVectorizer",
        "sklearn.multiclass.OneVsRestClassifier",
        # A label that every training item has or none has (seed-word models can meet it).
        "sklearn.multiclass._ConstantPredictor",
        # A model trained on a taxonomy of the user's own carries it.
        "planparse.classify.taxonomy.Taxonomy",
        "planparse.classify.taxonomy.Domain",
        "sklearn.calibration.CalibratedClassifierCV",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.svm._classes.LinearSVC",
        "sklearn.preprocessing._label.LabelBinarizer",
        "numpy.ndarray",
        "numpy.float64",
        "numpy.float32",
        "numpy.int64",
        "numpy.int32",
        "numpy.bool_",
        "builtins.dict",
        "builtins.list",
        "builtins.tuple",
        "builtins.str",
        "builtins.int",
        "builtins.float",
        "builtins.bool",
        "builtins.NoneType",
    }
)
#: How skops may rebuild a node: plain data, arrays, objects of trusted classes and references
#: to trusted classes.  Functions, methods, partials and ``__reduce__`` are never rebuilt.
TRUSTED_LOADERS = frozenset(
    {
        "ObjectNode",
        "DictNode",
        "ListNode",
        "TupleNode",
        "JsonNode",
        "NdArrayNode",
        "TypeNode",
        "NoneNode",
    }
)
#: What the model's root object must be.
MODEL_TYPE = "planparse.classify.estimator.DomainClassifier"
SHIPPED = "domain_model.skops"


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


class ModelFileError(ValueError):
    """A model file that planparse cannot use (not a skops file, damaged, the wrong object,
    or from a newer planparse); nothing in it was run."""


class UntrustedModelError(ModelFileError):
    """A model file holds types that planparse does not trust; it was not loaded."""


def _schema(data: bytes, name: str) -> dict:
    """The ``schema.json`` of a skops file, read without building anything."""
    if not data.strip():
        raise ModelFileError(f"{name}: empty model file")
    if data[:2] in (b"\x80\x03", b"\x80\x04", b"\x80\x05"):
        raise ModelFileError(f"{name}: a pickle, not a skops model; planparse never loads pickles")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            schema = json.loads(archive.read("schema.json"))
    except KeyError:
        raise ModelFileError(f"{name}: a zip file without a skops schema; not a model") from None
    except (zipfile.BadZipFile, EOFError, zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise ModelFileError(
            f"{name}: not a skops model file, or a damaged one ({type(exc).__name__})"
        ) from None
    if not isinstance(schema, dict):
        raise ModelFileError(f"{name}: a skops schema that is not an object; not a model")
    return schema


def _nodes(tree: Any) -> Iterator[dict]:
    """Every node of a skops schema: each JSON object that names a type or a loader."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__loader__" in node or "__class__" in node or "__module__" in node:
                yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _type_name(node: dict) -> str:
    return f"{node.get('__module__')}.{node.get('__class__')}"


def schema_types(schema: dict) -> set[str]:
    """The qualified name of every type a skops schema would build, as ``module.Class``
    (a node rebuilt by an untrusted loader is named ``Loader:module.name``).

    Examples:
        >>> sorted(schema_types({"__module__": "builtins", "__class__": "str",
        ...                      "__loader__": "JsonNode", "content": "x"}))
        ['builtins.str']
    """
    found = set()
    for node in _nodes(schema):
        loader = str(node.get("__loader__"))  # any JSON value: a hostile file chooses
        name = _type_name(node)
        found.add(name if loader in TRUSTED_LOADERS else f"{loader}:{name}")
    return found


def load_model(path: str | Path | None = None) -> Any:
    """Load a model saved by :func:`save_model`; ``None`` loads the shipped model.

    Raises :class:`UntrustedModelError` when the file holds a type outside
    :data:`TRUSTED_TYPES` (before anything in it is built), and :class:`ModelFileError`
    when it is not a usable planparse model.

    Examples:
        >>> model = load_model()
        >>> list(model.classes_)
        ['维权', '家庭建设', '就业', '组织建设', '其他']
    """
    if path is None:
        return _shipped()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read the model ({exc.strerror or exc})") from None
    _check_card(Path(str(path) + ".json"), str(path))
    return _load_bytes(data, str(path))


def _load_bytes(data: bytes, name: str) -> Any:
    import skops.io as sio

    schema = _schema(data, name)
    types = schema_types(schema)
    bad = sorted(types - TRUSTED_TYPES)
    if bad:
        raise UntrustedModelError(
            f"{name}: refusing to load a model with untrusted types: {', '.join(bad)}. "
            "A planparse model holds only the types in planparse.classify.persist.TRUSTED_TYPES."
        )
    if _type_name(schema) != MODEL_TYPE:
        raise ModelFileError(f"{name}: holds a {_type_name(schema)}, not a planparse model")
    try:
        model = sio.loads(data, trusted=sorted(types))
    except Exception as exc:  # skops and the classes raise many types for a damaged file
        raise ModelFileError(
            f"{name}: a damaged or incompatible model ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''})"
        ) from None
    _check_labels(model, name)
    return model


def _check_labels(model: Any, name: str) -> None:
    """A fitted model whose labels, "other" label and per-label estimators agree."""
    classes = getattr(model, "classes_", None)
    estimators = getattr(getattr(model, "model_", None), "estimators_", None)
    if classes is None or estimators is None or not hasattr(model, "vectorizer_"):
        raise ModelFileError(f"{name}: an unfitted model; train one with `planparse train`")
    labels = list(classes)
    if (
        not labels
        or not all(isinstance(label, str) for label in labels)
        or len(set(labels)) != len(labels)
        or getattr(model, "other_", None) not in labels
        or len(estimators) != len(labels)
    ):
        raise ModelFileError(
            f"{name}: its labels ({', '.join(map(str, labels))}) do not match its taxonomy; "
            "retrain it with `planparse train`"
        )


def _check_card(card: Path, name: str) -> None:
    """Refuse a model whose card says a newer planparse wrote it (its classes may differ)."""
    import planparse

    try:
        written = json.loads(card.read_text("utf-8"))["versions"]["planparse"]
    except (OSError, ValueError, KeyError, TypeError):
        return  # no card, or none that says: the schema checks still apply
    if _version(str(written)) > _version(planparse.__version__):
        raise ModelFileError(
            f"{name}: written by planparse {written}, newer than this planparse "
            f"{planparse.__version__}; upgrade planparse to use it"
        )


def _version(text: str) -> tuple[int, ...]:
    """``"1.2.3rc1"`` as ``(1, 2, 3)``: the release numbers, enough to order versions.

    Examples:
        >>> _version("0.10.1") > _version("0.9")
        True
    """
    return tuple(int(part) for part in re.findall(r"\d+", text.split("+")[0])[:3])


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
