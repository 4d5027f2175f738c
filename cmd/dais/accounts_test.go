package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/realtime/httpapi"
)

// accountServer runs the account routes over a real stack with a first
// administrator "huong" (password adminPW) and returns its TOTP key.
func accountServer(tb testing.TB) (string, *account.Service, []byte) {
	tb.Helper()
	fx := documentstest.New(tb, pdf.Config{}, documents.Config{})
	acc := account.New(fx.Store, account.Options{Params: account.Params{Memory: 64, Time: 1, Threads: 1}, SetupSecret: "s"})
	mux := http.NewServeMux()
	httpapi.NewAccounts(acc, nil, fx.Access, fx.Service, testAdminToken, nil).Register(mux)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	en := acc.NewEnrolment("huong")
	key, _ := account.DecodeSecret(en.Secret)
	if _, err := acc.Setup(context.Background(), "s", account.NewAccount{ID: "huong", Name: "Nguyễn Thị Hương", Password: adminPW}, en.Secret, account.TOTPCode(key, time.Now().Add(-30*time.Second))); err != nil {
		tb.Fatal(err)
	}
	return srv.URL, acc, key
}

const adminPW = "mật khẩu của Hương 2026"

func daisIn(tb testing.TB, env map[string]string, stdin string, args ...string) (int, string, string) {
	tb.Helper()
	var out, errOut bytes.Buffer
	rc := runWith(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
	return rc, out.String(), errOut.String()
}

func TestAccountCommands(t *testing.T) {
	url, _, key := accountServer(t)
	srv := map[string]string{"DAIS_SERVER": url}

	rc, out, errOut := daisIn(t, srv, adminPW+"\n", "login", "-code", account.TOTPCode(key, time.Now()), "huong")
	if rc != exitOK {
		t.Fatalf("login: exit %d: %s", rc, errOut)
	}
	admin := map[string]string{"DAIS_SERVER": url, "DAIS_ACCOUNT_TOKEN": strings.TrimSpace(out)}

	rc, out, errOut = dais(t, admin, "account", "add", "-name", "Lê Văn An", "-email", "an@vp.example", "an.le")
	f := strings.Split(strings.TrimSpace(out), "\t")
	if rc != exitOK || len(f) != 2 || f[0] != "an.le" || len(f[1]) < 16 {
		t.Fatalf("account add: exit %d, %q, %s", rc, out, errOut)
	}
	firstPW := f[1]
	rc, out, errOut = dais(t, admin, "account", "list")
	if rc != exitOK || !strings.Contains(out, "an.le") || !strings.Contains(out, "Lê Văn An") || !strings.Contains(out, "password (totp not enrolled)") ||
		!strings.Contains(out, "huong") || !strings.Contains(out, "password+totp") {
		t.Fatalf("account list: exit %d\n%s%s", rc, out, errOut)
	}
	// The new account signs in with its first password (pending TOTP).
	if rc, _, errOut := daisIn(t, srv, firstPW+"\n", "login", "an.le"); rc != exitOK || !strings.Contains(errOut, "enrol a second factor") {
		t.Fatalf("login an.le: exit %d: %s", rc, errOut)
	}
	rc, out, errOut = dais(t, admin, "account", "reset-password", "an.le")
	newPW := strings.TrimSpace(out)
	if rc != exitOK || newPW == "" || newPW == firstPW {
		t.Fatalf("reset-password: exit %d %q %s", rc, out, errOut)
	}
	if rc, _, _ := daisIn(t, srv, firstPW+"\n", "login", "an.le"); rc != exitError {
		t.Fatalf("the old password still signs in")
	}
	if rc, _, errOut := daisIn(t, srv, newPW+"\n", "login", "an.le"); rc != exitOK {
		t.Fatalf("the new password: exit %d: %s", rc, errOut)
	}
	if rc, _, errOut := dais(t, admin, "account", "disable", "an.le"); rc != exitOK {
		t.Fatalf("disable: exit %d: %s", rc, errOut)
	}
	if rc, _, errOut := daisIn(t, srv, newPW+"\n", "login", "an.le"); rc != exitError || !strings.Contains(errOut, "unauthorized") {
		t.Fatalf("a disabled account signs in: exit %d: %s", rc, errOut)
	}
	if rc, out, _ := dais(t, admin, "account", "list"); rc != exitOK || !strings.Contains(out, "disabled") {
		t.Fatalf("list after disable: %q", out)
	}
	if rc, _, errOut := dais(t, admin, "account", "enable", "an.le"); rc != exitOK {
		t.Fatalf("enable: exit %d: %s", rc, errOut)
	}

	// Recovery: the administrator lost the phone; the node's admin token
	// resets the second factor.
	recovery := map[string]string{"DAIS_SERVER": url, "DAIS_ADMIN_TOKEN": testAdminToken}
	if rc, _, errOut := dais(t, recovery, "account", "reset-totp", "huong"); rc != exitOK {
		t.Fatalf("reset-totp with the admin token: exit %d: %s", rc, errOut)
	}
	if rc, _, errOut := daisIn(t, srv, adminPW+"\n", "login", "huong"); rc != exitOK || !strings.Contains(errOut, "enrol a second factor") {
		t.Fatalf("login after the reset: exit %d: %s", rc, errOut)
	}

	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"no token", srv, []string{"account", "list"}, exitUsage, "DAIS_ACCOUNT_TOKEN"},
		{"a revoked administrator session", admin, []string{"account", "list"}, exitError, "unauthorized"},
		{"a wrong admin token", map[string]string{"DAIS_SERVER": url, "DAIS_ADMIN_TOKEN": "nope"}, []string{"account", "list"}, exitError, "unauthorized"},
		{"an unknown account", recovery, []string{"account", "disable", "nobody"}, exitError, "not_found"},
		{"a bad id", recovery, []string{"account", "add", "-name", "X", "Bad Id"}, exitError, "invalid"},
		{"no name", recovery, []string{"account", "add", "x1"}, exitUsage, "-name"},
		{"an unknown command", recovery, []string{"account", "frobnicate"}, exitUsage, "frobnicate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rc, _, errOut := dais(t, tt.env, tt.args...)
			if rc != tt.code || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q in it)", rc, tt.code, errOut, tt.want)
			}
		})
	}
}
