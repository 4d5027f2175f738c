// Command dais is the admin command line of a Dais server: sign in with an
// invitation code, upload a document (with a progress bar), prepare the
// watermarked copies of a confidential document, and download the minutes,
// the agenda packet or the ballot record.
//
//	dais [-server URL] [-token T] <command> [flags] [args]
//
//	join CODE                                        prints the session token
//	upload [-title T] [-confidential] [-readers a,b] FILE
//	download minutes|packet|ballots [-lang en] [-o FILE]
//	prepare [-interval 500ms] DOC                    waits for the copies
//	login [-code 123456] ID                          an office account (password on stdin)
//	account list|add|disable|enable|reset-password|reset-totp|link …
//	verify [-data DIR | -redis-url URL] MEETING      checks the stored record
//	verify [...] -consultation ID | -conclusion ID   checks an office log the same way
//	archive import [-data DIR | -redis-url URL] FILE  brings an archive back, read only
//	sign -record KEY KEY-FLAGS | sign KEY-FLAGS FILE  signs a record (or a file) where the key is
//	verify-pdf [-roots PEM] FILE                     prints and checks a PDF's signatures
//
// The token may also come from $DAIS_TOKEN and the server from
// $DAIS_SERVER. It is a thin client of the HTTP API: flags in, HTTP calls,
// nothing else — but verify, which reads the store itself (a stopped
// node's bbolt file, read-only, or the cluster's Redis), so that it checks
// the stored record and not what a server says of it.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runWith(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
