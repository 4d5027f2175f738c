package main

import "io/fs"

// webAssets returns the web client to serve at /, or nil for the status page.
func webAssets() fs.FS { return nil }
