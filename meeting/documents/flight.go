package documents

import (
	"context"
	"sync"
)

// flights makes sure that concurrent requests for the same file make it
// once: the first caller does the work on its own goroutine, the others
// wait for its outcome (or give up when their context ends).
type flights struct {
	mu    sync.Mutex
	calls map[string]*flight
}

type flight struct {
	done chan struct{}
	err  error
}

// do runs fn for key unless a call for key is already running, in which
// case it waits for that call and returns its error.
func (f *flights) do(ctx context.Context, key string, fn func() error) error {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]*flight{}
	}
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		select {
		case <-c.done:
			return c.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c := &flight{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()

	defer func() {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.err = fn()
	return c.err
}
