# all_opcodes.s: a small program for the `tiny` preset (8x8 array) that uses every
# instruction once or more, with the dependency tokens a compiler would emit.
#
# Dataflow (all tensors 8 channels, int8):
#   x (4x4, INPUT) --CONV 1x1--> a --+
#   x (padded 6x6) --DWCONV 3x3-> b -+--ELTW ADD--> c --POOL AVG 2x2--> p --LUT--> y (OUTPUT)
#
# Region CONST layout (bytes):
#   0     CONV 1x1 weights: one tap, an 8x8 block of 64 bytes
#   64    DWCONV 3x3 weights: 9 taps x 8 lanes = 72 bytes
#   144   PARAM records, 16 bytes each: 0..7 CONV, 8..15 DWCONV, 16..17 ELTW, 18 POOL
#   448   the 256-entry lookup table (entry 0 is the result for input -128)
#
# On-chip layout:
#   WGT   0..63 CONV weights, 64..135 DWCONV weights
#   PARAM records 0..18 (PARAM addresses in CONV/MISC instructions count records)
#   ACT   0x000 x padded to 6x6 (48 bytes per row)   0x200 lookup table
#         0x300 a (4x4)   0x380 b (4x4)   0x400 c (4x4)   0x480 p (2x2)   0x4a0 y (2x2)
#
# Tokens (each signal is matched by exactly one wait):
#   last LOAD  -> CONV and MISC    the weights, parameters, input and table are on chip
#   CONV       -> MISC             a is ready for ELTW
#   LUT (MISC) -> SAVE             y is ready
#   SAVE       -> LOAD             y has left ACT; taken by the SYNC in the LOAD queue

# ---- LOAD engine: DDR -> on-chip buffers ----------------------------------------------
LOAD buf=WGT region=CONST rows=1 cols=1 bytes=136 ddr_off=0x0 ddr_row_stride=136 ddr_col_stride=136 sram_col_stride=136 sram_addr=0x0 sram_row_stride=136
LOAD buf=PARAM region=CONST rows=1 cols=1 bytes=304 ddr_off=0x90 ddr_row_stride=304 ddr_col_stride=304 sram_col_stride=304 sram_addr=0x0 sram_row_stride=304
LOAD buf=ACT region=CONST rows=1 cols=1 bytes=256 ddr_off=0x1c0 ddr_row_stride=256 ddr_col_stride=256 sram_col_stride=256 sram_addr=0x200 sram_row_stride=256
# x with one pixel of zero-point padding around it (for the 3x3 depthwise filter).
LOAD signal=CONV|MISC buf=ACT region=INPUT pad_top=1 pad_bottom=1 pad_left=1 pad_right=1 pad_value=3 rows=4 cols=4 bytes=8 ddr_off=0x0 ddr_row_stride=32 ddr_col_stride=8 sram_col_stride=8 sram_addr=0x0 sram_row_stride=48

# ---- CONV engine: the systolic array ---------------------------------------------------
# 1x1 convolution over the unpadded interior: input pixel (0,0) sits one row (48 bytes)
# and one pixel (8 bytes) into the padded tile. One pass with post-processing; no clamp
# beyond int8 (clamp_lo/clamp_hi keep their defaults -128/127).
CONV wait=LOAD signal=MISC post=1 kh=1 kw=1 oh=4 ow=4 act_addr=0x38 act_col_stride=8 act_row_stride=48 wgt_addr=0x0 acc_addr=0 param_addr=0 out_zp=1 out_addr=0x300 out_pstride=8

# ---- MISC engine: depthwise, element-wise, pooling, lookup tables -----------------------
# Depthwise 3x3, stride 1, over the padded tile; ReLU6-style clamp.
DWCONV wait=LOAD kh=3 kw=3 oh=4 ow=4 act_addr=0x0 act_col_stride=8 act_row_stride=48 wgt_addr=0x40 param_addr=8 out_zp=-7 clamp_lo=-7 clamp_hi=90 out_addr=0x380 out_pstride=8
# c = a + b, 128 bytes; waits for CONV's a (b was made earlier in this same queue).
ELTW wait=CONV op=ADD a_zp=1 b_zp=-7 out_zp=2 a_addr=0x300 b_addr=0x380 len=128 out_addr=0x400 param_addr=16
# Average pooling 2x2 stride 2: 4x4 -> 2x2; every input position is valid (no padding).
POOL mode=AVG kh=2 kw=2 stride_h=2 stride_w=2 oh=2 ow=2 in_addr=0x400 in_row_stride=32 in_col_stride=8 out_addr=0x480 out_pstride=8 param_addr=18 valid_h=4 valid_w=4 in_zp=2 out_zp=2
# Load the table, then map p through it (e.g. a quantized sigmoid) and let SAVE go.
LUTLD src_addr=0x200
LUT signal=SAVE in_addr=0x480 out_addr=0x4a0 len=32

# ---- SAVE engine: on-chip buffers -> DDR ----------------------------------------------
SAVE wait=MISC signal=LOAD buf=ACT region=OUTPUT rows=2 cols=2 bytes=8 ddr_off=0x0 ddr_row_stride=16 ddr_col_stride=8 sram_col_stride=8 sram_addr=0x4a0 sram_row_stride=16

# A token-only step in the LOAD queue: a next tile's loads (none here) would start only
# after y has been saved, because they reuse ACT.
SYNC wait=SAVE engine=LOAD

END
