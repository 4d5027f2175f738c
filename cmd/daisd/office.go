package main

import (
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/realtime/httpapi"
)

// startOffice makes the office's registry and calendars (issue 13) and
// mounts their routes; it needs the accounts (startAccounts) first.
func (n *node) startOffice(mux httpapi.Mux) error {
	n.registry = committees.New(n.store, n.svc, nil, committees.Options{})
	httpapi.NewCommittees(n.accounts, n.registry, n.acc, n.svc, n.log).Register(mux)
	return nil
}
