# Hardware presets: isa/presets/NAME.preset (one file each, THE source) -> the C table
# dpu_presets[] and DPU_PRESET_<NAME>_HASH, one SystemVerilog package per preset and the
# docs table. Included from isa/CMakeLists.txt, so CMAKE_CURRENT_SOURCE_DIR is isa/.

# The key table, the checks, the hash and the derived figures are compiled into both the
# generator and libdpuisa: the hash stamped at build time and the one computed at run time
# come from the same code.
set(DPU_PRESET_CORE_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/src/preset_keys.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/preset_check.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/preset_hash.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/preset_figures.c)

add_executable(presetgen
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/presetgen.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/preset_read.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/preset_emit_c.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/preset_emit_sv.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gen/preset_emit_md.c
  ${DPU_PRESET_CORE_SOURCES})
target_include_directories(presetgen PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_link_libraries(presetgen PRIVATE dpu_tbl_lex dpu_gen_out dpucommon)
# A build tool, not a user tool: keep it out of build/bin and out of the install.
set_target_properties(presetgen PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

file(GLOB DPU_PRESET_FILES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/presets/*.preset)
list(SORT DPU_PRESET_FILES)

# Paths relative to the source root, so that messages and the generated banners read
# "isa/presets/tiny.preset" wherever the tree is checked out. The generator refuses a
# preset whose name differs from its file name, so the packages it writes are known here.
set(DPU_PRESET_REL_FILES)
set(DPU_PRESET_SV_FILES)
foreach(preset_file ${DPU_PRESET_FILES})
  file(RELATIVE_PATH preset_rel ${PROJECT_SOURCE_DIR} ${preset_file})
  list(APPEND DPU_PRESET_REL_FILES ${preset_rel})
  get_filename_component(preset_name ${preset_file} NAME_WE)
  list(APPEND DPU_PRESET_SV_FILES ${DPU_GEN_RTL_DIR}/dpu_preset_${preset_name}_pkg.sv)
endforeach()

set(DPU_PRESET_OUTPUTS
  ${DPU_GEN_INCLUDE_DIR}/dpu/presets_gen.h ${DPU_GEN_SRC_DIR}/presets_gen.c
  ${DPU_PRESET_SV_FILES} ${DPU_DOC_FRAGMENT_DIR}/presets.md)
add_custom_command(
  OUTPUT ${DPU_PRESET_OUTPUTS}
  COMMAND presetgen
          --c-header ${DPU_GEN_INCLUDE_DIR}/dpu/presets_gen.h
          --c-source ${DPU_GEN_SRC_DIR}/presets_gen.c
          --sv-dir ${DPU_GEN_RTL_DIR}
          --doc-dir ${DPU_DOC_FRAGMENT_DIR}
          ${DPU_PRESET_REL_FILES}
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  DEPENDS presetgen ${DPU_PRESET_FILES}
  COMMENT "presetgen: generating the C, SystemVerilog and Markdown views of isa/presets/"
  VERBATIM)

# Targets in other directories (docs/, rtl/, tests/) cannot depend on a custom command's
# outputs directly; they depend on this target instead.
add_custom_target(dpu_presets_gen DEPENDS ${DPU_PRESET_OUTPUTS})

list(APPEND DPUISA_SOURCES
  ${DPU_GEN_SRC_DIR}/presets_gen.c
  ${CMAKE_CURRENT_SOURCE_DIR}/src/preset.c
  ${DPU_PRESET_CORE_SOURCES})
list(APPEND DPUISA_GEN_HEADERS ${DPU_GEN_INCLUDE_DIR}/dpu/presets_gen.h)
set_property(GLOBAL APPEND PROPERTY DPU_DOC_FRAGMENTS ${DPU_DOC_FRAGMENT_DIR}/presets.md)
# For rtl/ and tests/ (other directory scopes): the preset files and their packages.
set_property(GLOBAL PROPERTY DPU_PRESET_FILES ${DPU_PRESET_FILES})
set_property(GLOBAL PROPERTY DPU_PRESET_SV_FILES ${DPU_PRESET_SV_FILES})
