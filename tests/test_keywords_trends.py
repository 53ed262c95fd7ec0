"""Time windows and keyword trends per cluster, against a hand computation."""

from math import log

import polars as pl
import pytest

from roadmap_pipeline.lib.keywords import (
    consecutive_windows,
    keyword_trends,
    sliding_windows,
    yearly_windows,
)

# Cluster totals: 0 -> robot 3, arm 2, sensor 1 (6 words); 1 -> sensor 1, fault 3 (4);
# -1 -> noise 1 (1). A = int(11 / 3) = 3; f: robot 3, arm 2, sensor 2, fault 3, noise 1.
DOCS = pl.DataFrame(
    {
        "cluster_id": [0, 0, 0, 1, 1, -1],
        "year": [2015, 2016, 2017, 2016, 2017, 2016],
        "tokens": [
            ["robot", "arm"],
            ["robot", "robot"],
            ["arm", "sensor"],
            ["sensor", "fault"],
            ["fault", "fault"],
            ["noise"],
        ],
    }
)
IDF = {"robot": log(1 + 3 / 3), "arm": log(1 + 3 / 2), "sensor": log(1 + 3 / 2), "fault": log(1 + 3 / 3)}


def test_yearly_windows():
    assert yearly_windows(2015, 2017) == [(2015, 2015), (2016, 2016), (2017, 2017)]


def test_sliding_windows():
    assert sliding_windows(2015, 2020, 3) == [(2015, 2017), (2016, 2018), (2017, 2019), (2018, 2020)]
    assert sliding_windows(2015, 2020, 3, step=2) == [(2015, 2017), (2017, 2019)]
    assert sliding_windows(2015, 2016, 3) == []


def test_consecutive_windows_end_at_the_last_year():
    assert consecutive_windows(2011, 2020, 3) == [(2011, 2011), (2012, 2014), (2015, 2017), (2018, 2020)]
    assert consecutive_windows(2012, 2020, 3) == [(2012, 2014), (2015, 2017), (2018, 2020)]


@pytest.mark.parametrize("make", [lambda: sliding_windows(2015, 2020, 0), lambda: consecutive_windows(2015, 2020, 0)])
def test_windows_reject_a_zero_length(make):
    with pytest.raises(ValueError):
        make()


def test_yearly_trends_match_the_hand_computation():
    trends, _ = keyword_trends(DOCS, yearly_windows(2015, 2017), keywords_per_cluster=2)
    got = {(c, s, k): (w, f) for c, s, e, k, _, w, f in trends.iter_rows()}
    # Followed keywords: cluster 0 robot (3/6 ln 2 = 0.35) and arm (2/6 ln 2.5 = 0.31), not
    # sensor (0.15); cluster 1 fault and sensor. The outlier cluster is not reported.
    expected = {
        (0, 2015, "robot"): (1 / 2 * IDF["robot"], 1),
        (0, 2015, "arm"): (1 / 2 * IDF["arm"], 1),
        (0, 2016, "robot"): (2 / 2 * IDF["robot"], 2),
        (0, 2016, "arm"): (0.0, 0),
        (0, 2017, "robot"): (0.0, 0),
        (0, 2017, "arm"): (1 / 2 * IDF["arm"], 1),
        (1, 2015, "fault"): (0.0, 0),  # no document of cluster 1 in 2015
        (1, 2015, "sensor"): (0.0, 0),
        (1, 2016, "fault"): (1 / 2 * IDF["fault"], 1),
        (1, 2016, "sensor"): (1 / 2 * IDF["sensor"], 1),
        (1, 2017, "fault"): (2 / 2 * IDF["fault"], 2),
        (1, 2017, "sensor"): (0.0, 0),
    }
    assert got.keys() == expected.keys()
    for key, (weight, frequency) in expected.items():
        assert got[key][0] == pytest.approx(weight), key
        assert got[key][1] == frequency, key


def test_trend_columns_and_order():
    trends, sizes = keyword_trends(DOCS, yearly_windows(2015, 2017), keywords_per_cluster=2)
    assert trends.columns == ["cluster_id", "window_start", "window_end", "keyword", "language", "weight", "frequency"]
    assert sizes.columns == ["cluster_id", "window_start", "window_end", "n_documents"]
    first_window = trends.filter((pl.col("cluster_id") == 0) & (pl.col("window_start") == 2015))
    assert first_window["keyword"].to_list() == ["arm", "robot"]  # 0.46 > 0.35


