package gateway

import (
	"sync"
	"sync/atomic"
)

// delivery is one message for one connection.
type delivery struct {
	c *conn
	m *message
}

// fanout hands a room's deliveries to their connections on several
// goroutines at once: the room's own and its workers, one per other core.
// A message to an idle connection is written into its socket by whoever
// sends it (conn.writeNow), so a page turn to thousands is thousands of
// write syscalls; one goroutine doing them all would leave the other cores
// idle while the last tablet waits.
//
// Each call of send returns when every delivery is written or queued: the
// next event's deliveries never overtake this one's.
type fanout struct {
	workers int
	parts   chan *batch
	stop    sync.WaitGroup
}

// batch is one send's deliveries, taken chunk by chunk by whoever is
// running: a worker the OS leaves waiting holds back neither the room nor
// the part it would have been given.
type batch struct {
	ds       []delivery
	next     atomic.Int64  // index of the next chunk to take
	left     atomic.Int64  // deliveries not yet made
	finished chan struct{} // closed when left reaches 0
}

// chunk is how many deliveries a goroutine takes at a time.
const chunk = 64

func (b *batch) take() {
	for {
		i := int(b.next.Add(chunk)) - chunk
		if i >= len(b.ds) {
			return
		}
		part := b.ds[i:min(i+chunk, len(b.ds))]
		deliver(part)
		if b.left.Add(-int64(len(part))) == 0 {
			close(b.finished)
		}
	}
}

// minShare is the fewest deliveries worth another goroutine.
const minShare = 256

// newFanout starts workers goroutines; close stops them.
func newFanout(workers int) *fanout {
	workers = max(workers, 0)
	f := &fanout{workers: workers, parts: make(chan *batch, workers)}
	for range workers {
		f.stop.Add(1)
		go f.work()
	}
	return f
}

// work takes chunks of each batch it is handed; one handed to it after
// the others took every chunk costs it a look.
func (f *fanout) work() {
	defer f.stop.Done()
	for b := range f.parts {
		b.take()
	}
}

func deliver(part []delivery) {
	for _, d := range part {
		d.c.send(d.m)
	}
}

// send delivers ds on the caller's goroutine and as many workers as the
// number of deliveries is worth, and returns when all are delivered.
func (f *fanout) send(ds []delivery) {
	helpers := min(f.workers, len(ds)/minShare-1)
	if helpers < 1 {
		deliver(ds)
		return
	}
	b := &batch{ds: ds, finished: make(chan struct{})}
	b.left.Store(int64(len(ds)))
	for range helpers {
		select {
		case f.parts <- b:
		default: // that worker is still behind: the others take its share
		}
	}
	b.take()
	<-b.finished
}

// close stops the workers.
func (f *fanout) close() {
	close(f.parts)
	f.stop.Wait()
}
