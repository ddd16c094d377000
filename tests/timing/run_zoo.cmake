# One zoo model through the timing model (tests/timing.cmake): quantize it with the zoo's
# calibration slice, compile it for each preset in PRESETS, then
#   dpusim --timing-only (report, trace, plot) and dpusim --timing --check (report)
# and let timing_check validate the files and compare the two reports' cycles.
# Variables: DPUC, DPUSIM, CHECK, MODEL (.onnx), CALIB, CALIB_COUNT (images of CALIB to use),
# INPUT (.npy), PRESETS, DIR.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${DIR})
file(MAKE_DIRECTORY ${DIR})
get_filename_component(name ${MODEL} NAME_WE)
set(q8 ${DIR}/${name}.q8)
run(${DPUC} quantize ${MODEL} --calib ${CALIB} --calib-count ${CALIB_COUNT} --mean 0.2860
    --std 0.3530 -o ${q8})
string(REPLACE "," ";" PRESETS "${PRESETS}")
foreach(preset ${PRESETS})
  set(base ${DIR}/${name}.${preset})
  run(${DPUC} compile ${q8} --arch ${preset} -o ${base}.bin)
  run(${DPUSIM} ${base}.bin --timing-only --model ${q8} --report ${base}.only.json
      --trace ${base}.trace.json --plot ${base}.svg)
  if(NOT last_output MATCHES "total +[0-9]+ cycles")
    message(FATAL_ERROR "no total in the table:\n${last_output}")
  endif()
  message(STATUS "${name} on ${preset}:\n${last_output}")
  run(${DPUSIM} ${base}.bin --timing --check ${q8} -i ${INPUT} --report ${base}.full.json)
  if(NOT last_output MATCHES "bytewise equal")
    message(FATAL_ERROR "--timing --check did not confirm the outputs:\n${last_output}")
  endif()
  run(${CHECK} --report ${base}.only.json --trace ${base}.trace.json --svg ${base}.svg
      --same ${base}.full.json)
  message(STATUS "${last_output}")
endforeach()
