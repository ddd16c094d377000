; step 0: accelerator, instructions 0..9
relu6                    LOAD buf=PARAM region=CONST rows=2 cols=1 ddr_off=0x0 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
relu6                    LOAD signal=MISC buf=ACT region=INPUT rows=15 cols=1 ddr_off=0x0 ddr_row_stride=0x8 ddr_col_stride=0x0 bytes=8 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x8
relu6                    ELTW wait=LOAD signal=SAVE op=ADD a_zp=-82 b_zp=-82 out_zp=-51 clamp_lo=-51 clamp_hi=118 a_addr=0x0 b_addr=0x0 len=0x78 out_addr=0x0 param_addr=0
relu6                    SAVE wait=MISC signal=LOAD buf=ACT region=SCRATCH rows=15 cols=1 bytes=8 ddr_off=0x0 ddr_row_stride=0x8 ddr_col_stride=0x0 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x8
sigmoid                  LOAD wait=SAVE signal=MISC buf=ACT region=CONST rows=1 cols=1 ddr_off=0x40 ddr_row_stride=0x100 ddr_col_stride=0x0 bytes=256 sram_col_stride=256 sram_addr=0x0 sram_row_stride=0x100
sigmoid                  LUTLD wait=LOAD src_addr=0x0
sigmoid                  LOAD signal=MISC buf=ACT region=SCRATCH rows=15 cols=1 ddr_off=0x0 ddr_row_stride=0x8 ddr_col_stride=0x0 bytes=8 sram_col_stride=8 sram_addr=0x100 sram_row_stride=0x8
sigmoid                  LUT wait=LOAD signal=SAVE in_addr=0x100 out_addr=0x100 len=0x78
sigmoid                  SAVE wait=MISC buf=ACT region=OUTPUT rows=15 cols=1 bytes=8 ddr_off=0x0 ddr_row_stride=0x8 ddr_col_stride=0x0 sram_col_stride=8 sram_addr=0x100 sram_row_stride=0x8
-                        END
