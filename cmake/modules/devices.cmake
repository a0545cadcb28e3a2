# Device placement, part 1 (issue 3): model graphs (ONNX, msr_dnn_partitioning, PipeDream), training
# expansion, clusters, the event-driven step simulator and the classical placers.
find_package(ONNX REQUIRED CONFIG)
find_package(Protobuf REQUIRED)
tessera_library(tessera_devices
  SOURCES
    src/problems/device_graph.cpp
    src/problems/training_graph.cpp
    src/problems/cluster.cpp
    src/io/onnx_model_reader.cpp
    src/io/device_model_reader.cpp
    src/io/placement_file.cpp
    src/cost/device_simulator.cpp
    src/cost/device_sim_report.cpp
    src/heuristics/device_placer.cpp
    src/heuristics/classical_device_placers.cpp
    src/heuristics/list_scheduling_placers.cpp
    src/heuristics/annealing_placer.cpp
    src/heuristics/memory_repair.cpp
  DEPS tessera_core
  PRIVATE_DEPS onnx onnx_proto protobuf::libprotobuf
)
# ONNX headers need these definitions (ONNX_ML=1, ONNX_NAMESPACE=onnx) only in the reader.
target_compile_definitions(tessera_devices PRIVATE ONNX_NAMESPACE=onnx ONNX_ML=1)

tessera_test(devices_tests
  SOURCES
    tests/problems/device_graph_test.cpp
    tests/problems/training_graph_test.cpp
    tests/problems/cluster_test.cpp
    tests/io/device_model_reader_test.cpp
    tests/io/placement_file_test.cpp
    tests/cost/device_simulator_test.cpp
    tests/heuristics/device_placer_test.cpp
  DEPS tessera_devices
)

tessera_cli_module(devices tessera_devices src/cli/devices_command.cpp)
if(TARGET devices_tests)
  # The reader test builds small ONNX models with protobuf.
  target_link_libraries(devices_tests PRIVATE onnx_proto protobuf::libprotobuf)
  target_compile_definitions(devices_tests PRIVATE ONNX_NAMESPACE=onnx ONNX_ML=1)
endif()
