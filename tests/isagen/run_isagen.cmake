# Runs isagen and checks its exit status and messages (cmake -P, so no shell or Python).
#
#   cmake -DISAGEN=path -DTABLE=path -DOUT_DIR=dir [-DEXPECT_RC=1] [-DEXPECT_TEXT=text]
#         [-DOUTPUT=path] -P run_isagen.cmake
#
# The expected texts are EXPECT_TEXT and every "# expect: TEXT" line of TABLE: each must occur
# in stderr; no "# reject: TEXT" line may. isagen is asked to write all of its outputs into
# OUT_DIR (or OUTPUT as the C header), and a refused table (status 1) must leave none of
# them behind.
if(NOT DEFINED EXPECT_RC)
  set(EXPECT_RC 1)
endif()
if(NOT DEFINED OUTPUT)
  set(OUTPUT ${OUT_DIR}/isa_gen.h)
endif()
file(REMOVE_RECURSE ${OUT_DIR})
file(MAKE_DIRECTORY ${OUT_DIR}/md)

execute_process(
  COMMAND ${ISAGEN} ${TABLE} --c-header ${OUTPUT} --c-source ${OUT_DIR}/isa_gen.c
          --sv-package ${OUT_DIR}/dpu_isa_pkg.sv --doc-dir ${OUT_DIR}/md
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)

set(expects)
if(DEFINED EXPECT_TEXT)
  list(APPEND expects "${EXPECT_TEXT}")
endif()
file(STRINGS ${TABLE} lines REGEX "^# expect: ")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^# expect: " "" text "${line}")
  list(APPEND expects "${text}")
endforeach()
if(NOT expects)
  message(FATAL_ERROR "${TABLE}: nothing to expect (add '# expect: TEXT' lines)")
endif()

if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "isagen exited with ${rc}, expected ${EXPECT_RC}; stderr:\n${err}")
endif()
foreach(text IN LISTS expects)
  string(FIND "${err}" "${text}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "isagen's stderr lacks '${text}'; stderr:\n${err}")
  endif()
endforeach()
# "# reject: TEXT" lines name what must not be printed (e.g. a follow-on error); nor may a
# sanitizer report anything (with ASan a leak also exits 1, so the status cannot tell).
file(STRINGS ${TABLE} lines REGEX "^# reject: ")
set(rejects "Sanitizer" "runtime error")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^# reject: " "" text "${line}")
  list(APPEND rejects "${text}")
endforeach()
foreach(text IN LISTS rejects)
  string(FIND "${err}" "${text}" pos)
  if(NOT pos EQUAL -1)
    message(FATAL_ERROR "isagen's stderr has '${text}', which it should not; stderr:\n${err}")
  endif()
endforeach()
if(EXPECT_RC EQUAL 1)
  file(GLOB_RECURSE left ${OUT_DIR}/*)
  if(left)
    message(FATAL_ERROR "a refused table still produced: ${left}")
  endif()
endif()
message(STATUS "ok: exit ${rc}; stderr:\n${err}")
