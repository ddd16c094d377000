# A misspelt mnemonic: located at its first column, with the closest mnemonic suggested.
# expect: unknown_mnemonic.s:5:3: error: unknown mnemonic 'LAOD'
# expect: did you mean 'LOAD'?
END
  LAOD buf=ACT region=INPUT rows=1 cols=1
