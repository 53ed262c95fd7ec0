"""The technology taxonomy (기술분류체계): categories, subclasses and their search expressions.

A taxonomy is a YAML file (see roadmap_pipeline/taxonomies/manufacturing_ai.yaml)::

    taxonomy: {key, name_ko, name_en, version}
    categories:
      - key, name_ko, name_en
        subclasses:
          - key: <category>.<name>     ASCII slug, the Dagster partition key
            name_ko, name_en
            description: text, or {en: text, ko: text, ja: text, zh: text} (en required)
            query: search expression (검색식), see lib/search
            cpc_scope: [CPC prefixes]  optional
            exclude: [texts]           optional: what lexical hits that are out of scope are about,
                                       each a text or a mapping in the description's languages
            threshold: number          optional: the relevance threshold of this subclass

A description in Korean, Japanese or Chinese is what a family whose text is in that language is
compared with (see lib/screening); a plain text is English. Every exclusion must be given in every
language of the description, since relevance subtracts the exclusion similarity in the same language.

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
_SUBCLASS_REQUIRED = {"key": str, "name_ko": str, "name_en": str, "description": (str, dict), "query": str}
_SUBCLASS_OPTIONAL = {"cpc_scope": list, "exclude": list, "threshold": (int, float)}
# Languages a description may be written in: English and the native languages of the offices' texts
# (ISO 639-1, as core.documents' *_lang columns).
LANGUAGES = ("en", "ko", "ja", "zh")


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
    translations: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    """(language, description, exclusions) in languages other than English, in `LANGUAGES` order."""

    @property
    def languages(self) -> tuple[str, ...]:
        """English and the languages the description is translated into."""
        return ("en", *(lang for lang, _, _ in self.translations))

    def screening_texts(self, lang: str) -> tuple[str, str, tuple[str, ...]]:
        """The description and exclusions to compare a text in `lang` with.

        Returns:
            (language of the texts returned, description, exclusions): `lang`'s own where the
            taxonomy gives them, else English.
        """
        for language, description, exclude in self.translations:
            if language == lang:
                return language, description, exclude
        return "en", self.description, self.exclude

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
    cpc_scope = fields.get("cpc_scope") or []
    if not all(isinstance(v, str) and v.strip() for v in cpc_scope):
        raise TaxonomyError(f"{label}: field 'cpc_scope' must be a list of non-empty strings")
    descriptions = _in_languages(fields["description"], None, f"{label}: field 'description'")
    excludes = [
        _in_languages(item, tuple(descriptions), f"{label}: field 'exclude' item #{number}")
        for number, item in enumerate(fields.get("exclude") or [], start=1)
    ]
    threshold = fields.get("threshold")
    if threshold is not None and not -1.0 <= threshold <= 1.0:
        raise TaxonomyError(f"{label}: field 'threshold' must be between -1 and 1, got {threshold}")
    return Subclass(
        key=key,
        category=category,
        name_ko=fields["name_ko"],
        name_en=fields["name_en"],
        description=descriptions["en"],
        query=" ".join(fields["query"].split()),
        cpc_scope=tuple(v.strip() for v in cpc_scope),
        exclude=tuple(item["en"] for item in excludes),
        threshold=None if threshold is None else float(threshold),
        translations=tuple(
            (lang, descriptions[lang], tuple(item[lang] for item in excludes))
            for lang in LANGUAGES if lang != "en" and lang in descriptions
        ),
    )


def _in_languages(value: object, languages: tuple[str, ...] | None, label: str) -> dict[str, str]:
    """A text, or a mapping language → text, as {language: text with whitespace collapsed}.

    A plain text is English. `languages`, where given, are the ones the mapping must have exactly
    (an exclusion's must be the description's).
    """
    if isinstance(value, str):
        if not value.strip():
            raise TaxonomyError(f"{label} is empty")
        value = {"en": value}
    if not isinstance(value, dict):
        raise TaxonomyError(f"{label} must be a text or a mapping of language to text, got {type(value).__name__}")
    unknown = sorted(str(k) for k in value if k not in LANGUAGES)
    if unknown:
        raise TaxonomyError(f"{label}: unknown language {unknown[0]!r} (allowed: {', '.join(LANGUAGES)})")
    texts = {}
    for lang in LANGUAGES:
        if lang in value:
            text = value[lang]
            if not isinstance(text, str) or not text.strip():
                raise TaxonomyError(f"{label}: the {lang!r} text is missing or empty")
            texts[lang] = " ".join(text.split())
    if "en" not in texts:
        raise TaxonomyError(f"{label}: the English ('en') text is required")
    if languages is not None and tuple(texts) != languages:
        missing = [lang for lang in languages if lang not in texts]
        detail = f"lacks {', '.join(missing)}" if missing else f"has {', '.join(l for l in texts if l not in languages)}"
        raise TaxonomyError(
            f"{label} {detail}: every exclusion must be written in the description's languages "
            f"({', '.join(languages)}), since each language's relevance subtracts that language's exclusions"
        )
    return texts


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
    names = {str: "string", list: "list", dict: "mapping", (str, dict): "string or mapping"}
    return names.get(kind, "number")
