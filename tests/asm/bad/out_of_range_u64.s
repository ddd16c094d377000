# One past the largest 64-bit value.
# expect: out_of_range_u64.s:4:92: error: value '18446744073709551616' out of range for field 'ddr_off'
# expect: 0..18446744073709551615 (0xffffffffffffffff)
SAVE buf=ACC region=OUTPUT rows=1 cols=1 bytes=4 ddr_row_stride=0 ddr_col_stride=0 ddr_off=18446744073709551616 sram_col_stride=4 sram_addr=0 sram_row_stride=4
