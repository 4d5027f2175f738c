package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/conclusions"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/records"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/realtime/httpapi"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// meetingAgendas tells the conclusions a meeting's title, chair and agenda
// from the command service's state.
type meetingAgendas struct{ svc *service.Service }

func (m meetingAgendas) Agenda(ctx context.Context, id string) (conclusions.MeetingInfo, error) {
	if !meeting.ValidMeetingID(id) {
		return conclusions.MeetingInfo{}, meeting.Errorf(meeting.NotFound, "Không có cuộc họp %q", "no meeting %q", id)
	}
	st, err := m.svc.State(ctx, id)
	if err != nil {
		return conclusions.MeetingInfo{}, err
	}
	if !st.Exists() {
		return conclusions.MeetingInfo{}, meeting.Errorf(meeting.NotFound, "Không có cuộc họp %q", "no meeting %q", id)
	}
	info := conclusions.MeetingInfo{Title: st.Title, Items: map[string]string{}}
	for _, it := range st.Agenda {
		info.Items[it.ID] = it.Title
	}
	for _, p := range st.Participants {
		if p.Role == meeting.RoleChair {
			info.Chair = p.ID
		}
	}
	return info, nil
}

// startConclusions makes the conclusions and their follow-up (issue 13,
// part 4), starts the overdue reminders' scheduler, lists the conclusions
// in the minutes and mounts the routes.
func (n *node) startConclusions(mux httpapi.Mux, mailer consultations.Mailer) error {
	cfg := n.cfg.Office
	opt := conclusions.Options{Symbol: cfg.Symbol, Logger: n.log}
	if base := strings.TrimRight(cfg.PublicURL, "/"); base != "" {
		if _, err := url.Parse(base); err != nil {
			return fmt.Errorf("-public-url: %w", err)
		}
		opt.Link = func(id string) string { return base + "/#tasks=" + url.QueryEscape(id) }
	}
	if sym := opt.Symbol; sym != "" && (len(sym) > 16 || strings.ContainsAny(sym, " /\t\r\n")) {
		return fmt.Errorf("-office-symbol %q: at most 16 characters, no spaces or slashes", sym)
	}
	// A publication rings the meeting's tablets at once (a notice on the
	// meeting's bus subject, to every node); a tablet away then fetches the
	// list after its next welcome.
	opt.Published = func(meetingID, id string) {
		data, err := json.Marshal(protocol.Notice{Type: protocol.TypeNotice, Name: protocol.NoticeConclusions, ID: id})
		if err == nil {
			err = n.bus.PublishSignal(meetingID, data)
		}
		if err != nil {
			n.log.Warn("ringing the tablets of a published conclusion failed (they see it at their next fetch)", "meeting", meetingID, "conclusion", id, "err", err)
		}
	}
	n.concls = conclusions.New(n.store, n.registry, meetingAgendas{n.svc}, mailer, consultPDFs{n.pdfs}, opt)
	n.docs.SetConclusions(func(ctx context.Context, meetingID string) ([]pdf.MinutesConclusion, error) {
		cs, err := n.concls.OfMeeting(ctx, meetingID)
		if err != nil {
			return nil, err
		}
		return minutesConclusions(cs), nil
	})
	n.concls.Start()
	capi := httpapi.NewConclusions(n.acc, n.accounts, n.registry, n.concls, n.pdfs, n.pdfs.Config().MaxBytes, n.log)
	capi.Register(mux)
	// An approved conclusion's PDF as a signed record (the node's
	// certificate, or dais sign -conclusion).
	crecs, err := records.NewConclusions(n.cfg.Records, n.concls, n.store, n.pdfs, n.log)
	if err != nil {
		return err
	}
	httpapi.NewConclusionRecords(capi, crecs).Register(mux)
	return nil
}

var vietnamTime = time.FixedZone("ICT", 7*3600)

// minutesConclusions are the approved and published conclusions as the
// minutes list them.
func minutesConclusions(cs []*office.Conclusion) []pdf.MinutesConclusion {
	var out []pdf.MinutesConclusion
	for _, c := range cs {
		if c.Status == office.StatusDraft {
			continue
		}
		mc := pdf.MinutesConclusion{AgendaItem: c.AgendaItem, Heading: c.Heading(), Title: c.Title}
		for _, t := range c.Tasks {
			mc.Tasks = append(mc.Tasks, t.Title+" — "+t.Assignee.Name+", hạn "+t.Deadline.In(vietnamTime).Format("02/01/2006"))
		}
		out = append(out, mc)
	}
	return out
}
