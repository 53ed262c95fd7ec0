"""Titles and abstracts of a family, built from its topic's vocabulary with controlled randomness.

One text per language for every family: English, and Korean, Japanese and Chinese that say the same
thing in the words of the same sub-topic (`topics.Topic` holds every phrase in the four languages).
Which of them a family's records carry depends on where it was filed (`families`): the English text
through DOCDB and USPTO, the Korean one through KIPRIS, and the native text alone for the families
that never left their home office. The native abstracts follow each office's way of writing them:
KIPRIS's "본 발명은 …에 관한 것으로, …", the JPO's 【課題】/【解決手段】, CNIPA's "本发明公开了一种…".

The wording varies from family to family (method, object, sentence order, which inputs and outputs
are named) while each sub-topic keeps its own words, so families of a sub-topic cluster together
whatever their language. AI methods follow their era (support vector machines around 2009,
transformers after 2022), and the families of an emerging sub-topic name its planted keywords more
and more often. The native texts reuse the English text's draws and draw nothing themselves, so the
English text of a family does not depend on them.
"""

from __future__ import annotations

import math
import random
from functools import lru_cache
from typing import NamedTuple

from roadmap_pipeline.demo.synthetic.lexicon import (
    AI_METHODS,
    KEYWORDS,
    LEARNING,
    LEARNING_NEW,
    LEARNING_OLD,
    NOISE_EFFECTS,
    SUBJECTS,
    TITLE_NOUNS,
    Term,
)
from roadmap_pipeline.demo.synthetic.plan import Emerging, keyword_probability
from roadmap_pipeline.demo.synthetic.topics import SubclassTopics, Topic

_AN_WORDS = ("LCD", "X-ray", "AGV", "AMR", "RMS")


class Texts(NamedTuple):
    """Everything written in words about one family."""

    title_en: str
    title_ko: str
    title_ja: str
    title_zh: str
    abstract_en: str
    abstract_ko: str
    abstract_ja: str
    abstract_zh: str
    method: str
    keywords: tuple[str, ...]  # planted emerging keywords this family's abstract names

    def title(self, lang: str) -> str:
        """The title in `lang` (en, ko, ja or zh)."""
        return getattr(self, f"title_{lang}")

    def abstract(self, lang: str) -> str:
        """The abstract in `lang` (en, ko, ja or zh)."""
        return getattr(self, f"abstract_{lang}")


class _Draws(NamedTuple):
    """What the English text drew, for the native texts to say the same."""

    method: Term
    obj: Term
    noun: Term
    task: Term
    learning: Term
    inputs: list[Term]
    features: tuple[Term, ...]
    estimated: Term  # the feature the output is estimated from
    outputs: tuple[Term, ...]
    keywords: tuple[Term, ...]
    secondary: tuple[Term, Term] | None  # (task, object) of the second subclass
    effect: Term
    pattern: int  # 0-2: how the title, and the native abstracts' first sentence, are phrased
    swapped: bool  # the two middle sentences change places


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


def _josa(word: str, after_consonant: str, after_vowel: str) -> str:
    """`word` and the Korean particle its last syllable takes (을/를, 은/는, 이/가, 과/와, 으로/로).

    A final consonant (batchim) takes the first form; 으로 also becomes 로 after ㄹ. A parenthesized
    tail ("무인운반차(AGV)") is read as the word before it; a final Latin letter counts as a consonant.
    """
    spoken = word[: word.rfind("(")] if word.endswith(")") else word
    last = spoken.rstrip()[-1]
    if "가" <= last <= "힣":
        final = (ord(last) - 0xAC00) % 28
        consonant = final != 0 and not (after_consonant == "으로" and final == 8)  # 8: ㄹ
    else:
        consonant = True
    return word + (after_consonant if consonant else after_vowel)


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
    title_ko = f"{_josa(method.ko, '을', '를')} 이용한 {obj.ko}의 {task.ko} {noun.ko}"
    title_ja = f"{method.ja}を用いた{obj.ja}の{task.ja}{noun.ja}"
    title_zh = f"基于{method.zh}的{obj.zh}{task.zh}{noun.zh}"

    inputs = rng.sample(topic.inputs, 2) if len(topic.inputs) > 2 else list(topic.inputs)
    features = topic.features
    outputs = topic.outputs
    sentences = [
        f"{rng.choice(SUBJECTS)} for {task.en} of {article(obj.en)} is disclosed.",
        f"{inputs[0].en[0].upper()}{inputs[0].en[1:]} and {inputs[1].en} acquired from the {obj.en} are "
        f"converted into {features[0].en} and {features[1].en}.",
    ]
    estimated = rng.choice(features)
    sentences.append(f"{article(method.en)[0].upper()}{article(method.en)[1:]} trained by {learning} on historical "
                     f"records estimates the {outputs[0].en} from the {estimated.en}.")
    keywords: tuple[str, ...] = ()
    if emerging is not None:
        chance = keyword_probability(emerging.start_year, year)
        keywords = tuple(k for k in emerging.keywords if rng.random() < chance)
        if keywords:
            sentences.append(f"In one embodiment the model uses {_join(keywords)}.")
    second = None
    if secondary is not None:
        other_subclass, other_topic = secondary
        other_object = rng.choice(other_subclass.objects)
        second = (other_topic.task, other_object)
        sentences.append(f"The same model is further used for {other_topic.task.en} of the {other_object.en}.")
    noise = topic.key.startswith("noise")
    effect: Term = rng.choice(NOISE_EFFECTS if noise else subclass.effects)
    verb = "are" if outputs[-1].en.endswith("s") else "is"
    sentences.append(f"The {outputs[-1].en} {verb} provided to an operator or a controller, thereby {effect.en}.")
    swapped = rng.random() < 0.5
    if swapped:
        sentences[1], sentences[2] = sentences[2], sentences[1]

    draws = _Draws(method, obj, noun, task, LEARNING[learning], inputs, features, estimated, outputs,
                   tuple(KEYWORDS[k] for k in keywords), second, effect, pattern, swapped)
    return Texts(
        title_en, title_ko, title_ja, title_zh, " ".join(sentences),
        _korean(draws, title_ko, topic.summary_ko), _japanese(draws), _chinese(draws, title_zh),
        method.en, keywords,
    )


