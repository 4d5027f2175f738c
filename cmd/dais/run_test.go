package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/documents/documentstest"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/realtime/httpapi"
)

// server runs the sign-in and document routes over a real stack.
func server(tb testing.TB) (*documentstest.Fixture, string) {
	tb.Helper()
	fx := documentstest.New(tb, pdf.Config{}, documents.Config{})
	mux := http.NewServeMux()
	httpapi.New(fx.Access, nil).Register(mux)
	httpapi.NewDocuments(fx.Access, fx.Docs, 0, nil).Register(mux)
	httpapi.NewMeetings(fx.Access, fx.Access, testAdminToken, nil).Register(mux)
	httpapi.NewRevoke(fx.Access, fx.Access, nil).Register(mux)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return fx, srv.URL
}

const testAdminToken = "cli-test-admin"

// dais runs the command line with env and returns its exit code and output.
func dais(tb testing.TB, env map[string]string, args ...string) (code int, stdout, stderr string) {
	tb.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCLI(t *testing.T) {
	fx, url := server(t)
	dir := t.TempDir()
	pdfPath := filepath.Join(dir, "bao-cao.pdf")
	if err := os.WriteFile(pdfPath, fx.Generate(t, "Báo cáo mật", 3), 0o600); err != nil {
		t.Fatal(err)
	}

	code, err := fx.Access.Invite(context.Background(), documentstest.MeetingID, documentstest.Secretary)
	if err != nil {
		t.Fatal(err)
	}
	rc, out, errOut := dais(t, nil, "-server", url, "join", strings.ToLower(code))
	if rc != exitOK {
		t.Fatalf("join: exit %d: %s", rc, errOut)
	}
	token := strings.TrimSpace(out)
	if token == "" || !strings.Contains(errOut, "as sec (secretary)") {
		t.Fatalf("join printed %q / %q", out, errOut)
	}
	env := map[string]string{"DAIS_SERVER": url, "DAIS_TOKEN": token}

	rc, out, errOut = dais(t, env, "upload", "-title", "Báo cáo mật", "-confidential", "-readers", "d1,d2", pdfPath)
	if rc != exitOK {
		t.Fatalf("upload: exit %d: %s", rc, errOut)
	}
	if !strings.Contains(errOut, "100%") || !strings.Contains(errOut, "bao-cao.pdf") {
		t.Errorf("upload drew no finished progress bar: %q", errOut)
	}
	fields := strings.Split(strings.TrimSpace(out), "\t")
	if len(fields) != 3 || fields[1] != "3 pages" || fields[2] != "Báo cáo mật" {
		t.Fatalf("upload printed %q", out)
	}
	docID := fields[0]
	if fx.State(t).Documents[docID] == nil {
		t.Fatalf("the meeting lacks %s", docID)
	}

	rc, out, errOut = dais(t, env, "prepare", "-interval", "20ms", docID)
	if rc != exitOK || strings.TrimSpace(out) != "4/4 copies ready" {
		t.Fatalf("prepare: exit %d, %q, %q", rc, out, errOut)
	}

	minutes := filepath.Join(dir, "bien-ban.pdf")
	rc, _, errOut = dais(t, env, "download", "minutes", "-lang", "en", "-o", minutes)
	if rc != exitOK {
		t.Fatalf("download minutes: exit %d: %s", rc, errOut)
	}
	b, err := os.ReadFile(minutes)
	if err != nil {
		t.Fatal(err)
	}
	documentstest.WantText(t, documentstest.PDFText(t, b), "Phiên họp thường kỳ Ủy ban nhân dân tỉnh")

	// A Tối mật document and the copy register (issue 12).
	rc, out, errOut = dais(t, env, "upload", "-title", "Đề án tối mật", "-level", "toi_mat", pdfPath)
	if rc != exitOK {
		t.Fatalf("upload -level: exit %d: %s", rc, errOut)
	}
	secretID := strings.Split(strings.TrimSpace(out), "\t")[0]
	if d := fx.State(t).Documents[secretID]; d == nil || d.Level != meeting.ToiMat {
		t.Fatalf("uploaded %+v", d)
	}
	register := filepath.Join(dir, "so.pdf")
	rc, _, errOut = dais(t, env, "download", "register", "-o", register)
	if rc != exitOK {
		t.Fatalf("download register: exit %d: %s", rc, errOut)
	}
	if b, err = os.ReadFile(register); err != nil {
		t.Fatal(err)
	}
	documentstest.WantText(t, documentstest.PDFText(t, b), "SỔ THEO DÕI TÀI LIỆU MẬT", "Đề án tối mật", "Báo cáo mật")

	rc, out, errOut = dais(t, env, "download", "ballots", "-o", "-")
	if rc != exitOK || !strings.HasPrefix(out, "\xef\xbb\xbf") {
		t.Fatalf("download ballots: exit %d, %q, %q", rc, out, errOut)
	}

	t.Run("refusals", func(t *testing.T) {
		delegate := map[string]string{"DAIS_SERVER": url, "DAIS_TOKEN": fx.Token(t, documentstest.D1)}
		tests := []struct {
			name string
			env  map[string]string
			args []string
			code int
			want string
		}{
			{"a delegate uploads", delegate, []string{"upload", pdfPath}, exitError, "thư ký"},
			{"a delegate downloads the ballots", delegate, []string{"download", "ballots", "-o", "-"}, exitError, "forbidden"},
			{"no token", map[string]string{"DAIS_SERVER": url}, []string{"download", "packet"}, exitUsage, "no token"},
			{"a wrong code", nil, []string{"-server", url, "join", "AAAA-BBBB"}, exitError, "unauthorized"},
			{"an unknown command", env, []string{"vote"}, exitUsage, "unknown command"},
			{"an unknown download", env, []string{"download", "slides"}, exitUsage, "cannot download"},
			{"a missing file", env, []string{"upload", filepath.Join(dir, "missing.pdf")}, exitError, "missing.pdf"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rc, _, errOut := dais(t, tt.env, tt.args...)
				if rc != tt.code || !strings.Contains(errOut, tt.want) {
					t.Fatalf("exit %d (want %d), stderr %q (want %q in it)", rc, tt.code, errOut, tt.want)
				}
			})
		}
	})
}

