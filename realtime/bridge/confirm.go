package bridge

import (
	"sync"
	"time"
)

// A tablet reads a document in ranges (pdf.js asks for 128 KiB at a time):
// 160 requests for a 20 MB file, and each open asked the centre whether
// this reader may read it — one WAN round trip each, one after another,
// so a site's tablets had a 20 MB file after 26.6 s where a whole-file
// download took 6.5 s (docs/performance.md). The centre's yes is now
// taken as holding for the next ranges of the same copy, for the same
// reader, for at most ConfirmTTL and only while the meeting's replica
// takes no new event: a take-back, a revocation, a document withdrawn
// or any other event of the meeting makes the next range ask again.

// ConfirmTTL is how long the centre's yes to one reader's copy serves
// their next ranges without asking again.
const ConfirmTTL = 10 * time.Second

type confirmation struct {
	etag  string
	at    time.Time
	epoch uint64
}

// confirm records the centre's yes to key's copy etag, asked when the
// meeting's replica was at epoch.
func (fs *Files) confirm(key, etag string, epoch uint64) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.confirmed) >= maxGiven {
		clear(fs.confirmed) // a bound, not a cache policy: the next opens ask
	}
	fs.confirmed[key] = confirmation{etag: etag, at: time.Now(), epoch: epoch}
}

// confirmedCopy returns what key's reader was given, when the centre said
// yes to that very copy less than ConfirmTTL ago and the meeting's replica
// has taken no event since.
func (fs *Files) confirmedCopy(key, meetingID string) (fileMeta, bool) {
	epoch := fs.e.epochs.get(meetingID)
	fs.mu.Lock()
	c, ok := fs.confirmed[key]
	g, given := fs.given[key]
	fs.mu.Unlock()
	if !ok || !given || c.etag != g.ETag || c.epoch != epoch || time.Since(c.at) >= ConfirmTTL {
		return fileMeta{}, false
	}
	return g.fileMeta, true
}

// epochs counts the event batches each meeting's replica took.
type epochs struct {
	mu sync.Mutex
	n  map[string]uint64
}

func (e *epochs) bump(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.n == nil {
		e.n = map[string]uint64{}
	}
	e.n[id]++
}

func (e *epochs) get(id string) uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.n[id]
}
