; step 0: accelerator, instructions 0..6
fc                       LOAD buf=WGT region=CONST rows=6 cols=1 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x0 sram_row_stride=0x40
fc                       LOAD buf=PARAM region=CONST rows=16 cols=1 ddr_off=0x180 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
fc                       LOAD signal=CONV buf=ACT region=INPUT pad_value=55 rows=1 cols=2 ddr_off=0x0 ddr_row_stride=0x28 ddr_col_stride=0x14 bytes=20 sram_col_stride=24 sram_addr=0x0 sram_row_stride=0x30
fc                       CONV wait=LOAD post=1 kh=3 kw=1 oh=1 ow=2 act_addr=0x0 act_col_stride=24 act_row_stride=0x8 wgt_addr=0x0 acc_addr=0 out_zp=83 out_addr=0x60 out_pstride=16 clamp_lo=-29 clamp_hi=73
fc                       CONV signal=SAVE post=1 kh=3 kw=1 oh=1 ow=2 act_addr=0x0 act_col_stride=24 act_row_stride=0x8 wgt_addr=0xc0 acc_addr=0 param_addr=8 out_zp=83 out_addr=0x68 out_pstride=16 clamp_lo=-29 clamp_hi=73
fc                       SAVE wait=CONV buf=ACT region=OUTPUT rows=1 cols=2 bytes=10 ddr_off=0x0 ddr_row_stride=0x14 ddr_col_stride=0xa sram_col_stride=16 sram_addr=0x60 sram_row_stride=0x20
-                        END
