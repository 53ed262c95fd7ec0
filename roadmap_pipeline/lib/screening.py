"""Valid-patent screening (유효특허 선별): a relevance score for each search hit, and the threshold.

Three ways to score, chosen per subclass by what the analyst supplied:

- ``description``: cosine similarity of the family's embedding to the subclass description.
- ``description_vs_exclude``: that similarity minus the highest similarity to the subclass's
  ``exclude`` texts (what the expression also catches but is out of scope). A family about another
  field that shares the query's words is closer to an exclusion than to the description, so its
  score falls below 0 whatever the field's general similarity level is. Measured on the demo corpus
  (1,808 families, 1,920 candidates): at threshold 0.40 on ``description`` alone, precision 0.93 and
  recall 0.94 overall but 0.66 recall in one subclass and 0.85 precision in another; with exclusions at
  0.0, 0.99 and 0.99 overall and at least 0.91 in every subclass.
- ``classifier``: where the analyst judged at least 3 candidates noise (verdicts in ``data/labels``,
  see lib/review.py), a logistic regression on embeddings, as in automated patent landscaping; the
  score is the probability of ``valid``. Trained on the judged families and, weighted 0.2 as valid,
  every other candidate: the search expression's hits are mostly valid, so with a handful of
  verdicts the unjudged hits teach the model what the subclass looks like and the noise verdicts what
  it does not (positive-unlabelled learning). Measured on the demo corpus with its exclusions removed
  (bench/review_bench.py, multilingual-e5-small, a simulated analyst returning review workbooks in
  their order): after 10 / 20 verdicts per subclass precision 0.937 / 0.979 and recall 0.993 / 0.993
  overall (0.993 is the search expressions' own recall); trained on the judged families alone, recall
  was 0.724 after 10 verdicts (precision 0.958) and 0.973 after 20 (0.998): a few verdicts, mostly
  noise near the threshold, do not describe the valid families. Embeddings are standardized over the
  subclass's candidates first: the model's cosines all sit near 0.8, and unscaled the regression
  barely moves from 0.5.

Exclusions are written like the description (the taxonomy file's header says how). With
multilingual-e5-small every two patents sit at a cosine near 0.8 and relevance is a difference of a
few hundredths, so what the two texts do not share decides it. Exclusions that named only the
out-of-scope field ("quality of service of video streaming") against descriptions that name the
artificial intelligence every candidate of the expression has put planted English noise at +0.01 to
+0.03 in four subclasses of the demo corpus: English families 0.960 precision / 0.991 recall,
quality control 0.885 and AGV routing 0.895 precision (all-MiniLM-L6-v2: 0.992 / 0.985). Each
exclusion rewritten as "Artificial intelligence for <the same field>" in its four languages: English
0.985 / 0.989, Korean 0.989 / 0.995, Japanese 1.000 / 1.000, Chinese 0.985 / 1.000, quality control
still 0.899 (its noise says "quality control of video streaming"); that exclusion in the
expression's own term as well, English 0.995 / 0.989 and every subclass at least 0.970 / 0.971 (the
candidates re-scored; the pipeline's figures are in the README). The wording of that one exclusion
was chosen after seeing its noise. Measured on the same candidates with the former exclusions and
not taken, each for the reason given: centring the vectors on the mean of the subclass's candidates
(their mean is the subclass's own topic, so the description loses its direction: English 1.000 /
0.772) or on the mean of every subclass's candidates of the language (1.000 / 0.891); e5's passage
prefix for the patents, its query prefix for the descriptions (quality control 0.983 precision, but
recall 0.867 in production scheduling and 0.753 in process design, and every text embedded twice,
since clusters need the symmetric prefix); a threshold per subclass at the split of a two-component
Gaussian mixture of the relevances (English 0.992 / 0.989, but Korean recall 0.910, as native
families' relevance sits on another level, and with the rewritten exclusions it split valid families
apart: defect classification recall 0.81); each reference text moved towards its 5 nearest
candidates (English 1.000 / 0.964, Korean 1.000 / 0.904). With all-MiniLM-L6-v2 the rewritten
exclusions cost recall in AGV routing (0.90 → 0.62: it puts artificial intelligence for self-driving
cars next to AGV path planning): English 1.000 / 0.967.

Languages: a candidate is compared with the description and exclusions in its own text language
where the taxonomy gives them, else in English. A multilingual model puts a Korean abstract nearer
to Korean texts than to English ones whatever they say, so similarities to the English texts alone
sit lower for native-language families. Chosen by measurement on the demo corpus's native-only
families (bench/language_bench.py --strategies; precision / recall at threshold 0 over the
candidates of every subclass, English families 0.954 / 0.991 whatever the choice): with
multilingual-e5-small the own-language texts gave Chinese 0.956 / 1.000 against 0.910 / 1.000 for
the English texts and 0.929 for the mean over the four languages (the highest similarity over them
gave the own-language figures), Korean 0.944 / 0.995 against 0.959 / 0.989, Japanese 1.000 / 1.000
with all; with USE multilingual v3 Korean 0.945 / 1.000 against 0.922 with the English texts, the
highest or the mean. Comparing like with like also keeps the evidence plain ("Korean texts").
The classifier needs no such choice: trained on English labels alone (15 valid and 8 noise per
subclass) it screened the native families of the demo at precision 0.969 or more and recall 0.976 or
more with e5, since the labels teach it the topic, not the language.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_THRESHOLDS = {"description": 0.40, "description_vs_exclude": 0.0, "classifier": 0.5}
MIN_LABELS_PER_CLASS = 3
# Weight of an unjudged candidate, taken as valid, against an analyst's verdict (1).
UNJUDGED_WEIGHT = 0.2
# Words for an analyst's verdict, in any case (the review workbook offers valid/noise and 유효/노이즈).
VALID_WORDS = frozenset({"valid", "1", "true", "yes", "y", "유효"})
NOISE_WORDS = frozenset({"noise", "0", "false", "no", "n", "노이즈", "무효"})


class LabelsError(ValueError):
    """A labels file that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Reference:
    """A description and its exclusions in one language, embedded: what candidates are compared with."""

    description: np.ndarray
    excludes: np.ndarray | None = None


