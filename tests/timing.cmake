# timing: the cycle-approximate timing model (sim/src/timing*.c, dpu/sim_timing.h) and
# dpusim --timing / --timing-only (sim/tool/timing_*.c). Unit tests on hand-made streams
# (expected cycles worked out in comments), the strict checkers of the output formats, and
# every zoo model through both modes with its report, trace and SVG validated in C.
if(NOT TARGET dpusim)
  message(STATUS "sim/ is not in the build: timing tests skipped")
  return()
endif()

set(TIMING_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/timing)
dpu_add_unit_test(test_timing_model
  SOURCES ${TIMING_TEST_DIR}/test_timing_model.c ${CMAKE_CURRENT_SOURCE_DIR}/sim/sim_test_util.c
          ${CMAKE_CURRENT_SOURCE_DIR}/sim/example_data.c
  LIBS dpusim)
target_include_directories(test_timing_model PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/sim)
target_compile_definitions(test_timing_model PRIVATE
  DPU_EXAMPLES_DIR="${PROJECT_SOURCE_DIR}/examples")

# The report's per-layer time (sim/tool/timing_share.c, part of the dpusim tool) on hand-made
# timelines.
dpu_add_unit_test(test_timing_share
  SOURCES ${TIMING_TEST_DIR}/test_timing_share.c ${PROJECT_SOURCE_DIR}/sim/tool/timing_share.c)
target_include_directories(test_timing_share PRIVATE ${PROJECT_SOURCE_DIR}/sim/tool)

# The report's per-layer figures (sim/tool/timing_report.c) on hand-made programs.
if(TARGET dpurt)
  dpu_add_unit_test(test_timing_report
    SOURCES ${TIMING_TEST_DIR}/test_timing_report.c ${PROJECT_SOURCE_DIR}/sim/tool/timing_report.c
            ${PROJECT_SOURCE_DIR}/sim/tool/timing_share.c
    LIBS dpurt)
  target_include_directories(test_timing_report PRIVATE ${PROJECT_SOURCE_DIR}/sim/tool)
endif()

# Random CONV streams with overlapping ACT ranges: the RAW interlock against an oracle.
dpu_add_unit_test(test_timing_conv_streams
  SOURCES ${TIMING_TEST_DIR}/test_timing_conv_streams.c
          ${CMAKE_CURRENT_SOURCE_DIR}/sim/sim_test_util.c
  LIBS dpusim)
target_include_directories(test_timing_conv_streams PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/sim)

dpu_add_unit_test(test_timing_checkers
  SOURCES ${TIMING_TEST_DIR}/test_timing_checkers.c ${TIMING_TEST_DIR}/json_check.c
          ${TIMING_TEST_DIR}/xml_check.c)
target_include_directories(test_timing_checkers PRIVATE ${TIMING_TEST_DIR})

add_executable(timing_check ${TIMING_TEST_DIR}/timing_check.c ${TIMING_TEST_DIR}/json_check.c
               ${TIMING_TEST_DIR}/xml_check.c)
set_target_properties(timing_check PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

if(NOT (TARGET dpusim_tool AND TARGET dpuc))
  message(STATUS "dpuc or the dpusim tool is not in the build: timing zoo tests skipped")
  return()
endif()
# Every zoo model, with as little work as keeps each covered (the ASan build is slow):
# LeNet-5 on three presets with the zoo's 100 calibration images; the two larger models on one
# preset each, quantized with 10 images since only the reports' validity and the agreement of
# --timing with --timing-only are checked.
foreach(spec "lenet5:tiny,b512,b4096:100" "resnet_small:b512:10" "mobilenetv2_small:b1024:10")
  string(REPLACE ":" ";" spec "${spec}")
  list(GET spec 0 model)
  list(GET spec 1 presets)
  list(GET spec 2 calib_count)
  add_test(NAME timing_zoo_${model}
           COMMAND ${CMAKE_COMMAND} -DDPUC=$<TARGET_FILE:dpuc> -DDPUSIM=$<TARGET_FILE:dpusim_tool>
                   -DCHECK=$<TARGET_FILE:timing_check> -DMODEL=${PROJECT_SOURCE_DIR}/models/${model}.onnx
                   -DCALIB=${PROJECT_SOURCE_DIR}/models/data/calib_100.npy -DCALIB_COUNT=${calib_count}
                   -DINPUT=${PROJECT_SOURCE_DIR}/models/data/test_0_input.npy
                   -DPRESETS=${presets} -DDIR=${CMAKE_BINARY_DIR}/tests/timing/${model}
                   -P ${TIMING_TEST_DIR}/run_zoo.cmake)
  set_tests_properties(timing_zoo_${model} PROPERTIES TIMEOUT 600)
endforeach()
