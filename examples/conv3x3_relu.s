# conv3x3_relu.s: a 3x3 convolution followed by ReLU, as dpuc emits it for the `tiny`
# preset (8x8 array: R = 8 input lanes x C = 8 output channels). It is the worked example
# of docs/isa.md, section 7, which derives every address below.
#
#   input   5x5 pixels x 3 channels, int8 HWC, zero point -3       region INPUT,  offset 0
#   conv    3x3, stride 1, padding 1 ("same"), 4 output channels
#   output  5x5 pixels x 4 channels, int8 HWC, zero point -10      region OUTPUT, offset 0
#   weights 9 taps x one R x C = 64-byte block (zeros beyond 3 lanes / 4 channels)
#                                                                   region CONST,  offset 0
#   params  8 PARAM records of 16 bytes (bias, multiplier, shift)   region CONST,  offset 576
#
# Syntax (docs/assembly.md): MNEMONIC field=value ...; '#' or ';' starts a comment; a field
# with a default may be omitted. The LOAD, CONV, MISC and SAVE engines run their own queues
# in parallel; order between engines comes only from dependency tokens: `signal=X` gives
# engine X one token when the instruction has finished, `wait=X` takes one before it starts.
# Every token signalled is waited for exactly once, so all token counts are zero at END.
#
# On-chip layout. LOAD/SAVE address buffers in bytes; CONV counts PARAM in records and ACC
# in entries (one entry = C int32 accumulators):
#   WGT    0..575     tap t = ky*3 + kx at t*64; byte r*8 + c is lane r, channel c
#   PARAM  records 0..7
#   ACT    0..391     the input padded to 7x7 pixels of 8 bytes, 56 bytes per row
#   ACC    entries 0..24, one per output pixel
#   ACT    512..711   the output, 25 pixels of 8 bytes

# Weights: 576 contiguous bytes, loaded as a box of 1 row x 1 column of 576 bytes (the
# strides do not matter for a single row and column).
LOAD buf=WGT region=CONST rows=1 cols=1 bytes=576 ddr_off=0 ddr_row_stride=0 ddr_col_stride=0 sram_col_stride=576 sram_addr=0 sram_row_stride=0

# Per-output-channel parameters: 8 records, 128 bytes.
LOAD buf=PARAM region=CONST rows=1 cols=1 bytes=128 ddr_off=576 ddr_row_stride=0 ddr_col_stride=0 sram_col_stride=128 sram_addr=0 sram_row_stride=0

# The input: 5 rows x 5 columns of 3-byte pixels, each widened on chip to an 8-byte vector
# (the 5 unused lanes get pad_value), and surrounded by one pixel of padding on every side.
# The padding value is the input zero point, so the border reads as the real value 0.
# This is the last load the convolution needs, so it alone signals CONV: the LOAD queue
# runs in order, so the weight and parameter loads above have finished too.
LOAD signal=CONV buf=ACT region=INPUT pad_top=1 pad_bottom=1 pad_left=1 pad_right=1 pad_value=-3 rows=5 cols=5 ddr_off=0 ddr_row_stride=15 ddr_col_stride=3 bytes=3 sram_col_stride=8 sram_addr=0 sram_row_stride=56

# The convolution: for each of the 5x5 output pixels, the sum over 3x3 taps of an 8-lane
# input vector times an 8x8 weight block, into ACC entries 0..24. All input channels fit
# one block, so one pass: accumulate=0 (the default) and post=1, which adds the bias,
# requantizes with the PARAM records, adds out_zp, clamps and writes int8 to ACT 512.
# ReLU is the clamp: clamp_lo = out_zp, the quantized 0.0 (clamp_hi stays 127).
CONV wait=LOAD signal=SAVE post=1 kh=3 kw=3 oh=5 ow=5 act_addr=0 act_col_stride=8 act_row_stride=56 wgt_addr=0 acc_addr=0 param_addr=0 out_zp=-10 out_addr=512 out_pstride=8 clamp_lo=-10

# The output: 5 rows x 5 columns; only the 4 real channels of each 8-byte vector go to DDR.
SAVE wait=CONV buf=ACT region=OUTPUT rows=5 cols=5 bytes=4 ddr_off=0 ddr_row_stride=20 ddr_col_stride=4 sram_col_stride=8 sram_addr=512 sram_row_stride=40

# Fetch stops; the program is done once every engine has drained its queue.
END