@dataclass(frozen=True)
class Scores:
    """Relevance of each candidate and how it was computed.

    `reference` names, per candidate, the language of the description and exclusions it was compared
    with (its own text language where the taxonomy gives that language, else English).
    """

    relevance: np.ndarray
    similarity: np.ndarray
    exclusion: np.ndarray | None
    method: str
    threshold: float
    note: str
    reference: np.ndarray

    @property
    def is_valid(self) -> np.ndarray:
        return self.relevance >= self.threshold


def score_candidates(
    candidates: np.ndarray,
    description: np.ndarray,
    excludes: np.ndarray | None = None,
    labelled: tuple[np.ndarray, np.ndarray] | None = None,
    threshold: float | None = None,
    seed: int = 0,
    languages: Sequence[str | None] | None = None,
    translations: Mapping[str, Reference] | None = None,
    labelled_candidates: np.ndarray | None = None,
) -> Scores:
    """Score candidate families for one subclass.

    Each candidate is compared with the description and exclusions in its own text language where
    `translations` has that language, else with the English ones. With a multilingual model a text
    is nearer to any text of its own language than to a translation of it (Korean abstracts score
    lower against an English description whatever they say), so one threshold on similarities to
    English texts screens native-language families differently from English ones.

    Args:
        candidates: (n, d) L2-normalized embeddings of the candidates.
        description: (d,) normalized embedding of the English subclass description.
        excludes: (k, d) normalized embeddings of the English exclusion texts, or None.
        labelled: (vectors (m, d), labels (m,) bool: True = valid) from the analyst's labels, or None.
        threshold: overrides the method's default threshold.
        seed: for the classifier's solver (deterministic).
        languages: (n,) text language of each candidate (ISO 639-1; None when unknown); None when all
            are English.
        translations: language → its description and exclusions, embedded; each must have
            exclusions exactly when the English description does.
        labelled_candidates: (n,) bool, True for candidates among `labelled` (left out of the
            unjudged candidates the classifier takes as weakly valid); None: none of them.
    """
    n = len(candidates)
    english = Reference(description, excludes if excludes is not None and len(excludes) else None)
    references = {"en": english, **(translations or {})}
    for lang, reference in references.items():
        if (reference.excludes is None) != (english.excludes is None):
            raise ValueError(f"the {lang!r} reference must have exclusions exactly when the English one does")
    used = np.array(
        [lang if lang in references else "en" for lang in (languages if languages is not None else ["en"] * n)],
        dtype=object,
    )
    if len(used) != n:
        raise ValueError(f"{len(used)} languages given for {n} candidates")
    similarity = np.zeros(n, dtype=np.float32)
    exclusion = None if english.excludes is None else np.zeros(n, dtype=np.float32)
    for lang, reference in references.items():
        rows = used == lang
        if not rows.any():
            continue
        similarity[rows] = candidates[rows] @ reference.description
        if exclusion is not None:
            exclusion[rows] = (candidates[rows] @ reference.excludes.T).max(axis=1)
    languages_note = _languages_note(used)
    note = ""
    if labelled is not None:
        vectors, labels = labelled
        n_valid, n_noise = int(labels.sum()), int((~labels).sum())
        if n_noise >= MIN_LABELS_PER_CLASS:
            judged = np.zeros(n, dtype=bool) if labelled_candidates is None else np.asarray(labelled_candidates, dtype=bool)
            relevance = _classify(vectors, labels, candidates, judged, seed)
            return Scores(relevance, similarity, exclusion, "classifier",
                          _threshold("classifier", threshold),
                          f"logistic regression on {n_valid} valid and {n_noise} noise labelled families"
                          f" and {int((~judged).sum())} unjudged candidates weighted {UNJUDGED_WEIGHT} as valid", used)
        note = (f"labels ignored: {n_valid} valid and {n_noise} noise labelled families found, "
                f"at least {MIN_LABELS_PER_CLASS} noise are needed; ")
    if exclusion is not None:
        method = "description_vs_exclude"
        relevance = similarity - exclusion
        note += f"similarity to the description minus the highest of {len(english.excludes)} exclusion(s)"
    else:
        method = "description"
        relevance = similarity
        note += "similarity to the description (no exclusions given)"
    return Scores(relevance.astype(np.float32), similarity, exclusion, method, _threshold(method, threshold),
                  note + languages_note, used)


