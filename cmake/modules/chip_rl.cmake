# Chip macro placement with deep RL (Circuit Training): the edge-centric GCN policy, the placement
# environment, the PPO trainer with pre-training/fine-tuning, the random netlist generator, the "rl"
# method of the chip placer registry and `tessera chip train`.
tessera_library(tessera_chip_rl
  SOURCES
    src/nn/chip_policy.cpp
    src/problems/chip_rl_env.cpp
    src/problems/random_netlist.cpp
    src/learn/chip_rl_trainer.cpp
    src/learn/chip_learned_placers.cpp
  DEPS tessera_chip tessera_core
)
# The shipped model (models/chip_rl.pt) is found from any working directory.
target_compile_definitions(tessera_chip_rl PRIVATE TESSERA_SOURCE_DIR="${CMAKE_SOURCE_DIR}")

tessera_test(chip_rl_tests
  SOURCES
    tests/nn/chip_policy_test.cpp
    tests/problems/chip_rl_env_test.cpp
    tests/problems/random_netlist_test.cpp
    tests/learn/chip_rl_trainer_test.cpp
    tests/learn/chip_learned_placers_test.cpp
  DEPS tessera_chip_rl
)

tessera_cli_module(chip_rl tessera_chip_rl src/cli/chip_rl_command.cpp)
