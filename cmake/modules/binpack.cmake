# Bin packing: readers, heuristics, simulated annealing, the learned packer (PPO) and RLHO.
tessera_library(tessera_binpack
  SOURCES
    src/problems/bin_packing_instance.cpp
    src/problems/bin_packing_generator.cpp
    src/problems/bin_packing_env.cpp
    src/io/bin_packing_reader.cpp
    src/io/bin_packing_optima.cpp
    src/io/bin_packing_svg.cpp
    src/cost/bin_packing_cost.cpp
    src/heuristics/bin_packing_heuristics.cpp
    src/heuristics/bin_packing_annealer.cpp
    src/nn/binpack_policy.cpp
    src/learn/binpack_trainer.cpp
    src/learn/binpack_rlho.cpp
  DEPS tessera_core
)
target_compile_definitions(tessera_binpack PRIVATE TESSERA_SOURCE_DIR="${CMAKE_SOURCE_DIR}")

tessera_test(binpack_tests
  SOURCES
    tests/io/bin_packing_reader_test.cpp
    tests/io/bin_packing_optima_test.cpp
    tests/io/bin_packing_svg_test.cpp
    tests/problems/bin_packing_instance_test.cpp
    tests/problems/bin_packing_env_test.cpp
    tests/cost/bin_packing_cost_test.cpp
    tests/heuristics/bin_packing_heuristics_test.cpp
    tests/heuristics/bin_packing_annealer_test.cpp
    tests/learn/binpack_trainer_test.cpp
  DEPS tessera_binpack
)

tessera_cli_module(binpack tessera_binpack src/cli/binpack_command.cpp)
