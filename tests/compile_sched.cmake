# compile_sched: the compiler's scheduling and tiling (docs/compiler.md). Synthetic instruction
# streams through pass schedule, checked by an independent token/ordering checker. Needs
# tests/compile.cmake (compile_test_util), included before this file.
if(NOT TARGET compile_test_util)
  return()
endif()
set(COMPILE_SCHED_DIR ${PROJECT_SOURCE_DIR}/tests/compile_sched)
dpu_add_unit_test(test_compile_sched_tokens SOURCES ${COMPILE_SCHED_DIR}/test_sched_tokens.c
                  LIBS compile_test_util)
target_include_directories(test_compile_sched_tokens
                           PRIVATE ${PROJECT_SOURCE_DIR}/compiler/lower/src)
dpu_add_unit_test(test_compile_sched_lowchan SOURCES ${COMPILE_SCHED_DIR}/test_lowchan.c
                  LIBS compile_test_util)
dpu_add_unit_test(test_compile_sched_isel_conv SOURCES ${COMPILE_SCHED_DIR}/test_isel_conv.c
                  LIBS compile_test_util)
dpu_add_unit_test(test_compile_sched_order SOURCES ${COMPILE_SCHED_DIR}/test_order.c
                  LIBS compile_test_util)
dpu_add_unit_test(test_compile_sched_resident SOURCES ${COMPILE_SCHED_DIR}/test_resident.c
                  LIBS compile_test_util)
