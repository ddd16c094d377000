# compile: the lowering (compiler/lower/, libdpucompile). Random small quantized graphs with
# fixed seeds are compiled, their accelerator segments run on dpusim and compared byte for
# byte with the reference interpreter; small graphs have their disassembly checked against
# tests/compile/golden/ (DPU_UPDATE_GOLDEN=1 rewrites them). Skipped while compiler/lower/ is
# not in the build.
if(NOT TARGET dpucompile OR NOT TARGET dpusim OR NOT TARGET dpurt)
  message(STATUS "compiler/lower/ is not in the build: compile tests skipped")
  return()
endif()

set(COMPILE_TEST_DIR ${PROJECT_SOURCE_DIR}/tests/compile)
add_library(compile_test_util STATIC ${COMPILE_TEST_DIR}/compile_test_util.c)
target_link_libraries(compile_test_util PUBLIC dpucompile dpurt dpusim dpuref dpugraph
                                               PkgConfig::CMOCKA)
target_include_directories(compile_test_util PUBLIC ${COMPILE_TEST_DIR})

file(GLOB COMPILE_TESTS CONFIGURE_DEPENDS ${COMPILE_TEST_DIR}/test_*.c)
foreach(src ${COMPILE_TESTS})
  get_filename_component(name ${src} NAME_WE)
  dpu_add_unit_test(${name} SOURCES ${src} LIBS compile_test_util)
  target_compile_definitions(${name} PRIVATE DPU_GOLDEN_DIR="${COMPILE_TEST_DIR}/golden")
endforeach()

# Random DAGs (rgraph.c), one case per seed, in ranges so that ctest -j runs them in parallel;
# scripts/compile_fuzz.sh runs the same binary with random seeds.
add_executable(test_compile_rgraph ${COMPILE_TEST_DIR}/rgraph_main.c ${COMPILE_TEST_DIR}/rgraph.c)
target_link_libraries(test_compile_rgraph PRIVATE compile_test_util)
set_target_properties(test_compile_rgraph PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                     ${CMAKE_BINARY_DIR}/tests)
set(RGRAPH_CASES 100) # per ctest entry
foreach(part RANGE 0 5)
  math(EXPR seed0 "1 + ${part} * ${RGRAPH_CASES}")
  add_test(NAME test_compile_rgraph_${part}
           COMMAND test_compile_rgraph --first ${seed0} --count ${RGRAPH_CASES})
endforeach()

# The zoo: each model quantized in the test (dpuc quantize's defaults and data), then compiled
# for the presets and run on 20 test images, bytewise equal to the reference interpreter.
if(TARGET dpuonnx AND TARGET dpuquant)
  add_executable(test_compile_zoo ${COMPILE_TEST_DIR}/zoo_main.c)
  target_link_libraries(test_compile_zoo PRIVATE compile_test_util dpuquant dpuonnx m)
  target_compile_definitions(test_compile_zoo PRIVATE MODELS_DIR="${PROJECT_SOURCE_DIR}/models")
  set_target_properties(test_compile_zoo PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                    ${CMAKE_BINARY_DIR}/tests)
  # One entry per model: quantizing (the slow part under ASan) and the reference outputs are
  # shared by the four presets.
  foreach(m lenet5 resnet_small mobilenetv2_small)
    add_test(NAME test_compile_zoo_${m} COMMAND test_compile_zoo ${m} tiny b512 b1024 b4096)
  endforeach()
endif()
