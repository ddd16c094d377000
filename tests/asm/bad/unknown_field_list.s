# A field name nothing like any field: the instruction's fields are listed instead.
# expect: unknown_field_list.s:4:11: error: LUT has no field 'colour'
# expect: (fields: wait signal in_addr out_addr len)
LUT len=1 colour=3 in_addr=0 out_addr=0
