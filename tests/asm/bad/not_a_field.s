# A bare number where a field=value pair belongs.
# expect: not_a_field.s:3:18: error: expected field=value, found '42'
SYNC engine=LOAD 42
