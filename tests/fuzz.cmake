# Fuzz targets for the assembler (text in) and the stream decoder (bytes in).
#
# Always: each target is linked with standalone_main.c and replays its seed corpus as an
# ordinary ctest (fuzz_*_replay), so the corpora and the targets' round-trip properties are
# exercised under any compiler. With -DDPU_FUZZ=ON (clang): real libFuzzer binaries
# (fuzz_asm, fuzz_disasm) with ASan and UBSan, and a bounded fuzzing run per target as a
# ctest (fuzz_*_run). Run longer by hand, e.g.:
#   build/tests/fuzz_asm -max_total_time=600 build/tests/fuzz-corpus/asm tests/fuzz/corpus/asm

set(DPU_FUZZ_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
# Seeds: the hand-written corpus plus the examples and the bad inputs of tests/asm.
set(DPU_FUZZ_SEEDS_asm ${DPU_FUZZ_DIR}/corpus/asm ${PROJECT_SOURCE_DIR}/examples
                       ${CMAKE_CURRENT_SOURCE_DIR}/asm/bad)
# The disasm seeds are binary: the examples assembled (all_opcodes.bin, conv3x3_relu.bin), each
# instruction of all_opcodes on its own (one_*.bin), the streams of tests/asm/bad_bin as bytes
# (bad_*.bin) and an empty stream. After an encoding change in isa.tbl, re-create them with
# `dpuc asm` (they remain valid fuzz input either way, only less to the point).
set(DPU_FUZZ_SEEDS_disasm ${DPU_FUZZ_DIR}/corpus/disasm)

if(DPU_FUZZ)
  # A copy of libdpuisa compiled with coverage instrumentation, so libFuzzer can see the
  # code under test (the regular library stays uninstrumented for the tools).
  get_target_property(_isa_srcs dpuisa SOURCES)
  get_target_property(_isa_dir dpuisa SOURCE_DIR)
  get_target_property(_isa_incs dpuisa INCLUDE_DIRECTORIES)
  set(_fuzz_isa_srcs)
  foreach(_s ${_isa_srcs})
    if(NOT IS_ABSOLUTE ${_s})
      set(_s ${_isa_dir}/${_s})
    endif()
    list(APPEND _fuzz_isa_srcs ${_s})
  endforeach()
  add_library(dpuisa_fuzz STATIC ${_fuzz_isa_srcs})
  target_include_directories(dpuisa_fuzz PUBLIC ${_isa_incs})
  target_link_libraries(dpuisa_fuzz PUBLIC dpucommon)
  target_compile_options(dpuisa_fuzz PRIVATE -fsanitize=fuzzer-no-link,address,undefined
                                             -fno-sanitize-recover=all)
  # The generated tables come from custom commands in isa/, which only targets of that
  # directory can run: build dpuisa (and so every generated source) first.
  add_dependencies(dpuisa_fuzz dpuisa)
endif()

foreach(t asm disasm)
  set(_srcs ${DPU_FUZZ_DIR}/fuzz_${t}.c ${DPU_FUZZ_DIR}/fuzz_roundtrip.c)

  add_executable(fuzz_${t}_replay ${_srcs} ${DPU_FUZZ_DIR}/standalone_main.c)
  target_link_libraries(fuzz_${t}_replay PRIVATE dpuisa dpucommon)
  set_target_properties(fuzz_${t}_replay PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                    ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME fuzz_${t}_replay COMMAND fuzz_${t}_replay ${DPU_FUZZ_SEEDS_${t}})

  if(DPU_FUZZ)
    add_executable(fuzz_${t} ${_srcs})
    target_link_libraries(fuzz_${t} PRIVATE dpuisa_fuzz)
    target_compile_options(fuzz_${t} PRIVATE -fsanitize=fuzzer,address,undefined
                                             -fno-sanitize-recover=all)
    target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer,address,undefined)
    set_target_properties(fuzz_${t} PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                               ${CMAKE_BINARY_DIR}/tests)
    # New inputs go to a scratch directory in the build tree, never into the sources.
    set(_work ${CMAKE_BINARY_DIR}/tests/fuzz-corpus/${t})
    file(MAKE_DIRECTORY ${_work})
    add_test(NAME fuzz_${t}_run
      COMMAND fuzz_${t} -runs=20000 -max_total_time=60 -max_len=4096 ${_work}
              ${DPU_FUZZ_SEEDS_${t}})
  endif()
endforeach()
