; step 0: accelerator, instructions 0..11
avg                      LOAD buf=PARAM region=CONST rows=1 cols=1 ddr_off=0x0 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
avg                      LOAD signal=MISC buf=ACT region=INPUT rows=4 cols=7 ddr_off=0x0 ddr_row_stride=0x70 ddr_col_stride=0x10 bytes=10 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x70
avg                      POOL wait=LOAD signal=LOAD|SAVE mode=AVG kh=3 kw=3 stride_h=2 stride_w=2 oh=2 ow=4 in_addr=0x0 in_row_stride=0x70 in_col_stride=16 out_addr=0x230 out_pstride=16 nvec=2 param_addr=0 valid_top=1 valid_left=1 valid_h=4 valid_w=7 in_zp=-52 out_zp=-89
avg                      SAVE wait=MISC signal=MISC buf=ACT region=SCRATCH rows=2 cols=4 bytes=10 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x10 sram_col_stride=16 sram_addr=0x230 sram_row_stride=0x40
avg                      LOAD wait=MISC signal=MISC buf=ACT region=INPUT rows=4 cols=7 ddr_off=0x150 ddr_row_stride=0x70 ddr_col_stride=0x10 bytes=10 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x70
avg                      POOL wait=LOAD|SAVE signal=LOAD|SAVE mode=AVG kh=3 kw=3 stride_h=2 stride_w=2 oh=2 ow=4 in_addr=0x0 in_row_stride=0x70 in_col_stride=16 out_addr=0x230 out_pstride=16 nvec=2 param_addr=0 valid_left=1 valid_h=4 valid_w=7 in_zp=-52 out_zp=-89
avg                      SAVE wait=MISC signal=LOAD buf=ACT region=SCRATCH rows=2 cols=4 bytes=10 ddr_off=0x80 ddr_row_stride=0x40 ddr_col_stride=0x10 sram_col_stride=16 sram_addr=0x230 sram_row_stride=0x40
gap                      LOAD wait=MISC buf=PARAM region=CONST rows=1 cols=1 ddr_off=0x40 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
gap                      LOAD wait=SAVE signal=MISC buf=ACT region=SCRATCH rows=4 cols=4 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x10 bytes=10 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x40
gap                      POOL wait=LOAD signal=SAVE mode=AVG kh=4 kw=4 oh=1 ow=1 in_addr=0x0 in_row_stride=0x40 in_col_stride=16 out_addr=0x100 out_pstride=16 nvec=2 param_addr=0 valid_h=4 valid_w=4 in_zp=-89 out_zp=-57
gap                      SAVE wait=MISC buf=ACT region=OUTPUT rows=1 cols=1 bytes=10 ddr_off=0x0 ddr_row_stride=0x10 ddr_col_stride=0x10 sram_col_stride=16 sram_addr=0x100 sram_row_stride=0x10
-                        END
