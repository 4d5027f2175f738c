package bolt

import (
	"sync"
	"sync/atomic"
)

// heads knows, for logs this Store has written or read, a seq at or past
// the log's last committed record — at every moment. A Read from beyond it
// has nothing to find and opens no transaction: the service looks for
// events of another writer before each read of a meeting's state (a
// sign-in does it twice), and with one process on the file there are
// none. Only this Store writes the file (bbolt's file lock keeps any other
// process out), and every transaction that adds records to a log raises
// its head inside the transaction, before it commits: no one can learn of
// a committed record (from the writer's answer, a conflict, a tally, the
// bus) while it is past the head. A transaction that then fails leaves the
// head past the log's end, which only costs reads. A read raises it to the
// last record its transaction saw. Heads only rise.
type heads struct {
	m sync.Map // headKey -> *atomic.Uint64
}

type headKey struct{ root, id string }

// known returns the head of the log id under root, ok false when unknown.
func (h *heads) known(root []byte, id string) (uint64, bool) {
	v, ok := h.m.Load(headKey{string(root), id})
	if !ok {
		return 0, false
	}
	return v.(*atomic.Uint64).Load(), true
}

// raise records that the log id under root reaches at least seq.
func (h *heads) raise(root []byte, id string, seq uint64) {
	k := headKey{string(root), id}
	v, ok := h.m.Load(k)
	if !ok {
		a := new(atomic.Uint64)
		a.Store(seq) // never seen at 0 by known: a log's head is not lowered, even for a moment
		if v, ok = h.m.LoadOrStore(k, a); !ok {
			return
		}
	}
	a := v.(*atomic.Uint64)
	for old := a.Load(); old < seq; old = a.Load() {
		if a.CompareAndSwap(old, seq) {
			return
		}
	}
}