func TestMeetingCommands(t *testing.T) {
	fx, url := server(t)
	sec := map[string]string{"DAIS_SERVER": url, "DAIS_TOKEN": fx.Token(t, documentstest.Secretary)}

	rc, out, errOut := dais(t, sec, "invite", "d1", "d2")
	if rc != exitOK {
		t.Fatalf("invite: exit %d: %s", rc, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "d1\t") || !strings.HasPrefix(lines[1], "d2\t") {
		t.Fatalf("invite printed %q", out)
	}
	code := strings.Split(lines[1], "\t")[1]
	if s, err := fx.Access.Join(context.Background(), code); err != nil || s.Participant != "d2" {
		t.Fatalf("Join(%s) = %+v, %v", code, s, err)
	}

	rc, out, errOut = dais(t, sec, "new-meeting", "-title", "Phiên họp chuyên đề", "-starts", "2026-12-15 08:00",
		"-place", "Phòng họp số 2", "-rooms", "hall:Hội trường,tn:Điểm cầu Tam Nông")
	if rc != exitOK {
		t.Fatalf("new-meeting: exit %d: %s", rc, errOut)
	}
	f := strings.Split(strings.TrimSpace(out), "\t")
	if len(f) != 2 || !strings.HasPrefix(f[0], "2026-12-15-") {
		t.Fatalf("new-meeting printed %q", out)
	}
	st, err := fx.Service.State(context.Background(), f[0])
	if err != nil || st.Title != "Phiên họp chuyên đề" || len(st.Rooms) != 2 || !st.Rooms[0].Main || st.Participant("sec") == nil {
		t.Fatalf("new meeting %+v, %v", st, err)
	}

	admin := map[string]string{"DAIS_SERVER": url, "DAIS_ADMIN_TOKEN": testAdminToken}
	rc, out, errOut = dais(t, admin, "new-meeting", "-id", "ky-hop-9", "-title", "Kỳ họp thứ 9", "-starts", "2026-12-20T08:00:00+07:00",
		"-secretary-id", "tk", "-secretary-name", "Lê Thu Trang")
	if rc != exitOK {
		t.Fatalf("new-meeting as admin: exit %d: %s", rc, errOut)
	}
	f = strings.Split(strings.TrimSpace(out), "\t")
	if len(f) != 3 || f[0] != "ky-hop-9" || f[1] != "tk" {
		t.Fatalf("new-meeting as admin printed %q", out)
	}
	if s, err := fx.Access.Join(context.Background(), f[2]); err != nil || s.Meeting != "ky-hop-9" || s.Participant != "tk" {
		t.Fatalf("Join(%s) = %+v, %v", f[2], s, err)
	}

	delegate := map[string]string{"DAIS_SERVER": url, "DAIS_TOKEN": fx.Token(t, documentstest.D1)}
	wrongAdmin := map[string]string{"DAIS_SERVER": url, "DAIS_ADMIN_TOKEN": "nope"}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"a delegate invites", delegate, []string{"invite"}, exitError, "forbidden"},
		{"an unknown participant", sec, []string{"invite", "nobody"}, exitError, "not_found"},
		{"no title", sec, []string{"new-meeting", "-starts", "2026-12-15 08:00"}, exitUsage, "-title"},
		{"a bad time", sec, []string{"new-meeting", "-title", "T", "-starts", "mai"}, exitUsage, "-starts"},
		{"bad rooms", sec, []string{"new-meeting", "-title", "T", "-starts", "2026-12-15 08:00", "-rooms", "hall"}, exitUsage, "id:name"},
		{"a delegate creates", delegate, []string{"new-meeting", "-title", "T", "-starts", "2026-12-15 08:00"}, exitError, "forbidden"},
		{"a secretary without the admin token", sec, []string{"new-meeting", "-title", "T", "-starts", "2026-12-15 08:00", "-secretary-id", "x", "-secretary-name", "X"}, exitUsage, "DAIS_ADMIN_TOKEN"},
		{"a wrong admin token", wrongAdmin, []string{"new-meeting", "-title", "T", "-starts", "2026-12-15 08:00", "-secretary-id", "x", "-secretary-name", "X"}, exitError, "unauthorized"},
		{"an existing id", admin, []string{"new-meeting", "-id", "ky-hop-9", "-title", "T", "-starts", "2026-12-15 08:00", "-secretary-id", "x", "-secretary-name", "X"}, exitError, "conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, _, errOut := dais(t, tt.env, tt.args...)
			if rc != tt.code || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q in it)", rc, tt.code, errOut, tt.want)
			}
		})
	}
}

