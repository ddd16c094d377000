# ONNX conformance: ONNX's own operator tests (Debian's libonnx-testdata) run through our
# importer and reference interpreters by tests/conformance/onnx_conformance.c, over the list
# tests/conformance/onnx_tests.txt. docs/conformance.md explains the rules and the skip list.
set(CONF_DIR ${CMAKE_CURRENT_SOURCE_DIR}/conformance)
set(CONF_LIST ${CONF_DIR}/onnx_tests.txt)

# The comparison rules and the list parser on hand-made inputs: no test data, no importer.
dpu_add_unit_test(test_conformance_compare
  SOURCES ${CONF_DIR}/test_compare.c ${CONF_DIR}/compare.c ${CONF_DIR}/test_list.c
  LIBS dpucommon m)
target_include_directories(test_conformance_compare PRIVATE ${CONF_DIR})

# The driver needs the importer and the reference interpreter; the tree still builds (and says
# so) while either is missing.
if(NOT (TARGET dpuonnx AND TARGET dpuref))
  message(STATUS "onnx-conformance: not built (needs the dpuonnx and dpuref libraries)")
  return()
endif()

add_executable(onnx_conformance
  ${CONF_DIR}/onnx_conformance.c ${CONF_DIR}/run_test.c ${CONF_DIR}/compare.c
  ${CONF_DIR}/test_list.c ${CONF_DIR}/model_info.c ${CONF_DIR}/report.c ${CONF_DIR}/audit.c)
target_include_directories(onnx_conformance PRIVATE ${CONF_DIR})
# dpuonnx_pb: the protobuf-c bindings, to read graph input names and op types (model_info.c).
target_link_libraries(onnx_conformance PRIVATE dpuonnx dpuref dpuonnx_pb dpugraph dpucommon m)
target_compile_definitions(onnx_conformance PRIVATE CONF_DEFAULT_LIST="${CONF_LIST}")
set_target_properties(onnx_conformance PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

find_path(ONNX_TESTDATA_DIR NAMES node/test_relu/model.onnx
  PATHS /usr/share/libonnx-testdata/data NO_DEFAULT_PATH
  DOC "ONNX conformance test data (Debian package libonnx-testdata)")
if(NOT ONNX_TESTDATA_DIR)
  message(STATUS "onnx-conformance: test skipped, no ONNX test data "
                 "(apt-get install libonnx-testdata, or set ONNX_TESTDATA_DIR)")
  return()
endif()

target_compile_definitions(onnx_conformance PRIVATE CONF_DEFAULT_ROOT="${ONNX_TESTDATA_DIR}")
add_test(NAME onnx-conformance
  COMMAND onnx_conformance --root ${ONNX_TESTDATA_DIR} --list ${CONF_LIST}
          --json ${CMAKE_BINARY_DIR}/tests/onnx-conformance.json)
# The list must name every test under the root that exercises only supported ops.
add_test(NAME onnx-conformance-audit
  COMMAND onnx_conformance --audit --root ${ONNX_TESTDATA_DIR} --list ${CONF_LIST})
set_tests_properties(onnx-conformance onnx-conformance-audit PROPERTIES TIMEOUT 900)
