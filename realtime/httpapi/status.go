package httpapi

import (
	"context"
	"html/template"
	"net/http"

	"github.com/dais-meeting/dais/meeting"
)

// Meetings is what the status page reads.
type Meetings interface {
	Meetings(ctx context.Context) ([]string, error)
	State(ctx context.Context, meetingID string) (*meeting.State, error)
}

// StatusPage serves a plain page saying the node runs: what a person sees
// at the address until the web client is built into the binary. Only a
// request that full approves of (the admin token's bearer) sees the
// meetings of this node; a failure to read them is shown to nobody as its
// error text (it is logged by the store's callers, not published).
func StatusPage(meetings Meetings, connections func() int, full func(*http.Request) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		var states []*meeting.State
		listed := full != nil && full(r)
		if listed {
			ids, err := meetings.Meetings(r.Context())
			if err != nil {
				WriteError(w, unavailableError())
				return
			}
			for _, id := range ids {
				st, err := meetings.State(r.Context(), id)
				if err != nil {
					WriteError(w, unavailableError())
					return
				}
				states = append(states, st)
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_ = statusTemplate.Execute(w, map[string]any{"Listed": listed, "Meetings": states, "Connections": connections()})
	})
}

// unavailableError is what an outsider is told when something behind the
// page fails: no cause, no address.
func unavailableError() error {
	return meeting.Errorf(meeting.Unavailable, "Máy chủ tạm thời không đọc được dữ liệu", "the server cannot read its data now")
}

var statusTemplate = template.Must(template.New("status").Funcs(template.FuncMap{
	"item": func(s *meeting.State) string {
		if it := s.Item(s.Current); it != nil {
			return it.Title
		}
		return "—"
	},
}).Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Dais — trạng thái máy chủ</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#1a1a1a}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}</style>
</head><body>
<h1>Dais — phòng họp không giấy</h1>
<p>Máy chủ đang chạy · {{.Connections}} kết nối trực tiếp / live connections</p>
{{if .Listed}}<table><tr><th>Hội nghị / Meeting</th><th>Trạng thái / Status</th><th>Nội dung đang thảo luận / Current item</th><th>Tài liệu, trang / Shown</th><th>Sự kiện / Events</th></tr>
{{range .Meetings}}<tr><td>{{.Title}}</td><td>{{.Status}}</td><td>{{item .}}</td><td>{{with .Presentation.Document}}{{.}}{{end}} {{with .Presentation.Page}}· {{.}}{{end}}</td><td>{{.Version}}</td></tr>
{{else}}<tr><td colspan="5">Chưa có hội nghị nào / no meeting yet</td></tr>{{end}}
</table>{{end}}
<p>API: <code>POST /api/v1/join</code> · WebSocket <code>/ws</code> · <a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a></p>
</body></html>`))
