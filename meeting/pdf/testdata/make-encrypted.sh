#!/bin/sh
# Makes the encrypted PDFs of bad/ from encrypt-source.pdf with qpdf
# (apt-get install -y qpdf). The files are committed, so the tests do not
# need qpdf; run this only to remake them:  cd meeting/pdf/testdata && sh make-encrypted.sh
# Each scheme twice: with a user password (a viewer asks for it), and with
# only an owner password (the user password is empty: every viewer opens it
# without asking, and only the "permissions" are restricted).
set -eu
src=encrypt-source.pdf
user='mat-khau'
owner='chu-so-huu'
enc() { # name, key length, extra qpdf options
	name=$1 bits=$2
	shift 2
	qpdf --allow-weak-crypto --encrypt "$user" "$owner" "$bits" "$@" -- "$src" "bad/$name-user.pdf"
	qpdf --allow-weak-crypto --encrypt "" "$owner" "$bits" "$@" -- "$src" "bad/$name-owner.pdf"
}
enc encrypted-rc4-40 40
enc encrypted-rc4-128 128 --use-aes=n
enc encrypted-aes-128 128 --use-aes=y
enc encrypted-aes-256 256
# Modern writers also put the cross-reference table in a stream.
qpdf --encrypt "$user" "$owner" 256 -- --object-streams=generate "$src" bad/encrypted-aes-256-objstm-user.pdf
# A security handler pdfcpu does not know (certificate or DRM schemes such
# as /Adobe.PubSec): the standard one renamed, same length so every offset
# stays right.
sed 's#/Filter /Standard#/Filter /NotStdrd#' bad/encrypted-rc4-128-user.pdf >bad/encrypted-unknown-handler.pdf
