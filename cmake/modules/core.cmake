# Core: utilities, graph model, shared neural layers, learning algorithms, CLI plumbing.
tessera_library(tessera_core
  SOURCES
    src/core/error.cpp
    src/core/log.cpp
    src/core/progress.cpp
    src/core/atomic_file.cpp
    src/core/text_reader.cpp
    src/core/parallel.cpp
    src/core/json.cpp
    src/core/svg.cpp
    src/graph/graph.cpp
    src/graph/graph_tensors.cpp
    src/cost/expected_ncut.cpp
    src/nn/mlp.cpp
    src/nn/sage_conv.cpp
    src/learn/checkpoint.cpp
    src/learn/ppo.cpp
    src/learn/training_log.cpp
    src/heuristics/metis_partitioner.cpp
    src/cli/common.cpp
  DEPS
    ${TORCH_LIBRARIES} fmt::fmt spdlog::spdlog nlohmann_json::nlohmann_json ZLIB::ZLIB Threads::Threads ${METIS_LIBRARY}
)
target_include_directories(tessera_core PUBLIC ${TORCH_INCLUDE_DIRS} ${METIS_INCLUDE_DIR})
if(TARGET CLI11::CLI11)
  target_link_libraries(tessera_core PUBLIC CLI11::CLI11)
endif()

if(TESSERA_BUILD_TESTS)
  # Test helpers shared by every module's tests (paths to ../shared/data, temp dirs).
  add_library(tessera_testing STATIC tests/testing.cpp)
  target_link_libraries(tessera_testing PUBLIC tessera_core GTest::gtest)
  target_compile_options(tessera_testing PRIVATE ${TESSERA_WARNINGS})
  target_precompile_headers(tessera_testing PRIVATE <torch/torch.h> <gtest/gtest.h> <vector> <string>)
endif()

tessera_test(core_tests
  SOURCES
    tests/core/text_reader_test.cpp
    tests/core/atomic_file_test.cpp
    tests/core/parallel_test.cpp
    tests/core/random_test.cpp
    tests/graph/graph_test.cpp
    tests/learn/ppo_test.cpp
    tests/learn/checkpoint_test.cpp
    tests/heuristics/metis_partitioner_test.cpp
  DEPS tessera_core
)
