# Clustering: CSV/IDX readers, k-NN affinity graphs, clustering metrics, the expected-normalized-cut
# loss, k-means and spectral baselines, and the learned clusterer (issue 6, part B).
tessera_library(tessera_cluster
  SOURCES
    src/io/csv_reader.cpp
    src/io/idx_reader.cpp
    src/problems/cluster_dataset.cpp
    src/problems/feature_transform.cpp
    src/problems/affinity_graph.cpp
    src/cost/hungarian.cpp
    src/cost/clustering_metrics.cpp
    src/cost/minibatch_ncut_loss.cpp
    src/heuristics/kmeans.cpp
    src/heuristics/spectral_clustering.cpp
    src/heuristics/nystrom_extension.cpp
    src/nn/ncut_clusterer.cpp
    src/learn/ncut_trainer.cpp
  DEPS tessera_core
)

tessera_test(cluster_tests
  SOURCES
    tests/io/csv_reader_test.cpp
    tests/io/idx_reader_test.cpp
    tests/problems/cluster_dataset_test.cpp
    tests/problems/affinity_graph_test.cpp
    tests/cost/hungarian_test.cpp
    tests/cost/clustering_metrics_test.cpp
    tests/cost/minibatch_ncut_loss_test.cpp
    tests/heuristics/kmeans_test.cpp
    tests/heuristics/spectral_clustering_test.cpp
    tests/heuristics/nystrom_extension_test.cpp
    tests/learn/ncut_trainer_test.cpp
  DEPS tessera_cluster
)

tessera_cli_module(cluster tessera_cluster src/cli/cluster_command.cpp)
