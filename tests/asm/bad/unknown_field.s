# A field the instruction does not have: located at the field name, closest name suggested.
# expect: unknown_field.s:4:18: error: SYNC has no field 'engin'
# expect: did you mean 'engine'?
SYNC wait=CONV   engin=LOAD
