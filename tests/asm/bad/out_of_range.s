# An unsigned value wider than its field: located at the value, the field's range given.
# expect: out_of_range.s:4:28: error: value '1024' out of range for field 'oh'
# expect: (unsigned 10 bits: 0..1023)
POOL mode=MAX kh=2 kw=2 oh=1024 ow=4
