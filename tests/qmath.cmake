# qmath: the arithmetic contract (common/include/dpu/qmath.h) and its float side
# (common/src/qparams.c), checked against hand-computed values and brute-force references.
dpu_add_unit_test(test_qmath SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/qmath/test_qmath.c
  LIBS dpucommon)
dpu_add_unit_test(test_qparams SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/qmath/test_qparams.c
  LIBS dpucommon)
