"""The domain taxonomy as data: names, descriptions and seed terms, read from TOML.

Examples:
    >>> tax = Taxonomy.default()
    >>> tax.labels
    ('维权', '家庭建设', '就业', '组织建设', '其他')
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path


@dataclass(frozen=True)
class Domain:
    """One domain: its label, an English gloss, a description and seed terms."""

    name: str
    english: str = ""
    description: str = ""
    seeds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    """An ordered set of domains plus the label for "none of them".

    Load your own with :meth:`load`; the file format is ``planparse/data/taxonomy.toml``.

    Examples:
        >>> Taxonomy.default().labels
        ('维权', '家庭建设', '就业', '组织建设', '其他')
    """

    name: str
    domains: tuple[Domain, ...]
    other: str = "其他"
    version: str = "1"
    #: The label of a span that is no item of any domain (greeting, date, bare heading …).
    not_content: str = "非内容"
    source: str = field(default="", compare=False)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label in model order: the domains, then the other label."""
        return tuple(d.name for d in self.domains) + (self.other,)

    @property
    def seed_terms(self) -> tuple[str, ...]:
        """All seed terms, sorted (the classifier's word dictionary starts from these)."""
        return tuple(sorted({s for d in self.domains for s in d.seeds}))

    @classmethod
    def load(cls, path: str | Path) -> Taxonomy:
        """Read a taxonomy TOML file.

        Examples:
            >>> import tempfile, pathlib
            >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.toml"
            >>> _ = p.write_text('name = "youth"\\nother = "其他"\\n[[domain]]\\nname = "就业"\\n'
            ...                  'seeds = ["就业"]\\n', encoding="utf-8")
            >>> Taxonomy.load(p).labels
            ('就业', '其他')
        """
        path = Path(path)
        with path.open("rb") as stream:
            data = tomllib.load(stream)
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: dict, source: str = "") -> Taxonomy:
        """Build a taxonomy from parsed TOML; raises ``ValueError`` on a malformed one."""
        raw = data.get("domain")
        if not raw:
            raise ValueError(f"taxonomy {source or data.get('name')!r} has no [[domain]] entries")
        domains = []
        for entry in raw:
            if not entry.get("name"):
                raise ValueError(f"taxonomy {source!r}: a [[domain]] has no name")
            domains.append(
                Domain(
                    entry["name"],
                    entry.get("english", ""),
                    entry.get("description", ""),
                    tuple(entry.get("seeds", ())),
                )
            )
        other = data.get("other", "其他")
        not_content = data.get("not_content", "非内容")
        names = [d.name for d in domains] + [other, not_content]
        if len(set(names)) != len(names):
            raise ValueError(
                f"taxonomy {source!r}: domain names must be unique and differ from "
                f"the other label {other!r} and the not-content label {not_content!r}"
            )
        return cls(
            data.get("name", "custom"),
            tuple(domains),
            other,
            str(data.get("version", "1")),
            not_content,
            source,
        )

    @classmethod
    def default(cls) -> Taxonomy:
        """The shipped 妇联 taxonomy: 维权, 家庭建设, 就业, 组织建设 and 其他."""
        text = files("planparse.data").joinpath("taxonomy.toml").read_text(encoding="utf-8")
        return cls.from_dict(tomllib.loads(text), source="planparse/data/taxonomy.toml")
