# Quantization-aware training (docs/quantization.md, "Quantization-aware training"): the committed QDQ export of the
# QAT MobileNetV2-style model, imported and evaluated by dpuc, must give torch's fake-quant
# top-1 (recorded in models/mobilenetv2_small_qat.json) within 0.1 point. The plain build
# checks the 1000 images of models/data/test_1000.npy; the sanitizer build, where the
# reference interpreter is several times slower, the first 250 of them.
if(TARGET dpuc AND EXISTS ${PROJECT_SOURCE_DIR}/models/mobilenetv2_small_qat.onnx)
  if(DPU_SANITIZE)
    set(QAT_COUNT 250)
  else()
    set(QAT_COUNT 1000)
  endif()
  add_test(NAME qat_mobilenetv2_small
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/qat/check_qat.sh $<TARGET_FILE:dpuc>
            ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/qat ${QAT_COUNT})
endif()
