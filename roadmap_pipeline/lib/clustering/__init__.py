"""Topic clustering of patent embeddings and the patent network export.

Each step sits behind a small interface, as in BERTopic: a `Reducer` (PCA, UMAP), a `Clusterer`
(HDBSCAN from one of three implementations), and `cluster_embeddings` combining them. `network`
builds the k-nearest-neighbour similarity graph and writes it for Gephi (GraphML) and VOSviewer.
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
from roadmap_pipeline.lib.clustering.network import knn_graph, layout_2d, write_graphml, write_vosviewer
from roadmap_pipeline.lib.clustering.reduce import PCAReducer, Reducer, UMAPReducer, umap_available

__all__ = [
    "Clusterer",
    "Clustering",
    "HDBSCANClusterer",
    "PCAReducer",
    "Reducer",
    "UMAPReducer",
    "cluster_embeddings",
    "default_min_cluster_size",
    "default_reducer",
    "knn_graph",
    "layout_2d",
    "umap_available",
    "write_graphml",
    "write_vosviewer",
]
