; step 0: accelerator, instructions 0..8
dw                       LOAD buf=WGT region=CONST rows=18 cols=1 ddr_off=0x0 ddr_row_stride=0x8 ddr_col_stride=0x0 bytes=8 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x8
dw                       LOAD buf=PARAM region=CONST rows=16 cols=1 ddr_off=0xc0 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
dw                       LOAD signal=MISC buf=ACT region=INPUT pad_top=1 pad_left=1 pad_right=1 pad_value=-47 rows=5 cols=5 ddr_off=0x0 ddr_row_stride=0x50 ddr_col_stride=0x10 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x70
dw                       LOAD signal=MISC buf=ACT region=INPUT pad_bottom=1 pad_left=1 pad_right=1 pad_value=-47 rows=3 cols=5 ddr_off=0xf0 ddr_row_stride=0x50 ddr_col_stride=0x10 bytes=16 sram_col_stride=16 sram_addr=0x2a0 sram_row_stride=0x70
dw                       DWCONV wait=LOAD signal=SAVE kh=3 kw=3 oh=4 ow=5 nvec=2 act_addr=0x0 act_col_stride=16 act_row_stride=0x70 wgt_addr=0x0 param_addr=0 out_zp=87 clamp_lo=-91 clamp_hi=25 out_addr=0x540 out_pstride=16
dw                       SAVE wait=MISC buf=ACT region=OUTPUT rows=4 cols=5 bytes=12 ddr_off=0x0 ddr_row_stride=0x50 ddr_col_stride=0x10 sram_col_stride=16 sram_addr=0x540 sram_row_stride=0x50
dw                       DWCONV wait=LOAD signal=SAVE kh=3 kw=3 oh=2 ow=5 nvec=2 act_addr=0x2a0 act_col_stride=16 act_row_stride=0x70 wgt_addr=0x0 param_addr=0 out_zp=87 clamp_lo=-91 clamp_hi=25 out_addr=0x680 out_pstride=16
dw                       SAVE wait=MISC buf=ACT region=OUTPUT rows=2 cols=5 bytes=12 ddr_off=0x140 ddr_row_stride=0x50 ddr_col_stride=0x10 sram_col_stride=16 sram_addr=0x680 sram_row_stride=0x50
-                        END
