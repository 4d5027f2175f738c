package meeting

import (
	"slices"
	"strings"
	"time"
)

// Register is the copy register of a meeting (sổ theo dõi tài liệu mật)
// as the chair and the secretaries read it: the secret documents, every
// copy served, every tablet's confirmation, and what is still out per
// participant and device. Made from the server's state (CopyRegister).
type Register struct {
	Meeting       string                      `json:"meeting"`
	Title         string                      `json:"title"`
	Status        Status                      `json:"status"`
	Levels        map[SecrecyLevel]LevelRules `json:"levels"`
	Documents     []RegisterDocument          `json:"documents"`
	Copies        []RegisterCopy              `json:"copies"`
	Confirmations []RegisterConfirmation      `json:"confirmations"`
	Outstanding   []Outstanding               `json:"outstanding"`
}

// RegisterDocument is a secret document in the register.
type RegisterDocument struct {
	ID        string       `json:"id"`
	Title     string       `json:"title"`
	Level     SecrecyLevel `json:"level"`
	TakenBack *TakeBack    `json:"taken_back"`
	// Copies counts the copies served; Outstanding those not yet
	// confirmed deleted.
	Copies      int `json:"copies"`
	Outstanding int `json:"outstanding"`
}

// RegisterCopy is one copy served.
type RegisterCopy struct {
	CopyRecord
	Name    string   `json:"name"`
	Deleted *Deleted `json:"deleted"`
}

// Deleted is when a copy's deletion was confirmed.
type Deleted struct {
	Seq uint64    `json:"seq"`
	At  time.Time `json:"at"`
}

// RegisterConfirmation is one tablet's report.
type RegisterConfirmation struct {
	Confirmation
	Name string `json:"name"`
}

// Outstanding is what one participant's device still holds.
type Outstanding struct {
	Participant string   `json:"participant"`
	Name        string   `json:"name"`
	Device      string   `json:"device"`
	Documents   []string `json:"documents"`
	Copies      int      `json:"copies"`
	// TakenBack: some of the documents were taken back — the copies the
	// secretary chases.
	TakenBack bool `json:"taken_back"`
}

// CopyRegister returns the register of s (the server's state, which keeps
// it: Apply).
func (s *State) CopyRegister() Register {
	name := func(id string) string {
		if p := s.Participants[id]; p != nil {
			return p.Name
		}
		return id
	}
	r := Register{Meeting: s.ID, Title: s.Title, Status: s.Status, Levels: s.AllRules(),
		Documents: []RegisterDocument{}, Copies: []RegisterCopy{}, Confirmations: []RegisterConfirmation{}, Outstanding: []Outstanding{}}
	index := map[string]int{}
	for id, d := range s.Documents {
		if d.Secrecy().Secret() {
			index[id] = len(r.Documents)
			var tb *TakeBack
			if d.TakenBack != nil {
				c := *d.TakenBack
				tb = &c
			}
			r.Documents = append(r.Documents, RegisterDocument{ID: id, Title: d.Title, Level: d.Secrecy(), TakenBack: tb})
		}
	}
	type key struct{ p, dev string }
	out := map[key]*Outstanding{}
	var order []key
	for _, c := range s.Copies {
		rc := RegisterCopy{CopyRecord: *c, Name: name(c.Participant)}
		if !c.Out() {
			rc.Deleted = &Deleted{Seq: c.DeletedSeq, At: c.DeletedAt}
		}
		r.Copies = append(r.Copies, rc)
		i, secret := index[c.Document]
		if secret {
			r.Documents[i].Copies++
		}
		if !c.Out() {
			continue
		}
		if secret {
			r.Documents[i].Outstanding++
		}
		k := key{c.Participant, c.Device}
		o := out[k]
		if o == nil {
			o = &Outstanding{Participant: c.Participant, Name: name(c.Participant), Device: c.Device}
			out[k] = o
			order = append(order, k)
		}
		o.Copies++
		if !slices.Contains(o.Documents, c.Document) {
			o.Documents = append(o.Documents, c.Document)
		}
		if d := s.Documents[c.Document]; d != nil && d.TakenBack != nil {
			o.TakenBack = true
		}
	}
	for _, k := range order {
		o := *out[k]
		slices.Sort(o.Documents)
		r.Outstanding = append(r.Outstanding, o)
	}
	// The taken-back first (the ones to chase), then by name and device.
	slices.SortStableFunc(r.Outstanding, func(a, b Outstanding) int {
		if a.TakenBack != b.TakenBack {
			if a.TakenBack {
				return -1
			}
			return 1
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Device, b.Device)
	})
	for _, c := range s.Confirmations {
		cc := *c
		cc.Documents = slices.Clone(c.Documents)
		r.Confirmations = append(r.Confirmations, RegisterConfirmation{Confirmation: cc, Name: name(c.Participant)})
	}
	slices.SortFunc(r.Documents, func(a, b RegisterDocument) int { return strings.Compare(a.ID, b.ID) })
	return r
}