def _languages_note(used: np.ndarray) -> str:
    """', in each candidate's language (ko 12, en 30)' where any candidate is compared in another language than English."""
    languages, counts = np.unique(used.astype(str), return_counts=True)
    if set(languages) <= {"en"}:
        return ""
    return ", in each candidate's language (" + ", ".join(f"{l} {c}" for l, c in zip(languages, counts)) + ")"


def _threshold(method: str, override: float | None) -> float:
    return DEFAULT_THRESHOLDS[method] if override is None else float(override)


def _classify(vectors: np.ndarray, labels: np.ndarray, candidates: np.ndarray, judged: np.ndarray,
              seed: int) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    if not len(candidates):
        return np.zeros(0, dtype=np.float32)
    unjudged = candidates[~judged]
    features = np.vstack([vectors, unjudged])
    target = np.concatenate([labels.astype(int), np.ones(len(unjudged), dtype=int)])
    weight = np.concatenate([np.ones(len(vectors)), np.full(len(unjudged), UNJUDGED_WEIGHT)])
    scaler = StandardScaler().fit(np.vstack([candidates, vectors]))
    model = LogisticRegression(C=0.1, class_weight="balanced", max_iter=2000, random_state=seed)
    model.fit(scaler.transform(features), target, sample_weight=weight)
    return model.predict_proba(scaler.transform(candidates))[:, 1].astype(np.float32)


def read_labels(path: Path) -> dict[str, bool]:
    """Analyst labels of one subclass: ``family_id,label`` rows, label valid/noise (or 1/0, 유효/노이즈).

    Returns:
        family_id → True for valid, False for noise; {} when the file does not exist.

    Raises:
        LabelsError: a row without a family id or with an unknown label (file and line named).
    """
    if not path.is_file():
        return {}
    labels: dict[str, bool] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"family_id", "label"} <= set(reader.fieldnames):
            raise LabelsError(f"{path}: the header must name the columns family_id and label")
        for row in reader:
            # The reader's own count: blank lines and quoted line breaks shift it from the row count.
            line = reader.line_num
            family, label = (row.get("family_id") or "").strip(), (row.get("label") or "").strip().lower()
            if not family:
                raise LabelsError(f"{path}:{line}: empty family_id")
            if label in VALID_WORDS:
                labels[family] = True
            elif label in NOISE_WORDS:
                labels[family] = False
            else:
                raise LabelsError(f"{path}:{line}: label {label!r} is neither valid nor noise")
    return labels
