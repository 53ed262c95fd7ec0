"""Relevance scoring of search hits and the analyst's labels files.

The vectors are hand-made unit vectors in 4 dimensions, chosen so that every cosine is a short
decimal computed by hand (e.g. (0.6, 0.8, 0, 0) · (1, 0, 0, 0) = 0.6).
"""

from __future__ import annotations

import numpy as np
import pytest

from roadmap_pipeline.lib.screening import LabelsError, Reference, read_labels, score_candidates

E1, E2, E3, E4 = np.eye(4, dtype=np.float32)
DESCRIPTION = E1

# Cosine to the description:       1.0    0.6    0.28   0.0    0.8
CANDIDATES = np.array(
    [
        [1.0, 0.0, 0.0, 0.0],
        [0.6, 0.8, 0.0, 0.0],
        [0.28, 0.96, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.8, 0.0, 0.0, 0.6],
    ],
    dtype=np.float32,
)
SIMILARITY = [1.0, 0.6, 0.28, 0.0, 0.8]

# Two exclusion texts: one along E2, one between E3 and E4.
EXCLUDES = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.6, 0.8]], dtype=np.float32)
# Highest cosine to an exclusion, per candidate: max(0, 0), max(0.8, 0), max(0.96, 0),
# max(0, 0.6), max(0, 0.48).
EXCLUSION = [0.0, 0.8, 0.96, 0.6, 0.48]


def test_description_only_scores_the_cosine_against_the_default_threshold():
    scores = score_candidates(CANDIDATES, DESCRIPTION)
    assert scores.method == "description"
    assert scores.threshold == pytest.approx(0.40)
    assert scores.exclusion is None
    assert scores.relevance == pytest.approx(SIMILARITY, abs=1e-6)
    assert scores.similarity == pytest.approx(SIMILARITY, abs=1e-6)
    assert scores.is_valid.tolist() == [True, True, False, False, True]
    assert "no exclusions" in scores.note


def test_exclusions_subtract_the_highest_exclusion_similarity():
    scores = score_candidates(CANDIDATES, DESCRIPTION, excludes=EXCLUDES)
    assert scores.method == "description_vs_exclude"
    assert scores.threshold == 0.0
    assert scores.similarity == pytest.approx(SIMILARITY, abs=1e-6)
    assert scores.exclusion == pytest.approx(EXCLUSION, abs=1e-6)
    # 1 - 0, 0.6 - 0.8, 0.28 - 0.96, 0 - 0.6, 0.8 - 0.48
    assert scores.relevance == pytest.approx([1.0, -0.2, -0.68, -0.6, 0.32], abs=1e-6)
    assert scores.relevance.dtype == np.float32
    assert "2 exclusion(s)" in scores.note


def test_a_candidate_closer_to_an_exclusion_than_to_the_description_is_not_valid():
    # The second candidate passes on the description alone (0.6 >= 0.40) but is closer to an
    # exclusion (0.8), so it is screened out once the exclusions are given.
    alone = score_candidates(CANDIDATES, DESCRIPTION).is_valid
    with_excludes = score_candidates(CANDIDATES, DESCRIPTION, excludes=EXCLUDES).is_valid
    assert alone[1] and not with_excludes[1]
    assert with_excludes.tolist() == [True, False, False, False, True]


def test_an_empty_exclusion_array_means_no_exclusions():
    scores = score_candidates(CANDIDATES, DESCRIPTION, excludes=np.zeros((0, 4), dtype=np.float32))
    assert scores.method == "description"
    assert scores.exclusion is None


@pytest.mark.parametrize(
    ("excludes", "threshold", "valid"),
    [
        (None, 0.7, [True, False, False, False, True]),
        # 0.0 is a real override, not "no override": the orthogonal candidate (cosine 0) passes.
        (None, 0.0, [True, True, True, True, True]),
        (EXCLUDES, 0.5, [True, False, False, False, False]),
        (EXCLUDES, -0.3, [True, True, False, False, True]),
    ],
)
def test_threshold_override(excludes, threshold, valid):
    scores = score_candidates(CANDIDATES, DESCRIPTION, excludes=excludes, threshold=threshold)
    assert scores.threshold == threshold
    assert scores.is_valid.tolist() == valid


@pytest.mark.parametrize("excludes", [None, EXCLUDES])
def test_no_candidates(excludes):
    scores = score_candidates(np.zeros((0, 4), dtype=np.float32), DESCRIPTION, excludes=excludes)
    assert scores.relevance.shape == (0,)
    assert scores.similarity.shape == (0,)
    assert scores.is_valid.shape == (0,)
    if excludes is not None:
        assert scores.exclusion.shape == (0,)


# --- candidates in several languages ---------------------------------------------------------------

# English description E1 with exclusion E3; its Korean translation E2 with exclusion E4.
KOREAN = Reference(E2, E4[None, :])


