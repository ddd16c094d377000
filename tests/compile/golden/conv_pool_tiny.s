LOAD buf=WGT region=CONST rows=9 cols=1 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x0 sram_row_stride=0x40
LOAD buf=PARAM region=CONST rows=8 cols=1 ddr_off=0x240 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
LOAD signal=CONV buf=ACT region=INPUT pad_top=1 pad_bottom=1 pad_left=1 pad_right=1 pad_value=-51 rows=5 cols=5 ddr_off=0x0 ddr_row_stride=0x28 ddr_col_stride=0x8 bytes=3 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x38
CONV wait=LOAD signal=SAVE post=1 kh=3 kw=3 oh=5 ow=5 act_addr=0x0 act_col_stride=8 act_row_stride=0x38 wgt_addr=0x0 acc_addr=0 out_zp=24 out_addr=0x188 out_pstride=8 clamp_lo=-27 clamp_hi=-12
SAVE wait=CONV signal=LOAD buf=ACT region=SCRATCH rows=5 cols=5 bytes=4 ddr_off=0x0 ddr_row_stride=0x28 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0x188 sram_row_stride=0x28
LOAD wait=SAVE buf=PARAM region=CONST rows=1 cols=1 ddr_off=0x2c0 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
LOAD signal=MISC buf=ACT region=SCRATCH rows=5 cols=5 ddr_off=0x0 ddr_row_stride=0x28 ddr_col_stride=0x8 bytes=4 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x28
POOL wait=LOAD signal=SAVE mode=MAX kh=2 kw=2 stride_h=2 stride_w=2 oh=3 ow=3 in_addr=0x0 in_row_stride=0x28 in_col_stride=8 out_addr=0xc8 out_pstride=8 param_addr=0 valid_h=5 valid_w=5 in_zp=24 out_zp=-32
SAVE wait=MISC buf=ACT region=OUTPUT rows=3 cols=3 bytes=4 ddr_off=0x0 ddr_row_stride=0x18 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0xc8 sram_row_stride=0x18
END
