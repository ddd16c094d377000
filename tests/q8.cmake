# model.q8 (graph/src/q8_*.c), the graph verifier (graph/src/graph_verify*.c), graph
# summaries (graph_info.c) and `dpuc info`: round trips, golden files, verifier refusals,
# the broken-file corpus (tests/q8/bad, written by make_q8_bad) and the fuzz target.
set(Q8_DIR ${CMAKE_CURRENT_SOURCE_DIR}/q8)
set(Q8_FIXTURES ${Q8_DIR}/q8_fixtures.c)

foreach(t test_q8_roundtrip test_graph_verify test_q8_bad)
  dpu_add_unit_test(${t} SOURCES ${Q8_DIR}/${t}.c ${Q8_FIXTURES} LIBS dpugraph m)
  target_include_directories(${t} PRIVATE ${Q8_DIR})
  target_compile_definitions(${t} PRIVATE
    Q8_TEST_DIR="${Q8_DIR}" Q8_TMP_DIR="${CMAKE_CURRENT_BINARY_DIR}")
endforeach()

# The generator of the broken-file corpus and the fuzz seeds. The files are committed; the
# test q8_corpus_current fails when they no longer match what the generator writes (run
# `build/tests/make_q8_bad tests/q8/bad tests/fuzz/corpus/q8` from the source tree).
add_executable(make_q8_bad ${Q8_DIR}/make_q8_bad.c ${Q8_FIXTURES})
target_include_directories(make_q8_bad PRIVATE ${Q8_DIR})
target_link_libraries(make_q8_bad PRIVATE dpugraph m)
set_target_properties(make_q8_bad PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME q8_corpus_current
  COMMAND make_q8_bad --check ${Q8_DIR}/bad ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/q8)

