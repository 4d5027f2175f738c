package pdf

import (
	"github.com/dais-meeting/dais/meeting"
)

// CountingInputFrom gathers what the counting minutes of election id print
// from a meeting's state: the election, its base, the counting committee
// (the first member listed is its head), and every round so far with the
// count at its close (none before the first opens). s is only read.
func CountingInputFrom(s *meeting.State, id string) (CountingInput, error) {
	var in CountingInput
	if s == nil || !s.Exists() {
		return in, meeting.Errorf(meeting.Invalid, "Không có phiên họp để lập biên bản kiểm phiếu.", "no meeting to write counting minutes for")
	}
	e := s.Elections[id]
	if e == nil {
		return in, meeting.Errorf(meeting.NotFound, "Không có cuộc bầu cử %q trong hội nghị này.", "no election %q in this meeting", id)
	}
	in = CountingInput{
		Meeting: s.Title, Place: s.Place, Title: e.Title,
		Confidence: e.Kind == meeting.KindConfidence,
		Seats:      e.Seats,
		Listed:     len(e.Candidates),
		Date:       s.StartsAt,
		ChainSeq:   s.Version, ChainHash: s.ChainHash,
	}
	if in.Confidence {
		in.Seats = 0
	}
	in.Base.Kind = e.Base
	if in.Base.Kind == "" {
		in.Base.Kind = BaseConvened
	}
	for _, pid := range s.Order {
		p := s.Participant(pid)
		if p == nil || !p.Role.Member() {
			continue
		}
		in.Base.Convened++
		if p.Excused != "" {
			in.Base.Excused++
		}
	}
	in.Base.Value = in.Base.Convened
	if in.Base.Kind == BaseMembers {
		in.Base.Value -= in.Base.Excused
	}
	for i, pid := range s.Committee {
		name := pid
		if p := s.Participant(pid); p != nil && p.Name != "" {
			name = p.Name
		}
		in.Committee = append(in.Committee, CommitteeMember{Name: name, Head: i == 0})
	}
	cands := map[string]meeting.Candidate{}
	for _, c := range e.Candidates {
		cands[c.ID] = c
	}
	nameOf := func(cid string) string {
		if c, ok := cands[cid]; ok && c.Name != "" {
			return c.Name
		}
		return cid
	}
	for n, pid := range e.Rounds {
		p := s.Polls[pid]
		if p == nil {
			continue
		}
		agree := p.Style == meeting.StyleAgree
		r := CountingRound{Number: n + 1, Seats: p.Seats, Agreement: agree, AgainstKnown: agree, Opened: p.OpenedAt, Closed: p.ClosedAt}
		if p.Round > 0 {
			r.Number = p.Round
		}
		var er *meeting.ElectionResult
		if p.Result != nil {
			er = p.Result.Election
		}
		if p.Status != meeting.PollDone || er == nil {
			r.Open = true
			for _, cid := range p.Candidates {
				c := cands[cid]
				r.Candidates = append(r.Candidates, CountedCandidate{Name: nameOf(cid), Born: c.BirthYear, Position: c.Position})
			}
			in.Rounds = append(in.Rounds, r)
			continue
		}
		if n == 0 {
			in.Base.Value = er.Base
			in.Present = p.Result.Present
		}
		r.Issued, r.Returned, r.Valid, r.Invalid = er.Issued, er.Returned, er.Valid, er.Invalid
		r.TooMany, r.AllStruck, r.Void = er.InvalidReasons[meeting.InvalidTooMany], er.InvalidReasons[meeting.InvalidAllStruck], er.InvalidReasons[meeting.InvalidVoid]
		for _, rc := range er.Rooms {
			name := rc.Room
			if room := s.Room(rc.Room); room != nil && room.Name != "" {
				name = room.Name
			}
			r.Rooms = append(r.Rooms, RoomCount{Name: name, Paper: rc.Paper, Issued: rc.Issued, Returned: rc.Returned})
		}
		for _, cr := range er.Candidates {
			c := cands[cr.ID]
			cc := CountedCandidate{Name: nameOf(cr.ID), Born: c.BirthYear, Position: c.Position,
				Votes: cr.Votes, Share: cr.Share, Against: cr.Against, Elected: cr.Elected}
			cc.High, cc.Mid, cc.Low, cc.None = cr.Levels[meeting.LevelHigh], cr.Levels[meeting.LevelMedium], cr.Levels[meeting.LevelLow], cr.Levels[meeting.LevelNone]
			cc.HighShare, cc.MidShare, cc.LowShare, cc.NoneShare = cr.Shares[meeting.LevelHigh], cr.Shares[meeting.LevelMedium], cr.Shares[meeting.LevelLow], cr.Shares[meeting.LevelNone]
			r.Candidates = append(r.Candidates, cc)
		}
		if nr := er.NextRound; nr != nil && nr.Reason == meeting.NextTie {
			for _, cid := range nr.Candidates {
				r.Tied = append(r.Tied, nameOf(cid))
			}
		}
		in.Rounds = append(in.Rounds, r)
	}
	return in, nil
}

// countingInputs is the counting input of every election of s that has a
// round, in the order they were created.
func countingInputs(s *meeting.State) []CountingInput {
	var out []CountingInput
	for _, id := range s.ElectionOrder {
		if in, err := CountingInputFrom(s, id); err == nil && len(in.Rounds) > 0 {
			out = append(out, in)
		}
	}
	return out
}
