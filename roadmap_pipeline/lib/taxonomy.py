"""The technology taxonomy (기술분류체계): categories, subclasses and their search expressions.

A taxonomy is a YAML file (see data/taxonomy/manufacturing_ai.yaml)::

    taxonomy: {key, name_ko, name_en, version}
    categories:
      - key, name_ko, name_en
        subclasses:
          - key: <category>.<name>     ASCII slug, the Dagster partition key
            name_ko, name_en, description
            query: search expression (검색식), see lib/search
            cpc_scope: [CPC prefixes]  optional
            exclude: [texts]           optional: what lexical hits that are out of scope are about
            threshold: number          optional: the relevance threshold of this subclass

Validation is strict (unknown fields are typos) and every error names the file, the subclass and the
field, so that an analyst can fix the file without reading code.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from roadmap_pipeline.lib.search import SearchSyntaxError, parse

_CATEGORY_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_SUBCLASS_KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_TAXONOMY_FIELDS = {"key": str, "name_ko": str, "name_en": str, "version": str}
_CATEGORY_FIELDS = {"key": str, "name_ko": str, "name_en": str, "subclasses": list}
_SUBCLASS_REQUIRED = {"key": str, "name_ko": str, "name_en": str, "description": str, "query": str}
_SUBCLASS_OPTIONAL = {"cpc_scope": list, "exclude": list, "threshold": (int, float)}


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used; the message names file, subclass and field."""


@dataclass(frozen=True)
class Subclass:
    """A sub-technology (세부기술): the unit that is screened, clustered and scored."""

    key: str
    category: str
    name_ko: str
    name_en: str
    description: str
    query: str
    cpc_scope: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    threshold: float | None = None

    @property
    def fingerprint(self) -> str:
        """A short hash of everything that defines the subclass: changes when its definition does."""
        text = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Category:
    """A technology category (기술분류) with its subclasses."""

    key: str
    name_ko: str
    name_en: str
    subclasses: tuple[Subclass, ...]


