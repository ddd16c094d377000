# compile: the lowering (compiler/lower/, libdpucompile). Random small quantized graphs with
# fixed seeds are compiled, their accelerator segments run on dpusim and compared byte for
# byte with the reference interpreter; one tiny graph has its disassembly checked against
# tests/compile/golden/. Skipped while compiler/lower/ is not in the build.
if(NOT TARGET dpucompile OR NOT TARGET dpusim)
  message(STATUS "compiler/lower/ is not in the build: compile tests skipped")
  return()
endif()

set(COMPILE_TEST_DIR ${PROJECT_SOURCE_DIR}/tests/compile)
file(GLOB COMPILE_TESTS CONFIGURE_DEPENDS ${COMPILE_TEST_DIR}/test_*.c)
foreach(src ${COMPILE_TESTS})
  get_filename_component(name ${src} NAME_WE)
  dpu_add_unit_test(${name} SOURCES ${src} ${COMPILE_TEST_DIR}/compile_test_util.c
                    LIBS dpucompile dpusim dpuref dpugraph)
  target_include_directories(${name} PRIVATE ${COMPILE_TEST_DIR})
  target_compile_definitions(${name} PRIVATE DPU_GOLDEN_DIR="${COMPILE_TEST_DIR}/golden")
endforeach()
