# Assembler, disassembler and instruction streams (libdpuisa, `dpuc asm`, `dpuc disasm`).

# Library unit tests (cmocka).
dpu_add_unit_test(test_asm_roundtrip
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/asm/test_asm_roundtrip.c LIBS dpuisa)
dpu_add_unit_test(test_asm_syntax
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/asm/test_asm_syntax.c LIBS dpuisa)
dpu_add_unit_test(test_insn_stream
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/asm/test_insn_stream.c LIBS dpuisa)

# Command-line tests run the real dpuc binary through small POSIX sh drivers; each test
# gets its own scratch directory so that ctest -j can run them side by side.
set(DPU_ASM_WORK ${CMAKE_CURRENT_BINARY_DIR}/asm-work)

# Every bundled example: asm -> disasm -> asm gives the identical bytes.
file(GLOB DPU_ASM_EXAMPLES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/examples/*.s)
foreach(src ${DPU_ASM_EXAMPLES})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME asm_example_${name}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/asm/example_roundtrip.sh
            $<TARGET_FILE:dpuc> ${src} ${DPU_ASM_WORK}/example_${name})
endforeach()

# Every bad source (tests/asm/bad/*.s) and bad stream (tests/asm/bad_bin/*.hex) must fail
# with exit 1 and a message holding each of the file's `# expect:` lines.
file(GLOB DPU_ASM_BAD CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/asm/bad/*.s)
foreach(src ${DPU_ASM_BAD})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME asm_bad_${name}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/asm/expect_failure.sh
            $<TARGET_FILE:dpuc> asm ${src} ${DPU_ASM_WORK}/bad_${name})
endforeach()
file(GLOB DPU_DISASM_BAD CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/asm/bad_bin/*.hex)
foreach(src ${DPU_DISASM_BAD})
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME disasm_bad_${name}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/asm/expect_failure.sh
            $<TARGET_FILE:dpuc> disasm ${src} ${DPU_ASM_WORK}/badbin_${name})
endforeach()

# The command line itself: help, version, usage errors, stdin/stdout, empty streams.
add_test(NAME dpuc_cli
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/asm/cli.sh
          $<TARGET_FILE:dpuc> ${PROJECT_SOURCE_DIR}/examples/conv3x3_relu.s ${DPU_ASM_WORK}/cli)
