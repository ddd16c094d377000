END

	# tab and CRLF
SYNC	engine=CONV	;comment
sync engine = misc wait = load|conv
END