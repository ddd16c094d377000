; step 0: accelerator, instructions 0..15
pw                       LOAD buf=WGT region=CONST rows=4 cols=1 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x0 sram_row_stride=0x40
pw                       LOAD buf=PARAM region=CONST rows=16 cols=1 ddr_off=0x100 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
pw                       LOAD buf=PARAM region=CONST rows=2 cols=1 ddr_off=0x200 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x100 sram_row_stride=0x10
pw                       LOAD signal=CONV buf=ACT region=INPUT pad_value=-99 rows=2 cols=5 ddr_off=0x0 ddr_row_stride=0x50 ddr_col_stride=0x10 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x50
pw                       LOAD signal=CONV buf=ACT region=INPUT pad_value=-99 rows=2 cols=5 ddr_off=0xa0 ddr_row_stride=0x50 ddr_col_stride=0x10 bytes=16 sram_col_stride=16 sram_addr=0xa0 sram_row_stride=0x50
pw                       LOAD signal=MISC buf=ACT region=INPUT rows=2 cols=5 ddr_off=0x0 ddr_row_stride=0x50 ddr_col_stride=0x10 bytes=9 sram_col_stride=16 sram_addr=0x280 sram_row_stride=0x50
pw                       CONV wait=LOAD post=1 kh=2 kw=1 oh=1 ow=10 act_addr=0x0 act_col_stride=16 act_row_stride=0x8 wgt_addr=0x0 acc_addr=0 out_zp=87 out_addr=0x140 out_pstride=16 clamp_lo=87
pw                       CONV signal=MISC post=1 kh=2 kw=1 oh=1 ow=10 act_addr=0x0 act_col_stride=16 act_row_stride=0x8 wgt_addr=0x80 acc_addr=0 param_addr=8 out_zp=87 out_addr=0x148 out_pstride=16 clamp_lo=87
pw                       ELTW wait=LOAD|CONV signal=SAVE op=ADD a_zp=87 b_zp=-99 out_zp=-54 a_addr=0x140 b_addr=0x280 len=0xa0 out_addr=0x140 param_addr=16
pw                       SAVE wait=MISC buf=ACT region=OUTPUT rows=2 cols=5 bytes=9 ddr_off=0x0 ddr_row_stride=0x50 ddr_col_stride=0x10 sram_col_stride=16 sram_addr=0x140 sram_row_stride=0x50
pw                       LOAD signal=MISC buf=ACT region=INPUT rows=2 cols=5 ddr_off=0xa0 ddr_row_stride=0x50 ddr_col_stride=0x10 bytes=9 sram_col_stride=16 sram_addr=0x320 sram_row_stride=0x50
pw                       CONV wait=LOAD post=1 kh=2 kw=1 oh=1 ow=10 act_addr=0xa0 act_col_stride=16 act_row_stride=0x8 wgt_addr=0x0 acc_addr=0 out_zp=87 out_addr=0x1e0 out_pstride=16 clamp_lo=87
pw                       CONV signal=MISC post=1 kh=2 kw=1 oh=1 ow=10 act_addr=0xa0 act_col_stride=16 act_row_stride=0x8 wgt_addr=0x80 acc_addr=0 param_addr=8 out_zp=87 out_addr=0x1e8 out_pstride=16 clamp_lo=87
pw                       ELTW wait=LOAD|CONV signal=SAVE op=ADD a_zp=87 b_zp=-99 out_zp=-54 a_addr=0x1e0 b_addr=0x320 len=0xa0 out_addr=0x1e0 param_addr=16
pw                       SAVE wait=MISC buf=ACT region=OUTPUT rows=2 cols=5 bytes=9 ddr_off=0xa0 ddr_row_stride=0x50 ddr_col_stride=0x10 sram_col_stride=16 sram_addr=0x1e0 sram_row_stride=0x50
-                        END
