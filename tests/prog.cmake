# prog.bin (prog/, libdpuprog): round trips, validation refusals, the broken-file corpus
# (tests/prog/bad), readelf's view of a real file, `dpuc info`/`dpuc disasm` on ELF programs
# and the fuzz target (tests/fuzz/fuzz_prog.c).
if(NOT TARGET dpuprog)
  message(STATUS "prog/ is not in the build (add_subdirectory(prog)): prog.bin tests skipped")
  return()
endif()

set(PROG_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/prog)
set(PROG_WORK ${CMAKE_CURRENT_BINARY_DIR}/prog-work)
file(MAKE_DIRECTORY ${PROG_WORK})

# The sample program every test starts from, compiled once.
add_library(prog_sample STATIC ${PROG_TEST_DIR}/prog_sample.c)
target_link_libraries(prog_sample PUBLIC dpuprog dpuisa dpucommon)
target_include_directories(prog_sample PUBLIC ${PROG_TEST_DIR})

pkg_check_modules(PROG_TEST_LIBELF REQUIRED IMPORTED_TARGET libelf)
foreach(t test_prog_roundtrip test_prog_validate test_prog_bad)
  dpu_add_unit_test(${t} SOURCES ${PROG_TEST_DIR}/${t}.c ${PROG_TEST_DIR}/prog_patch.c
                    LIBS prog_sample PkgConfig::PROG_TEST_LIBELF)
  target_compile_definitions(${t} PRIVATE PROG_BAD_DIR="${PROG_TEST_DIR}/bad"
                                          PROG_WORK_DIR="${PROG_WORK}")
endforeach()

# DWCONV's fields at random through dpu_program_validate and the simulator (needs dpusim).
if(TARGET dpusim)
  dpu_add_unit_test(test_prog_dwconv_fields SOURCES ${PROG_TEST_DIR}/test_prog_dwconv_fields.c
                    ${CMAKE_CURRENT_SOURCE_DIR}/sim/sim_test_util.c LIBS prog_sample dpusim)
  target_include_directories(test_prog_dwconv_fields PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/sim)
endif()

add_executable(prog_make_sample ${PROG_TEST_DIR}/make_sample.c)
target_link_libraries(prog_make_sample PRIVATE prog_sample)
set_target_properties(prog_make_sample PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                  ${CMAKE_BINARY_DIR}/tests)

# readelf must show the sample as a sensible file: no "Warning" or "Error" anywhere in
# `readelf -a -W`, and the sections, note and symbols where docs/program-format.md puts them.
find_program(READELF NAMES readelf eu-readelf)
if(READELF)
  add_test(NAME prog_readelf
    COMMAND ${CMAKE_COMMAND} -DREADELF=${READELF} -DMAKE_SAMPLE=$<TARGET_FILE:prog_make_sample>
            -DWORK=${PROG_WORK}/readelf -P ${PROG_TEST_DIR}/readelf_check.cmake)
else()
  message(STATUS "readelf not found: prog_readelf is not run")
endif()

# dpuc on ELF programs, once dpuc is linked with libdpuprog and has cmd_info_prog.c.
if(TARGET dpuc)
  get_target_property(_dpuc_libs dpuc LINK_LIBRARIES)
  get_target_property(_dpuc_srcs dpuc SOURCES)
  list(FILTER _dpuc_srcs INCLUDE REGEX "cmd_info_prog\\.c$")
  if("dpuprog" IN_LIST _dpuc_libs AND _dpuc_srcs)
    add_test(NAME prog_dpuc_cli
      COMMAND sh ${PROG_TEST_DIR}/cli.sh $<TARGET_FILE:dpuc> $<TARGET_FILE:prog_make_sample>
              ${PROG_TEST_DIR}/bad ${PROG_WORK}/cli)
  else()
    message(STATUS "dpuc is not linked with dpuprog yet: prog_dpuc_cli is not run")
  endif()
endif()

# Fuzz target: the seeds are valid programs (tests/fuzz/corpus/prog) and the broken files.
# Replayed as an ordinary test in every build; with -DDPU_FUZZ=ON also a bounded libFuzzer
# run. Run longer by hand, e.g.:
#   build/tests/fuzz_prog -max_total_time=600 build/tests/fuzz-corpus/prog \
#     tests/fuzz/corpus/prog tests/prog/bad
set(PROG_FUZZ_SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/prog ${PROG_TEST_DIR}/bad)
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/standalone_main.c)
  add_executable(fuzz_prog_replay ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_prog.c
                                  ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/standalone_main.c)
  target_link_libraries(fuzz_prog_replay PRIVATE dpuprog)
  target_include_directories(fuzz_prog_replay PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
  set_target_properties(fuzz_prog_replay PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                    ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME fuzz_prog_replay COMMAND fuzz_prog_replay ${PROG_FUZZ_SEEDS})
endif()

if(DPU_FUZZ)
  # libFuzzer steers by coverage of the code under test: libdpuprog's sources are compiled
  # into the target with the fuzzer's instrumentation (libelf itself stays uninstrumented).
  set(PROG_FUZZ_FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
  get_target_property(_prog_srcs dpuprog SOURCES)
  add_executable(fuzz_prog ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_prog.c ${_prog_srcs})
  target_include_directories(fuzz_prog PRIVATE ${PROJECT_SOURCE_DIR}/prog/include
                                               ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
  target_link_libraries(fuzz_prog PRIVATE dpuisa dpucommon PkgConfig::PROG_TEST_LIBELF)
  # The per-instruction rules (DWCONV's pads among them) are the simulator's, as in libdpuprog
  # (prog/CMakeLists.txt): without them the target would fuzz the encoding checks only.
  if(TARGET dpusim)
    target_link_libraries(fuzz_prog PRIVATE dpusim)
    target_compile_definitions(fuzz_prog PRIVATE DPU_PROG_HAVE_SIM=1)
  endif()
  target_compile_options(fuzz_prog PRIVATE ${PROG_FUZZ_FLAGS})
  target_link_options(fuzz_prog PRIVATE ${PROG_FUZZ_FLAGS})
  set_target_properties(fuzz_prog PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  # New inputs go to a scratch directory in the build tree, never into the sources.
  set(PROG_FUZZ_WORK ${CMAKE_BINARY_DIR}/tests/fuzz-corpus/prog)
  file(MAKE_DIRECTORY ${PROG_FUZZ_WORK})
  add_test(NAME fuzz_prog_run
    COMMAND fuzz_prog -runs=20000 -max_total_time=60 -max_len=8192 ${PROG_FUZZ_WORK}
            ${PROG_FUZZ_SEEDS})
endif()
