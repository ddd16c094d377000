LAOD
END rowz=1
LOAD rows=12abc
SYNC engine=FOO