def test_sizes_count_documents_with_zeros_for_empty_windows():
    _, sizes = keyword_trends(DOCS, yearly_windows(2015, 2017))
    assert sizes.select("cluster_id", "window_start", "n_documents").rows() == [
        (0, 2015, 1), (0, 2016, 1), (0, 2017, 1), (1, 2015, 0), (1, 2016, 1), (1, 2017, 1),
    ]


def test_overlapping_windows_count_a_document_in_each():
    trends, sizes = keyword_trends(DOCS, sliding_windows(2015, 2017, 2), keywords_per_cluster=2)
    assert sizes.filter(pl.col("cluster_id") == 0)["n_documents"].to_list() == [2, 2]
    robot = trends.filter((pl.col("cluster_id") == 0) & (pl.col("keyword") == "robot"))
    # 2015-2016: robot 3 of 4 words; 2016-2017: robot 2 of 4 words
    assert robot["weight"].to_list() == pytest.approx([3 / 4 * IDF["robot"], 2 / 4 * IDF["robot"]])


def test_outlier_cluster_reported_on_request():
    trends, sizes = keyword_trends(DOCS, yearly_windows(2016, 2016), include_outliers=True)
    noise = trends.filter(pl.col("cluster_id") == -1)
    assert noise["keyword"].to_list() == ["noise"]
    assert noise["weight"].item() == pytest.approx(log(1 + 3 / 1))
    assert sizes.filter(pl.col("cluster_id") == -1)["n_documents"].item() == 1


def test_documents_outside_the_windows_still_shape_the_idf():
    # Only 2017 is reported, but the followed keywords and their idf come from all years.
    trends, _ = keyword_trends(DOCS, yearly_windows(2017, 2017), keywords_per_cluster=2)
    arm = trends.filter((pl.col("cluster_id") == 0) & (pl.col("keyword") == "arm"))
    assert arm["weight"].item() == pytest.approx(1 / 2 * IDF["arm"])


def test_trends_weigh_each_language_against_its_own_words():
    # One cluster, 2016: robot robot | 로봇 관절; 2017: robot arm | 관절 관절.
    # English model: robot 3, arm 1 (4 words, A = 4); Korean model: 관절 3, 로봇 1 (4 words, A = 4).
    docs = pl.DataFrame({
        "cluster_id": [0, 0, 0, 0],
        "year": [2016, 2016, 2017, 2017],
        "language": ["en", "ko", "en", "ko"],
        "tokens": [["robot", "robot"], ["로봇", "관절"], ["robot", "arm"], ["관절", "관절"]],
    })
    trends, sizes = keyword_trends(docs, yearly_windows(2016, 2017))
    got = {(s, k): (lang, w) for _, s, _, k, lang, w, _ in trends.iter_rows()}
    many, once = log(1 + 4 / 3), log(1 + 4 / 1)
    expected = {
        (2016, "robot"): ("en", 2 / 2 * many), (2016, "arm"): ("en", 0.0),
        (2016, "관절"): ("ko", 1 / 2 * many), (2016, "로봇"): ("ko", 1 / 2 * once),
        (2017, "robot"): ("en", 1 / 2 * many), (2017, "arm"): ("en", 1 / 2 * once),
        (2017, "관절"): ("ko", 2 / 2 * many), (2017, "로봇"): ("ko", 0.0),
    }
    assert got.keys() == expected.keys()
    for key, (language, weight) in expected.items():
        assert got[key][0] == language and got[key][1] == pytest.approx(weight), key
    # a family writing in two languages is still one document of its cluster
    assert sizes["n_documents"].to_list() == [2, 2]


def test_each_language_follows_its_own_top_keywords():
    docs = pl.DataFrame({
        "cluster_id": [0] * 3,
        "year": [2017] * 3,
        "tokens": [["robot", "robot", "arm", "gripper"]] * 2 + [["로봇", "관절"]],
    })
    trends, _ = keyword_trends(docs, yearly_windows(2017, 2017), keywords_per_cluster=1)
    assert sorted(trends.select("language", "keyword").rows()) == [("en", "robot"), ("ko", "관절")]
