package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The HTTP API as a contract (issue 15): docs/openapi.yaml describes every
// route of the public listener, docs/openapi-internal.yaml every route of
// the internal one. TestRouteMatrix checks that the operations of each are
// exactly the patterns the node mounts there, and validates every request
// it sends and every answer it gets against them (kin-openapi's
// openapi3filter): the route, the parameters and the body of the request;
// the status, the content type, the headers said to be required and the
// body of the answer. A request the contract refuses (the matrix sends a
// few on purpose: an unknown account action) must be refused by the node
// too (4xx).

const (
	contractFile         = "../../docs/openapi.yaml"
	internalContractFile = "../../docs/openapi-internal.yaml"
)

func init() {
	// The binary bodies: read as strings, checked against {type: string}.
	for _, ct := range []string{"application/pdf", "application/x-tar", "application/x-pem-file", "text/html", "text/calendar"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
}

// apiContract is one listener's description.
type apiContract struct {
	file   string
	doc    *openapi3.T
	router routers.Router

	mu        sync.Mutex
	validated map[string]int // operation ("GET /path") → requests validated
	spent     time.Duration  // validating
}

// contract is both listeners' descriptions.
type contract struct{ public, internal *apiContract }

func loadContract(tb testing.TB) *contract {
	tb.Helper()
	return &contract{public: loadAPIContract(tb, contractFile), internal: loadAPIContract(tb, internalContractFile)}
}

func loadAPIContract(tb testing.TB, file string) *apiContract {
	tb.Helper()
	c, err := readAPIContract(file)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func readAPIContract(file string) (*apiContract, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("%s is not a valid OpenAPI document: %v", file, err)
	}
	// The servers name no host: match any (the test's listeners are on
	// ephemeral ports).
	doc.Servers = nil
	r, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return &apiContract{file: file, doc: doc, router: r, validated: map[string]int{}}, nil
}

// contractTransport validates every exchange with host (any host when
// empty) against api; the others (an identity provider's) pass untouched.
type contractTransport struct {
	tb   testing.TB
	host string
	api  *apiContract
}

// contractClient is an HTTP client whose every exchange (with a node's
// public listener) is checked against docs/openapi.yaml.
func contractClient(tb testing.TB) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &contractTransport{tb: tb, api: sharedContract(tb)}}
}

func (c *contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if c.host != "" && req.URL.Host != c.host {
		return http.DefaultTransport.RoundTrip(req)
	}
	var sent []byte
	if req.Body != nil {
		var err error
		if sent, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(sent))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if err := c.api.check(req, sent, resp.StatusCode, resp.Header, data); err != nil {
		c.tb.Errorf("contract: %.1500v", err)
	}
	return resp, nil
}

// browserContract is the public contract the account tests' browser
// (accounts_test.go) validates its exchanges against: the first run, the
// sign-in, single sign-on's redirects, which the matrix does not all make.
var browserContract struct {
	once sync.Once
	c    *apiContract
	err  error
}

func sharedContract(tb testing.TB) *apiContract {
	tb.Helper()
	browserContract.once.Do(func() { browserContract.c, browserContract.err = readAPIContract(contractFile) })
	if browserContract.err != nil {
		tb.Fatal(browserContract.err)
	}
	return browserContract.c
}

// operations returns the document's operations as ServeMux patterns
// ("GET /api/v1/meetings/{meeting}/roster").
func (c *apiContract) operations() []string {
	var ops []string
	for path, item := range c.doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(ops)
	return ops
}

// compare reports the differences between the document's operations and
// the patterns a listener mounts.
func (c *apiContract) compare(mounted []string) (undocumented, unmounted []string) {
	ops := c.operations()
	for _, p := range mounted {
		if !slices.Contains(ops, p) {
			undocumented = append(undocumented, p)
		}
	}
	for _, op := range ops {
		if !slices.Contains(mounted, op) {
			unmounted = append(unmounted, op)
		}
	}
	sort.Strings(undocumented)
	return undocumented, unmounted
}