def test_each_candidate_is_compared_with_the_texts_of_its_own_language():
    candidates = np.array(
        [
            [1.0, 0.0, 0.0, 0.0],  # en: 1 - 0
            [0.6, 0.8, 0.0, 0.0],  # ko: 0.8 - 0 (0.6 against the English texts)
            [0.0, 0.6, 0.0, 0.8],  # ko: 0.6 - 0.8, closer to the Korean exclusion
            [0.8, 0.0, 0.6, 0.0],  # unknown language: English texts, 0.8 - 0.6
            [0.0, 0.8, 0.6, 0.0],  # de, not in the taxonomy: English texts, 0 - 0.6
        ],
        dtype=np.float32,
    )
    scores = score_candidates(
        candidates, E1, E3[None, :], languages=["en", "ko", "ko", None, "de"], translations={"ko": KOREAN}
    )
    assert scores.reference.tolist() == ["en", "ko", "ko", "en", "en"]
    assert scores.similarity == pytest.approx([1.0, 0.8, 0.6, 0.8, 0.0], abs=1e-6)
    assert scores.exclusion == pytest.approx([0.0, 0.0, 0.8, 0.6, 0.6], abs=1e-6)
    assert scores.relevance == pytest.approx([1.0, 0.8, -0.2, 0.2, -0.6], abs=1e-6)
    assert scores.is_valid.tolist() == [True, True, False, True, False]
    assert scores.note.endswith("in each candidate's language (en 3, ko 2)")


def test_without_languages_every_candidate_is_compared_with_the_english_texts():
    scores = score_candidates(CANDIDATES, DESCRIPTION, excludes=EXCLUDES, translations={"ko": KOREAN})
    assert scores.reference.tolist() == ["en"] * 5
    assert scores.relevance == pytest.approx([1.0, -0.2, -0.68, -0.6, 0.32], abs=1e-6)
    assert "language" not in scores.note


def test_a_translation_without_the_exclusions_of_the_english_texts_is_refused():
    with pytest.raises(ValueError, match="'ko' reference must have exclusions exactly when the English one does"):
        score_candidates(CANDIDATES, DESCRIPTION, excludes=EXCLUDES, languages=["ko"] * 5,
                         translations={"ko": Reference(E2)})


def test_a_language_per_candidate_is_required():
    with pytest.raises(ValueError, match="2 languages given for 5 candidates"):
        score_candidates(CANDIDATES, DESCRIPTION, languages=["en", "ko"])


# --- labelled families: the classifier -------------------------------------------------------------


def unit_rows(rows) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


# Valid families lie near E1, noise near E2, each with a little spread along E3/E4.
VALID_LABELLED = unit_rows([[1, 0.1, 0.1, 0], [1, 0, -0.1, 0.1], [1, 0.05, 0, -0.1], [1, -0.1, 0.05, 0.05]])
NOISE_LABELLED = unit_rows([[0.1, 1, 0, 0.1], [0, 1, 0.1, -0.1], [-0.1, 1, -0.05, 0], [0.05, 1, 0.1, 0.05]])
NEAR_VALID = unit_rows([[1, 0.2, 0, 0], [0.9, 0, 0.3, 0.1]])
NEAR_NOISE = unit_rows([[0.2, 1, 0, 0], [0, 0.9, 0.1, 0.3]])


def labelled_set(n_valid: int, n_noise: int) -> tuple[np.ndarray, np.ndarray]:
    vectors = np.vstack([VALID_LABELLED[:n_valid], NOISE_LABELLED[:n_noise]])
    labels = np.array([True] * n_valid + [False] * n_noise)
    return vectors, labels


def test_enough_labels_train_a_classifier_that_separates_the_two_directions():
    candidates = np.vstack([NEAR_VALID, NEAR_NOISE])
    # A description far from both directions: only the labels can tell the candidates apart.
    scores = score_candidates(candidates, E3, excludes=EXCLUDES, labelled=labelled_set(3, 3))
    assert scores.method == "classifier"
    assert scores.threshold == 0.5
    assert (scores.relevance[:2] > 0.5).all(), scores.relevance
    assert (scores.relevance[2:] < 0.5).all(), scores.relevance
    assert ((scores.relevance >= 0) & (scores.relevance <= 1)).all()
    assert scores.is_valid.tolist() == [True, True, False, False]
    assert "3 valid and 3 noise" in scores.note
    # The similarity to the description is still reported next to the classifier's probability.
    assert scores.similarity == pytest.approx(candidates @ E3, abs=1e-6)


def test_classifier_is_deterministic_and_takes_a_threshold_override():
    candidates = np.vstack([NEAR_VALID, NEAR_NOISE])
    first = score_candidates(candidates, DESCRIPTION, labelled=labelled_set(4, 4), threshold=0.9)
    second = score_candidates(candidates, DESCRIPTION, labelled=labelled_set(4, 4), threshold=0.9)
    assert first.threshold == 0.9
    np.testing.assert_array_equal(first.relevance, second.relevance)


def test_classifier_with_no_candidates():
    scores = score_candidates(np.zeros((0, 4), dtype=np.float32), DESCRIPTION, labelled=labelled_set(3, 3))
    assert scores.method == "classifier"
    assert scores.relevance.shape == (0,)


