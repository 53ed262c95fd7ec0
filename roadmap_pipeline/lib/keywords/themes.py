"""Candidate R&D task themes: clusters ranked by growth, with their emerging keywords.

Growth of cluster c compares its recent years R (the last ``recent_years`` up to ``last_year``)
with the years before, B, relative to all clusters together — the same form as the subclass
growth indicator (기술부상도) of the indicators stage:

    growth_c = ln[ ((n_c^R + ½) / (n_c^B + ½)) / ((N^R + ½) / (N^B + ½)) ]

so 0 means "grows like the subclass", and the ½ keeps small clusters finite. A cluster's
emerging keywords are its eligible terms with a positive EScore, highest first.
"""

from __future__ import annotations

import polars as pl

from roadmap_pipeline.lib.keywords.ctfidf import OUTLIER_CLUSTER


def rank_task_themes(
    sizes: pl.DataFrame,
    emergence: pl.DataFrame,
    labels: pl.DataFrame | None = None,
    recent_years: int = 3,
    last_year: int | None = None,
    top_k: int = 5,
) -> pl.DataFrame:
    """Clusters ranked by growth, each with its top emerging keywords and its label.

    Args:
        sizes: ``cluster_id, window_start, window_end, n_documents`` as from
            :func:`~roadmap_pipeline.lib.keywords.trends.keyword_trends`; only one-year windows
            are used, so pass yearly windows (other windows are ignored).
        emergence: ``cluster_id, term, eligible, escore`` as from
            :func:`~roadmap_pipeline.lib.keywords.emergence.term_emergence` with
            ``keys=("cluster_id",)``.
        labels: Optional ``cluster_id, label`` (e.g. from ``cluster_labels``).
        recent_years: Length of the recent period R.
        last_year: Last year of R; default the last year in ``sizes``. Years after it are ignored.
        top_k: Emerging keywords kept per cluster.

    Returns:
        Columns ``cluster_id, growth, n_recent, n_before, top_emerging (list of str), label,
        rank``; rank 1 = fastest growing (ties by cluster id). The outlier cluster is left out.

    Raises:
        ValueError: ``sizes`` has no one-year window.
    """
    yearly = sizes.filter(
        (pl.col("window_start") == pl.col("window_end")) & (pl.col("cluster_id") != OUTLIER_CLUSTER)
    ).select("cluster_id", pl.col("window_start").alias("year"), "n_documents")
    if yearly.is_empty():
        raise ValueError("sizes has no one-year windows: compute them with yearly_windows()")
    end = int(yearly["year"].max()) if last_year is None else last_year
    first_recent = end - recent_years + 1
    periods = (
        yearly.filter(pl.col("year") <= end)
        .group_by("cluster_id")
        .agg(
            pl.col("n_documents").filter(pl.col("year") >= first_recent).sum().alias("n_recent"),
            pl.col("n_documents").filter(pl.col("year") < first_recent).sum().alias("n_before"),
        )
    )
    all_recent, all_before = periods["n_recent"].sum() + 0.5, periods["n_before"].sum() + 0.5
    overall = float(all_recent / all_before)

    emerging = (
        emergence.filter(pl.col("eligible") & (pl.col("escore") > 0))
        .sort("cluster_id", "escore", "term", descending=[False, True, False])
        .group_by("cluster_id", maintain_order=True)
        .agg(pl.col("term").head(top_k).alias("top_emerging"))
    )
    themes = periods.with_columns(
        (((pl.col("n_recent") + 0.5) / (pl.col("n_before") + 0.5)) / overall).log().alias("growth")
    ).join(emerging, on="cluster_id", how="left")
    themes = themes.with_columns(pl.col("top_emerging").fill_null(pl.lit([], dtype=pl.List(pl.String))))
    if labels is not None:
        themes = themes.join(labels.select("cluster_id", "label"), on="cluster_id", how="left")
    else:
        themes = themes.with_columns(pl.lit(None, dtype=pl.String).alias("label"))
    return (
        themes.sort(["growth", "cluster_id"], descending=[True, False])
        .with_row_index("rank", offset=1)
        .select("cluster_id", "growth", "n_recent", "n_before", "top_emerging", "label",
                pl.col("rank").cast(pl.Int64))
    )
