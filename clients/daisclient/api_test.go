package daisclient_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
)

// TestAPI: the HTTP half against a server that answers as daisd does — the
// token sent, the meeting's paths, bodies and error answers (a refusal is
// a *daisclient.APIError that meeting.ErrorCode reads).
func TestAPI(t *testing.T) {
	mux := http.NewServeMux()
	auth := func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer tok" }
	mux.HandleFunc("POST /api/v1/join", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Code string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		if in.Code != "K7Q2-M4XP-A9RTW" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":{"code":"unauthorized","message":"this code does not work","message_vi":"Mã không dùng được"}}`)
			return
		}
		_, _ = io.WriteString(w, `{"token":"tok","meeting":"m 1","participant":"sec","role":"secretary"}`)
	})
	mux.HandleFunc("GET /api/v1/session", func(w http.ResponseWriter, r *http.Request) {
		if !auth(r) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, `{"token":"tok","meeting":"m 1","participant":"sec","role":"secretary"}`)
	})
	mux.HandleFunc("POST /api/v1/meetings/{m}/documents", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !auth(r) || r.PathValue("m") != "m 1" || r.Header.Get("Content-Type") != "application/pdf" || string(body) != "%PDF-1.7" || r.URL.Query().Get("title") != "Báo cáo" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"doc1","pages":3}`)
	})
	mux.HandleFunc("GET /api/v1/meetings/{m}/minutes.pdf", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "%PDF minutes "+r.URL.Query().Get("lang"))
	})
	mux.HandleFunc("POST /api/v1/meetings/{m}/invitations", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"invitations":[{"participant":"d1","code":"AAAA-BBBB-CCCCC"}]}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx := context.Background()

	if _, err := daisclient.Join(ctx, srv.URL, "WRONG"); meeting.ErrorCode(err) != meeting.Unauthorized {
		t.Fatalf("a wrong code: %v (code %q)", err, meeting.ErrorCode(err))
	} else {
		var ae *daisclient.APIError
		if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || ae.MessageVI != "Mã không dùng được" {
			t.Fatalf("the error answer: %#v", err)
		}
	}
	sess, err := daisclient.Join(ctx, srv.URL, "K7Q2-M4XP-A9RTW")
	if err != nil || sess.Token != "tok" || sess.Meeting != "m 1" {
		t.Fatalf("Join = %+v, %v", sess, err)
	}
	api := &daisclient.API{Base: srv.URL + "/", Token: sess.Token}
	if p, err := api.MeetingPath(ctx); err != nil || p != "/api/v1/meetings/m%201" {
		t.Fatalf("MeetingPath = %q, %v", p, err)
	}
	var doc struct {
		ID    string `json:"id"`
		Pages int    `json:"pages"`
	}
	if err := api.Upload(ctx, url.Values{"title": {"Báo cáo"}}, strings.NewReader("%PDF-1.7"), 8, &doc); err != nil || doc.ID != "doc1" || doc.Pages != 3 {
		t.Fatalf("Upload = %+v, %v", doc, err)
	}
	var b bytes.Buffer
	if err := api.Download(ctx, "minutes.pdf?lang=en", &b); err != nil || b.String() != "%PDF minutes en" {
		t.Fatalf("Download = %q, %v", b.String(), err)
	}
	if invs, err := api.Invite(ctx, []string{"d1"}); err != nil || len(invs) != 1 || invs[0].Code != "AAAA-BBBB-CCCCC" {
		t.Fatalf("Invite = %+v, %v", invs, err)
	}
	noToken := &daisclient.API{Base: srv.URL}
	var ae *daisclient.APIError
	if _, err := noToken.MeetingPath(ctx); !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized {
		t.Fatalf("without a token: %v", err)
	}
}
