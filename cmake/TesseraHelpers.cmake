# Helpers shared by every module file in cmake/modules/.

set(TESSERA_WARNINGS -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare)

# tessera_library(NAME SOURCES ... DEPS ...)
# A static library of one module; public headers come from include/.
function(tessera_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/include)
  target_compile_options(${name} PRIVATE ${TESSERA_WARNINGS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  # LibTorch headers are the bulk of every compile: precompile them once, in the core, and let every
  # other library reuse that header (building it takes about 45 s of one core).
  if(name STREQUAL "tessera_core")
    target_precompile_headers(${name} PRIVATE <torch/torch.h> <vector> <string> <memory>)
  else()
    target_precompile_headers(${name} REUSE_FROM tessera_core)
  endif()
endfunction()

# tessera_test(NAME SOURCES ... DEPS ...)
# One GoogleTest executable registered with ctest; tests run from the source root so that
# ../shared/data resolves as it does for the CLI.
function(tessera_test name)
  if(NOT TESSERA_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${TESSERA_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main tessera_testing)
  target_precompile_headers(${name} REUSE_FROM tessera_testing)
  # One ctest entry per executable: every test process loads LibTorch (~1-2 s), so one process per
  # test case would dominate the suite's run time. GoogleTest's own output lists each case.
  add_test(NAME ${name} COMMAND ${name} --gtest_brief=0 WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "OMP_NUM_THREADS=2;OPENBLAS_NUM_THREADS=1" TIMEOUT 900)
endfunction()

# tessera_cli_module(NAME LIBRARY COMMAND_SOURCES...)
# Makes the module's subcommand part of the `tessera` binary: the command sources (in src/cli/) are
# compiled into the binary itself, with TESSERA_WITH_<NAME> defined for every enabled module, so a
# command can hook in the methods of an optional module (e.g. learned placers) with #ifdef.
macro(tessera_cli_module name library)
  list(APPEND TESSERA_CLI_MODULES ${name})
  list(APPEND TESSERA_CLI_LIBS ${library})
  foreach(src ${ARGN})
    list(APPEND TESSERA_CLI_SOURCES ${CMAKE_SOURCE_DIR}/${src})
  endforeach()
endmacro()
