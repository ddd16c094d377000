# cmake -DREADELF=... -DMAKE_SAMPLE=... -DWORK=dir -P readelf_check.cmake
#
# Writes the sample program and runs `readelf -a -W` on it: the output must hold no warning
# or error, and must show the file docs/program-format.md describes (ET_REL, machine None,
# the sections with their types, flags and alignments, the symbols and the opendpu note).
file(MAKE_DIRECTORY ${WORK})
set(prog ${WORK}/sample.bin)
execute_process(COMMAND ${MAKE_SAMPLE} ${prog} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "prog_make_sample failed (${rc})")
endif()

execute_process(COMMAND ${READELF} -a -W ${prog}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
set(all "${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "readelf exited with ${rc}:\n${all}")
endif()
string(TOLOWER "${all}" lower)
if(lower MATCHES "warning|error")
  message(FATAL_ERROR "readelf complains about the sample program:\n${all}")
endif()

# CMake regexes have no {n}: twelve hex bytes spelled out.
string(REPEAT "[0-9a-f][0-9a-f] " 12 twelve_bytes)
set(expected
  "Class: +ELF64"
  "little endian"
  "Type: +REL \\(Relocatable file\\)"
  "Machine: +None"
  "\\.dpu\\.text +PROGBITS +0+ [0-9a-f]+ 0000c0 20 +AX +0 +0 32"
  "\\.dpu\\.const +PROGBITS +0+ [0-9a-f]+ 0002c0 00 +A +0 +0 64"
  "\\.dpu\\.input +NOBITS +0+ [0-9a-f]+ 00012c 00 +WA +0 +0 64"
  "\\.dpu\\.output +NOBITS +0+ [0-9a-f]+ 0001f4 00 +WA"
  "\\.dpu\\.scratch +NOBITS +0+ [0-9a-f]+ 000080 00 +WA"
  "\\.dpu\\.tensors +PROGBITS +0+ [0-9a-f]+ 0001a0 68 "
  "\\.dpu\\.plan +PROGBITS"
  "\\.dpu\\.bind +PROGBITS"
  "\\.dpu\\.layers +PROGBITS"
  "\\.dpu\\.ranges +PROGBITS"
  "\\.dpu\\.cpu +PROGBITS"
  "\\.dpu\\.strtab +STRTAB"
  "\\.note\\.opendpu +NOTE"
  "\\.symtab +SYMTAB"
  "0+ +64 FUNC +LOCAL +DEFAULT +1 conv1"
  "0+ +300 OBJECT +GLOBAL +DEFAULT +3 x\n"
  "0+190 +100 OBJECT +GLOBAL +DEFAULT +4 logits"
  "0+ +400 OBJECT +GLOBAL +DEFAULT +4 probs"
  "opendpu +0x00000030"
  # format 1.0, ISA version and hash (they change with the ISA and the preset), "tiny"
  "description data: 01 00 00 00 ${twelve_bytes}74 69 6e 79 00")
foreach(re ${expected})
  if(NOT out MATCHES "${re}")
    message(FATAL_ERROR "readelf output lacks /${re}/:\n${out}")
  endif()
endforeach()
message(STATUS "readelf shows the sample program cleanly")
