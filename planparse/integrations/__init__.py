"""Integrations with other libraries: spaCy components (``spacy_components``), and Dask."""
