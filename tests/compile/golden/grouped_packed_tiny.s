; step 0: accelerator, instructions 0..10
gconv                    LOAD buf=WGT region=CONST rows=9 cols=1 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x0 sram_row_stride=0x40
gconv                    LOAD buf=PARAM region=CONST rows=8 cols=1 ddr_off=0x480 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
gconv                    LOAD signal=CONV buf=ACT region=INPUT pad_top=1 pad_bottom=1 pad_left=1 pad_right=1 pad_value=42 rows=4 cols=4 ddr_off=0x0 ddr_row_stride=0x40 ddr_col_stride=0x10 bytes=8 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x30
gconv                    CONV wait=LOAD signal=LOAD|SAVE post=1 kh=3 kw=3 oh=4 ow=4 act_addr=0x0 act_col_stride=8 act_row_stride=0x30 wgt_addr=0x0 acc_addr=0 out_zp=-14 out_addr=0x120 out_pstride=8
gconv                    SAVE wait=CONV signal=CONV buf=ACT region=OUTPUT rows=4 cols=4 bytes=4 ddr_off=0x0 ddr_row_stride=0x20 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0x120 sram_row_stride=0x20
gconv                    LOAD wait=CONV buf=WGT region=CONST rows=9 cols=1 ddr_off=0x240 ddr_row_stride=0x40 ddr_col_stride=0x0 bytes=64 sram_col_stride=64 sram_addr=0x0 sram_row_stride=0x40
gconv                    LOAD buf=PARAM region=CONST rows=8 cols=1 ddr_off=0x500 ddr_row_stride=0x10 ddr_col_stride=0x0 bytes=16 sram_col_stride=16 sram_addr=0x0 sram_row_stride=0x10
gconv                    LOAD signal=CONV buf=ACT region=INPUT pad_top=1 pad_bottom=1 pad_left=1 pad_right=1 pad_value=42 rows=4 cols=4 ddr_off=0x8 ddr_row_stride=0x40 ddr_col_stride=0x10 bytes=8 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x30
gconv                    CONV wait=LOAD|SAVE signal=SAVE post=1 kh=3 kw=3 oh=4 ow=4 act_addr=0x0 act_col_stride=8 act_row_stride=0x30 wgt_addr=0x0 acc_addr=0 out_zp=-14 out_addr=0x120 out_pstride=8
gconv                    SAVE wait=CONV buf=ACT region=OUTPUT rows=4 cols=4 bytes=4 ddr_off=0x4 ddr_row_stride=0x20 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0x120 sram_row_stride=0x20
-                        END
