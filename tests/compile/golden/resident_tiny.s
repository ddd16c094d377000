; step 0: accelerator, instructions 0..25
s                        LOAD buf=WGT region=CONST rows=1 cols=1 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x0 sram_row_stride=0x40
s                        LOAD buf=PARAM region=CONST rows=8 cols=1 ddr_off=0x40 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
s                        LOAD signal=CONV buf=ACT region=INPUT pad_value=-15 rows=6 cols=5 ddr_off=0x0 ddr_row_stride=0x28 ddr_col_stride=0x8 bytes=8 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x28
s                        CONV wait=LOAD post=1 kh=1 kw=1 oh=1 ow=30 act_addr=0x0 act_col_stride=8 act_row_stride=0x8 wgt_addr=0x0 acc_addr=0 out_zp=9 out_addr=0xf970 out_pstride=8 clamp_lo=9
expand                   LOAD buf=WGT region=CONST rows=3 cols=1 ddr_off=0xc0 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x40 sram_row_stride=0x40
expand                   LOAD signal=CONV buf=PARAM region=CONST rows=24 cols=1 ddr_off=0x180 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x80 sram_row_stride=0x10
expand                   CONV wait=LOAD post=1 kh=1 kw=1 oh=1 ow=15 act_addr=0xf970 act_col_stride=8 act_row_stride=0x8 wgt_addr=0x40 acc_addr=0 param_addr=8 out_zp=38 out_addr=0xfd30 out_pstride=24
expand                   CONV post=1 kh=1 kw=1 oh=1 ow=15 act_addr=0xf970 act_col_stride=8 act_row_stride=0x8 wgt_addr=0x80 acc_addr=0 param_addr=16 out_zp=38 out_addr=0xfd38 out_pstride=24
expand                   CONV post=1 kh=1 kw=1 oh=1 ow=15 act_addr=0xf970 act_col_stride=8 act_row_stride=0x8 wgt_addr=0xc0 acc_addr=0 param_addr=24 out_zp=38 out_addr=0xfd40 out_pstride=24
expand                   CONV post=1 kh=1 kw=1 oh=1 ow=15 act_addr=0xf9e8 act_col_stride=8 act_row_stride=0x8 wgt_addr=0x40 acc_addr=0 param_addr=8 out_zp=38 out_addr=0xfe98 out_pstride=24
expand                   CONV post=1 kh=1 kw=1 oh=1 ow=15 act_addr=0xf9e8 act_col_stride=8 act_row_stride=0x8 wgt_addr=0x80 acc_addr=0 param_addr=16 out_zp=38 out_addr=0xfea0 out_pstride=24
expand                   CONV signal=MISC post=1 kh=1 kw=1 oh=1 ow=15 act_addr=0xf9e8 act_col_stride=8 act_row_stride=0x8 wgt_addr=0xc0 acc_addr=0 param_addr=24 out_zp=38 out_addr=0xfea8 out_pstride=24
dw                       LOAD buf=WGT region=CONST rows=27 cols=1 ddr_off=0x300 ddr_row_stride=0x8 ddr_col_stride=0x0 bytes=8 sram_col_stride=8 sram_addr=0x100 sram_row_stride=0x8
dw                       LOAD signal=MISC buf=PARAM region=CONST rows=24 cols=1 ddr_off=0x400 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x200 sram_row_stride=0x10
dw                       DWCONV wait=LOAD|CONV signal=CONV kh=3 kw=3 oh=4 ow=5 nvec=3 act_addr=0xfd30 act_col_stride=24 act_row_stride=0x78 wgt_addr=0x100 param_addr=32 out_zp=-54 clamp_lo=-54 out_addr=0xfa60 out_pstride=24 pad_top=1 pad_left=1 pad_right=1 pad_value=38
dw                       DWCONV signal=CONV kh=3 kw=3 oh=2 ow=5 nvec=3 act_addr=0xfe98 act_col_stride=24 act_row_stride=0x78 wgt_addr=0x100 param_addr=32 out_zp=-54 clamp_lo=-54 out_addr=0xfc40 out_pstride=24 pad_bottom=1 pad_left=1 pad_right=1 pad_value=38
project                  LOAD buf=WGT region=CONST rows=3 cols=1 ddr_off=0x580 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x200 sram_row_stride=0x40
project                  LOAD signal=CONV buf=PARAM region=CONST rows=8 cols=1 ddr_off=0x640 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x380 sram_row_stride=0x10
project                  LOAD signal=MISC buf=PARAM region=CONST rows=2 cols=1 ddr_off=0x6c0 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x400 sram_row_stride=0x10
project                  CONV wait=LOAD|MISC signal=MISC post=1 kh=3 kw=1 oh=1 ow=15 act_addr=0xfa60 act_col_stride=24 act_row_stride=0x8 wgt_addr=0x200 acc_addr=0 param_addr=56 out_zp=-46 out_addr=0x1e0 out_pstride=8 clamp_lo=-6 clamp_hi=107
project                  ELTW wait=LOAD|CONV signal=SAVE op=ADD a_zp=-46 b_zp=9 out_zp=97 clamp_lo=-94 clamp_hi=13 a_addr=0x1e0 b_addr=0xf970 len=0x78 out_addr=0x1e0 param_addr=64
project                  SAVE wait=MISC buf=ACT region=OUTPUT rows=3 cols=5 bytes=8 ddr_off=0x0 ddr_row_stride=0x28 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0x1e0 sram_row_stride=0x28
project                  CONV wait=MISC signal=MISC post=1 kh=3 kw=1 oh=1 ow=15 act_addr=0xfbc8 act_col_stride=24 act_row_stride=0x8 wgt_addr=0x200 acc_addr=0 param_addr=56 out_zp=-46 out_addr=0x258 out_pstride=8 clamp_lo=-6 clamp_hi=107
project                  ELTW wait=CONV signal=SAVE op=ADD a_zp=-46 b_zp=9 out_zp=97 clamp_lo=-94 clamp_hi=13 a_addr=0x258 b_addr=0xf9e8 len=0x78 out_addr=0x258 param_addr=64
project                  SAVE wait=MISC buf=ACT region=OUTPUT rows=3 cols=5 bytes=8 ddr_off=0x78 ddr_row_stride=0x28 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0x258 sram_row_stride=0x28
-                        END