def _korean(d: _Draws, title: str, summary: str) -> str:
    """A KIPRIS-style abstract: "본 발명은 …에 관한 것으로, …", then how it works and what it achieves."""
    if d.pattern == 0:
        opening = (f"본 발명은 {title}에 관한 것으로, 보다 상세하게는 {d.method.ko} 모델로 {d.obj.ko}의 "
                   f"{_josa(d.task.ko, '을', '를')} 수행하는 {d.noun.ko}에 관한 것이다.")
    elif d.pattern == 1:
        opening = f"본 발명은 {d.obj.ko}의 {_josa(d.task.ko, '을', '를')} 위한 {d.noun.ko}에 관한 것이다."
    else:
        opening = f"{_josa(title, '이', '가')} 개시된다."
    converted = (f"{d.obj.ko}에서 취득한 {_josa(d.inputs[0].ko, '과', '와')} {_josa(d.inputs[1].ko, '은', '는')} "
                 f"{d.features[0].ko} 및 {_josa(d.features[1].ko, '으로', '로')} 변환된다.")
    estimated = (f"과거 이력 데이터에 대해 {_josa(d.learning.ko, '으로', '로')} 학습된 {_josa(d.method.ko, '이', '가')} "
                 f"{_josa(d.estimated.ko, '으로', '로')}부터 {_josa(d.outputs[0].ko, '을', '를')} 추정한다.")
    sentences = [opening, estimated, converted] if d.swapped else [opening, converted, estimated]
    if d.keywords:
        named = _josa(" 및 ".join(k.ko for k in d.keywords), "을", "를")
        sentences.append(f"일 실시예에서 상기 모델은 {named} 이용한다.")
    if d.secondary is not None:
        task, obj = d.secondary
        sentences.append(f"또한 상기 모델은 {obj.ko}의 {task.ko}에도 이용된다.")
    sentences.append(f"구체적으로, {summary}.")
    sentences.append(f"추정된 {_josa(d.outputs[-1].ko, '은', '는')} 작업자 또는 제어기에 제공되며, 이에 따라 {d.effect.ko}.")
    return " ".join(sentences)


def _japanese(d: _Draws) -> str:
    """A JPO-style abstract: 【課題】 what is provided, 【解決手段】 how, 【選択図】."""
    if d.pattern == 0:
        problem = f"{d.method.ja}を用いて{d.obj.ja}の{d.task.ja}を精度よく行う{d.noun.ja}を提供する。"
    elif d.pattern == 1:
        problem = f"{d.obj.ja}の{d.task.ja}のための{d.noun.ja}を提供する。"
    else:
        problem = f"{d.obj.ja}の{d.task.ja}を自動化する{d.noun.ja}を提供する。"
    converted = f"{d.obj.ja}から取得した{d.inputs[0].ja}及び{d.inputs[1].ja}を{d.features[0].ja}及び{d.features[1].ja}に変換する。"
    estimated = f"{d.learning.ja}により過去の履歴データで学習した{d.method.ja}が、{d.estimated.ja}から{d.outputs[0].ja}を推定する。"
    solution = [estimated, converted] if d.swapped else [converted, estimated]
    if d.keywords:
        solution.append(f"一実施形態では、モデルは{'及び'.join(k.ja for k in d.keywords)}を用いる。")
    if d.secondary is not None:
        task, obj = d.secondary
        solution.append(f"同じモデルは{obj.ja}の{task.ja}にも用いられる。")
    solution.append(f"推定された{d.outputs[-1].ja}を作業者又は制御装置に提供することで、{d.effect.ja}。")
    return f"【課題】{problem}【解決手段】{''.join(solution)}【選択図】図1"


def _chinese(d: _Draws, title: str) -> str:
    """A CNIPA-style abstract: "本发明公开了一种…", then how it works and what it achieves."""
    if d.pattern == 0:
        opening = f"本发明公开了一种{title}。"
    elif d.pattern == 1:
        opening = f"本发明提供一种{d.obj.zh}的{d.task.zh}{d.noun.zh}。"
    else:
        opening = f"本申请涉及一种{d.obj.zh}{d.task.zh}{d.noun.zh}。"
    converted = f"从{d.obj.zh}获取{d.inputs[0].zh}和{d.inputs[1].zh}，并将其转换为{d.features[0].zh}和{d.features[1].zh}。"
    estimated = f"利用{d.learning.zh}在历史数据上训练的{d.method.zh}根据{d.estimated.zh}估计{d.outputs[0].zh}。"
    sentences = [opening, estimated, converted] if d.swapped else [opening, converted, estimated]
    if d.keywords:
        sentences.append(f"在一个实施例中，所述模型采用{'和'.join(k.zh for k in d.keywords)}。")
    if d.secondary is not None:
        task, obj = d.secondary
        sentences.append(f"所述模型还可用于{obj.zh}的{task.zh}。")
    sentences.append(f"将估计的{d.outputs[-1].zh}提供给操作人员或控制器，从而{d.effect.zh}。")
    return "".join(sentences)


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