// check validates one request (its body reqBody) and its answer.
func (c *apiContract) check(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	start := time.Now()
	defer func() {
		c.mu.Lock()
		c.spent += time.Since(start)
		c.mu.Unlock()
	}()
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("%s %s is no operation of %s: %v", req.Method, req.URL.Path, c.file, err)
	}
	op := req.Method + " " + route.Path
	c.mu.Lock()
	c.validated[op]++
	c.mu.Unlock()

	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, SkipSettingDefaults: true, MultiError: true}}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil && (status < 400 || status >= 500) {
		return fmt.Errorf("%s: the request breaks the contract, yet was answered %d: %v", op, status, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		return fmt.Errorf("%s: the answer %d (%s) breaks the contract: %v", op, status, header.Get("Content-Type"), err)
	}
	return nil
}

// unvalidated returns the document's operations no request was validated
// against.
func (c *apiContract) unvalidated() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, op := range c.operations() {
		if c.validated[op] == 0 {
			out = append(out, op)
		}
	}
	return out
}

// checkMounted is TestRouteMatrix's part: the documents describe exactly
// what the node mounts.
func (m *matrix) checkMounted(t *testing.T) {
	t.Helper()
	for _, l := range []struct {
		c       *apiContract
		mounted []string
	}{{m.contract.public, m.n.routes.Patterns()}, {m.contract.internal, m.n.internalRoutes.Patterns()}} {
		undocumented, unmounted := l.c.compare(l.mounted)
		for _, p := range undocumented {
			t.Errorf("route %q is mounted but not described in %s: describe it (its parameters, bodies and answers)", p, strings.TrimPrefix(l.c.file, "../../"))
		}
		for _, op := range unmounted {
			t.Errorf("%s describes %q, which the node does not mount", strings.TrimPrefix(l.c.file, "../../"), op)
		}
	}
}

