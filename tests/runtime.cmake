# runtime: libdpurt (the plan executor over the simulator backend) and the dpusim tool.
# Hand-built programs (tests/runtime/rt_case.c) must give the reference interpreter's bytes.
# Skipped (with a note) while runtime/ is not part of the build.
if(NOT TARGET dpurt)
  message(STATUS "runtime/ is not in the build (add_subdirectory(runtime)): runtime tests skipped")
  return()
endif()

set(RT_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/runtime)
add_library(rt_case STATIC ${RT_TEST_DIR}/rt_case.c)
target_link_libraries(rt_case PUBLIC dpurt)
target_include_directories(rt_case PUBLIC ${RT_TEST_DIR})

dpu_add_unit_test(test_runtime SOURCES ${RT_TEST_DIR}/test_runtime.c LIBS rt_case dpurt)

# dpusim end to end: rt_make_case writes prog.bin, model.q8, the input and the expected
# output (dpu_ref_run on the model); run_dpusim.cmake runs the tool and checks its exit code,
# its output and the .npy bytes.
add_executable(rt_make_case ${RT_TEST_DIR}/rt_make_case.c)
target_link_libraries(rt_make_case PRIVATE rt_case dpurt)
set_target_properties(rt_make_case PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

function(dpusim_case name)
  cmake_parse_arguments(C "E2E" "FORM;EXIT;MATCH" "ARGS" ${ARGN})
  set(dpuc "")
  if(C_E2E)
    set(dpuc $<TARGET_FILE:dpuc>)
  endif()
  set(dir ${CMAKE_BINARY_DIR}/tests/dpusim/${name})
  add_test(NAME dpusim_${name}
           COMMAND ${CMAKE_COMMAND} -DDPUSIM=$<TARGET_FILE:dpusim_tool>
                   -DMAKE_CASE=$<TARGET_FILE:rt_make_case> -DDIR=${dir} -DFORM=${C_FORM}
                   -DEXIT=${C_EXIT} -DMATCH=${C_MATCH} "-DARGS=${C_ARGS}" -DDPUC=${dpuc}
                   -P ${RT_TEST_DIR}/run_dpusim.cmake)
  # An end-to-end test is skipped while dpuc has no compile command.
  set_tests_properties(dpusim_${name} PROPERTIES SKIP_REGULAR_EXPRESSION "DPUSIM-E2E-SKIP")
endfunction()

dpusim_case(float_check FORM float EXIT 0 MATCH "bytewise equal" ARGS --check)
dpusim_case(int8_check FORM int8 EXIT 0 MATCH "bytewise equal" ARGS --check --races)
dpusim_case(float_input_to_int8 FORM int8-float EXIT 0 MATCH "bytewise equal" ARGS --check)
dpusim_case(corrupt_const FORM corrupt EXIT 1
            MATCH "first layer whose output differs: node 'conv' \\(Conv2D\\)" ARGS --check)
dpusim_case(wrong_arch FORM float EXIT 1 MATCH "program built for preset tiny.*b1024"
            ARGS --arch b1024)
# --repeat: the last run's outputs still match (stdout, matched before stderr's timing line);
# the count is checked.
dpusim_case(repeat FORM int8 EXIT 0
            MATCH "bytewise equal.*3 runs: median_ms=[0-9.]+ min_ms=[0-9.]+ cpu_median_ms=[0-9.]+"
            ARGS --check --repeat 3)
dpusim_case(repeat_bad FORM int8 EXIT 1 MATCH "--repeat needs a count from 1 to 100000"
            ARGS --repeat 0)
dpusim_case(missing_input FORM float EXIT 1 MATCH "0 --input and 1 -o given" ARGS --no-input)
dpusim_case(wrong_shape FORM float EXIT 1 MATCH "input 0 'x': expected float32" ARGS --bad-input)

# End to end: the same quantized graphs through `dpuc compile`, then dpusim --check.
if(TARGET dpuc)
  dpusim_case(e2e_float E2E FORM float EXIT 0 MATCH "bytewise equal" ARGS --check)
  dpusim_case(e2e_int8 E2E FORM int8 EXIT 0 MATCH "bytewise equal" ARGS --check --races)
endif()
