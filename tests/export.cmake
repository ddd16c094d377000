# dpuc export (compiler/onnx/src/onnx_export*.c, docs/export.md): the zoo's round trip
# (export, re-import, identical model.q8), hand-built graphs covering the other ops, and
# ONNX Runtime against the reference interpreter on the zoo (needs node and
# scripts/install-ort.sh; skipped when missing unless DPU_REQUIRE_ORT is ON, as in CI).
option(DPU_REQUIRE_ORT "fail, rather than skip, the ONNX Runtime comparison without ORT" OFF)
set(EXPORT_TMP ${CMAKE_CURRENT_BINARY_DIR}/export)
add_test(NAME export_zoo_roundtrip
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/export/zoo.sh $<TARGET_FILE:dpuc> ${CMAKE_SOURCE_DIR}
          ${EXPORT_TMP}/zoo)
set_tests_properties(export_zoo_roundtrip PROPERTIES FIXTURES_SETUP export_zoo)
add_test(NAME export_graphs
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/export/graphs.sh $<TARGET_FILE:dpuc> ${CMAKE_SOURCE_DIR}
          ${EXPORT_TMP}/graphs)
if(DPU_REQUIRE_ORT)
  set(EXPORT_REQUIRE_ORT 1)
else()
  set(EXPORT_REQUIRE_ORT 0)
endif()
add_test(NAME export_ort_compare
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/export/ort_compare.sh $<TARGET_FILE:dpuc>
          ${CMAKE_SOURCE_DIR} ${EXPORT_TMP}/zoo ${EXPORT_REQUIRE_ORT})
set_tests_properties(export_ort_compare PROPERTIES FIXTURES_REQUIRED export_zoo
                                                   SKIP_RETURN_CODE 77)
