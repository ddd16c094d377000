# isagen: the host tool that turns isa/isa.tbl into the C header and tables, the
# SystemVerilog package and the Markdown tables of docs/isa.md. Included from
# isa/CMakeLists.txt, so CMAKE_CURRENT_SOURCE_DIR is isa/.

# Output helpers of all three table generators (isagen, presetgen, reggen): files written
# whole, escaping, the output options. Defined here because this file is included first.
add_library(dpu_gen_out STATIC ${CMAKE_CURRENT_SOURCE_DIR}/gen/gen_out.c)
target_include_directories(dpu_gen_out PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/gen)

add_executable(isagen
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/isagen.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/isagen_parse.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/isagen_check.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/isagen_names.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/isagen_util.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/isagen_emit_c.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/isagen_emit_sv.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/isagen_emit_md.c)
target_include_directories(isagen PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_link_libraries(isagen PRIVATE dpu_tbl_lex dpu_gen_out)
# A build tool, not a user tool: keep it out of build/bin and out of the install.
set_target_properties(isagen PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

set(DPU_ISA_TBL ${CMAKE_CURRENT_SOURCE_DIR}/isa.tbl)
set(DPU_ISA_GEN_H ${DPU_GEN_INCLUDE_DIR}/dpu/isa_gen.h)
set(DPU_ISA_GEN_C ${DPU_GEN_SRC_DIR}/isa_gen.c)
set(DPU_ISA_SV_PKG ${DPU_GEN_RTL_DIR}/dpu_isa_pkg.sv)

# One Markdown fragment per instruction, so CMake must know the mnemonics: read them from
# the table, and re-run CMake when the table changes (a new insn means a new output).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${DPU_ISA_TBL})
file(STRINGS ${DPU_ISA_TBL} _isa_insn_lines REGEX "^[ \t]*insn[ \t]+[A-Za-z0-9_]+")
set(DPU_ISA_DOC_FRAGMENTS
  ${DPU_DOC_FRAGMENT_DIR}/isa-opcodes.md
  ${DPU_DOC_FRAGMENT_DIR}/isa-enums.md)
foreach(_line ${_isa_insn_lines})
  string(REGEX REPLACE "^[ \t]*insn[ \t]+([A-Za-z0-9_]+).*$" "\\1" _mnemonic "${_line}")
  list(APPEND DPU_ISA_DOC_FRAGMENTS ${DPU_DOC_FRAGMENT_DIR}/isa-insn-${_mnemonic}.md)
endforeach()

# The table path is given relative to the source root so that it reads "isa/isa.tbl" in
# error messages and in the generated files' banners (and the outputs do not depend on
# where the tree is checked out).
add_custom_command(
  OUTPUT ${DPU_ISA_GEN_H} ${DPU_ISA_GEN_C} ${DPU_ISA_SV_PKG} ${DPU_ISA_DOC_FRAGMENTS}
  COMMAND isagen isa/isa.tbl
          --c-header ${DPU_ISA_GEN_H}
          --c-source ${DPU_ISA_GEN_C}
          --sv-package ${DPU_ISA_SV_PKG}
          --doc-dir ${DPU_DOC_FRAGMENT_DIR}
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  DEPENDS isagen ${DPU_ISA_TBL}
  COMMENT "isagen: generating the C, SystemVerilog and Markdown views of isa/isa.tbl"
  VERBATIM)

# The command runs as part of target dpuisa (its header and source are dpuisa sources), so
# targets elsewhere that need any output (docs/, rtl/) depend on dpuisa. No second target
# lists these outputs: two targets owning one rule could run it twice at once.
list(APPEND DPUISA_SOURCES ${DPU_ISA_GEN_C})
list(APPEND DPUISA_GEN_HEADERS ${DPU_ISA_GEN_H})
foreach(_frag ${DPU_ISA_DOC_FRAGMENTS})
  set_property(GLOBAL APPEND PROPERTY DPU_DOC_FRAGMENTS ${_frag})
endforeach()
# For rtl/ and tests: where the SystemVerilog package lands.
set_property(GLOBAL PROPERTY DPU_ISA_SV_PACKAGE ${DPU_ISA_SV_PKG})
