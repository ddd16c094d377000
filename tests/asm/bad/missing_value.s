# A field with '=' but nothing after it.
# expect: missing_value.s:3:13: error: missing value for field 'engine'
SYNC engine=   # nothing here
