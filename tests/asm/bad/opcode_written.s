# The opcode is implied by the mnemonic and may not be written.
# expect: opcode_written.s:3:5: error: field 'opcode' is implied by the mnemonic END
END opcode=0x01
