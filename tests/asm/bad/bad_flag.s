# A flags value naming an engine that does not exist.
# expect: bad_flag.s:3:15: error: bad flag 'DMA' in field 'wait' (flags: LOAD|CONV|MISC|SAVE)
END wait=CONV|DMA
