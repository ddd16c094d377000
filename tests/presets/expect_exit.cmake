# Runs a command and checks both its exit status and what it printed on stderr: ctest's own
# PASS_REGULAR_EXPRESSION ignores the exit status, and a refusal must be exit 1 (not a crash,
# not 0) with a message that names the culprit.
#
#   cmake -DEXPECT_EXIT=1 -DEXPECT_STDERR=REGEX -P expect_exit.cmake -- COMMAND ARGS...
#
# Used by tests/presets.cmake and tests/regs.cmake.
set(cmd)
set(seen_dashes FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(seen_dashes)
    list(APPEND cmd "${CMAKE_ARGV${i}}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(seen_dashes TRUE)
  endif()
endforeach()
if(NOT cmd)
  message(FATAL_ERROR "expect_exit.cmake: no command after --")
endif()

execute_process(COMMAND ${cmd} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REPLACE ";" " " shown "${cmd}")
if(NOT "${status}" STREQUAL "${EXPECT_EXIT}")
  message(FATAL_ERROR "${shown}\nexited with '${status}', expected ${EXPECT_EXIT}\n"
                      "stderr:\n${err}")
endif()
if(NOT "${err}" MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "${shown}\nstderr does not match '${EXPECT_STDERR}':\n${err}")
endif()
message(STATUS "exit ${status} as expected; stderr:\n${err}")
