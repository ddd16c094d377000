# ref: the reference interpreters (ref/). One cmocka executable per tests/ref/test_*.c; every
# expected value in them is computed by hand in a comment next to it. Skipped (with a note)
# while ref/ is not part of the build.
if(TARGET dpuref)
  file(GLOB REF_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/ref/test_*.c)
  foreach(src ${REF_TESTS})
    get_filename_component(t ${src} NAME_WE)
    string(REGEX REPLACE "^test_" "test_ref_" name ${t})
    dpu_add_unit_test(${name}
      SOURCES ${src} ${CMAKE_CURRENT_SOURCE_DIR}/ref/ref_test_util.c
      LIBS dpuref)
  endforeach()
else()
  message(STATUS "ref/ is not in the build (add_subdirectory(ref)): reference tests skipped")
endif()
