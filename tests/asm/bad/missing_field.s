# A required field left out: located at the mnemonic, every missing field named.
# expect: missing_field.s:4:1: error: SAVE is missing required fields 'ddr_off', 'sram_addr'
END
SAVE buf=ACT region=OUTPUT rows=6 cols=6 bytes=8 ddr_row_stride=48 ddr_col_stride=8 sram_col_stride=8 sram_row_stride=48
