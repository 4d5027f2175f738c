package bolt_test

import (
	"testing"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/storagetest"
)

func TestAccountsConformance(t *testing.T) {
	storagetest.RunAccounts(t, func(t *testing.T) storage.Accounts {
		return mustOpen(t, t.TempDir(), bolt.Options{})
	})
}
