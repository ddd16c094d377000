// Lint harness for the generated dpu_isa_pkg: Verilator wants a top module, so this one
// checks that an instruction is a LOAD with no bit set outside LOAD's fields.
module isa_pkg_lint_top
  import dpu_isa_pkg::*;
(
  input  logic [InsnBits-1:0] insn_i,
  output logic                legal_load_o,
  output buf_e                buf_o
);
  opcode_e opcode;
  assign opcode = opcode_e'(insn_i[InsnOpcodeLo +: InsnOpcodeWidth]);
  assign legal_load_o = (opcode == OpLoad) && ((insn_i & ~LoadUsedMask) == '0);
  assign buf_o = buf_e'(insn_i[LoadBufLo +: LoadBufWidth]);
endmodule
