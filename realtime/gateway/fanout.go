package gateway

import (
	"sync"
)

// delivery is one message for one connection.
type delivery struct {
	c *conn
	m *message
}

// fanout hands a room's deliveries to their connections on several
// goroutines at once: the room's own and workers-1 more. A message to an
// idle connection is written into its socket by whoever sends it
// (conn.writeNow), so a page turn to thousands is thousands of write
// syscalls; one goroutine doing them all would leave the other cores idle
// while the last tablet waits.
//
// Each call of send returns when every delivery is written or queued: the
// next event's deliveries never overtake this one's.
type fanout struct {
	workers int
	parts   chan []delivery
	wg      sync.WaitGroup
	stop    sync.WaitGroup
}

// minShare is the fewest deliveries worth handing to another goroutine.
const minShare = 256

// newFanout starts workers goroutines; close stops them.
func newFanout(workers int) *fanout {
	f := &fanout{workers: max(workers, 0), parts: make(chan []delivery)}
	for range f.workers {
		f.stop.Add(1)
		go f.work()
	}
	return f
}

func (f *fanout) work() {
	defer f.stop.Done()
	for part := range f.parts {
		deliver(part)
		f.wg.Done()
	}
}

func deliver(part []delivery) {
	for _, d := range part {
		d.c.send(d.m)
	}
}

// send delivers ds, split among the workers and the caller, and returns
// when all are delivered.
func (f *fanout) send(ds []delivery) {
	n := len(ds)
	shares := min(f.workers+1, n/minShare)
	if shares < 2 {
		deliver(ds)
		return
	}
	size := (n + shares - 1) / shares
	f.wg.Add(shares - 1)
	for i := 1; i < shares; i++ {
		f.parts <- ds[i*size : min((i+1)*size, n)]
	}
	deliver(ds[:size])
	f.wg.Wait()
}

// close stops the workers.
func (f *fanout) close() {
	close(f.parts)
	f.stop.Wait()
}
