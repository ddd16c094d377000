# libdpuisa sources: assembler, disassembler, instruction streams and their shared helpers.
# (The generated descriptor tables are added by isa/gen/isagen.cmake.)
list(APPEND DPUISA_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/src/asm.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/asm_value.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/disasm.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/insn_stream.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/insn_validate.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/isa_text.c)
