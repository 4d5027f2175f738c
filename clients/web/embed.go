// Package web holds the built web client of Dais — the delegate tablet,
// the chair console, the secretary workspace and the room display, one
// TypeScript app (Vite, Preact, pdf.js) whose sources sit beside this file
// — embedded into the Go binary. `npm run build` writes dist/; the server
// serves Assets() at /.
//
// Concurrency: Assets returns a read-only file system, safe for concurrent use.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Assets returns the built client: the contents of dist/, with index.html
// at its root.
func Assets() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// Unreachable: "dist" is a valid path. Serve the tree as it is.
		return dist
	}
	return sub
}
