# quant: the post-training quantizer (compiler/quant), the data-set readers it uses
# (common/src/idx.c, calib_data.c) and `dpuc quantize` / `dpuc eval`.
if(TARGET dpuquant)
  set(QUANT_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/quant)
  foreach(t prep ranges quantize data f32_conv adaround)
    dpu_add_unit_test(test_quant_${t}
      SOURCES ${QUANT_TEST_DIR}/test_${t}.c ${QUANT_TEST_DIR}/quant_test_util.c
      LIBS dpuquant m)
    target_include_directories(test_quant_${t} PRIVATE ${QUANT_TEST_DIR})
    target_compile_definitions(test_quant_${t} PRIVATE QUANT_TMP_DIR="${CMAKE_CURRENT_BINARY_DIR}")
  endforeach()

  # The zoo's LeNet-5 quantized end to end (needs the ONNX importer).
  if(TARGET dpuonnx)
    dpu_add_unit_test(test_quant_zoo
      SOURCES ${QUANT_TEST_DIR}/test_zoo.c ${QUANT_TEST_DIR}/quant_test_util.c
      LIBS dpuquant dpuonnx m)
    target_include_directories(test_quant_zoo PRIVATE ${QUANT_TEST_DIR})
    target_compile_definitions(test_quant_zoo PRIVATE MODELS_DIR="${PROJECT_SOURCE_DIR}/models")
  endif()

  # dpuc quantize and dpuc eval from the command line.
  if(TARGET dpuc)
    add_test(NAME quant_cli
      COMMAND sh ${QUANT_TEST_DIR}/cli.sh $<TARGET_FILE:dpuc> ${PROJECT_SOURCE_DIR}/models
              ${CMAKE_CURRENT_BINARY_DIR}/quant-cli)
  endif()
else()
  message(STATUS "compiler/quant is not in the build: quantizer tests skipped")
endif()
