# A hex prefix without digits.
# expect: malformed_number.s:4:28: error: malformed number '0x' for field 'src_addr'
# expect: expected decimal, 0x hex or 0b binary
LUTLD signal=SAVE src_addr=0x
