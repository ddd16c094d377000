# ONNX import (compiler/onnx): unit tests on models built in memory (tests/onnx/
# model_builder.c, on the same protobuf-c bindings), on a few ONNX node tests shipped by
# libonnx-testdata, on TensorProto files, and on broken models; and the fuzz target.
if(TARGET dpuonnx)
  set(ONNX_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/onnx)
  foreach(t float errors quant tensor_pb testdata)
    if(EXISTS ${ONNX_TEST_DIR}/test_onnx_${t}.c)
      dpu_add_unit_test(test_onnx_${t}
        SOURCES ${ONNX_TEST_DIR}/test_onnx_${t}.c ${ONNX_TEST_DIR}/model_builder.c
        LIBS dpuonnx dpuonnx_pb dpuref m)
      target_include_directories(test_onnx_${t} PRIVATE ${ONNX_TEST_DIR})
      target_compile_definitions(test_onnx_${t} PRIVATE
        ONNX_TEST_DIR="${ONNX_TEST_DIR}"
        ONNX_TMP_DIR="${CMAKE_CURRENT_BINARY_DIR}"
        ONNX_TESTDATA_DIR="/usr/share/libonnx-testdata/data")
    endif()
  endforeach()
endif()

# The committed models (tests/onnx/models) and fuzz seeds (tests/fuzz/corpus/onnx) come from
# make_onnx_corpus; onnx_corpus_current fails when they no longer match what it writes
# (regenerate: build/tests/make_onnx_corpus tests/onnx/models tests/fuzz/corpus/onnx).
if(TARGET dpuonnx)
  add_executable(make_onnx_corpus ${ONNX_TEST_DIR}/make_onnx_corpus.c
                                  ${ONNX_TEST_DIR}/model_builder.c)
  target_link_libraries(make_onnx_corpus PRIVATE dpuonnx_pb dpucommon)
  set_target_properties(make_onnx_corpus PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                    ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME onnx_corpus_current
    COMMAND make_onnx_corpus --check ${ONNX_TEST_DIR}/models
            ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/onnx)

  # The fuzz target, replayed over its seeds in every build (any compiler, no libFuzzer):
  # the corpus plus a few of ONNX's own node-test models when libonnx-testdata is installed.
  # (copied into one build-tree directory: libFuzzer takes directories, not files).
  set(ONNX_FUZZ_EXTRA ${CMAKE_BINARY_DIR}/tests/fuzz-seeds/onnx)
  file(MAKE_DIRECTORY ${ONNX_FUZZ_EXTRA})
  foreach(t test_conv_with_strides_padding test_maxpool_2d_same_upper test_qlinearmatmul_3D
            test_qlinearconv test_resize_upsample_scales_nearest test_gemm_all_attributes
            test_softmax_axis_1 test_reshape_negative_dim test_convinteger_with_padding)
    if(EXISTS /usr/share/libonnx-testdata/data/node/${t}/model.onnx)
      configure_file(/usr/share/libonnx-testdata/data/node/${t}/model.onnx
                     ${ONNX_FUZZ_EXTRA}/${t}.onnx COPYONLY)
    endif()
  endforeach()
  set(ONNX_FUZZ_SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/onnx ${ONNX_FUZZ_EXTRA})
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/standalone_main.c)
    add_executable(fuzz_onnx_replay ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_onnx.c
                                    ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/standalone_main.c)
    target_include_directories(fuzz_onnx_replay PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
    target_link_libraries(fuzz_onnx_replay PRIVATE dpuonnx dpugraph dpucommon)
    set_target_properties(fuzz_onnx_replay PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                      ${CMAKE_BINARY_DIR}/tests)
    add_test(NAME fuzz_onnx_replay COMMAND fuzz_onnx_replay ${ONNX_FUZZ_SEEDS})
  endif()

  # With -DDPU_FUZZ=ON (clang): libFuzzer over an instrumented copy of the importer, the
  # graph library and libdpucommon (the protobuf-c bindings stay uninstrumented), and a
  # bounded run labelled fuzz. Longer runs by hand:
  #   build/tests/fuzz_onnx -max_total_time=600 build/tests/fuzz-corpus/onnx tests/fuzz/corpus/onnx
  if(DPU_FUZZ)
    set(ONNX_FUZZ_FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
    file(GLOB ONNX_FUZZ_LIB_SOURCES CONFIGURE_DEPENDS
      ${PROJECT_SOURCE_DIR}/compiler/onnx/src/*.c ${PROJECT_SOURCE_DIR}/graph/src/*.c
      ${PROJECT_SOURCE_DIR}/common/src/*.c)
    add_library(dpuonnx_fuzz STATIC ${ONNX_FUZZ_LIB_SOURCES})
    target_include_directories(dpuonnx_fuzz PUBLIC ${PROJECT_SOURCE_DIR}/compiler/onnx/include
      ${PROJECT_SOURCE_DIR}/graph/include ${PROJECT_SOURCE_DIR}/common/include)
    target_compile_options(dpuonnx_fuzz PRIVATE -fsanitize=fuzzer-no-link,address,undefined
                                                -fno-sanitize-recover=all)
    target_link_libraries(dpuonnx_fuzz PUBLIC dpuonnx_pb m)
    add_executable(fuzz_onnx ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_onnx.c)
    target_include_directories(fuzz_onnx PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
    target_link_libraries(fuzz_onnx PRIVATE dpuonnx_fuzz)
    target_compile_options(fuzz_onnx PRIVATE ${ONNX_FUZZ_FLAGS})
    target_compile_definitions(fuzz_onnx PRIVATE FUZZ_ONNX_MUTATOR)
    target_link_options(fuzz_onnx PRIVATE ${ONNX_FUZZ_FLAGS})
    set_target_properties(fuzz_onnx PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    # New inputs go to a scratch directory in the build tree, never into the sources.
    set(ONNX_FUZZ_WORK ${CMAKE_BINARY_DIR}/tests/fuzz-corpus/onnx)
    file(MAKE_DIRECTORY ${ONNX_FUZZ_WORK})
    add_test(NAME fuzz_onnx_run
      COMMAND fuzz_onnx -runs=20000 -max_total_time=120 -max_len=8192 ${ONNX_FUZZ_WORK}
              ${ONNX_FUZZ_SEEDS})
    set_tests_properties(fuzz_onnx_run PROPERTIES LABELS fuzz)
  endif()
endif()

# dpuc import and dpuc run end to end (skipped while dpuc lacks the commands).
if(TARGET dpuonnx AND TARGET dpuc)
  add_test(NAME onnx_cli
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/onnx/cli.sh $<TARGET_FILE:dpuc>
            ${CMAKE_CURRENT_SOURCE_DIR}/onnx/models ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/onnx
            ${CMAKE_CURRENT_BINARY_DIR}/onnx_cli)
  set_tests_properties(onnx_cli PROPERTIES SKIP_RETURN_CODE 77)
endif()
