# compile_mem: the compiler's memory planning and layout (docs/compiler.md): SCRATCH shared by
# lifetime, channel Concat written in place (accelerator copies where it cannot be), Flatten
# and Reshape folded into FullyConnected, --no-cpu-fallback; `dpuc compile` of a quantized
# ONNX file and `dpuc info`'s code/weight and SCRATCH lines (cli.sh). Needs tests/compile.cmake
# (compile_test_util), included before this file.
if(NOT TARGET compile_test_util)
  return()
endif()
set(COMPILE_MEM_DIR ${PROJECT_SOURCE_DIR}/tests/compile_mem)
dpu_add_unit_test(test_compile_mem SOURCES ${COMPILE_MEM_DIR}/test_compile_mem.c
                  LIBS compile_test_util)
if(TARGET dpuc AND TARGET dpusim_tool)
  add_test(NAME compile_mem_cli
           COMMAND sh ${COMPILE_MEM_DIR}/cli.sh $<TARGET_FILE:dpuc> $<TARGET_FILE:dpusim_tool>
                   ${PROJECT_SOURCE_DIR}/tests/onnx/models ${CMAKE_CURRENT_BINARY_DIR}/compile_mem)
endif()
