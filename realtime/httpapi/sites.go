package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/realtime/bridge"
)

// SiteStatuses are the bridge sites as the centre hears them
// (*bridge.Hub is one).
type SiteStatuses interface {
	Sites(meetingID string) []bridge.SiteStatus
}

// SitesAPI serves the chair's view of the bridge sites (docs/bridge.md):
//
//	GET /api/v1/meetings/{meeting}/sites  Bearer <the chair's or a secretary's session>
//	→ {"sites":[{"site","online","rtt_ms","tablets","version","last_heard"},…]}
//
// every site whose edge follows the meeting, by name: online when a
// central node heard its report within 15 s, its round trip to the
// centre, its connected tablets, the seq its replica holds.
type SitesAPI struct {
	sessions Sessions
	sites    SiteStatuses
	log      *slog.Logger
}

// NewSites returns the sites route.
func NewSites(sessions Sessions, sites SiteStatuses, log *slog.Logger) *SitesAPI {
	if log == nil {
		log = slog.Default()
	}
	return &SitesAPI{sessions: sessions, sites: sites, log: log}
}

// Register mounts the route on mux.
func (a *SitesAPI) Register(mux Mux) {
	mux.HandleFunc("GET /api/v1/meetings/{meeting}/sites", a.list)
}

func (a *SitesAPI) list(w http.ResponseWriter, r *http.Request) {
	sess, err := meetingSession(a.sessions, r)
	if err != nil {
		WriteError(w, err)
		return
	}
	if sess.Role != meeting.RoleChair && sess.Role != meeting.RoleSecretary {
		WriteError(w, meeting.Errorf(meeting.Forbidden, "Chỉ chủ tọa và thư ký xem được tình trạng các điểm cầu",
			"only the chair and the secretaries see the bridge sites' status"))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	WriteJSON(w, http.StatusOK, struct {
		Sites []bridge.SiteStatus `json:"sites"`
	}{a.sites.Sites(sess.Meeting)})
}
