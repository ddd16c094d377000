# .npy tensor files (common/src/npy.c, npy_header.c, tensor.c): round trips, numpy-written
# fixtures (tests/npy/good), the broken-file corpus (tests/npy/bad) and the fuzz target.
dpu_add_unit_test(test_npy SOURCES npy/test_npy.c LIBS dpucommon)
dpu_add_unit_test(test_npy_bad SOURCES npy/test_npy_bad.c LIBS dpucommon)
foreach(t test_npy test_npy_bad)
  target_compile_definitions(${t} PRIVATE
    NPY_TEST_DIR="${CMAKE_CURRENT_SOURCE_DIR}/npy"
    NPY_TMP_DIR="${CMAKE_CURRENT_BINARY_DIR}")
endforeach()

# Fuzz seeds: our encoder's outputs (tests/fuzz/corpus/npy), the numpy-written fixtures and
# the broken files. Run longer by hand (with -DDPU_FUZZ=ON), e.g.:
#   build/tests/fuzz_npy -max_total_time=600 -dict=tests/npy/fuzz_npy.dict \
#     build/tests/fuzz-corpus/npy tests/fuzz/corpus/npy tests/npy/good tests/npy/bad
set(NPY_FUZZ_SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/npy ${CMAKE_CURRENT_SOURCE_DIR}/npy/good
                   ${CMAKE_CURRENT_SOURCE_DIR}/npy/bad)

# Replay the seeds through the target in every build, with any compiler and no libFuzzer, so
# the target's properties are checked on every input a fuzzer once found interesting.
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/standalone_main.c)
  add_executable(fuzz_npy_replay fuzz/fuzz_npy.c fuzz/standalone_main.c)
  target_link_libraries(fuzz_npy_replay PRIVATE dpucommon)
  set_target_properties(fuzz_npy_replay PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME fuzz_npy_replay COMMAND fuzz_npy_replay ${NPY_FUZZ_SEEDS})
endif()

if(DPU_FUZZ)
  # libFuzzer steers by coverage of the code under test, so the reader's sources are compiled
  # into the target with the fuzzer's instrumentation instead of linking plain dpucommon.
  set(NPY_FUZZ_FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
  set(NPY_FUZZ_LIB_SOURCES npy.c npy_header.c tensor.c fileio.c err.c)
  list(TRANSFORM NPY_FUZZ_LIB_SOURCES PREPEND ${PROJECT_SOURCE_DIR}/common/src/)
  add_executable(fuzz_npy fuzz/fuzz_npy.c ${NPY_FUZZ_LIB_SOURCES})
  target_include_directories(fuzz_npy PRIVATE ${PROJECT_SOURCE_DIR}/common/include)
  target_compile_options(fuzz_npy PRIVATE ${NPY_FUZZ_FLAGS})
  target_link_options(fuzz_npy PRIVATE ${NPY_FUZZ_FLAGS})
  set_target_properties(fuzz_npy PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  # New inputs go to a scratch directory in the build tree, never into the sources. -runs
  # bounds the test; -max_total_time is a backstop for slow machines.
  set(NPY_FUZZ_WORK ${CMAKE_BINARY_DIR}/tests/fuzz-corpus/npy)
  file(MAKE_DIRECTORY ${NPY_FUZZ_WORK})
  add_test(NAME fuzz_npy_run
    COMMAND fuzz_npy -runs=20000 -max_total_time=60 -max_len=4096
            -dict=${CMAKE_CURRENT_SOURCE_DIR}/npy/fuzz_npy.dict ${NPY_FUZZ_WORK} ${NPY_FUZZ_SEEDS})
endif()
