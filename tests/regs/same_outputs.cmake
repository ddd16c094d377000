# Generated files must not depend on the run: runs reggen twice on TABLE and compares every
# output; each must start with a "generated from ...; do not edit" line.
#
#   cmake -DGEN=reggen -DTABLE=regs.tbl -DWORK=DIR -P same_outputs.cmake
file(REMOVE_RECURSE ${WORK})
foreach(run a b)
  file(MAKE_DIRECTORY ${WORK}/${run})
  execute_process(
    COMMAND ${GEN} ${TABLE} --c-header ${WORK}/${run}/regs_gen.h
            --c-source ${WORK}/${run}/regs_gen.c --sv-package ${WORK}/${run}/dpu_regs_pkg.sv
            --doc-dir ${WORK}/${run}
    RESULT_VARIABLE status ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "reggen failed (${status}):\n${err}")
  endif()
endforeach()

set(outputs regs_gen.h regs_gen.c dpu_regs_pkg.sv registers.md)
foreach(f ${outputs})
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/a/${f} ${WORK}/b/${f}
                  RESULT_VARIABLE differ)
  if(differ)
    message(FATAL_ERROR "${f} differs between two runs of reggen (or is missing)")
  endif()
  file(READ ${WORK}/a/${f} text LIMIT 200)
  if(NOT text MATCHES "generated from [^\n]* by reggen; do not edit")
    message(FATAL_ERROR "${f} does not start with a 'generated from ...; do not edit' line")
  endif()
endforeach()
file(GLOB leftovers ${WORK}/a/*.tmp*)
if(leftovers)
  message(FATAL_ERROR "temporary files left behind: ${leftovers}")
endif()
message(STATUS "outputs identical: ${outputs}")
