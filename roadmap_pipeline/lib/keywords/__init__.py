"""Keywords of patent clusters: tokens, c-TF-IDF labels, trends per time window, emergence scores.

Pure functions on polars frames. Typical use for one subclass:

    tokens = tokenize_many(texts, languages)                       # English, Korean, Japanese, Chinese
    docs = pl.DataFrame({"cluster_id": ..., "year": ..., "language": ..., "tokens": tokens})
    labels = cluster_labels(top_terms(docs, n=10))                 # "a, b / 가, 나" per cluster
    trends, sizes = keyword_trends(docs, yearly_windows(2010, 2024))
    escores = term_emergence(by_language(docs), last_year=2024, keys=("cluster_id", "language"))
    themes = rank_task_themes(sizes, escores, labels)
"""

from roadmap_pipeline.lib.keywords.ctfidf import (
    OUTLIER_CLUSTER,
    by_language,
    class_idf,
    cluster_labels,
    cluster_term_counts,
    ctfidf,
    top_terms,
)
from roadmap_pipeline.lib.keywords.emergence import (
    EmergenceCriteria,
    emergence_scores,
    term_emergence,
    term_year_counts,
)
from roadmap_pipeline.lib.keywords.themes import rank_task_themes
from roadmap_pipeline.lib.keywords.tokenize import (
    is_korean,
    singular,
    text_language,
    tokenize,
    tokenize_chinese,
    tokenize_english,
    tokenize_japanese,
    tokenize_korean,
    tokenize_many,
)
from roadmap_pipeline.lib.keywords.trends import (
    consecutive_windows,
    keyword_trends,
    sliding_windows,
    yearly_windows,
)

__all__ = [
    "OUTLIER_CLUSTER",
    "EmergenceCriteria",
    "by_language",
    "class_idf",
    "cluster_labels",
    "cluster_term_counts",
    "consecutive_windows",
    "ctfidf",
    "emergence_scores",
    "is_korean",
    "keyword_trends",
    "rank_task_themes",
    "singular",
    "sliding_windows",
    "term_emergence",
    "term_year_counts",
    "text_language",
    "tokenize",
    "tokenize_chinese",
    "tokenize_english",
    "tokenize_japanese",
    "tokenize_korean",
    "tokenize_many",
    "top_terms",
    "yearly_windows",
]
