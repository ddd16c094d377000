# dpuc sources: the driver, its command table, one file per subcommand, shared helpers.
set(DPUC_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/src/main.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/commands.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cli.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/prog_input.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cmd_asm.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cmd_disasm.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cmd_info.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cmd_info_prog.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cmd_compile.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cmd_import.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cmd_run.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cmd_export.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cmd_quantize.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cmd_eval.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/quant_cli.c)
# The version printed by `dpuc --version` comes from the top-level project() call.
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/main.c PROPERTIES
  COMPILE_DEFINITIONS "DPUC_VERSION=\"${PROJECT_VERSION}\"")
