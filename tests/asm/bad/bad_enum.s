# A name that is not a value of the field's enum: the allowed names are listed.
# expect: bad_enum.s:3:10: error: bad value 'ACTIVATIONS' for field 'buf': expected one of ACT, WGT, PARAM, ACC
LOAD buf=ACTIVATIONS region=INPUT rows=1 cols=1 ddr_off=0 ddr_row_stride=8 ddr_col_stride=8 bytes=8 sram_col_stride=8 sram_addr=0 sram_row_stride=8
