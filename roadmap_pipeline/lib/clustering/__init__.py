"""Topic clustering of patent embeddings and the patent network export.

Each step sits behind a small interface, as in BERTopic: a `Reducer` (PCA, UMAP), a `Clusterer`
(HDBSCAN from one of three implementations), and `cluster_embeddings` combining them.
`network` builds the k-nearest-neighbour similarity graph and writes it for Gephi (GraphML) and
VOSviewer. `incremental` makes a refresh cost in proportion to the change: `assign_to_clusters`
places new rows into an existing clustering by a nearest-neighbour vote, and
`update_neighbour_lists` brings the graph's neighbour lists up to date. `remove_language_offsets`
takes the language out of multilingual embeddings, so that topics cluster across languages.
Importing this package is cheap: scikit-learn, hdbscan and umap are imported when used.
"""

from roadmap_pipeline.lib.clustering.cluster import (
    Clusterer,
    Clustering,
    HDBSCANClusterer,
    cluster_embeddings,
    default_min_cluster_size,
    default_reducer,
)
from roadmap_pipeline.lib.clustering.incremental import (
    DEFAULT_NEIGHBOURS,
    assign_to_clusters,
    graph_from_neighbour_lists,
    neighbour_lists,
    update_neighbour_lists,
)
from roadmap_pipeline.lib.clustering.languages import LANGUAGE_PRIOR, remove_language_offsets
from roadmap_pipeline.lib.clustering.network import knn_graph, layout_2d, write_graphml, write_vosviewer
from roadmap_pipeline.lib.clustering.reduce import PCAReducer, Reducer, UMAPReducer, umap_available

__all__ = [
    "DEFAULT_NEIGHBOURS",
    "LANGUAGE_PRIOR",
    "Clusterer",
    "Clustering",
    "HDBSCANClusterer",
    "PCAReducer",
    "Reducer",
    "UMAPReducer",
    "assign_to_clusters",
    "cluster_embeddings",
    "default_min_cluster_size",
    "default_reducer",
    "graph_from_neighbour_lists",
    "knn_graph",
    "layout_2d",
    "neighbour_lists",
    "remove_language_offsets",
    "umap_available",
    "update_neighbour_lists",
    "write_graphml",
    "write_vosviewer",
]
