# Chip macro placement (Circuit Training problem): netlist/.plc/Bookshelf readers, the CT proxy cost
# (full + incremental), canvas and legality, force-directed soft-macro placement, classical placers
# (random, greedy, simulated annealing, coordinate-descent refinement), netlist clustering, pictures.
tessera_library(tessera_chip
  SOURCES
    src/problems/netlist.cpp
    src/problems/chip_placement.cpp
    src/io/netlist_reader.cpp
    src/io/plc_io.cpp
    src/cost/proxy_cost.cpp
    src/problems/chip_canvas.cpp
    src/heuristics/force_directed.cpp
    src/heuristics/chip_placer.cpp
    src/heuristics/netlist_clusterer.cpp
    src/io/chip_svg.cpp
    src/io/bookshelf_reader.cpp
  DEPS tessera_core
)

tessera_test(chip_tests
  SOURCES
    tests/cost/proxy_cost_test.cpp
    tests/io/netlist_reader_test.cpp
    tests/io/plc_io_test.cpp
    tests/io/bookshelf_reader_test.cpp
    tests/problems/chip_canvas_test.cpp
    tests/heuristics/chip_placer_test.cpp
    tests/heuristics/force_directed_test.cpp
    tests/heuristics/netlist_clusterer_test.cpp
  DEPS tessera_chip
)

tessera_cli_module(chip tessera_chip src/cli/chip_command.cpp)
