; step 0: accelerator, instructions 0..15
gconv                    LOAD buf=WGT region=CONST rows=3 cols=1 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x0 sram_row_stride=0x40
gconv                    LOAD buf=PARAM region=CONST rows=8 cols=1 ddr_off=0x240 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
gconv                    LOAD signal=CONV buf=ACT region=INPUT pad_top=1 pad_bottom=1 pad_value=91 rows=5 cols=4 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x10 bytes=4 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x20
gconv                    CONV wait=LOAD signal=LOAD|SAVE post=1 kh=3 kw=1 oh=5 ow=4 act_addr=0x0 act_col_stride=8 act_row_stride=0x20 wgt_addr=0x0 acc_addr=0 out_zp=69 out_addr=0xe0 out_pstride=8
gconv                    SAVE wait=CONV signal=CONV buf=ACT region=OUTPUT rows=5 cols=4 bytes=2 ddr_off=0x0 ddr_row_stride=0x20 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0xe0 sram_row_stride=0x20
gconv                    LOAD wait=CONV buf=WGT region=CONST rows=3 cols=1 ddr_off=0xc0 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x0 sram_row_stride=0x40
gconv                    LOAD buf=PARAM region=CONST rows=8 cols=1 ddr_off=0x2c0 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
gconv                    LOAD signal=CONV buf=ACT region=INPUT pad_top=1 pad_bottom=1 pad_value=91 rows=5 cols=4 ddr_off=0x4 ddr_row_stride=0x40 ddr_col_stride=0x10 bytes=4 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x20
gconv                    CONV wait=LOAD|SAVE signal=LOAD|SAVE post=1 kh=3 kw=1 oh=5 ow=4 act_addr=0x0 act_col_stride=8 act_row_stride=0x20 wgt_addr=0x0 acc_addr=0 out_zp=69 out_addr=0xe0 out_pstride=8
gconv                    SAVE wait=CONV signal=CONV buf=ACT region=OUTPUT rows=5 cols=4 bytes=2 ddr_off=0x2 ddr_row_stride=0x20 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0xe0 sram_row_stride=0x20
gconv                    LOAD wait=CONV buf=WGT region=CONST rows=3 cols=1 ddr_off=0x180 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x0 sram_row_stride=0x40
gconv                    LOAD buf=PARAM region=CONST rows=8 cols=1 ddr_off=0x340 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
gconv                    LOAD signal=CONV buf=ACT region=INPUT pad_top=1 pad_bottom=1 pad_value=91 rows=5 cols=4 ddr_off=0x8 ddr_row_stride=0x40 ddr_col_stride=0x10 bytes=4 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x20
gconv                    CONV wait=LOAD|SAVE signal=SAVE post=1 kh=3 kw=1 oh=5 ow=4 act_addr=0x0 act_col_stride=8 act_row_stride=0x20 wgt_addr=0x0 acc_addr=0 out_zp=69 out_addr=0xe0 out_pstride=8
gconv                    SAVE wait=CONV buf=ACT region=OUTPUT rows=5 cols=4 bytes=2 ddr_off=0x4 ddr_row_stride=0x20 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0xe0 sram_row_stride=0x20
-                        END
