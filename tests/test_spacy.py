"""The spaCy integration: entry-point factories, config, spans, DocBin, n_process=2."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from spacy.tokens import DocBin

from planparse.integrations.spacy_components import CONFIG, SPANS_KEY

PLANS = [
    "社区妇联工作计划\n一、开展法律援助，维护妇女合法权益\n（一）深化普法宣传。一是发放资料；二是接受咨询。\n二、开展最美家庭评选，弘扬好家风好家训。\n",
    "村妇代会工作计划\n1、组织妇女技能培训，促进就业增收。\n2、做好村妇联换届选举工作。\n",
]


@pytest.fixture(scope="module")
def nlp():
    from spacy.util import load_config_from_str, load_model_from_config

    # Built from a config string: the factories are found through their entry points.
    return load_model_from_config(load_config_from_str(CONFIG), auto_fill=True)


def test_factories_are_registered_by_entry_point():
    from spacy.util import registry

    factories = registry.factories.get_all()
    assert "planparse_outline" in factories and "planparse_domains" in factories


def test_pipeline_writes_spans_with_attributes(nlp):
    assert nlp.lang == "zh" and nlp.pipe_names == ["planparse_outline", "planparse_domains"]
    doc = nlp(PLANS[0])
    spans = doc.spans[SPANS_KEY]
    assert [s._.marker for s in spans] == ["一、", "（一）", "一是", "二是", "二、"]
    assert [s._.kind for s in spans][:3] == ["item", "item", "inline"]
    assert spans[0]._.depth == 1 and spans[1]._.depth == 2 and spans[0]._.heading
    assert spans[0].text.startswith("一、开展法律援助")
    assert spans[0]._.domains[0] == "维权" and spans[-1]._.domains[0] == "家庭建设"
    assert all(0 <= p <= 1 for p in spans[0]._.domain_probs.values())
    assert set(spans[0]._.domain_probs) == {"维权", "家庭建设", "就业", "组织建设", "其他"}


def test_docbin_round_trip(nlp):
    docs = list(nlp.pipe(PLANS))
    data = DocBin(docs=docs, store_user_data=True).to_bytes()
    again = list(DocBin(store_user_data=True).from_bytes(data).get_docs(nlp.vocab))
    for before, after in zip(docs, again):
        assert [
            (s.start_char, s.end_char, s._.kind, list(s._.domains)) for s in before.spans[SPANS_KEY]
        ] == [
            (s.start_char, s.end_char, s._.kind, list(s._.domains)) for s in after.spans[SPANS_KEY]
        ]


def test_pipe_with_two_processes_gives_the_same_spans(nlp):
    one = [
        [(s.start_char, s.end_char, list(s._.domains)) for s in d.spans[SPANS_KEY]]
        for d in nlp.pipe(PLANS * 2)
    ]
    two = [
        [(s.start_char, s.end_char, list(s._.domains)) for s in d.spans[SPANS_KEY]]
        for d in nlp.pipe(PLANS * 2, n_process=2, batch_size=1)
    ]
    assert one == two


def test_spans_get_the_labels_that_planparse_tag_gives(nlp):
    import planparse

    for text in PLANS:
        tagged = planparse.tag(planparse.parse(text, doc_id="doc").to_frame())
        tagged = tagged[tagged.kind != "debris"]
        expected = {(s, e): list(d) for s, e, d in zip(tagged.start, tagged.end, tagged.domains)}
        doc = nlp(text)
        for span in doc.spans[SPANS_KEY]:
            assert list(span._.domains) == expected[(span.start_char, span.end_char)]
