# Graph partitioning: METIS graph I/O, cut metrics and the GAP loss, FM/V-cycle refinement, graph
# generators, structural features, the GAP network and its trainer, the method registry.
tessera_library(tessera_partition
  SOURCES
    src/io/metis_graph_reader.cpp
    src/io/partition_file.cpp
    src/cost/partition_metrics.cpp
    src/cost/gap_loss.cpp
    src/graph/graph_coarsener.cpp
    src/graph/graph_generators.cpp
    src/heuristics/fm_refiner.cpp
    src/problems/partition_features.cpp
    src/problems/graph_partitioner.cpp
    src/nn/gap_model.cpp
    src/learn/gap_trainer.cpp
  DEPS tessera_core
)
# The shipped model is found beside the binary or, as a fallback, in the source tree.
target_compile_definitions(tessera_partition PRIVATE TESSERA_SOURCE_DIR="${CMAKE_SOURCE_DIR}")

tessera_test(partition_tests
  SOURCES
    tests/io/metis_graph_reader_test.cpp
    tests/io/partition_file_test.cpp
    tests/cost/partition_metrics_test.cpp
    tests/cost/gap_loss_test.cpp
    tests/graph/graph_coarsener_test.cpp
    tests/graph/graph_generators_test.cpp
    tests/heuristics/fm_refiner_test.cpp
    tests/problems/partition_features_test.cpp
    tests/problems/graph_partitioner_test.cpp
    tests/nn/gap_model_test.cpp
    tests/learn/gap_trainer_test.cpp
  DEPS tessera_partition
)

tessera_cli_module(partition tessera_partition src/cli/partition_command.cpp)
