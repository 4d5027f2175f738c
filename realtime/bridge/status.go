package bridge

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// siteReport is what an edge publishes after each ping: its round trip to
// the centre and, per meeting it follows, its tablets and its replica's
// version.
type siteReport struct {
	Site     string        `json:"site"`
	RTTMs    float64       `json:"rtt_ms"`
	Meetings []siteMeeting `json:"meetings"`
}

type siteMeeting struct {
	ID      string `json:"id"`
	Tablets int    `json:"tablets"`
	Version uint64 `json:"version"`
}

// SiteStatus is a bridge site as the chair sees it.
type SiteStatus struct {
	// Site is the edge's name (daisd -name).
	Site string `json:"site"`
	// Room is the id of the site's room in a meeting: the sites file's
	// (daisd -bridge-sites), or without one the site's name.
	Room string `json:"room"`
	// Online: the site was heard from within the hub's SiteTimeout.
	Online bool `json:"online"`
	// RTTMs is the last round trip between the site and the centre, in
	// milliseconds.
	RTTMs float64 `json:"rtt_ms"`
	// Tablets are the site's connected clients of the meeting.
	Tablets int `json:"tablets"`
	// Version is the seq the site's replica holds (behind the centre's
	// while it catches up).
	Version uint64 `json:"version"`
	// LastHeard is when a central node last had the site's report.
	LastHeard time.Time `json:"last_heard"`
}

type siteEntry struct {
	report siteReport
	heard  time.Time
}

// takeReport keeps an edge's report (every central node keeps them all),
// under the name of the site whose subject it came on: a site cannot
// report for another.
func (h *Hub) takeReport(subject string, data []byte) {
	site, kind, _, ok := parseSubject(subject)
	var r siteReport
	if !ok || kind != kindStatus || json.Unmarshal(data, &r) != nil || len(r.Meetings) > 1000 {
		return
	}
	r.Site = site
	if h.dir.check(site) != nil {
		h.refuseSite(site)
		return
	}
	h.sitesMu.Lock()
	defer h.sitesMu.Unlock()
	if _, ok := h.sites[r.Site]; !ok && len(h.sites) >= maxSites {
		return
	}
	h.sites[r.Site] = siteEntry{report: r, heard: time.Now()}
}

// maxSites bounds the sites a hub keeps (a province has 141).
const maxSites = 2000

// Sites returns the bridge sites that follow a meeting, by name (with a
// sites file, those that may: the meeting has their room).
func (h *Hub) Sites(meetingID string) []SiteStatus {
	h.sitesMu.Lock()
	out := []SiteStatus{}
	for _, e := range h.sites {
		for _, m := range e.report.Meetings {
			if m.ID != meetingID {
				continue
			}
			out = append(out, SiteStatus{Site: e.report.Site, Room: h.dir.room(e.report.Site), Online: time.Since(e.heard) < h.cfg.SiteTimeout,
				RTTMs: e.report.RTTMs, Tablets: m.Tablets, Version: m.Version, LastHeard: e.heard})
		}
	}
	h.sitesMu.Unlock()
	ctx, cancel := context.WithTimeout(h.ctx, 2*time.Second)
	defer cancel()
	out = slices.DeleteFunc(out, func(s SiteStatus) bool { return h.mayFollow(ctx, s.Site, meetingID) != nil })
	slices.SortFunc(out, func(a, b SiteStatus) int { return strings.Compare(a.Site, b.Site) })
	return out
}

// followers are the online sites that follow a meeting: the hub pushes
// its records to them.
func (h *Hub) followers(meetingID string) []string {
	h.sitesMu.Lock()
	defer h.sitesMu.Unlock()
	var out []string
	for name, e := range h.sites {
		if time.Since(e.heard) >= h.cfg.SiteTimeout {
			continue
		}
		for _, m := range e.report.Meetings {
			if m.ID == meetingID {
				out = append(out, name)
				break
			}
		}
	}
	return out
}
