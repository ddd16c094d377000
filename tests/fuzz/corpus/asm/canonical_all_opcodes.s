LOAD buf=WGT region=CONST rows=1 cols=1 ddr_off=0x0 ddr_row_stride=0x88 ddr_col_stride=0x88 bytes=136 sram_col_stride=136 sram_addr=0x0 sram_row_stride=0x88  ; #0
LOAD buf=PARAM region=CONST rows=1 cols=1 ddr_off=0x90 ddr_row_stride=0x130 ddr_col_stride=0x130 bytes=304 sram_col_stride=304 sram_addr=0x0 sram_row_stride=0x130  ; #1
LOAD buf=ACT region=CONST rows=1 cols=1 ddr_off=0x1c0 ddr_row_stride=0x100 ddr_col_stride=0x100 bytes=256 sram_col_stride=256 sram_addr=0x200 sram_row_stride=0x100  ; #2
LOAD signal=CONV|MISC buf=ACT region=INPUT pad_top=1 pad_bottom=1 pad_left=1 pad_right=1 pad_value=3 rows=4 cols=4 ddr_off=0x0 ddr_row_stride=0x20 ddr_col_stride=0x8 bytes=8 sram_col_stride=8 sram_addr=0x0 sram_row_stride=0x30  ; #3
CONV wait=LOAD signal=MISC post=1 kh=1 kw=1 oh=4 ow=4 act_addr=0x38 act_col_stride=8 act_row_stride=0x30 wgt_addr=0x0 acc_addr=0 param_addr=0 out_zp=1 out_addr=0x300 out_pstride=8  ; #4
DWCONV wait=LOAD kh=3 kw=3 oh=4 ow=4 act_addr=0x0 act_col_stride=8 act_row_stride=0x30 wgt_addr=0x40 param_addr=8 out_zp=-7 clamp_lo=-7 clamp_hi=90 out_addr=0x380 out_pstride=8  ; #5
ELTW wait=CONV op=ADD a_zp=1 b_zp=-7 out_zp=2 a_addr=0x300 b_addr=0x380 len=0x80 out_addr=0x400 param_addr=16  ; #6
POOL mode=AVG kh=2 kw=2 stride_h=2 stride_w=2 oh=2 ow=2 in_addr=0x400 in_row_stride=0x20 in_col_stride=8 out_addr=0x480 out_pstride=8 param_addr=18 valid_h=4 valid_w=4 in_zp=2 out_zp=2  ; #7
LUTLD src_addr=0x200  ; #8
LUT signal=SAVE in_addr=0x480 out_addr=0x4a0 len=0x20  ; #9
SAVE wait=MISC signal=LOAD buf=ACT region=OUTPUT rows=2 cols=2 bytes=8 ddr_off=0x0 ddr_row_stride=0x10 ddr_col_stride=0x8 sram_col_stride=8 sram_addr=0x4a0 sram_row_stride=0x10  ; #10
SYNC wait=SAVE engine=LOAD  ; #11
END  ; #12
