# Learned device placement (issue 4): the GDP policy (GraphSAGE + segment-recurrent attention, PPO,
# batch pre-training / zero-shot / fine-tuning) and the 2017 seq2seq placer (REINFORCE), registered as
# methods "gdp" and "rl2017" of the devices placer registry, plus `tessera devices train`.
if(NOT TARGET tessera_devices)
  message(WARNING "devices_rl needs the devices module; enable it too (-DTESSERA_ENABLED_MODULES=\"core;devices;devices_rl\")")
  return()
endif()
tessera_library(tessera_devices_rl
  SOURCES
    src/nn/gdp_policy.cpp
    src/nn/seq2seq_placer.cpp
    src/problems/placement_features.cpp
    src/problems/dataflow_generator.cpp
    src/learn/gdp_trainer.cpp
    src/learn/rl2017_trainer.cpp
    src/learn/device_learned_placers.cpp
  DEPS tessera_devices tessera_core
)
# The shipped model (models/gdp_devplace.pt) is found relative to the source tree as a last resort.
set_source_files_properties(src/learn/device_learned_placers.cpp PROPERTIES
  COMPILE_DEFINITIONS "TESSERA_SOURCE_DIR=\"${CMAKE_SOURCE_DIR}\"")

tessera_test(devices_rl_tests
  SOURCES
    tests/nn/gdp_policy_test.cpp
    tests/nn/seq2seq_placer_test.cpp
    tests/problems/placement_features_test.cpp
    tests/problems/dataflow_generator_test.cpp
    tests/learn/gdp_trainer_test.cpp
    tests/learn/rl2017_trainer_test.cpp
    tests/learn/device_learned_placers_test.cpp
  DEPS tessera_devices_rl
)

tessera_cli_module(devices_rl tessera_devices_rl src/cli/devices_rl_command.cpp)
