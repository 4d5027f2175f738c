package httpapi

import (
	"net/http"
	"slices"
	"sync"
)

// Mux is where the API's routes are mounted: an *http.ServeMux, or a
// Router that also remembers them.
type Mux interface {
	Handle(pattern string, handler http.Handler)
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

var (
	_ Mux = (*http.ServeMux)(nil)
	_ Mux = (*Router)(nil)
)

// Router is an http.ServeMux that remembers the patterns mounted on it, so
// that a test can check every route a node serves (the role × action
// matrix of cmd/daisd).
type Router struct {
	*http.ServeMux
	mu       sync.Mutex
	patterns []string
}

// NewRouter returns an empty Router.
func NewRouter() *Router { return &Router{ServeMux: http.NewServeMux()} }

// Handle mounts handler at pattern.
func (r *Router) Handle(pattern string, handler http.Handler) {
	r.record(pattern)
	r.ServeMux.Handle(pattern, handler)
}

// HandleFunc mounts handler at pattern.
func (r *Router) HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request)) {
	r.record(pattern)
	r.ServeMux.HandleFunc(pattern, handler)
}

func (r *Router) record(pattern string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.patterns = append(r.patterns, pattern)
}

// Patterns returns the patterns mounted so far, in order.
func (r *Router) Patterns() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.patterns)
}