# The fuzz target (tests/fuzz/fuzz_q8.c). Always: linked with standalone_main.c and replayed
# over its seeds as a ctest, so the seeds and the round-trip properties are checked under any
# compiler. With -DDPU_FUZZ=ON (clang): a libFuzzer binary with ASan and UBSan over an
# instrumented copy of libdpugraph, and a bounded fuzzing run labelled `fuzz`. Longer runs:
#   build/tests/fuzz_q8 -max_total_time=600 build/tests/fuzz-corpus/q8 tests/fuzz/corpus/q8
set(Q8_FUZZ_SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/q8 ${Q8_DIR}/golden)
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/standalone_main.c)
  add_executable(fuzz_q8_replay ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_q8.c
                                ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/standalone_main.c)
  target_include_directories(fuzz_q8_replay PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
  target_link_libraries(fuzz_q8_replay PRIVATE dpugraph dpucommon)
  set_target_properties(fuzz_q8_replay PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME fuzz_q8_replay COMMAND fuzz_q8_replay ${Q8_FUZZ_SEEDS})
endif()

if(DPU_FUZZ)
  set(Q8_FUZZ_FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
  # The readers, the verifier and libdpucommon compiled with coverage instrumentation, so
  # that libFuzzer can steer by them; the regular libraries stay uninstrumented.
  file(GLOB Q8_FUZZ_LIB_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/graph/src/*.c
                                                  ${PROJECT_SOURCE_DIR}/common/src/*.c)
  add_library(dpugraph_fuzz STATIC ${Q8_FUZZ_LIB_SOURCES})
  target_include_directories(dpugraph_fuzz PUBLIC ${PROJECT_SOURCE_DIR}/graph/include
                                                  ${PROJECT_SOURCE_DIR}/common/include)
  target_compile_options(dpugraph_fuzz PRIVATE -fsanitize=fuzzer-no-link,address,undefined
                                               -fno-sanitize-recover=all)
  target_link_libraries(dpugraph_fuzz PUBLIC m)
  add_executable(fuzz_q8 ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_q8.c)
  target_include_directories(fuzz_q8 PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
  target_link_libraries(fuzz_q8 PRIVATE dpugraph_fuzz)
  target_compile_options(fuzz_q8 PRIVATE ${Q8_FUZZ_FLAGS})
  target_link_options(fuzz_q8 PRIVATE ${Q8_FUZZ_FLAGS})
  set_target_properties(fuzz_q8 PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  # New inputs go to a scratch directory in the build tree, never into the sources.
  set(Q8_FUZZ_WORK ${CMAKE_BINARY_DIR}/tests/fuzz-corpus/q8)
  file(MAKE_DIRECTORY ${Q8_FUZZ_WORK})
  add_test(NAME fuzz_q8_run
    COMMAND fuzz_q8 -runs=20000 -max_total_time=60 -max_len=16384 ${Q8_FUZZ_WORK}
            ${Q8_FUZZ_SEEDS})
  set_tests_properties(fuzz_q8_run PROPERTIES LABELS fuzz)
endif()

# Graph summaries and `dpuc info`: compiled from the command's own source (with the shared
# command-line helpers) so the command is tested whether or not dpuc registers it yet.
dpu_add_unit_test(test_graph_info
  SOURCES ${Q8_DIR}/test_graph_info.c ${Q8_FIXTURES} ${PROJECT_SOURCE_DIR}/compiler/src/cmd_info.c
          ${PROJECT_SOURCE_DIR}/compiler/src/cmd_info_prog.c ${PROJECT_SOURCE_DIR}/compiler/src/cli.c
  LIBS dpuprog dpugraph m)
target_include_directories(test_graph_info PRIVATE ${Q8_DIR} ${PROJECT_SOURCE_DIR}/compiler/src)
target_compile_definitions(test_graph_info PRIVATE
  Q8_TEST_DIR="${Q8_DIR}" Q8_TMP_DIR="${CMAKE_CURRENT_BINARY_DIR}")

# docs/q8-format.md names every op and attribute of the schema.
dpu_add_unit_test(test_q8_doc SOURCES ${Q8_DIR}/test_q8_doc.c LIBS dpugraph)
target_compile_definitions(test_q8_doc PRIVATE DOC_PATH="${PROJECT_SOURCE_DIR}/docs/q8-format.md")

# `dpuc info` through the real binary, once the command is registered in dpuc's table.
set(DPUC_COMMANDS_FILE ${PROJECT_SOURCE_DIR}/compiler/src/commands.c)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${DPUC_COMMANDS_FILE})
file(READ ${DPUC_COMMANDS_FILE} _dpuc_commands)
string(FIND "${_dpuc_commands}" "dpuc_cmd_info" _has_info)
if(NOT _has_info EQUAL -1)
  add_test(NAME dpuc_info_binary COMMAND dpuc info ${Q8_DIR}/golden/small.q8)
  set_tests_properties(dpuc_info_binary PROPERTIES PASS_REGULAR_EXPRESSION
    "totals: 2 nodes, 2 constants, 6 parameters \\(12 bytes\\), 36 MACs")
  add_test(NAME dpuc_info_text_json COMMAND dpuc info --json ${Q8_DIR}/golden/small.q8.txt)
  set_tests_properties(dpuc_info_text_json PROPERTIES PASS_REGULAR_EXPRESSION
    "\"totals\": {\"nodes\": 2, \"constants\": 2, \"params\": 6, \"param_bytes\": 12, \"macs\": 36}")
  add_test(NAME dpuc_info_refuses_cycle
    COMMAND sh ${Q8_DIR}/expect_fail.sh 1 "cycle.q8: node 'pool #1' (MaxPool): is on a cycle"
            $<TARGET_FILE:dpuc> info ${Q8_DIR}/bad/cycle.q8)
  add_test(NAME dpuc_info_refuses_crc
    COMMAND sh ${Q8_DIR}/expect_fail.sh 1 "CRC-32 mismatch"
            $<TARGET_FILE:dpuc> info ${Q8_DIR}/bad/bad_crc.q8)
endif()