// TestRevokeAndSignOut: a secretary lists and revokes a delegate's sessions
// with the CLI; a signed-out token opens nothing.
func TestRevokeAndSignOut(t *testing.T) {
	fx, url := server(t)
	sec := map[string]string{"DAIS_SERVER": url, "DAIS_TOKEN": fx.Token(t, documentstest.Secretary)}
	d1 := fx.Token(t, documentstest.D1)
	fx.Token(t, documentstest.D1) // a second tablet

	rc, out, errOut := dais(t, sec, "sessions", "d1")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if rc != exitOK || len(lines) != 2 || strings.Contains(out, d1) {
		t.Fatalf("sessions: exit %d, %q, %s", rc, out, errOut)
	}
	first := strings.Split(lines[0], "\t")[0]
	if rc, _, errOut := dais(t, sec, "revoke", "d1", first); rc != exitOK || !strings.Contains(errOut, "revoked 1") {
		t.Fatalf("revoke one: exit %d: %s", rc, errOut)
	}
	if rc, _, errOut := dais(t, sec, "revoke", "d1"); rc != exitOK || !strings.Contains(errOut, "revoked 1") {
		t.Fatalf("revoke all: exit %d: %s", rc, errOut)
	}
	if _, err := fx.Access.Authenticate(context.Background(), d1); meeting.ErrorCode(err) != meeting.Unauthorized {
		t.Fatalf("the revoked token still works: %v", err)
	}
	delegate := map[string]string{"DAIS_SERVER": url, "DAIS_TOKEN": fx.Token(t, documentstest.D2)}
	if rc, _, errOut := dais(t, delegate, "revoke", "d1"); rc != exitError || !strings.Contains(errOut, "forbidden") {
		t.Fatalf("a delegate revoked: exit %d: %s", rc, errOut)
	}
	if rc, _, errOut := dais(t, delegate, "sign-out"); rc != exitOK {
		t.Fatalf("sign-out: exit %d: %s", rc, errOut)
	}
	if rc, _, _ := dais(t, delegate, "invite"); rc != exitError {
		t.Fatalf("the signed-out token still works: exit %d", rc)
	}
}
