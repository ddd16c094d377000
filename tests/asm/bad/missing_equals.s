# A field name without '=': the value is not taken from the next word.
# expect: missing_equals.s:3:13: error: expected '=' after field name 'engine'
SYNC engine MISC
