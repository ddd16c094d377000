; step 0: accelerator, instructions 0..40
conv                     LOAD buf=ACT region=INPUT pad_top=2 pad_right=3 pad_value=-93 rows=5 cols=3 ddr_off=0x0 ddr_row_stride=0x4d ddr_col_stride=0xb bytes=55 sram_col_stride=56 sram_addr=0x0 sram_row_stride=0x150
conv                     LOAD buf=WGT region=CONST rows=42 cols=1 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x0 sram_row_stride=0x40
conv                     LOAD buf=ACT region=INPUT rows=5 cols=1 ddr_off=0x21 ddr_row_stride=0x4d ddr_col_stride=0xb bytes=44 sram_col_stride=44 sram_addr=0x348 sram_row_stride=0x150
conv                     LOAD buf=ACT region=INPUT rows=5 cols=1 ddr_off=0x2c ddr_row_stride=0x4d ddr_col_stride=0xb bytes=33 sram_col_stride=33 sram_addr=0x380 sram_row_stride=0x150
conv                     LOAD signal=CONV buf=ACT region=INPUT rows=5 cols=1 ddr_off=0x37 ddr_row_stride=0x4d ddr_col_stride=0xb bytes=22 sram_col_stride=22 sram_addr=0x3b8 sram_row_stride=0x150
conv                     LOAD signal=CONV buf=PARAM region=CONST rows=16 cols=1 ddr_off=0xa80 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
conv                     CONV wait=LOAD kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x0 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x0 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     LOAD buf=ACT region=INPUT pad_right=3 pad_value=-93 rows=7 cols=3 ddr_off=0x9a ddr_row_stride=0x4d ddr_col_stride=0xb bytes=55 sram_col_stride=56 sram_addr=0x930 sram_row_stride=0x150
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x8 act_col_stride=56 act_row_stride=0x150 wgt_addr=0xc0 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x10 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x180 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x18 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x240 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x20 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x300 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     LOAD buf=ACT region=INPUT rows=7 cols=1 ddr_off=0xbb ddr_row_stride=0x4d ddr_col_stride=0xb bytes=44 sram_col_stride=44 sram_addr=0x9d8 sram_row_stride=0x150
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x28 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x3c0 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     LOAD buf=ACT region=INPUT rows=7 cols=1 ddr_off=0xc6 ddr_row_stride=0x4d ddr_col_stride=0xb bytes=33 sram_col_stride=33 sram_addr=0xa10 sram_row_stride=0x150
conv                     CONV wait=LOAD accumulate=1 post=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x30 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x480 acc_addr=0 out_zp=-79 out_addr=0x1260 out_pstride=16
conv                     LOAD signal=CONV buf=ACT region=INPUT rows=7 cols=1 ddr_off=0xd1 ddr_row_stride=0x4d ddr_col_stride=0xb bytes=22 sram_col_stride=22 sram_addr=0xa48 sram_row_stride=0x150
conv                     CONV kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x0 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x540 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x8 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x600 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x10 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x6c0 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x18 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x780 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x20 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x840 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x28 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x900 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV signal=SAVE accumulate=1 post=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x30 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x9c0 acc_addr=0 param_addr=8 out_zp=-79 out_addr=0x1268 out_pstride=16
conv                     SAVE wait=CONV buf=ACT region=OUTPUT rows=2 cols=6 bytes=13 ddr_off=0x0 ddr_row_stride=0x60 ddr_col_stride=0x10 sram_col_stride=16 sram_addr=0x1260 sram_row_stride=0x60
conv                     CONV wait=LOAD kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x930 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x0 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x938 act_col_stride=56 act_row_stride=0x150 wgt_addr=0xc0 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x940 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x180 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x948 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x240 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x950 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x300 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x958 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x3c0 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 post=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x960 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x480 acc_addr=0 out_zp=-79 out_addr=0x1320 out_pstride=16
conv                     CONV kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x930 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x540 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x938 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x600 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x940 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x6c0 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x948 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x780 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x950 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x840 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV accumulate=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x958 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x900 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV signal=SAVE accumulate=1 post=1 kh=3 kw=1 stride_h=2 dil_h=2 oh=2 ow=6 act_addr=0x960 act_col_stride=56 act_row_stride=0x150 wgt_addr=0x9c0 acc_addr=0 param_addr=8 out_zp=-79 out_addr=0x1328 out_pstride=16
conv                     SAVE wait=CONV buf=ACT region=OUTPUT rows=2 cols=6 bytes=13 ddr_off=0xc0 ddr_row_stride=0x60 ddr_col_stride=0x10 sram_col_stride=16 sram_addr=0x1320 sram_row_stride=0x60
-                        END
