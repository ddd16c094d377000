# Generated files must not depend on the run or on the order of the inputs: runs presetgen
# twice, the second time with the preset files in reverse order, and compares every output.
#
#   cmake -DGEN=presetgen -DWORK=DIR -P same_outputs.cmake -- PRESET_FILES...
set(files)
set(seen_dashes FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(seen_dashes)
    list(APPEND files "${CMAKE_ARGV${i}}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(seen_dashes TRUE)
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK})
foreach(run a b)
  file(MAKE_DIRECTORY ${WORK}/${run})
  if(run STREQUAL "b")
    list(REVERSE files)
  endif()
  execute_process(
    COMMAND ${GEN} --c-header ${WORK}/${run}/presets_gen.h --c-source ${WORK}/${run}/presets_gen.c
            --sv-dir ${WORK}/${run} --doc-dir ${WORK}/${run} ${files}
    RESULT_VARIABLE status ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "presetgen failed (${status}):\n${err}")
  endif()
endforeach()

file(GLOB outputs RELATIVE ${WORK}/a ${WORK}/a/*)
list(LENGTH outputs n)
if(n LESS 4)
  message(FATAL_ERROR "presetgen wrote only ${n} files: ${outputs}")
endif()
foreach(f ${outputs})
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK}/a/${f} ${WORK}/b/${f}
                  RESULT_VARIABLE differ)
  if(differ)
    message(FATAL_ERROR "${f} differs between two runs of presetgen")
  endif()
  file(READ ${WORK}/a/${f} text LIMIT 2000)
  if(NOT text MATCHES "generated from [^\n]* by presetgen; do not edit")
    message(FATAL_ERROR "${f} does not start with a 'generated from ...; do not edit' line")
  endif()
endforeach()
message(STATUS "${n} outputs identical: ${outputs}")
