# Tests of isagen, the ISA generator (isa/gen/isagen*.c).

set(ISAGEN_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/isagen)

# The generated C API for the real isa/isa.tbl: every field through the descriptors, the
# accessors and a bit-at-a-time reference, plus hand-copied samples.
dpu_add_unit_test(test_isagen_real
  SOURCES ${ISAGEN_TEST_DIR}/test_isagen_real.c
  LIBS dpuisa)
target_include_directories(test_isagen_real PRIVATE ${ISAGEN_TEST_DIR})

# The same checks on a table made to stress word boundaries and extreme defaults, compiled
# against that table's own generated header and tables (not libdpuisa).
set(ISAGEN_WIDE_DIR ${CMAKE_CURRENT_BINARY_DIR}/isagen_wide)
file(MAKE_DIRECTORY ${ISAGEN_WIDE_DIR}/include/dpu)
add_custom_command(
  OUTPUT ${ISAGEN_WIDE_DIR}/include/dpu/isa_gen.h ${ISAGEN_WIDE_DIR}/isa_gen.c
  COMMAND isagen ${ISAGEN_TEST_DIR}/good/wide.tbl
          --c-header ${ISAGEN_WIDE_DIR}/include/dpu/isa_gen.h
          --c-source ${ISAGEN_WIDE_DIR}/isa_gen.c
  DEPENDS isagen ${ISAGEN_TEST_DIR}/good/wide.tbl
  COMMENT "isagen: generating the C API of tests/isagen/good/wide.tbl"
  VERBATIM)
dpu_add_unit_test(test_isagen_wide
  SOURCES ${ISAGEN_TEST_DIR}/test_isagen_wide.c ${ISAGEN_WIDE_DIR}/isa_gen.c
          ${ISAGEN_WIDE_DIR}/include/dpu/isa_gen.h)
target_include_directories(test_isagen_wide PRIVATE ${ISAGEN_WIDE_DIR}/include
                           ${PROJECT_SOURCE_DIR}/isa/include ${ISAGEN_TEST_DIR})

# Every refusal: each tests/isagen/bad/*.tbl must make isagen exit 1, print each of its
# "# expect:" texts and write no output.
file(GLOB ISAGEN_BAD_TABLES CONFIGURE_DEPENDS ${ISAGEN_TEST_DIR}/bad/*.tbl)
foreach(tbl ${ISAGEN_BAD_TABLES})
  get_filename_component(name ${tbl} NAME_WE)
  add_test(NAME isagen_bad_${name}
           COMMAND ${CMAKE_COMMAND} -DISAGEN=$<TARGET_FILE:isagen> -DTABLE=${tbl}
                   -DOUT_DIR=${CMAKE_CURRENT_BINARY_DIR}/isagen_bad/${name}
                   -P ${ISAGEN_TEST_DIR}/run_isagen.cmake)
endforeach()

# An output that cannot be written is isagen's problem, not the table's: exit status 2.
add_test(NAME isagen_output_error
         COMMAND ${CMAKE_COMMAND} -DISAGEN=$<TARGET_FILE:isagen>
                 -DTABLE=${PROJECT_SOURCE_DIR}/isa/isa.tbl
                 -DOUT_DIR=${CMAKE_CURRENT_BINARY_DIR}/isagen_output_error
                 -DOUTPUT=${CMAKE_CURRENT_BINARY_DIR}/isagen_output_error/no/such/dir/isa_gen.h
                 -DEXPECT_RC=2 "-DEXPECT_TEXT=cannot write"
                 -P ${ISAGEN_TEST_DIR}/run_isagen.cmake)

# Same table, same bytes: two runs into different directories must agree on every output.
add_test(NAME isagen_deterministic
         COMMAND ${CMAKE_COMMAND} -DISAGEN=$<TARGET_FILE:isagen>
                 -DTABLE=isa/isa.tbl -DOUT_DIR=${CMAKE_CURRENT_BINARY_DIR}/isagen_det
                 -P ${ISAGEN_TEST_DIR}/run_twice.cmake
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})

# The SystemVerilog package must pass Verilator's lint, used the way RTL uses it.
find_program(VERILATOR verilator)
if(VERILATOR)
  get_property(ISAGEN_SV_PKG GLOBAL PROPERTY DPU_ISA_SV_PACKAGE)
  add_test(NAME isagen_sv_lint
           COMMAND ${VERILATOR} --lint-only -Wall --top-module isa_pkg_lint_top
                   ${ISAGEN_SV_PKG} ${ISAGEN_TEST_DIR}/isa_pkg_lint_top.sv)
  # The package is generated at build time: make sure a build has produced it.
  set_tests_properties(isagen_sv_lint PROPERTIES REQUIRED_FILES ${ISAGEN_SV_PKG})
else()
  message(STATUS "verilator not found: isagen_sv_lint is not run")
endif()
