SYNC engine=LOAD wait=0 signal=-
SYNC engine=SAVE wait=load|Conv|MISC signal=0
SYNC engine=conv wait=SAVE signal=LOAD|MISC|SAVE
