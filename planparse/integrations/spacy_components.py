"""spaCy components: plan outline and domains as spans of a Chinese (jieba) pipeline.

Registered by entry point (``spacy_factories`` in ``pyproject.toml``), so a config names them
without importing planparse first; :data:`CONFIG` is a complete one (a Chinese pipeline with
the jieba segmenter and both components), and :func:`pipeline` builds it.

``planparse_outline`` parses ``doc.text`` and puts every item, inline enumeration and
paragraph into ``doc.spans["planparse_items"]`` with ``Span._.kind``, ``depth``, ``marker``,
``heading``, ``item_text`` and ``classifier_text`` (what :func:`planparse.tag` reads for that
node: the item under its heading), so both taggers give the same labels (tested);
``planparse_domains`` sets ``Span._.domains`` (the labels,
most probable first; a tuple, which spaCy's serialisation may hand back as a list; empty for a
span the content gate reads as no content) and ``Span._.domain_probs`` (label → probability
that the span is content and carries the label).  The module is not named ``spacy`` so that it
never shadows the spaCy package.

Examples:
    >>> nlp = pipeline()                                            # doctest: +SKIP
    >>> doc = nlp("一、开展法律援助，维护妇女合法权益\\n")               # doctest: +SKIP
    >>> [(s.text, s._.domains) for s in doc.spans["planparse_items"]]  # doctest: +SKIP
    [('一、开展法律援助，维护妇女合法权益', ('维权',))]
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

SPANS_KEY = "planparse_items"
_SPAN_ATTRIBUTES = (
    "kind",
    "depth",
    "marker",
    "heading",
    "item_text",
    "classifier_text",
    "domains",
    "domain_probs",
)


def _declare_extensions() -> None:
    """Declare the ``Span._`` attributes once, however often the module is imported."""
    for name in _SPAN_ATTRIBUTES:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


_declare_extensions()


class PlanOutline:
    """Parses the doc's text with planparse and stores the nodes as spans."""

    def __init__(self, spans_key: str = SPANS_KEY) -> None:
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        import planparse
        from planparse.classify.tagging import context_texts

        parsed = planparse.parse(doc.text, doc_id="doc")
        frame = parsed.to_frame()
        # What planparse.tag reads for each node, so the two taggers agree.
        reading = dict(zip(zip(frame.start, frame.end, frame.kind), context_texts(frame)))
        spans = []
        for plan in parsed.plans:
            for node, depth in plan.walk():
                span = doc.char_span(node.start, node.end, alignment_mode="expand")
                if span is None:
                    continue
                span._.kind, span._.depth, span._.marker = node.kind, depth, node.marker
                span._.heading, span._.item_text = node.heading, node.text
                span._.classifier_text = reading.get((node.start, node.end, node.kind), node.text)
                spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


class PlanDomains:
    """Tags the outline's spans with the domain classifier (the shipped model by default)."""

    def __init__(
        self, model: str | None = None, spans_key: str = SPANS_KEY, threshold: float | None = None
    ) -> None:
        self.model_path = model
        self.spans_key = spans_key
        self.threshold = threshold
        self._model: Any = None

    @property
    def model(self) -> Any:
        if self._model is None:
            from planparse.classify.persist import load_model

            self._model = load_model(self.model_path)
        return self._model

    def __getstate__(self) -> dict:
        return {
            "model_path": self.model_path,
            "spans_key": self.spans_key,
            "threshold": self.threshold,
            "_model": None,
        }

    def __call__(self, doc: Doc) -> Doc:
        from planparse.classify.estimator import labels_from, with_threshold

        spans = list(doc.spans.get(self.spans_key, []))
        if not spans:
            return doc
        model = self.model
        proba, content = model.predict_proba_and_content(
            [s._.classifier_text or s.text for s in spans]
        )
        if self.threshold is not None:
            model = with_threshold(model, self.threshold)
        labels = labels_from(model.decide(proba, content), proba, model.classes_)
        for span, row, chosen in zip(spans, proba, labels):
            span._.domains = tuple(chosen)
            span._.domain_probs = {c: round(float(p), 4) for c, p in zip(model.classes_, row)}
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory("planparse_outline", default_config={"spans_key": SPANS_KEY})
def make_outline(nlp: Language, name: str, spans_key: str) -> PlanOutline:
    """Factory of the ``planparse_outline`` component."""
    return PlanOutline(spans_key)


@Language.factory(
    "planparse_domains", default_config={"model": None, "spans_key": SPANS_KEY, "threshold": None}
)
def make_domains(
    nlp: Language, name: str, model: str | None, spans_key: str, threshold: float | None
) -> PlanDomains:
    """Factory of the ``planparse_domains`` component."""
    return PlanDomains(model, spans_key, threshold)


CONFIG = """
[nlp]
lang = "zh"
pipeline = ["planparse_outline", "planparse_domains"]

[nlp.tokenizer]
@tokenizers = "spacy.zh.ChineseTokenizer"
segmenter = "jieba"

[components]

[components.planparse_outline]
factory = "planparse_outline"

[components.planparse_domains]
factory = "planparse_domains"
"""


def pipeline(config: str = CONFIG) -> Language:
    """A Chinese spaCy pipeline (jieba segmenter) with both planparse components."""
    from spacy.util import load_config_from_str, load_model_from_config

    return load_model_from_config(load_config_from_str(config), auto_fill=True)
