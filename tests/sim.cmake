# sim: the functional simulator (sim/, libdpusim). One cmocka executable per
# tests/sim/test_*.c; expected bytes are computed by hand in comments, or, for whole
# programs, by plain loops in the test that share nothing with the simulator but qmath.h.
# Skipped (with a note) while sim/ is not part of the build.
if(NOT TARGET dpusim)
  message(STATUS "sim/ is not in the build (add_subdirectory(sim)): simulator tests skipped")
  return()
endif()

set(SIM_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/sim)
file(GLOB SIM_TESTS CONFIGURE_DEPENDS ${SIM_TEST_DIR}/test_*.c)
foreach(src ${SIM_TESTS})
  get_filename_component(name ${src} NAME_WE)
  # The cross-check against the reference interpreter needs dpuref.
  if(name STREQUAL "test_sim_vs_ref")
    if(NOT TARGET dpuref)
      message(STATUS "dpuref is not in the build: ${name} skipped")
      continue()
    endif()
    dpu_add_unit_test(${name} SOURCES ${src} ${SIM_TEST_DIR}/sim_test_util.c
                      ${SIM_TEST_DIR}/example_data.c LIBS dpusim dpuref)
  else()
    dpu_add_unit_test(${name} SOURCES ${src} ${SIM_TEST_DIR}/sim_test_util.c
                      ${SIM_TEST_DIR}/example_data.c LIBS dpusim)
  endif()
  target_include_directories(${name} PRIVATE ${SIM_TEST_DIR})
  target_compile_definitions(${name} PRIVATE DPU_EXAMPLES_DIR="${PROJECT_SOURCE_DIR}/examples")
endforeach()