@dataclass(frozen=True)
class Taxonomy:
    """A whole taxonomy file."""

    key: str
    name_ko: str
    name_en: str
    version: str
    path: str
    categories: tuple[Category, ...]

    @property
    def subclasses(self) -> tuple[Subclass, ...]:
        return tuple(s for c in self.categories for s in c.subclasses)

    @property
    def subclass_keys(self) -> list[str]:
        return [s.key for s in self.subclasses]

    def subclass(self, key: str) -> Subclass:
        for candidate in self.subclasses:
            if candidate.key == key:
                return candidate
        raise KeyError(f"subclass {key!r} is not in the taxonomy {self.path} (it has: {', '.join(self.subclass_keys)})")

    def category(self, key: str) -> Category:
        return next(c for c in self.categories if c.key == key)


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read and validate a taxonomy file.

    Raises:
        TaxonomyError: the file is missing, is not YAML, or breaks a rule; the message names the file,
            the subclass and the field (and for a search expression, the position and what was expected).
    """
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TaxonomyError(f"{path}: taxonomy file not found (set ROADMAP_TAXONOMY)") from None
    except yaml.YAMLError as error:
        raise TaxonomyError(f"{path}: not valid YAML: {error}") from None
    return parse_taxonomy(document, str(path))


def write_subset(source: str | Path, keys: list[str], target: str | Path) -> None:
    """Write the taxonomy file `source` reduced to the subclasses `keys` to `target` (empty categories dropped).

    For trying a few subclasses (and the operational checks, which add one to such a file).

    Raises:
        TaxonomyError: when `source` has no subclass of one of `keys` (named in the message).
    """
    document = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
    known = {s["key"] for category in document["categories"] for s in category["subclasses"]}
    missing = [key for key in keys if key not in known]
    if missing:
        raise TaxonomyError(f"{source}: no subclass {', '.join(missing)} to keep")
    for category in document["categories"]:
        category["subclasses"] = [s for s in category["subclasses"] if s["key"] in keys]
    document["categories"] = [c for c in document["categories"] if c["subclasses"]]
    Path(target).write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def parse_taxonomy(document: object, path: str = "<taxonomy>") -> Taxonomy:
    """Validate a taxonomy already read from YAML (see `load_taxonomy`)."""
    where = path
    if not isinstance(document, dict):
        raise TaxonomyError(f"{where}: expected a mapping with 'taxonomy' and 'categories'")
    _only(document, {"taxonomy", "categories"}, where)
    head = _fields(document.get("taxonomy"), _TAXONOMY_FIELDS, {}, f"{where}: taxonomy")
    categories_raw = document.get("categories")
    if not isinstance(categories_raw, list) or not categories_raw:
        raise TaxonomyError(f"{where}: 'categories' must be a non-empty list")
    categories, seen = [], set()
    for index, raw in enumerate(categories_raw):
        label = f"{where}: category #{index + 1}"
        if isinstance(raw, dict) and isinstance(raw.get("key"), str):
            label = f"{where}: category {raw['key']!r}"
        fields = _fields(raw, _CATEGORY_FIELDS, {}, label)
        if not _CATEGORY_KEY.match(fields["key"]):
            raise TaxonomyError(f"{label}: field 'key' must be a lower-case ASCII slug like 'design'")
        if fields["key"] in seen:
            raise TaxonomyError(f"{label}: duplicate category key")
        seen.add(fields["key"])
        subclasses = tuple(_subclass(raw_sub, fields["key"], where, seen) for raw_sub in fields["subclasses"])
        if not subclasses:
            raise TaxonomyError(f"{label}: field 'subclasses' is empty")
        categories.append(Category(fields["key"], fields["name_ko"], fields["name_en"], subclasses))
    return Taxonomy(head["key"], head["name_ko"], head["name_en"], head["version"], path, tuple(categories))


def _subclass(raw: object, category: str, where: str, seen: set[str]) -> Subclass:
    label = f"{where}: subclass of category {category!r}"
    if isinstance(raw, dict) and isinstance(raw.get("key"), str):
        label = f"{where}: subclass {raw['key']!r}"
    fields = _fields(raw, _SUBCLASS_REQUIRED, _SUBCLASS_OPTIONAL, label)
    key = fields["key"]
    if not _SUBCLASS_KEY.match(key) or not key.startswith(category + "."):
        raise TaxonomyError(
            f"{label}: field 'key' must be an ASCII slug '{category}.<name>' (lower-case letters, digits, _)"
        )
    if key in seen:
        raise TaxonomyError(f"{label}: duplicate key")
    seen.add(key)
    try:
        parse(fields["query"])
    except SearchSyntaxError as error:
        raise TaxonomyError(f"{label}: field 'query': {error}") from None
    lists = {}
    for name in ("cpc_scope", "exclude"):
        values = fields.get(name) or []
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise TaxonomyError(f"{label}: field {name!r} must be a list of non-empty strings")
        lists[name] = tuple(v.strip() for v in values)
    threshold = fields.get("threshold")
    if threshold is not None and not -1.0 <= threshold <= 1.0:
        raise TaxonomyError(f"{label}: field 'threshold' must be between -1 and 1, got {threshold}")
    return Subclass(
        key=key,
        category=category,
        name_ko=fields["name_ko"],
        name_en=fields["name_en"],
        description=" ".join(fields["description"].split()),
        query=" ".join(fields["query"].split()),
        cpc_scope=lists["cpc_scope"],
        exclude=lists["exclude"],
        threshold=None if threshold is None else float(threshold),
    )


def _fields(raw: object, required: dict, optional: dict, label: str) -> dict:
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{label}: expected a mapping with fields {', '.join(required)}")
    _only(raw, set(required) | set(optional), label)
    for name, kind in required.items():
        value = raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise TaxonomyError(f"{label}: field {name!r} is missing or empty")
        if not isinstance(value, kind):
            raise TaxonomyError(f"{label}: field {name!r} must be a {_kind_name(kind)}, got {type(value).__name__}")
    for name, kind in optional.items():
        value = raw.get(name)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            raise TaxonomyError(f"{label}: field {name!r} must be a {_kind_name(kind)}, got {type(value).__name__}")
    return dict(raw)


def _only(raw: dict, allowed: set[str], label: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise TaxonomyError(f"{label}: unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _kind_name(kind) -> str:
    names = {str: "string", list: "list", dict: "mapping"}
    return names.get(kind, "number")
