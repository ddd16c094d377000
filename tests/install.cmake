# `cmake --install` ships tools, headers, libraries, SV packages and a working pkg-config file.
# Sanitized and fuzz builds are skipped: their libraries need the sanitizer runtimes.
if(NOT DPU_SANITIZE AND NOT DPU_FUZZ)
  add_test(NAME install-and-consume
    COMMAND ${CMAKE_COMMAND} -DBUILD=${CMAKE_BINARY_DIR} -DWORK=${CMAKE_BINARY_DIR}/install-test
            -DSRC=${CMAKE_CURRENT_SOURCE_DIR}/install/consumer.c -DCC=${CMAKE_C_COMPILER}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/install/install_and_consume.cmake)
endif()
