; step 0: accelerator, instructions 0..14
; step 1: cpu 'cpu softmax'
; step 2: accelerator, instructions 15..20
conv                     LOAD buf=WGT region=CONST rows=6 cols=1 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x0 sram_row_stride=0x40
conv                     LOAD buf=PARAM region=CONST rows=8 cols=1 ddr_off=0x180 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
conv                     LOAD buf=ACT region=INPUT pad_top=1 pad_left=1 pad_right=1 pad_value=-82 rows=4 cols=3 ddr_off=0x0 ddr_row_stride=0xf ddr_col_stride=0x3 bytes=9 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x50
conv                     LOAD buf=ACT region=INPUT rows=4 cols=1 ddr_off=0x0 ddr_row_stride=0xf ddr_col_stride=0x3 bytes=6 sram_col_stride=6 sram_addr=0x53 sram_row_stride=0x50
conv                     LOAD signal=CONV buf=ACT region=INPUT rows=4 cols=1 ddr_off=0x9 ddr_row_stride=0xf ddr_col_stride=0x3 bytes=6 sram_col_stride=6 sram_addr=0x90 sram_row_stride=0x50
conv                     LOAD buf=ACT region=INPUT pad_bottom=1 pad_left=1 pad_right=1 pad_value=-82 rows=3 cols=3 ddr_off=0x1e ddr_row_stride=0xf ddr_col_stride=0x3 bytes=9 sram_col_stride=16 sram_addr=0x190 sram_row_stride=0x50
conv                     LOAD buf=ACT region=INPUT rows=3 cols=1 ddr_off=0x1e ddr_row_stride=0xf ddr_col_stride=0x3 bytes=6 sram_col_stride=6 sram_addr=0x193 sram_row_stride=0x50
conv                     LOAD signal=CONV buf=ACT region=INPUT rows=3 cols=1 ddr_off=0x27 ddr_row_stride=0xf ddr_col_stride=0x3 bytes=6 sram_col_stride=6 sram_addr=0x1d0 sram_row_stride=0x50
conv                     CONV wait=LOAD kh=3 kw=1 oh=3 ow=5 act_addr=0x0 act_col_stride=16 act_row_stride=0x50 wgt_addr=0x0 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV signal=SAVE accumulate=1 post=1 kh=3 kw=1 oh=3 ow=5 act_addr=0x8 act_col_stride=16 act_row_stride=0x50 wgt_addr=0xc0 acc_addr=0 out_zp=-51 out_addr=0x320 out_pstride=8 clamp_lo=-51
conv                     SAVE wait=CONV buf=ACT region=SCRATCH rows=3 cols=5 bytes=8 ddr_off=0x0 ddr_row_stride=0x28 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0x320 sram_row_stride=0x28
conv                     CONV wait=LOAD kh=3 kw=1 oh=2 ow=5 act_addr=0x190 act_col_stride=16 act_row_stride=0x50 wgt_addr=0x0 acc_addr=0 clamp_lo=0 clamp_hi=0
conv                     CONV signal=SAVE accumulate=1 post=1 kh=3 kw=1 oh=2 ow=5 act_addr=0x198 act_col_stride=16 act_row_stride=0x50 wgt_addr=0xc0 acc_addr=0 out_zp=-51 out_addr=0x398 out_pstride=8 clamp_lo=-51
conv                     SAVE wait=CONV buf=ACT region=SCRATCH rows=2 cols=5 bytes=8 ddr_off=0x78 ddr_row_stride=0x28 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0x398 sram_row_stride=0x28
-                        END
conv2                    LOAD buf=WGT region=CONST rows=1 cols=1 ddr_off=0x200 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x180 sram_row_stride=0x40
conv2                    LOAD buf=PARAM region=CONST rows=8 cols=1 ddr_off=0x240 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x80 sram_row_stride=0x10
conv2                    LOAD signal=CONV buf=ACT region=SCRATCH pad_value=-128 rows=5 cols=5 ddr_off=0x100 ddr_row_stride=0x28 ddr_col_stride=0x8 bytes=8 sram_col_stride=8 sram_addr=0x410 sram_row_stride=0x28
conv2                    CONV wait=LOAD signal=SAVE post=1 kh=1 kw=1 oh=1 ow=25 act_addr=0x410 act_col_stride=8 act_row_stride=0x8 wgt_addr=0x180 acc_addr=0 param_addr=8 out_zp=-36 out_addr=0x5a0 out_pstride=8 clamp_lo=-36
conv2                    SAVE wait=CONV buf=ACT region=OUTPUT rows=5 cols=5 bytes=6 ddr_off=0x0 ddr_row_stride=0x28 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0x5a0 sram_row_stride=0x28
-                        END
