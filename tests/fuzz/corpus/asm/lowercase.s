conv kh=1 kw=1 oh=1 ow=1 act_addr=0 act_col_stride=8 act_row_stride=8 wgt_addr=0 acc_addr=0 param_addr=0 out_addr=8 out_pstride=8 accumulate=1 lut=1 stride_h=7 stride_w=7 dil_h=7 dil_w=7
pool mode=max kh=255 kw=255 oh=1 ow=1 in_addr=0 in_row_stride=0 in_col_stride=0 out_addr=0 out_pstride=0 param_addr=0 valid_top=15 valid_left=15 valid_h=1023 valid_w=1023 nvec=255
dwconv kh=15 kw=15 oh=1023 ow=1023 act_addr=0 act_col_stride=0 act_row_stride=0 wgt_addr=0 param_addr=0 out_addr=0 out_pstride=0
lutld src_addr=0
lut in_addr=0 out_addr=0 len=1