// checkHandshake validates a WebSocket handshake's answer (101, no body)
// against the contract: the rows dial through daisclient, which does not
// show it.
func (m *matrix) checkHandshake(t *testing.T) {
	t.Helper()
	u := "ws" + strings.TrimPrefix(baseURL(m.n), "http") + "/ws"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, resp, err := m.callers[cNobody].dialer.DialContext(ctx, u, nil)
	if err != nil {
		t.Fatalf("dialling %s: %v", u, err)
	}
	_ = conn.Close()
	req, err := http.NewRequestWithContext(ctx, "GET", baseURL(m.n)+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.contract.public.check(req, nil, resp.StatusCode, resp.Header, nil); err != nil {
		t.Errorf("contract: the WebSocket handshake: %v", err)
	}
}

// checkValidated fails for an operation of a document that no request of
// the test was validated against.
func (m *matrix) checkValidated(t *testing.T) {
	t.Helper()
	for _, c := range []*apiContract{m.contract.public, m.contract.internal} {
		c.mu.Lock()
		n := 0
		for _, k := range c.validated {
			n += k
		}
		spent := c.spent
		c.mu.Unlock()
		t.Logf("%s: %d requests and answers validated (%v), %d operations", strings.TrimPrefix(c.file, "../../"), n, spent.Round(time.Millisecond), len(c.operations()))
		for _, op := range c.unvalidated() {
			t.Errorf("%s: no request of the test was validated against %q", strings.TrimPrefix(c.file, "../../"), op)
		}
	}
}

// TestOpenAPIDocuments checks the documents alone: valid OpenAPI 3, an
// operation id and an answer for every operation, and one error shape.
func TestOpenAPIDocuments(t *testing.T) {
	c := loadContract(t)
	for _, d := range []*apiContract{c.public, c.internal} {
		if len(d.operations()) == 0 {
			t.Errorf("%s describes no operation", d.file)
		}
		ids := map[string]string{}
		for path, item := range d.doc.Paths.Map() {
			for method, op := range item.Operations() {
				name := method + " " + path
				if op.OperationID == "" || op.Summary == "" {
					t.Errorf("%s: %s has no operationId or summary", d.file, name)
				}
				if prev, dup := ids[op.OperationID]; dup {
					t.Errorf("%s: %s and %s share the operationId %q", d.file, prev, name, op.OperationID)
				}
				ids[op.OperationID] = name
				if op.Responses == nil || op.Responses.Len() == 0 {
					t.Errorf("%s: %s has no answer", d.file, name)
				}
				// Every JSON error answer is the one error shape.
				for code, resp := range op.Responses.Map() {
					if code[0] < '4' || resp.Value == nil {
						continue
					}
					// (/readyz answers 503 with its checks, not an error.)
					if mt := resp.Value.Content.Get("application/json"); mt != nil && mt.Schema.Ref != "#/components/schemas/ErrorBody" && mt.Schema.Ref != "#/components/schemas/Readiness" {
						t.Errorf("%s: %s answers %s with JSON that is not ErrorBody", d.file, name, code)
					}
				}
			}
		}
	}

	// The validation refuses what breaks the contract: an undocumented
	// status, a session without its meeting or with a field the document
	// does not name (a field added to an answer must be described), an
	// error in another shape, a PDF where JSON is due, an unknown account
	// action answered 200, a request body with a field the server refuses
	// answered 2xx, a route nobody mounts.
	get := func(path string) *http.Request {
		r, err := http.NewRequest("GET", "http://127.0.0.1"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	post := func(path string) *http.Request {
		r := get(path)
		r.Method = "POST"
		return r
	}
	withBody := func(r *http.Request, ct string) *http.Request {
		r.Header.Set("Content-Type", ct)
		return r
	}
	jsonCT := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	for _, bad := range []struct {
		name   string
		req    *http.Request
		body   string
		status int
		header http.Header
		answer string
	}{
		{"an undocumented status", get("/api/v1/session"), "", http.StatusTeapot, jsonCT, `{"error":{"code":"invalid","message":"x","message_vi":"x"}}`},
		{"a session without its meeting", get("/api/v1/session"), "", 200, jsonCT, `{"id":"s","participant":"p","role":"delegate"}`},
		{"a field the contract does not name", get("/api/v1/session"), "", 200, jsonCT, `{"id":"s","meeting":"m","participant":"p","role":"delegate","password":"x"}`},
		{"a role that is none", get("/api/v1/session"), "", 200, jsonCT, `{"id":"s","meeting":"m","participant":"p","role":"king"}`},
		{"an error in another shape", get("/api/v1/session"), "", 401, jsonCT, `{"error":"unauthorized"}`},
		{"a PDF where JSON is due", get("/api/v1/session"), "", 200, http.Header{"Content-Type": {"application/pdf"}}, "%PDF-1.7"},
		{"an unknown account action answered 200", post("/api/v1/accounts/cuong/explode"), "", 200, jsonCT, `{}`},
		{"a meeting made with a field the server refuses, answered 201", withBody(post("/api/v1/meetings"), "application/json"), `{"title":"t","starts_at":"2026-12-20T08:00:00Z","chair":"x"}`, 201, jsonCT, `{"meeting":"m","participant":"sec"}`},
		{"a path nobody mounts", get("/api/v2/nothing"), "", 404, jsonCT, `{}`},
	} {
		err := c.public.check(bad.req, []byte(bad.body), bad.status, bad.header, []byte(bad.answer))
		if err == nil {
			t.Errorf("the contract accepts %s", bad.name)
			continue
		}
		t.Logf("%s: %.160v", bad.name, err)
	}
	good := get("/api/v1/session")
	if err := c.public.check(good, nil, 200, jsonCT, []byte(`{"id":"s","meeting":"m","participant":"p","role":"delegate","expires":"2026-12-04T08:00:00Z"}`)); err != nil {
		t.Errorf("the contract refuses a right session: %v", err)
	}

	if s := c.public.doc.Components.Schemas["Error"]; s == nil || !slices.Equal(s.Value.Required, []string{"code", "message", "message_vi"}) {
		t.Error("openapi.yaml: the Error schema must require code, message and message_vi (realtime/httpapi.WriteError)")
	}
}
