"""Titles and abstracts of a family, built from its topic's vocabulary with controlled randomness.

One English title and abstract per family (every member shares them), native titles in Korean,
Japanese and Chinese that say the same thing, and a Korean abstract for the KIPRIS records. The
wording varies from family to family (method, object, sentence order, which inputs and outputs are
named) while each sub-topic keeps its own words, so families of a sub-topic cluster together. AI
methods follow their era (support vector machines around 2009, transformers after 2022), and the
families of an emerging sub-topic name its planted keywords more and more often.
"""

from __future__ import annotations

import math
import random
from functools import lru_cache
from typing import NamedTuple

from roadmap_pipeline.demo.synthetic.lexicon import (
    AI_METHODS,
    LEARNING_NEW,
    LEARNING_OLD,
    NOISE_EFFECT_KO,
    NOISE_EFFECTS,
    SUBJECTS,
    TITLE_NOUNS,
    Term,
)
from roadmap_pipeline.demo.synthetic.plan import Emerging, keyword_probability
from roadmap_pipeline.demo.synthetic.topics import SubclassTopics, Topic

_LEARNING_KO = {"machine learning": "기계학습", "deep learning": "딥러닝", "artificial intelligence": "인공지능"}
_AN_WORDS = ("LCD", "X-ray", "AGV", "AMR", "RMS")


class Texts(NamedTuple):
    """Everything written in words about one family."""

    title_en: str
    title_ko: str
    title_ja: str
    title_zh: str
    abstract_en: str
    abstract_ko: str
    method: str
    keywords: tuple[str, ...]  # planted emerging keywords this family's abstract names


@lru_cache(maxsize=64)
def _method_weights(year: int) -> tuple[float, ...]:
    """Cumulative popularity of the AI methods in a priority year."""
    total, cumulative = 0.0, []
    for method in AI_METHODS:
        total += 0.03 + math.exp(-0.5 * ((year - method.peak) / method.spread) ** 2)
        cumulative.append(total)
    return tuple(cumulative)


def article(phrase: str) -> str:
    first = phrase.split(" ", 1)[0]
    vowel = phrase[0].lower() in "aeiou" or first in _AN_WORDS
    return f"an {phrase}" if vowel else f"a {phrase}"


def _object_particle(word: str) -> str:
    """Korean object particle: 을 after a final consonant (batchim), 를 after a vowel."""
    last = word[-1]
    if "가" <= last <= "힣":
        return "을" if (ord(last) - 0xAC00) % 28 else "를"
    return "을"


def compose(
    rng: random.Random,
    subclass: SubclassTopics,
    topic: Topic,
    year: int,
    emerging: Emerging | None,
    secondary: tuple[SubclassTopics, Topic] | None,
) -> Texts:
    """The texts of one family.

    Args:
        rng: the family's random stream.
        subclass: vocabulary of the family's (primary or query-hit) subclass.
        topic: its sub-topic or noise topic.
        year: priority year (drives the choice of AI method and of emerging keywords).
        emerging: the planted emerging sub-topic when `topic` is it, else None.
        secondary: a second subclass and one of its sub-topics the family also belongs to.
    """
    method = AI_METHODS[_bisect(_method_weights(year), rng.random() * _method_weights(year)[-1])].term
    obj: Term = rng.choice(topic.objects or subclass.objects)
    noun: Term = rng.choice(TITLE_NOUNS)
    task = topic.task
    learning = topic.learning or rng.choice(LEARNING_NEW if year >= 2014 else LEARNING_OLD)
    if secondary is not None and secondary[0].key == "health.diagnosis":
        learning = "machine learning"  # its query also wants an equipment word; "machine*" is one

    pattern = rng.randrange(3)
    if pattern == 0:
        title_en = f"{noun.en} for {task.en} of {article(obj.en)} using {article(method.en)}"
    elif pattern == 1:
        title_en = f"{noun.en} for {task.en} of {article(obj.en)}"
    else:
        title_en = f"{method.en[0].upper()}{method.en[1:]}-based {task.en} {noun.en.lower()} for {article(obj.en)}"
    title_ko = f"{method.ko}{_object_particle(method.ko)} 이용한 {obj.ko}의 {task.ko} {noun.ko}"
    title_ja = f"{method.ja}を用いた{obj.ja}の{task.ja}{noun.ja}"
    title_zh = f"基于{method.zh}的{obj.zh}{task.zh}{noun.zh}"

    inputs = rng.sample(topic.inputs, 2) if len(topic.inputs) > 2 else list(topic.inputs)
    features = topic.features
    outputs = topic.outputs
    sentences = [
        f"{rng.choice(SUBJECTS)} for {task.en} of {article(obj.en)} is disclosed.",
        f"{inputs[0][0].upper()}{inputs[0][1:]} and {inputs[1]} acquired from the {obj.en} are "
        f"converted into {features[0]} and {features[1]}.",
        f"{article(method.en)[0].upper()}{article(method.en)[1:]} trained by {learning} on historical "
        f"records estimates the {outputs[0]} from the {rng.choice(features)}.",
    ]
    keywords: tuple[str, ...] = ()
    if emerging is not None:
        chance = keyword_probability(emerging.start_year, year)
        keywords = tuple(k for k in emerging.keywords if rng.random() < chance)
        if keywords:
            sentences.append(f"In one embodiment the model uses {_join(keywords)}.")
    if secondary is not None:
        other_subclass, other_topic = secondary
        other_object = rng.choice(other_subclass.objects)
        sentences.append(f"The same model is further used for {other_topic.task.en} of the {other_object.en}.")
    noise = topic.key.startswith("noise")
    effect = rng.choice(NOISE_EFFECTS if noise else subclass.effects)
    verb = "are" if outputs[-1].endswith("s") else "is"
    sentences.append(f"The {outputs[-1]} {verb} provided to an operator or a controller, thereby {effect}.")
    if rng.random() < 0.5:
        sentences[1], sentences[2] = sentences[2], sentences[1]
    abstract_en = " ".join(sentences)

    learning_ko = _LEARNING_KO[learning]
    abstract_ko = (
        f"본 발명은 {title_ko}에 관한 것으로, {learning_ko} 기반의 {method.ko} 모델을 이용한다. "
        f"{topic.summary_ko}. 이에 따라 {NOISE_EFFECT_KO if noise else subclass.effect_ko}."
    )
    return Texts(title_en, title_ko, title_ja, title_zh, abstract_en, abstract_ko, method.en, keywords)


def _join(words: tuple[str, ...]) -> str:
    phrases = [article(word) for word in words]
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _bisect(cumulative: tuple[float, ...], value: float) -> int:
    for position, bound in enumerate(cumulative):
        if value < bound:
            return position
    return len(cumulative) - 1
