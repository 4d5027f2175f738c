package office

import (
	"encoding/json"
	"fmt"
	"time"
)

// wireEvent is the JSON form of a consultation event, the same envelope as
// a meeting event's (docs/architecture.md, "Event formats"):
//
//	{"seq":4,"type":"AnswerGiven","at":"2026-12-03T08:15:00Z","actor":"huong","data":{…}}
type wireEvent struct {
	Seq   uint64          `json:"seq,omitempty"`
	Type  string          `json:"type"`
	V     int             `json:"v,omitempty"`
	At    time.Time       `json:"at"`
	Actor string          `json:"actor,omitempty"`
	Data  json.RawMessage `json:"data,omitempty"`
}

// eventTypes decodes each event type's data.
var eventTypes = map[string]func([]byte) (EventData, error){
	"ConsultationDrafted":       decodeAs[ConsultationDrafted],
	"ConsultationEdited":        decodeAs[ConsultationEdited],
	"ConsultationDocumentAdded": decodeAs[ConsultationDocumentAdded],
	"ConsultationApproved":      decodeAs[ConsultationApproved],
	"AnswerGiven":               decodeAs[AnswerGiven],
	"RemindersSent":             decodeAs[RemindersSent],
	"ConsultationClosed":        decodeAs[ConsultationClosed],
	// conclusions and their tasks (conclusion.go)
	"ConclusionDrafted":   decodeAs[ConclusionDrafted],
	"ConclusionEdited":    decodeAs[ConclusionEdited],
	"ConclusionApproved":  decodeAs[ConclusionApproved],
	"ConclusionPublished": decodeAs[ConclusionPublished],
	"TaskReported":        decodeAs[TaskReported],
	"TasksReminded":       decodeAs[TasksReminded],
	// a conclusion's PDF as a signed record
	"ConclusionRecordIssued": decodeAs[ConclusionRecordIssued],
	"ConclusionRecordSigned": decodeAs[ConclusionRecordSigned],
	// a consultation's summary PDF as a signed record
	"ConsultationRecordIssued": decodeAs[ConsultationRecordIssued],
	"ConsultationRecordSigned": decodeAs[ConsultationRecordSigned],
	// the last event of a log imported from an archive (archived.go)
	"ConsultationArchived": decodeAs[ConsultationArchived],
	"ConclusionArchived":   decodeAs[ConclusionArchived],
}

// EventTypes lists the consultation event types (for the format tests).
func EventTypes() []string {
	out := make([]string, 0, len(eventTypes))
	for t := range eventTypes {
		out = append(out, t)
	}
	return out
}

// eventFormats is the current format of each event type whose format is
// not 1 (none yet); eventUpgrades[typ][i] turns format i+1 into i+2. The
// rules are the meeting events': a log is never rewritten, an event of a
// newer format than this build knows is refused.
var (
	eventFormats  = map[string]int{}
	eventUpgrades = map[string][]func(json.RawMessage) (json.RawMessage, error){}
)

func eventFormat(typ string) int {
	if v := eventFormats[typ]; v > 1 {
		return v
	}
	return 1
}

func decodeAs[T EventData](b []byte) (EventData, error) {
	var v T
	if len(b) == 0 || string(b) == "null" {
		return v, nil
	}
	err := json.Unmarshal(b, &v)
	return v, err
}

// MarshalJSON encodes the event in its wire form.
func (e Event) MarshalJSON() ([]byte, error) {
	if e.Data == nil {
		return nil, fmt.Errorf("office: event %d has no data", e.Seq)
	}
	data, err := json.Marshal(e.Data)
	if err != nil {
		return nil, err
	}
	w := wireEvent{Seq: e.Seq, Type: e.Data.EventType(), At: e.At, Actor: e.Actor, Data: data}
	if v := eventFormat(w.Type); v > 1 {
		w.V = v
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes the wire form, upgrading old formats; an unknown
// type or a format newer than this build knows is an error.
func (e *Event) UnmarshalJSON(b []byte) error {
	var w wireEvent
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	decode, ok := eventTypes[w.Type]
	if !ok {
		return fmt.Errorf("office: unknown event type %q", w.Type)
	}
	v, cur := w.V, eventFormat(w.Type)
	if v == 0 {
		v = 1
	}
	switch {
	case v < 1:
		return fmt.Errorf("office: event %s of format %d", w.Type, v)
	case v > cur:
		return fmt.Errorf("office: event %s of format %d, written by a newer Dais (this build reads up to %d): upgrade this node", w.Type, v, cur)
	}
	data := w.Data
	for steps := eventUpgrades[w.Type]; v < cur; v++ {
		if v-1 >= len(steps) {
			return fmt.Errorf("office: event %s: no upgrade from format %d", w.Type, v)
		}
		var err error
		if data, err = steps[v-1](data); err != nil {
			return fmt.Errorf("office: event %s: upgrading format %d: %w", w.Type, v, err)
		}
	}
	d, err := decode(data)
	if err != nil {
		return fmt.Errorf("office: event %s: %w", w.Type, err)
	}
	*e = Event{Seq: w.Seq, At: w.At, Actor: w.Actor, Data: d}
	return nil
}

// DecodeRecord reads a stored record of a consultation's or a
// conclusion's log as its event, with the record's seq.
func DecodeRecord(data []byte, seq uint64) (Event, error) {
	var ev Event
	if err := json.Unmarshal(data, &ev); err != nil {
		return Event{}, fmt.Errorf("event %d: %w", seq, err)
	}
	ev.Seq = seq
	return ev, nil
}

// Copy returns a deep copy of a consultation or a conclusion (plain data,
// through its JSON form), so that a caller never shares the cached fold.
func Copy[T any](v *T) *T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		panic(err)
	}
	return out
}
