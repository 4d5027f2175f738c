package redis

import (
	"testing"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/storagetest"
)

// TestConformance runs the storage conformance suite against the shared
// Redis, each subtest under its own prefix, deleted afterwards.
func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return mustOpen(t, Options{})
	})
}