def test_noise_verdicts_alone_train_a_classifier_with_the_unjudged_candidates_as_valid():
    # The unjudged candidates, mostly valid as a search expression's hits are, stand in for the
    # valid families: three noise verdicts are enough.
    candidates = np.vstack([NEAR_VALID, VALID_LABELLED, NEAR_NOISE])
    scores = score_candidates(candidates, E3, labelled=labelled_set(0, 3))
    assert scores.method == "classifier"
    assert scores.is_valid.tolist() == [True] * 6 + [False, False], scores.relevance
    assert "0 valid and 3 noise" in scores.note and "8 unjudged candidates" in scores.note


def test_judged_candidates_are_not_also_taken_as_unjudged():
    candidates = np.vstack([NEAR_VALID, VALID_LABELLED, NEAR_NOISE, NOISE_LABELLED[:3]])
    judged = np.array([False] * 8 + [True] * 3)
    scores = score_candidates(candidates, E3, labelled=labelled_set(0, 3), labelled_candidates=judged)
    assert "8 unjudged candidates" in scores.note
    assert scores.is_valid.tolist() == [True] * 6 + [False] * 5, scores.relevance


@pytest.mark.parametrize(("n_valid", "n_noise"), [(4, 2), (4, 0)])
def test_too_few_labels_fall_back_to_the_description_and_say_so(n_valid, n_noise):
    scores = score_candidates(CANDIDATES, DESCRIPTION, labelled=labelled_set(n_valid, n_noise))
    assert scores.method == "description"
    assert scores.threshold == pytest.approx(0.40)
    assert scores.relevance == pytest.approx(SIMILARITY, abs=1e-6)
    assert scores.note.startswith(f"labels ignored: {n_valid} valid and {n_noise} noise")


def test_too_few_labels_fall_back_to_the_exclusions_when_given():
    scores = score_candidates(CANDIDATES, DESCRIPTION, excludes=EXCLUDES, labelled=labelled_set(3, 2))
    assert scores.method == "description_vs_exclude"
    assert scores.relevance == pytest.approx([1.0, -0.2, -0.68, -0.6, 0.32], abs=1e-6)
    assert scores.note.startswith("labels ignored: 3 valid and 2 noise")
    assert "exclusion" in scores.note


# --- labels files ---------------------------------------------------------------------------------


def write_labels(tmp_path, text: str, bom: bool = False):
    path = tmp_path / "design.process_design.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_read_labels_accepts_every_spelling(tmp_path):
    path = write_labels(
        tmp_path,
        "family_id,label\n"
        "F1,valid\nF2,VALID\nF3,1\nF4,유효\nF5,true\n"
        "F6,noise\nF7, Noise \nF8,0\nF9,노이즈\nF10,무효\n",
    )
    assert read_labels(path) == {
        "F1": True, "F2": True, "F3": True, "F4": True, "F5": True,
        "F6": False, "F7": False, "F8": False, "F9": False, "F10": False,
    }


def test_read_labels_with_a_byte_order_mark_and_extra_columns(tmp_path):
    # Spreadsheet exports on Windows start with a BOM, which would otherwise glue onto 'family_id'.
    path = write_labels(tmp_path, "note,label,family_id\r\nrobot arm,유효,KR-1\r\n\"a, b\",노이즈,US-2\r\n", bom=True)
    assert read_labels(path) == {"KR-1": True, "US-2": False}


def test_a_missing_labels_file_means_no_labels(tmp_path):
    assert read_labels(tmp_path / "absent.csv") == {}


@pytest.mark.parametrize("text", ["id,label\nF1,valid\n", "family_id;label\nF1;valid\n", ""])
def test_a_bad_header_is_named(tmp_path, text):
    path = write_labels(tmp_path, text)
    with pytest.raises(LabelsError, match="header must name the columns family_id and label") as caught:
        read_labels(path)
    assert str(path) in str(caught.value)


def test_an_empty_family_id_names_file_and_line(tmp_path):
    path = write_labels(tmp_path, "family_id,label\nF1,valid\n  ,noise\n")
    with pytest.raises(LabelsError) as caught:
        read_labels(path)
    assert str(caught.value) == f"{path}:3: empty family_id"


def test_an_unknown_label_names_file_line_and_value(tmp_path):
    path = write_labels(tmp_path, "family_id,label\nF1,valid\nF2,noise\nF3,Maybe\n")
    with pytest.raises(LabelsError) as caught:
        read_labels(path)
    assert str(caught.value) == f"{path}:4: label 'maybe' is neither valid nor noise"


def test_a_missing_label_value_is_an_unknown_label(tmp_path):
    path = write_labels(tmp_path, "family_id,label\nF1\n")
    with pytest.raises(LabelsError, match=":2: label '' is neither valid nor noise"):
        read_labels(path)


def test_the_line_number_counts_blank_lines_and_quoted_line_breaks(tmp_path):
    # The faulty row is on line 6 of the file: a blank line and a quoted note spanning two lines
    # come before it.
    path = write_labels(tmp_path, 'family_id,label,note\nF1,valid,\n\nF2,noise,"two\nlines"\nF3,perhaps,\n')
    with pytest.raises(LabelsError) as caught:
        read_labels(path)
    assert str(caught.value) == f"{path}:6: label 'perhaps' is neither valid nor noise"
