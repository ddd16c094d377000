# Every C source and header follows the checked-in .clang-format style.
find_program(CLANG_FORMAT NAMES clang-format clang-format-14)
if(CLANG_FORMAT)
  file(GLOB_RECURSE DPU_FORMATTED_SOURCES CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/common/*.[ch] ${PROJECT_SOURCE_DIR}/isa/*.[ch]
    ${PROJECT_SOURCE_DIR}/compiler/*.[ch] ${PROJECT_SOURCE_DIR}/sim/*.[ch]
    ${PROJECT_SOURCE_DIR}/driver/*.[ch] ${PROJECT_SOURCE_DIR}/tests/*.[ch]
    ${PROJECT_SOURCE_DIR}/docs/*.[ch] ${PROJECT_SOURCE_DIR}/rtl/*.[ch]
    ${PROJECT_SOURCE_DIR}/graph/*.[ch] ${PROJECT_SOURCE_DIR}/ref/*.[ch]
    ${PROJECT_SOURCE_DIR}/prog/*.[ch] ${PROJECT_SOURCE_DIR}/runtime/*.[ch])
  add_test(NAME clang-format-check
    COMMAND ${CLANG_FORMAT} --dry-run --Werror ${DPU_FORMATTED_SOURCES})
else()
  message(STATUS "clang-format not found: the style check is not run")
endif()
