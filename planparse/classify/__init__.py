"""Tag plan items by domain: taxonomy, features, the classifier, the baseline, evaluation.

Examples:
    >>> from planparse.classify import Taxonomy
    >>> Taxonomy.default().labels[:2]
    ('维权', '家庭建设')
"""

from planparse.classify.estimator import DomainClassifier
from planparse.classify.lexicon import LexiconTagger
from planparse.classify.persist import UntrustedModelError, load_model, save_model
from planparse.classify.tagging import tag
from planparse.classify.taxonomy import Domain, Taxonomy

__all__ = [
    "Domain",
    "DomainClassifier",
    "LexiconTagger",
    "Taxonomy",
    "UntrustedModelError",
    "load_model",
    "save_model",
    "tag",
]
