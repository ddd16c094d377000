# Runs isagen twice on TABLE into OUT_DIR/a and OUT_DIR/b and requires identical outputs:
# generated files must depend on the table alone (no time, no paths, no hash order).
#
#   cmake -DISAGEN=path -DTABLE=path -DOUT_DIR=dir -P run_twice.cmake
file(REMOVE_RECURSE ${OUT_DIR})
foreach(run a b)
  file(MAKE_DIRECTORY ${OUT_DIR}/${run}/md)
  execute_process(
    COMMAND ${ISAGEN} ${TABLE} --c-header ${OUT_DIR}/${run}/isa_gen.h
            --c-source ${OUT_DIR}/${run}/isa_gen.c --sv-package ${OUT_DIR}/${run}/dpu_isa_pkg.sv
            --doc-dir ${OUT_DIR}/${run}/md
    RESULT_VARIABLE rc
    ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "isagen exited with ${rc}:\n${err}")
  endif()
endforeach()
file(GLOB_RECURSE files RELATIVE ${OUT_DIR}/a ${OUT_DIR}/a/*)
file(GLOB_RECURSE files_b RELATIVE ${OUT_DIR}/b ${OUT_DIR}/b/*)
list(LENGTH files n)
list(LENGTH files_b n_b)
if(n LESS 5 OR NOT n EQUAL n_b)
  message(FATAL_ERROR "expected the same outputs twice, got ${n} and ${n_b} files")
endif()
foreach(f IN LISTS files)
  file(SHA256 ${OUT_DIR}/a/${f} ha)
  file(SHA256 ${OUT_DIR}/b/${f} hb)
  if(NOT ha STREQUAL hb)
    message(FATAL_ERROR "${f} differs between two runs on the same table")
  endif()
endforeach()
message(STATUS "ok: ${n} files identical")
