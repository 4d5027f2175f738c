package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/realtime/gateway"
	"github.com/dais-meeting/dais/realtime/httpapi"
)

// quietBus is a bus of one node that never hears from another.
type quietBus struct{}

func (quietBus) Subscribe(string, func([]meeting.Event), func([]byte)) (func(), error) {
	return func() {}, nil
}
func (quietBus) PublishSignal(string, []byte) error { return nil }

// TestCommand: dais command sends a meeting command over the WebSocket —
// here the secrecy settings of issue 12 — and prints its seq; the
// server's refusals and a malformed argument are reported.
func TestCommand(t *testing.T) {
	fx := documentstest.New(t, pdf.Config{}, documents.Config{})
	mux := http.NewServeMux()
	httpapi.New(fx.Access, nil).Register(mux)
	gw := gateway.New(gateway.Config{}, fx.Service, fx.Access, quietBus{})
	mux.Handle("GET /ws", gw)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		gw.Close()
		srv.Close()
	})
	doc, err := fx.Docs.UploadSecret(context.Background(), fx.Session(documentstest.Secretary),
		bytes.NewReader(fx.Generate(t, "Đề án mật", 2)), "Đề án mật", meeting.Mat, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	sec := map[string]string{"DAIS_SERVER": srv.URL, "DAIS_TOKEN": fx.Token(t, documentstest.Secretary)}
	delegate := map[string]string{"DAIS_SERVER": srv.URL, "DAIS_TOKEN": fx.Token(t, documentstest.D1)}

	rc, out, errOut := dais(t, sec, "command", "SetSecrecyRules", `{"level":"toi_mat","rules":{"watermark":true,"offline":true,"download":false,"presented_only":false,"linked_displays":true}}`)
	if rc != exitOK || strings.TrimSpace(out) == "" {
		t.Fatalf("SetSecrecyRules: exit %d, %q, %q", rc, out, errOut)
	}
	if r := fx.State(t).Rules(meeting.ToiMat); !r.Offline || r.Download {
		t.Fatalf("rules %+v", r)
	}
	if rc, _, errOut = dais(t, sec, "command", "TakeBackDocument", `{"document":"`+doc.ID+`"}`); rc != exitOK {
		t.Fatalf("TakeBackDocument: exit %d, %q", rc, errOut)
	}
	if fx.State(t).Documents[doc.ID].TakenBack == nil {
		t.Fatal("not taken back")
	}
	if rc, _, errOut = dais(t, sec, "command", "TakeBackDocument", `{"document":"`+doc.ID+`"}`); rc != exitOK || !strings.Contains(errOut, "nothing changed") {
		t.Fatalf("again: exit %d, %q", rc, errOut)
	}
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"a delegate's take-back", delegate, []string{"command", "TakeBackDocument", `{"document":"` + doc.ID + `"}`}, exitError, "forbidden"},
		{"a server-made command", sec, []string{"command", "RecordCopy", `{}`}, exitError, "forbidden"},
		{"arguments that are not JSON", sec, []string{"command", "TakeBackDocument", `{document:`}, exitUsage, "not JSON"},
		{"no token", map[string]string{"DAIS_SERVER": srv.URL}, []string{"command", "Publish"}, exitUsage, "no token"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rc, _, errOut := dais(t, c.env, c.args...)
			if rc != c.code || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q in it)", rc, c.code, errOut, c.want)
			}
		})
	}
}
