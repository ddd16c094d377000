# The same field twice (case-insensitively): located at the second one.
# expect: duplicate_field.s:3:32: error: duplicate field 'out_addr' (first given at column 17)
LUT in_addr=0x0 out_addr=0x100 OUT_ADDR=0x200 len=64
