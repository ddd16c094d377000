# A signed value below its field's minimum.
# expect: out_of_range_signed.s:4:28: error: value '-129' out of range for field 'b_zp'
# expect: (signed 8 bits: -128..127)
ELTW op=ADD a_zp=-128 b_zp=-129 a_addr=0 b_addr=0 len=1 out_addr=0 param_addr=0
