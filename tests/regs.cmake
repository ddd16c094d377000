# AXI-Lite registers (isa/regs.tbl, isa/include/dpu/regs_desc.h): the generated constants and
# descriptor tables, reggen's refusal of every kind of bad table, deterministic output and,
# when Verilator is installed, a lint of the generated dpu_regs_pkg.

dpu_add_unit_test(test_regs
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/regs/test_regs.c
  LIBS dpuisa)

set(DPU_REGS_BAD ${CMAKE_CURRENT_SOURCE_DIR}/regs/bad)

# reggen_refuses(CASE REGEX): reggen on bad/CASE.tbl must exit 1 with stderr matching REGEX
# ("file:line:col: error: ..." naming the registers and fields at fault). The exit status
# and stderr are checked by the script shared with tests/presets.cmake.
function(reggen_refuses case regex)
  add_test(NAME reggen_refuses_${case}
    COMMAND ${CMAKE_COMMAND} -DEXPECT_EXIT=1 "-DEXPECT_STDERR=${regex}"
            -P ${CMAKE_CURRENT_SOURCE_DIR}/presets/expect_exit.cmake -- $<TARGET_FILE:reggen>
            ${DPU_REGS_BAD}/${case}.tbl)
endfunction()

reggen_refuses(same_offset "same_offset\\.tbl:5:5: error: register B at offset 0x010 collides with register A \\(line 3\\)")
reggen_refuses(unaligned_offset "unaligned_offset\\.tbl:3:10: error: offset 0x012 of register CTRL is not a multiple of 4")
reggen_refuses(offset_beyond_block "offset_beyond_block\\.tbl:3:9: error: offset 0x1000 of register FAR is beyond the 4096-byte register block")
reggen_refuses(non_integer_offset "non_integer_offset\\.tbl:3:10: error: offset of register CTRL 'abc' is not an integer")
reggen_refuses(overlap "overlap\\.tbl:5:9: error: field CTRL\\.b \\(bits 3:2\\) overlaps field CTRL\\.a \\(bits 3:0, line 4\\)")
reggen_refuses(field_beyond_width "field_beyond_width\\.tbl:4:11: error: field CTRL\\.x \\(bits 33:30\\) runs beyond the 32-bit register")
reggen_refuses(zero_width "zero_width\\.tbl:4:13: error: field CTRL\\.x has width 0")
reggen_refuses(reset_too_big "reset_too_big\\.tbl:4:21: error: reset value 16 of field CTRL\\.f does not fit its 4 bits")
reggen_refuses(reset_not_in_enum "reset_not_in_enum\\.tbl:5:37: error: reset value 9 of field STATUS\\.code is not a value of enum errcode")
reggen_refuses(unknown_access "unknown_access\\.tbl:3:16: error: unknown access kind 'wo' for register CTRL")
reggen_refuses(unknown_enum "unknown_enum\\.tbl:5:18: error: unknown enum 'color' in field STATUS\\.code")
reggen_refuses(unknown_type "unknown_type\\.tbl:4:18: error: unknown type 's' of field STATUS\\.code")
reggen_refuses(enum_too_wide "enum_too_wide\\.tbl:5:18: error: value TIMEOUT=8 of enum errcode does not fit the 3 bits of field STATUS\\.code")
reggen_refuses(duplicate_reg "duplicate_reg\\.tbl:5:5: error: duplicate register name 'CTRL' \\(first declared at line 3\\)")
reggen_refuses(duplicate_field "duplicate_field\\.tbl:5:9: error: duplicate field name 'start' in register CTRL \\(first at line 4\\)")
reggen_refuses(duplicate_enum "duplicate_enum\\.tbl:4:6: error: duplicate enum name 'errcode' \\(first declared at line 3\\)")
reggen_refuses(duplicate_enum_value "duplicate_enum_value\\.tbl:3:31: error: ALSO_NONE=0 in enum errcode has the same value as NONE")
reggen_refuses(missing_end "missing_end\\.tbl:3:5: error: register CTRL is not closed with 'end'")
reggen_refuses(nested_reg "nested_reg\\.tbl:4:1: error: register STATUS starts inside register CTRL \\(line 3\\): missing 'end'")
reggen_refuses(stray_end "stray_end\\.tbl:5:1: error: 'end' without a register")
reggen_refuses(field_outside "field_outside\\.tbl:3:1: error: field outside a register")
reggen_refuses(missing_doc "missing_doc\\.tbl:3:1: error: register CTRL: expected 'reg NAME OFFSET ACCESS")
reggen_refuses(unknown_statement "unknown_statement\\.tbl:3:1: error: unknown statement 'register'")
reggen_refuses(unknown_option "unknown_option\\.tbl:4:19: error: unknown option 'default' of field CTRL\\.start")
reggen_refuses(name_collision "name_collision\\.tbl:7:9: error: generated name 'DPU_REG_A_B_C_MASK' of field A\\.b_c \\(line 7\\) is also the name of field A_B\\.c \\(line 4\\)")
reggen_refuses(api_collision "api_collision\\.tbl:3:5: error: generated name 'DPU_REG_RO' of register RO")
reggen_refuses(missing_header "missing_header\\.tbl:2:1: error: expected 'regs NAME VERSION DATA_BITS' first")
reggen_refuses(bad_version "bad_version\\.tbl:2:11: error: version '1' is not MAJOR\\.MINOR")
reggen_refuses(bad_data_width "bad_data_width\\.tbl:2:15: error: data width 16 is not 32 or 64")
reggen_refuses(no_registers "no_registers\\.tbl:1:1: error: no registers")
reggen_refuses(bad_name "bad_name\\.tbl:3:5: error: register name '9LIVES' is not an identifier")

# The same table twice gives the same bytes, each file marked as generated.
add_test(NAME reggen_same_outputs
  COMMAND ${CMAKE_COMMAND} -DGEN=$<TARGET_FILE:reggen>
          -DTABLE=${PROJECT_SOURCE_DIR}/isa/regs.tbl
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/reggen_same_outputs
          -P ${CMAKE_CURRENT_SOURCE_DIR}/regs/same_outputs.cmake)

# The generated package must pass `verilator --lint-only -Wall`; Verilator needs a top
# module, so a one-line module that imports the package is written into the build tree.
find_program(VERILATOR verilator)
if(VERILATOR)
  get_property(DPU_REGS_SV_PACKAGE GLOBAL PROPERTY DPU_REGS_SV_PACKAGE)
  set(top ${CMAKE_CURRENT_BINARY_DIR}/sv_lint/dpu_regs_pkg_lint.sv)
  file(WRITE ${top} "// Lint harness: elaborates dpu_regs_pkg.\nmodule dpu_regs_pkg_lint;\n"
                    "  import dpu_regs_pkg::*;\nendmodule\n")
  add_test(NAME sv_lint_dpu_regs_pkg
    COMMAND ${VERILATOR} --lint-only -Wall --top-module dpu_regs_pkg_lint
            ${DPU_REGS_SV_PACKAGE} ${top}
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/sv_lint)
endif()
