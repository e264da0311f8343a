"""Model files: only the exact types of a planparse model are trusted, nothing in a refused
file runs, and every unusable file is a one-line error with exit code 2."""

from __future__ import annotations

import copy
import importlib
import json
import pickle
import zipfile
from importlib.resources import files

import numpy as np
import pytest

import planparse
from planparse.classify.persist import (
    SHIPPED,
    TRUSTED_TYPES,
    ModelFileError,
    UntrustedModelError,
    load_model,
    schema_types,
)
from planparse.cli import main


def _shipped_bytes() -> bytes:
    return files("planparse.data").joinpath(SHIPPED).read_bytes()


def _schema_of(data: bytes) -> dict:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("schema.json"))


def test_the_shipped_model_holds_only_trusted_types():
    """A retrained model that holds a new class fails here until TRUSTED_TYPES names it."""
    assert schema_types(_schema_of(_shipped_bytes())) <= TRUSTED_TYPES


@pytest.mark.parametrize("name", sorted(TRUSTED_TYPES))
def test_every_trusted_name_is_a_class_never_a_function(name):
    module, _, attribute = name.rpartition(".")
    if name == "builtins.NoneType":
        return
    assert isinstance(getattr(importlib.import_module(module), attribute), type)


def _gadget_model(marker):
    """The attack of issue 18: a fitted DomainClassifier whose vectorizer is a Pipeline of
    FunctionTransformers that turns any input into a string and runs it (every function
    under ``numpy.``, which the old prefix check trusted; it ran there)."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    model = copy.deepcopy(load_model())  # the shipped model is cached: never change it
    code = f"open({str(marker)!r}, 'w').write('ran')"
    model.vectorizer_ = make_pipeline(  # texts -> their shape -> the string -> exec
        FunctionTransformer(np.shape),
        FunctionTransformer(np.full, kw_args={"fill_value": code}),
        FunctionTransformer(np.take, kw_args={"indices": 0}),
        FunctionTransformer(np.testing._private.utils.runstring, kw_args={"dict": {}}),
    )
    return model


def test_the_function_gadget_is_refused_without_running(tmp_path):
    import skops.io as sio

    marker = tmp_path / "marker"
    path = tmp_path / "evil.skops"
    path.write_bytes(sio.dumps(_gadget_model(marker)))
    with pytest.raises(UntrustedModelError) as refused:
        planparse.tag(planparse.parse_files([planparse.sample_path()]).head(3), model=str(path))
    assert "numpy.testing._private.utils.runstring" in str(refused.value)
    assert "sklearn.preprocessing._function_transformer.FunctionTransformer" in str(refused.value)
    assert not marker.exists()
    code = main(
        ["tag", str(planparse.sample_path()), "--model", str(path), "-o", str(tmp_path / "t.csv")]
    )
    assert code == 2 and not marker.exists() and not (tmp_path / "t.csv").exists()


def test_the_gadget_does_run_when_loaded_blindly(tmp_path):
    """The test above is meaningful: the same file, loaded trusting what it names, runs."""
    import skops.io as sio

    marker = tmp_path / "marker"
    data = sio.dumps(_gadget_model(marker))
    model = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    model.vectorizer_.transform(["一、学习"])
    assert marker.read_text() == "ran"


def _wrong_object(tmp_path):
    import skops.io as sio
    from sklearn.svm import LinearSVC

    return sio.dumps(LinearSVC())


def _wrong_taxonomy(tmp_path):
    import skops.io as sio

    model = copy.deepcopy(load_model())  # the shipped model is cached: never change it
    model.other_ = "不在标签里"
    return sio.dumps(model)


def _zip_without_schema(tmp_path):
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a model")
    return buffer.getvalue()


MALFORMED = {
    "empty": lambda tmp: b"",
    "pickle": lambda tmp: pickle.dumps({"model": [1, 2, 3]}),
    "zip garbage": lambda tmp: b"PK\x03\x04" + bytes(range(256)) * 4,
    "zip without schema": _zip_without_schema,
    "truncated": lambda tmp: _shipped_bytes()[: len(_shipped_bytes()) // 2],
    "wrong object": _wrong_object,
    "wrong taxonomy": _wrong_taxonomy,
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_model_is_one_line_and_exit_code_2(case, tmp_path, capsys):
    path = tmp_path / "model.skops"
    path.write_bytes(MALFORMED[case](tmp_path))
    with pytest.raises(ModelFileError):
        load_model(path)
    capsys.readouterr()
    out = tmp_path / "out"
    assert (
        main(["analyze", str(planparse.sample_path()), "-o", str(out), "--model", str(path), "-q"])
        == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "Traceback" not in err
    assert not (out / "chunks").exists()  # refused before any per-file work
    assert main(["tag", str(planparse.sample_path()), "--model", str(path)]) == 2


def test_a_model_from_a_newer_planparse_is_refused(tmp_path, capsys):
    path = tmp_path / "model.skops"
    path.write_bytes(_shipped_bytes())
    card = json.loads(files("planparse.data").joinpath(SHIPPED + ".json").read_text("utf-8"))
    card["versions"]["planparse"] = "99.0.0"
    (tmp_path / "model.skops.json").write_text(json.dumps(card), "utf-8")
    with pytest.raises(ModelFileError, match="newer"):
        load_model(path)
    assert main(["tag", str(planparse.sample_path()), "--model", str(path)]) == 2
    assert "99.0.0" in capsys.readouterr().err


def test_a_missing_model_is_a_usage_error(tmp_path, capsys):
    assert main(["tag", str(planparse.sample_path()), "--model", str(tmp_path / "none.skops")]) == 2
    assert "none.skops" in capsys.readouterr().err
