package main

import (
	"io/fs"

	"github.com/dais-meeting/dais/clients/web"
)

// webAssets returns the built web client to serve at /, or nil (the plain
// status page) when the binary was built without it (`make web` builds it).
func webAssets() fs.FS {
	assets := web.Assets()
	if _, err := fs.Stat(assets, "index.html"); err != nil {
		return nil
	}
	return assets
}
