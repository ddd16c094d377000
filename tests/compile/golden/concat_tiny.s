; step 0: accelerator, instructions 0..36
left                     LOAD buf=ACT region=INPUT pad_top=1 pad_left=1 pad_right=1 pad_value=-15 rows=3 cols=2 ddr_off=0x0 ddr_row_stride=0x14 ddr_col_stride=0x5 bytes=15 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x40
left                     LOAD buf=ACT region=INPUT rows=3 cols=1 ddr_off=0x0 ddr_row_stride=0x14 ddr_col_stride=0x5 bytes=10 sram_col_stride=10 sram_addr=0x45 sram_row_stride=0x40
left                     LOAD buf=WGT region=CONST rows=6 cols=1 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x0 sram_row_stride=0x40
left                     LOAD buf=ACT region=INPUT pad_bottom=1 pad_left=1 pad_right=1 pad_value=-15 rows=3 cols=2 ddr_off=0x14 ddr_row_stride=0x14 ddr_col_stride=0x5 bytes=15 sram_col_stride=16 sram_addr=0x100 sram_row_stride=0x40
left                     LOAD signal=CONV buf=ACT region=INPUT rows=3 cols=1 ddr_off=0xa ddr_row_stride=0x14 ddr_col_stride=0x5 bytes=10 sram_col_stride=10 sram_addr=0x70 sram_row_stride=0x40
left                     LOAD signal=CONV buf=PARAM region=CONST rows=8 cols=1 ddr_off=0x180 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
left                     CONV wait=LOAD kh=3 kw=1 oh=2 ow=4 act_addr=0x0 act_col_stride=16 act_row_stride=0x40 wgt_addr=0x0 acc_addr=0 clamp_lo=0 clamp_hi=0
left                     LOAD buf=ACT region=INPUT rows=3 cols=1 ddr_off=0x14 ddr_row_stride=0x14 ddr_col_stride=0x5 bytes=10 sram_col_stride=10 sram_addr=0x105 sram_row_stride=0x40
left                     CONV wait=LOAD signal=SAVE accumulate=1 post=1 kh=3 kw=1 oh=2 ow=4 act_addr=0x8 act_col_stride=16 act_row_stride=0x40 wgt_addr=0xc0 acc_addr=0 out_zp=9 out_addr=0x200 out_pstride=8 clamp_lo=9
right                    LOAD buf=ACT region=INPUT pad_top=1 pad_left=1 pad_right=1 pad_value=-15 rows=3 cols=2 ddr_off=0x0 ddr_row_stride=0x14 ddr_col_stride=0x5 bytes=15 sram_col_stride=16 sram_addr=0x280 sram_row_stride=0x40
left                     SAVE wait=CONV buf=ACT region=SCRATCH rows=2 cols=4 bytes=8 ddr_off=0x0 ddr_row_stride=0x20 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0x200 sram_row_stride=0x20
left                     LOAD signal=CONV buf=ACT region=INPUT rows=3 cols=1 ddr_off=0x1e ddr_row_stride=0x14 ddr_col_stride=0x5 bytes=10 sram_col_stride=10 sram_addr=0x130 sram_row_stride=0x40
left                     CONV wait=LOAD kh=3 kw=1 oh=2 ow=4 act_addr=0x100 act_col_stride=16 act_row_stride=0x40 wgt_addr=0x0 acc_addr=0 clamp_lo=0 clamp_hi=0
right                    LOAD buf=ACT region=INPUT rows=3 cols=1 ddr_off=0x0 ddr_row_stride=0x14 ddr_col_stride=0x5 bytes=10 sram_col_stride=10 sram_addr=0x2c5 sram_row_stride=0x40
right                    LOAD buf=WGT region=CONST rows=6 cols=1 ddr_off=0x200 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x180 sram_row_stride=0x40
left                     CONV signal=SAVE accumulate=1 post=1 kh=3 kw=1 oh=2 ow=4 act_addr=0x108 act_col_stride=16 act_row_stride=0x40 wgt_addr=0xc0 acc_addr=0 out_zp=9 out_addr=0x240 out_pstride=8 clamp_lo=9
left                     SAVE wait=CONV signal=LOAD buf=ACT region=SCRATCH rows=2 cols=4 bytes=8 ddr_off=0x40 ddr_row_stride=0x20 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0x240 sram_row_stride=0x20
right                    LOAD buf=ACT region=INPUT pad_bottom=1 pad_left=1 pad_right=1 pad_value=-15 rows=3 cols=2 ddr_off=0x14 ddr_row_stride=0x14 ddr_col_stride=0x5 bytes=15 sram_col_stride=16 sram_addr=0x380 sram_row_stride=0x40
right                    LOAD signal=CONV buf=ACT region=INPUT rows=3 cols=1 ddr_off=0xa ddr_row_stride=0x14 ddr_col_stride=0x5 bytes=10 sram_col_stride=10 sram_addr=0x2f0 sram_row_stride=0x40
right                    LOAD signal=CONV buf=PARAM region=CONST rows=8 cols=1 ddr_off=0x380 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x80 sram_row_stride=0x10
right                    CONV wait=LOAD kh=3 kw=1 oh=2 ow=4 act_addr=0x280 act_col_stride=16 act_row_stride=0x40 wgt_addr=0x180 acc_addr=0 clamp_lo=0 clamp_hi=0
right                    LOAD buf=ACT region=INPUT rows=3 cols=1 ddr_off=0x14 ddr_row_stride=0x14 ddr_col_stride=0x5 bytes=10 sram_col_stride=10 sram_addr=0x385 sram_row_stride=0x40
right                    CONV wait=LOAD signal=SAVE accumulate=1 post=1 kh=3 kw=1 oh=2 ow=4 act_addr=0x288 act_col_stride=16 act_row_stride=0x40 wgt_addr=0x240 acc_addr=0 param_addr=8 out_zp=86 out_addr=0x480 out_pstride=8 clamp_lo=-6 clamp_hi=98
right                    LOAD signal=CONV buf=ACT region=INPUT rows=3 cols=1 ddr_off=0x1e ddr_row_stride=0x14 ddr_col_stride=0x5 bytes=10 sram_col_stride=10 sram_addr=0x3b0 sram_row_stride=0x40
right                    SAVE wait=CONV buf=ACT region=SCRATCH rows=2 cols=4 bytes=8 ddr_off=0x80 ddr_row_stride=0x20 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0x480 sram_row_stride=0x20
right                    CONV wait=LOAD kh=3 kw=1 oh=2 ow=4 act_addr=0x380 act_col_stride=16 act_row_stride=0x40 wgt_addr=0x180 acc_addr=0 clamp_lo=0 clamp_hi=0
cat                      LOAD wait=SAVE buf=ACT region=SCRATCH rows=4 cols=4 ddr_off=0x0 ddr_row_stride=0x20 ddr_col_stride=0x8 bytes=6 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x20
right                    CONV signal=SAVE accumulate=1 post=1 kh=3 kw=1 oh=2 ow=4 act_addr=0x388 act_col_stride=16 act_row_stride=0x40 wgt_addr=0x240 acc_addr=0 param_addr=8 out_zp=86 out_addr=0x4c0 out_pstride=8 clamp_lo=-6 clamp_hi=98
cat                      LOAD signal=MISC buf=PARAM region=CONST rows=2 cols=1 ddr_off=0x400 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
right                    SAVE wait=CONV buf=ACT region=SCRATCH rows=2 cols=4 bytes=8 ddr_off=0xc0 ddr_row_stride=0x20 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0x4c0 sram_row_stride=0x20
cat                      ELTW wait=LOAD signal=LOAD|SAVE op=ADD a_zp=9 b_zp=9 out_zp=20 a_addr=0x0 b_addr=0x0 len=0x80 out_addr=0x0 param_addr=0
cat                      LOAD wait=MISC buf=PARAM region=CONST rows=2 cols=1 ddr_off=0x440 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
cat                      SAVE wait=MISC signal=LOAD buf=ACT region=OUTPUT rows=4 cols=4 bytes=6 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x10 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x20
cat                      LOAD wait=SAVE signal=MISC buf=ACT region=SCRATCH rows=4 cols=4 ddr_off=0x80 ddr_row_stride=0x20 ddr_col_stride=0x8 bytes=3 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x20
cat                      ELTW wait=LOAD signal=SAVE op=ADD a_zp=86 b_zp=86 out_zp=20 a_addr=0x0 b_addr=0x0 len=0x80 out_addr=0x0 param_addr=0
cat                      SAVE wait=MISC buf=ACT region=OUTPUT rows=4 cols=4 bytes=3 ddr_off=0x6 ddr_row_stride=0x40 ddr_col_stride=0x10 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x20
-                        END
