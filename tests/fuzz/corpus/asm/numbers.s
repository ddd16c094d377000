# Number forms at the edges of their fields.
LOAD buf=ACC region=SCRATCH pad_value=-128 rows=1023 cols=0b1 ddr_off=0xffffffffffffffff ddr_row_stride=4294967295 ddr_col_stride=0xFFFFFF bytes=4095 sram_col_stride=4095 sram_addr=0x3fffff sram_row_stride=0
SAVE buf=ACC region=OUTPUT rows=1 cols=1 bytes=1 ddr_off=18446744073709551615 ddr_row_stride=0 ddr_col_stride=0 sram_col_stride=0 sram_addr=0 sram_row_stride=-0
ELTW op=MUL lut=1 a_zp=127 b_zp=-0x80 out_zp=0b1111111 clamp_lo=-1 clamp_hi=0 a_addr=0 b_addr=0 len=1 out_addr=0 param_addr=65535
