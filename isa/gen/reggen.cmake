# AXI-Lite control/status registers: isa/regs.tbl (THE source) -> C offsets and masks
# (dpu/regs_gen.h), descriptor tables (regs_gen.c, types in dpu/regs_desc.h), the
# SystemVerilog package dpu_regs_pkg and the docs tables. Included from isa/CMakeLists.txt
# after isagen.cmake, which defines dpu_gen_out.

add_executable(reggen
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/reggen.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/reggen_parse.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/reggen_check.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/reggen_emit_c.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/reggen_emit_sv.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/reggen_emit_md.c)
target_link_libraries(reggen PRIVATE dpu_tbl_lex dpu_gen_out)
# A build tool, not a user tool: keep it out of build/bin and out of the install.
set_target_properties(reggen PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

set(DPU_REGS_TBL ${CMAKE_CURRENT_SOURCE_DIR}/regs.tbl)
set(DPU_REGS_SV_PKG ${DPU_GEN_RTL_DIR}/dpu_regs_pkg.sv)
set(DPU_REGS_OUTPUTS
  ${DPU_GEN_INCLUDE_DIR}/dpu/regs_gen.h ${DPU_GEN_SRC_DIR}/regs_gen.c ${DPU_REGS_SV_PKG}
  ${DPU_DOC_FRAGMENT_DIR}/registers.md)

# The table path is relative to the source root so that it reads "isa/regs.tbl" in messages
# and banners, wherever the tree is checked out.
add_custom_command(
  OUTPUT ${DPU_REGS_OUTPUTS}
  COMMAND reggen isa/regs.tbl
          --c-header ${DPU_GEN_INCLUDE_DIR}/dpu/regs_gen.h
          --c-source ${DPU_GEN_SRC_DIR}/regs_gen.c
          --sv-package ${DPU_REGS_SV_PKG}
          --doc-dir ${DPU_DOC_FRAGMENT_DIR}
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  DEPENDS reggen ${DPU_REGS_TBL}
  COMMENT "reggen: generating the C, SystemVerilog and Markdown views of isa/regs.tbl"
  VERBATIM)

# For targets in other directories (docs/, rtl/, tests/).
add_custom_target(dpu_regs_gen DEPENDS ${DPU_REGS_OUTPUTS})

list(APPEND DPUISA_SOURCES ${DPU_GEN_SRC_DIR}/regs_gen.c)
list(APPEND DPUISA_GEN_HEADERS ${DPU_GEN_INCLUDE_DIR}/dpu/regs_gen.h)
set_property(GLOBAL APPEND PROPERTY DPU_DOC_FRAGMENTS ${DPU_DOC_FRAGMENT_DIR}/registers.md)
set_property(GLOBAL PROPERTY DPU_REGS_TBL ${DPU_REGS_TBL})
set_property(GLOBAL PROPERTY DPU_REGS_SV_PACKAGE ${DPU_REGS_SV_PKG})
