# The README's main job (scripts/demo.sh) keeps working: quantize -> compile -> dpusim --check
# on the bundled LeNet-5, and the assembler round trip.
add_test(NAME main-job-demo COMMAND ${PROJECT_SOURCE_DIR}/scripts/demo.sh
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
set_tests_properties(main-job-demo PROPERTIES
  ENVIRONMENT "BUILD=${CMAKE_BINARY_DIR};OUT=${CMAKE_BINARY_DIR}/demo-test")
