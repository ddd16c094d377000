# A value followed by stray characters (here a C-style separator).
# expect: garbage_after_value.s:3:20: error: garbage after value '8' of field 'len': ','
LUT in_addr=0 len=8, out_addr=0
