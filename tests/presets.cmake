# Hardware presets (isa/presets/*.preset, isa/include/dpu/preset.h): the generated table, the
# hash, the derived figures, presetgen's refusal of every kind of bad preset, deterministic
# output and, when Verilator is installed, a lint of every generated SystemVerilog package.

dpu_add_unit_test(test_presets
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/presets/test_presets.c
  LIBS dpuisa m)

set(DPU_PRESET_BAD ${CMAKE_CURRENT_SOURCE_DIR}/presets/bad)

# presetgen_refuses(CASE REGEX [FILES...]): presetgen on the fixture bad/CASE.preset (or on
# FILES) must exit 1 with stderr matching REGEX ("file:line:col: error: ..." naming the key).
function(presetgen_refuses case regex)
  set(files ${ARGN})
  if(NOT files)
    set(files ${DPU_PRESET_BAD}/${case}.preset)
  endif()
  add_test(NAME presetgen_refuses_${case}
    COMMAND ${CMAKE_COMMAND} -DEXPECT_EXIT=1 "-DEXPECT_STDERR=${regex}"
            -P ${CMAKE_CURRENT_SOURCE_DIR}/presets/expect_exit.cmake -- $<TARGET_FILE:presetgen>
            ${files})
endfunction()

presetgen_refuses(unknown_key "unknown_key\\.preset:19:1: error: unknown key 'array_depth'")
presetgen_refuses(missing_key "missing_key\\.preset:1:1: error: missing key 'clock_mhz'")
presetgen_refuses(empty "empty\\.preset:1:1: error: missing key 'name'.*missing key 'token_queue_depth'")
presetgen_refuses(duplicate_key "duplicate_key\\.preset:5:1: error: duplicate key 'array_rows' \\(first set at line 4\\)")
presetgen_refuses(non_integer "non_integer\\.preset:5:14: error: value of 'array_cols' is not an integer: 'eight'")
presetgen_refuses(malformed "malformed\\.preset:4:1: error: expected 'key = value', found 'array_rows'")
presetgen_refuses(trailing_token "trailing_token\\.preset:4:16: error: unexpected '9' after the value of 'array_rows'")
presetgen_refuses(empty_description "empty_description\\.preset:3:15: error: description is empty")
presetgen_refuses(out_of_range "out_of_range\\.preset:13:13: error: clock_mhz = 5000 is out of range 1\\.\\.2000")
presetgen_refuses(misc_reads_out_of_range "misc_reads_out_of_range\\.preset:20:25: error: misc_act_read_vectors = 8 is out of range 1\\.\\.4")
presetgen_refuses(negative "negative\\.preset:15:22: error: ddr_latency_cycles = -1 is out of range")
presetgen_refuses(cols_not_multiple "cols_not_multiple\\.preset:5:14: error: array_cols = 8 is not a multiple of array_rows = 16")
presetgen_refuses(not_pow2 "not_pow2\\.preset:4:14: error: array_rows = 12 is not a power of two")
presetgen_refuses(wgt_too_small "wgt_too_small\\.preset:7:17: error: wgt_buf_bytes = 32 cannot hold one 8x8 weight tile")
presetgen_refuses(act_too_small "act_too_small\\.preset:6:17: error: act_buf_bytes = 128 cannot even hold the 256-byte lookup table")
presetgen_refuses(act_too_large "act_too_large\\.preset:6:17: error: act_buf_bytes = 8388608 is beyond the 22-bit byte address fields")
presetgen_refuses(wgt_too_large "wgt_too_large\\.preset:7:17: error: wgt_buf_bytes = 4194305 is beyond the 22-bit byte address fields")
presetgen_refuses(acc_entries_16bit "acc_entries_16bit\\.preset:8:19: error: acc_buf_entries = 65536 is beyond the 16-bit")
presetgen_refuses(param_records_16bit "param_records_16bit\\.preset:9:21: error: param_buf_records = 70000 is beyond the 16-bit")
presetgen_refuses(param_too_few "param_too_few\\.preset:9:21: error: param_buf_records = 4 cannot hold the parameters of array_cols = 8")
presetgen_refuses(acc_bits "acc_bits\\.preset:10:12: error: acc_bits = 16: the ISA accumulates in int32")
presetgen_refuses(axi_width "axi_width\\.preset:11:17: error: axi_data_bits = 96 is not an AXI4 data width")
presetgen_refuses(burst_short "burst_short\\.preset:16:19: error: ddr_burst_bytes = 8 is shorter than one 128-bit beat")
presetgen_refuses(name_mismatch "name_mismatch\\.preset:2:8: error: name 'tiny' differs from the file name 'name_mismatch\\.preset'")
presetgen_refuses(bad_name "Upper\\.preset:2:8: error: name 'Upper' must be" ${DPU_PRESET_BAD}/Upper.preset)
presetgen_refuses(duplicate_name
  "dup_b/dup\\.preset:2:8: error: duplicate preset name 'dup' \\(also defined at [^ ]*dup_a/dup\\.preset:2:8\\)"
  ${DPU_PRESET_BAD}/dup_a/dup.preset ${DPU_PRESET_BAD}/dup_b/dup.preset)
# One bad file among good ones still stops everything.
get_property(DPU_PRESET_FILES GLOBAL PROPERTY DPU_PRESET_FILES)
presetgen_refuses(one_bad_among_good "unknown key 'array_depth'"
  ${DPU_PRESET_FILES} ${DPU_PRESET_BAD}/unknown_key.preset)
# Command-line mistakes: no files at all, a file that does not exist.
add_test(NAME presetgen_refuses_no_files
  COMMAND ${CMAKE_COMMAND} -DEXPECT_EXIT=1 "-DEXPECT_STDERR=presetgen: error: no preset files"
          -P ${CMAKE_CURRENT_SOURCE_DIR}/presets/expect_exit.cmake -- $<TARGET_FILE:presetgen>)
presetgen_refuses(missing_file "does_not_exist\\.preset: error: cannot open"
  ${DPU_PRESET_BAD}/does_not_exist.preset)

add_test(NAME presetgen_same_outputs
  COMMAND ${CMAKE_COMMAND} -DGEN=$<TARGET_FILE:presetgen>
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/presetgen_same_outputs
          -P ${CMAKE_CURRENT_SOURCE_DIR}/presets/same_outputs.cmake -- ${DPU_PRESET_FILES})

# Every generated SystemVerilog package must pass `verilator --lint-only -Wall`. Verilator
# needs a top module, so each package gets a one-line module that imports it (named like its
# file, as -Wall's DECLFILENAME wants), written here into the build tree.
find_program(VERILATOR verilator)
if(VERILATOR)
  get_property(DPU_PRESET_SV_FILES GLOBAL PROPERTY DPU_PRESET_SV_FILES)
  foreach(sv ${DPU_PRESET_SV_FILES})
    get_filename_component(pkg ${sv} NAME_WE)
    set(top ${CMAKE_CURRENT_BINARY_DIR}/sv_lint/${pkg}_lint.sv)
    file(WRITE ${top} "// Lint harness: elaborates ${pkg}.\nmodule ${pkg}_lint;\n"
                      "  import ${pkg}::*;\nendmodule\n")
    add_test(NAME sv_lint_${pkg}
      COMMAND ${VERILATOR} --lint-only -Wall --top-module ${pkg}_lint ${sv} ${top}
      WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/sv_lint)
  endforeach()
endif()
