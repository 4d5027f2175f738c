// Package service runs meeting commands against the outside world: it loads a
// meeting's state from the log, asks the domain to decide, appends the
// resulting events with optimistic concurrency, and rings the bus.
//
// The log is the truth and the bus is the doorbell: a command is acknowledged
// only after its events are durably appended, and a failed publish is only
// logged — every node reads gaps from the log.
//
// Concurrency: a Service is safe for concurrent use. Each meeting has one
// cached state guarded by its own lock; chair and setup commands on one
// meeting are serialised on that lock (and across nodes by the version check
// of Append). Ballots take the lock only to read the state and are recorded
// by the store's atomic Cast, so a vote storm is not serialised here.
package service

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/storage"
)

// Store is what the service needs from storage.
type Store interface {
	storage.Log
	storage.Snapshots
	storage.Ballots
}

// Publisher rings the bus after events were appended. PublishEvents must not
// block for long; its errors are logged, not returned to the command's
// sender, because the events are already durable.
type Publisher interface {
	PublishEvents(ctx context.Context, meetingID string, events []meeting.Event) error
}

// Options tunes a Service. The zero value is usable.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SnapshotEvery saves a snapshot every that many events; 0 means 500.
	SnapshotEvery uint64
	// MaxAttempts bounds the retries of an append that lost a version race;
	// 0 means 64.
	MaxAttempts int
	// Logger receives warnings; nil means slog.Default().
	Logger *slog.Logger
}

// Service executes commands on meetings.
type Service struct {
	store Store
	pub   Publisher
	opt   Options
	log   *slog.Logger

	mu       sync.Mutex
	meetings map[string]*entry
}

// entry is the cached state of one meeting.
type entry struct {
	mu    sync.RWMutex
	state *meeting.State // guarded by mu; nil until loaded
}

// New returns a Service over store that publishes on pub.
func New(store Store, pub Publisher, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.SnapshotEvery == 0 {
		opt.SnapshotEvery = 500
	}
	if opt.MaxAttempts == 0 {
		opt.MaxAttempts = 64
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Service{store: store, pub: pub, opt: opt, log: opt.Logger, meetings: map[string]*entry{}}
}

// Execute runs cmd on the meeting as actor and returns the events it appended
// (none when the command changed nothing). A refusal is a *meeting.Error; a
// storage failure is an Unavailable *meeting.Error and changed nothing.
func (s *Service) Execute(ctx context.Context, meetingID string, actor meeting.Actor, cmd meeting.Command) ([]meeting.Event, error) {
	if !meeting.ValidMeetingID(meetingID) {
		return nil, meeting.Errorf(meeting.Invalid, "Mã hội nghị không hợp lệ: %q", "invalid meeting id %q", meetingID)
	}
	switch c := cmd.(type) {
	case meeting.CreateMeeting:
		if c.ID != meetingID {
			return nil, meeting.Errorf(meeting.Invalid, "Mã hội nghị %q không khớp với %q", "meeting id %q does not match %q", c.ID, meetingID)
		}
	case meeting.CastBallot:
		return s.cast(ctx, meetingID, actor, c)
	}
	return s.decideAndAppend(ctx, meetingID, actor, cmd)
}

// decideAndAppend is the optimistic loop: catch up, decide, run the command's
// storage side effects, append at the version decided on; on a lost race,
// catch up and decide again.
func (s *Service) decideAndAppend(ctx context.Context, meetingID string, actor meeting.Actor, cmd meeting.Command) ([]meeting.Event, error) {
	e := s.entry(meetingID)
	e.mu.Lock()
	defer e.mu.Unlock()
	for attempt := 0; attempt < s.opt.MaxAttempts; attempt++ {
		if err := s.catchUp(ctx, meetingID, e); err != nil {
			return nil, err
		}
		cmd, err := s.prepare(ctx, meetingID, e.state, actor, cmd)
		if err != nil {
			return nil, err
		}
		events, err := meeting.Decide(e.state, actor, cmd, s.opt.Now())
		if err != nil {
			return nil, err
		}
		if len(events) == 0 {
			return nil, nil
		}
		if err := s.sideEffects(ctx, meetingID, e.state, events); err != nil {
			return nil, err
		}
		data := make([][]byte, len(events))
		for i, ev := range events {
			if data[i], err = encode(ev); err != nil {
				return nil, internal(err)
			}
		}
		_, err = s.store.Append(ctx, meetingID, e.state.Version, data)
		if errors.Is(err, storage.ErrConflict) {
			continue // another node (or a ballot) appended first: catch up, decide again
		}
		if err != nil {
			return nil, unavailable(err)
		}
		for _, ev := range events {
			if err := e.state.Apply(ev); err != nil {
				// Decide produced an event Apply refuses: a bug. The log
				// has it; drop the cache so the next command reloads.
				e.state = nil
				return nil, internal(fmt.Errorf("applying own event %d: %w", ev.Seq, err))
			}
		}
		e.state.ChainHash = "" // known once read back (State)
		s.maybeSnapshot(ctx, meetingID, e.state, uint64(len(events)))
		s.publish(ctx, meetingID, events)
		return events, nil
	}
	return nil, meeting.Errorf(meeting.Unavailable, "Hệ thống đang bận, xin thử lại", "too much contention on meeting %s, try again", meetingID)
}

// prepare completes a command with what only storage knows. For ClosePoll it
// first asks the domain whether the actor may close the poll (with the tally
// the state implies), then closes the ballot box — after which no ballot is
// accepted — catches up with the ballots appended before the close, and
// hands the box's final tally to the domain.
func (s *Service) prepare(ctx context.Context, meetingID string, st *meeting.State, actor meeting.Actor, cmd meeting.Command) (meeting.Command, error) {
	c, ok := cmd.(meeting.ClosePoll)
	if !ok {
		return cmd, nil
	}
	poll := st.Polls[c.Poll]
	if poll == nil || poll.Status != meeting.PollOpen {
		return c, nil // let Decide refuse it with the right words
	}
	c.Tally = impliedTally(poll)
	if poll.Kind != "" {
		// An election round: well-formed stand-ins for its sealed ballots,
		// enough to check the close (the actor, the paper entries).
		c.Ballots = make([]string, len(poll.Voters))
		for i := range c.Ballots {
			c.Ballots[i] = meeting.BlankMarks(poll)
		}
	}
	if _, err := meeting.Decide(st, actor, c, s.opt.Now()); err != nil {
		return nil, err
	}
	tally, err := s.store.CloseBox(ctx, meetingID, c.Poll)
	if err != nil {
		return nil, unavailable(err)
	}
	if err := s.catchUpState(ctx, meetingID, st); err != nil {
		return nil, err
	}
	c.Tally = meeting.Tally(tally.Counts)
	if c.Tally == nil {
		c.Tally = meeting.Tally{}
	}
	if poll.Kind != "" {
		// The opened ballots, in the box's random order: their marks only.
		c.Ballots = make([]string, len(tally.Ballots))
		for i, b := range tally.Ballots {
			c.Ballots[i] = string(b.Content)
		}
	}
	return c, nil
}

// impliedTally is a tally consistent with what the state knows of a poll's
// ballots: exact for a named poll; for a secret one all under the first
// choice, which is enough to check the actor's right to close.
func impliedTally(p *meeting.Poll) meeting.Tally {
	t := meeting.Tally{}
	for _, ch := range p.Choices {
		t[ch.ID] = 0
	}
	for _, choice := range p.Voters {
		if choice == "" && len(p.Choices) > 0 {
			choice = p.Choices[0].ID
		}
		t[choice]++
	}
	return t
}

// sideEffects runs the storage work decided events need before they are
// appended: opening a poll (OpenPoll, or an election's OpenElectionRound,
// which creates the round's poll in the same batch) opens its ballot box
// (idempotently, so a retry after a lost race or a crash is harmless). An
// election round's box is secret and keeps each ballot's marks sealed with
// it (BoxSpec.MaxContent: one byte per name).
func (s *Service) sideEffects(ctx context.Context, meetingID string, st *meeting.State, events []meeting.Event) error {
	created := map[string]*meeting.Poll{}
	for _, ev := range events {
		switch d := ev.Data.(type) {
		case meeting.PollCreated:
			p := d.Poll
			created[p.ID] = &p
		case meeting.PollOpened:
			p := created[d.Poll]
			if p == nil {
				p = st.Polls[d.Poll]
			}
			if err := s.openBox(ctx, meetingID, p); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) openBox(ctx context.Context, meetingID string, p *meeting.Poll) error {
	spec := storage.BoxSpec{Poll: p.ID, Secret: p.Secret}
	for _, ch := range p.Choices {
		spec.Choices = append(spec.Choices, ch.ID)
	}
	if p.Kind != "" {
		spec.MaxContent = len(p.Candidates)
	}
	if err := s.store.OpenBox(ctx, meetingID, spec); err != nil {
		if errors.Is(err, storage.ErrExists) {
			return meeting.Errorf(meeting.Conflict, "Hòm phiếu của cuộc biểu quyết %q đã được dùng", "the ballot box of poll %q was already used", p.ID)
		}
		return unavailable(err)
	}
	return nil
}

// cast records a ballot. The domain checks it against the cached state (its
// poll, the voter's right, the choice); the store's atomic Cast decides
// whether the box is open and the voter has not voted, and appends the event.
func (s *Service) cast(ctx context.Context, meetingID string, actor meeting.Actor, c meeting.CastBallot) ([]meeting.Event, error) {
	e := s.entry(meetingID)
	ev, err := s.decideBallot(ctx, meetingID, e, actor, c)
	if err != nil {
		return nil, err
	}
	data, err := encode(ev)
	if err != nil {
		return nil, internal(err)
	}
	// The box keys on the voter: a substitute's ballot is the member's,
	// so member and substitute together cast at most one.
	voter := actor.Participant
	if bc, ok := ev.Data.(meeting.BallotCast); ok {
		voter = bc.Voter
	}
	b := storage.Ballot{Poll: c.Poll, Voter: voter, BallotID: c.BallotID, Choice: c.Choice}
	if c.Marks != "" {
		// An election ballot: the box counts one choice and seals the
		// marks with it, apart from the voter; the event names no marks.
		b.Choice, b.Content = meeting.BallotChoice, []byte(c.Marks)
	}
	res, err := s.store.Cast(ctx, meetingID, b, data)
	if err != nil {
		return nil, meeting.Errorf(meeting.Unavailable,
			"Chưa rõ phiếu đã được ghi nhận hay chưa; xin gửi lại (phiếu sẽ không bị tính hai lần)",
			"the ballot's outcome is unknown; send it again (it will not be counted twice)").WithCause(err)
	}
	switch res.Outcome {
	case storage.Accepted:
		ev.Seq = res.Seq
		s.publish(ctx, meetingID, []meeting.Event{ev})
		return []meeting.Event{ev}, nil
	case storage.Repeat:
		ev.Seq = res.Seq
		return []meeting.Event{ev}, nil
	case storage.AlreadyVoted:
		return nil, meeting.Errorf(meeting.Conflict, "Đồng chí đã biểu quyết trong cuộc biểu quyết này", "you have already voted in this poll")
	case storage.BoxClosed:
		return nil, meeting.Errorf(meeting.Conflict, "Cuộc biểu quyết đã kết thúc", "the poll is closed")
	case storage.BadChoice:
		return nil, meeting.Errorf(meeting.Invalid, "Lựa chọn không hợp lệ: %q", "invalid choice %q", c.Choice)
	}
	return nil, internal(fmt.Errorf("unknown ballot outcome %v", res.Outcome))
}

// decideBallot returns the BallotCast event for c. A voter the cached state
// already counts goes straight to the store, which tells a resend of the
// same ballot (Repeat) from a second ballot (AlreadyVoted). A refusal on a
// stale state (the poll was opened on another node) is retried once after
// catching up.
func (s *Service) decideBallot(ctx context.Context, meetingID string, e *entry, actor meeting.Actor, c meeting.CastBallot) (meeting.Event, error) {
	for attempt := 0; ; attempt++ {
		e.mu.RLock()
		st := e.state
		var (
			events []meeting.Event
			err    error
			voted  bool
			secret bool
			voter  = actor.Participant
		)
		if st != nil {
			if p := st.Polls[c.Poll]; p != nil && st.Archived == nil { // archived: Decide refuses
				if p.Kind == "" {
					voter = st.BallotVoter(actor.Participant) // a substitute's ballot is the member's
				}
				_, voted = p.Voters[voter]
				secret = p.Secret
			}
			if !voted {
				events, err = meeting.Decide(st, actor, c, s.opt.Now())
			}
		}
		e.mu.RUnlock()
		switch {
		case voted:
			ev := meeting.Event{At: s.opt.Now(), Actor: actor.Participant, Data: meeting.BallotCast{Poll: c.Poll, Voter: voter, Choice: c.Choice}}
			if secret {
				ev.Data = meeting.BallotCast{Poll: c.Poll, Voter: voter}
			}
			return ev, nil
		case st != nil && err == nil && len(events) == 1:
			return events[0], nil
		case st != nil && err == nil:
			return meeting.Event{}, internal(fmt.Errorf("a ballot decided into %d events", len(events)))
		case st != nil && attempt > 0:
			return meeting.Event{}, err
		}
		e.mu.Lock()
		err = s.catchUp(ctx, meetingID, e)
		e.mu.Unlock()
		if err != nil {
			return meeting.Event{}, err
		}
	}
}

// Recount counts a closed election round again from the ballots its box
// keeps (storage keeps them, without voters, for this) and compares the
// count with the one in the log (meeting.Recount): nil when they agree.
func (s *Service) Recount(ctx context.Context, meetingID, poll string) error {
	st, err := s.State(ctx, meetingID)
	if err != nil {
		return err
	}
	tally, err := s.store.Tally(ctx, meetingID, poll)
	if errors.Is(err, storage.ErrNotFound) {
		return meeting.Errorf(meeting.NotFound, "Không có hòm phiếu của %q", "no ballot box for %q", poll)
	}
	if err != nil {
		return unavailable(err)
	}
	if !tally.Closed {
		return meeting.Errorf(meeting.Conflict, "Lần bầu chưa kết thúc", "the round is not closed")
	}
	ballots := make([]string, len(tally.Ballots))
	for i, b := range tally.Ballots {
		ballots[i] = string(b.Content)
	}
	return meeting.Recount(st, poll, ballots)
}

// State returns a copy of the meeting's current state, caught up with the log.
func (s *Service) State(ctx context.Context, meetingID string) (*meeting.State, error) {
	e := s.entry(meetingID)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := s.catchUp(ctx, meetingID, e); err != nil {
		return nil, err
	}
	if e.state.ChainHash == "" && e.state.Version > 0 {
		// The node's own last append: read its chain link back.
		recs, err := s.store.Read(ctx, meetingID, e.state.Version, 1)
		if err != nil {
			return nil, unavailable(err)
		}
		if len(recs) == 1 && recs[0].Seq == e.state.Version {
			e.state.ChainHash = hex.EncodeToString(recs[0].Hash)
		}
	}
	return e.state.Clone(), nil
}

// Read calls f with the meeting's state caught up with the log, under the
// meeting's lock and without copying it: f must only read the state, must
// not keep it, and must be quick.
func (s *Service) Read(ctx context.Context, meetingID string, f func(*meeting.State)) error {
	e := s.entry(meetingID)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := s.catchUp(ctx, meetingID, e); err != nil {
		return err
	}
	f(e.state)
	return nil
}

// Participant returns a participant of the meeting as the log now has them;
// ok is false when the meeting has no such participant (or they were
// removed).
func (s *Service) Participant(ctx context.Context, meetingID, id string) (p meeting.Participant, ok bool, err error) {
	err = s.Read(ctx, meetingID, func(st *meeting.State) {
		if pp := st.Participant(id); pp != nil {
			p, ok = *pp, true
		}
	})
	return p, ok, err
}

// ReadEvents returns the meeting's events with seq >= from, at most max.
func (s *Service) ReadEvents(ctx context.Context, meetingID string, from uint64, max int) ([]meeting.Event, error) {
	recs, err := s.store.Read(ctx, meetingID, from, max)
	if err != nil {
		return nil, unavailable(err)
	}
	events := make([]meeting.Event, len(recs))
	for i, r := range recs {
		if events[i], err = decode(r); err != nil {
			return nil, internal(err)
		}
	}
	return events, nil
}

// Version returns the seq of the meeting's last event.
func (s *Service) Version(ctx context.Context, meetingID string) (uint64, error) {
	v, err := s.store.Version(ctx, meetingID)
	if err != nil {
		return 0, unavailable(err)
	}
	return v, nil
}

func (s *Service) entry(meetingID string) *entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.meetings[meetingID]
	if e == nil {
		e = &entry{}
		s.meetings[meetingID] = e
	}
	return e
}

// catchUp loads e.state (snapshot, then the log) or reads what the log has
// beyond it. The caller holds e.mu for writing.
func (s *Service) catchUp(ctx context.Context, meetingID string, e *entry) error {
	if e.state == nil {
		st, err := s.load(ctx, meetingID)
		if err != nil {
			return err
		}
		e.state = st
		return nil
	}
	if err := s.catchUpState(ctx, meetingID, e.state); err != nil {
		e.state = nil // it may be half caught up; reload next time
		return err
	}
	return nil
}

// load builds a meeting's state from its latest snapshot and the log after it.
func (s *Service) load(ctx context.Context, meetingID string) (*meeting.State, error) {
	st := meeting.NewState()
	_, data, err := s.store.LoadSnapshot(ctx, meetingID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
	case err != nil:
		return nil, unavailable(err)
	default:
		snap := meeting.NewState()
		if err := json.Unmarshal(data, snap); err != nil {
			s.log.Warn("ignoring unreadable snapshot", "meeting", meetingID, "err", err)
		} else {
			st = snap
		}
	}
	if err := s.catchUpState(ctx, meetingID, st); err != nil {
		return nil, err
	}
	return st, nil
}

// readPage is how many events a catch-up reads at once.
const readPage = 1000

// catchUpState folds the log's events after st.Version into st.
func (s *Service) catchUpState(ctx context.Context, meetingID string, st *meeting.State) error {
	for {
		recs, err := s.store.Read(ctx, meetingID, st.Version+1, readPage)
		if err != nil {
			return unavailable(err)
		}
		for _, r := range recs {
			ev, err := decode(r)
			if err != nil {
				return internal(err)
			}
			if err := st.Apply(ev); err != nil {
				return internal(fmt.Errorf("meeting %s: folding event %d: %w", meetingID, r.Seq, err))
			}
			st.ChainHash = hex.EncodeToString(r.Hash)
		}
		if len(recs) < readPage {
			return nil
		}
	}
}

// maybeSnapshot saves a snapshot when the last append crossed a multiple of
// SnapshotEvery. A failure is only logged: snapshots shorten replays, the log
// stays the truth.
func (s *Service) maybeSnapshot(ctx context.Context, meetingID string, st *meeting.State, appended uint64) {
	if st.Version%s.opt.SnapshotEvery >= appended {
		return
	}
	data, err := json.Marshal(st)
	if err == nil {
		err = s.store.SaveSnapshot(ctx, meetingID, st.Version, data)
	}
	if err != nil {
		s.log.Warn("saving snapshot failed", "meeting", meetingID, "seq", st.Version, "err", err)
	}
}

func (s *Service) publish(ctx context.Context, meetingID string, events []meeting.Event) {
	if s.pub == nil {
		return
	}
	if err := s.pub.PublishEvents(ctx, meetingID, events); err != nil {
		s.log.Warn("publishing events failed; other nodes will read them from the log",
			"meeting", meetingID, "first", events[0].Seq, "err", err)
	}
}

// encode is the stored form of an event: its JSON without the seq, which
// the log assigns.
func encode(ev meeting.Event) ([]byte, error) {
	ev.Seq = 0
	return json.Marshal(ev)
}

// decode reads a stored event and gives it the record's seq.
func decode(r storage.Record) (meeting.Event, error) {
	var ev meeting.Event
	if err := json.Unmarshal(r.Data, &ev); err != nil {
		return ev, fmt.Errorf("decoding event %d: %w", r.Seq, err)
	}
	ev.Seq = r.Seq
	return ev, nil
}

func unavailable(err error) error {
	var me *meeting.Error
	if errors.As(err, &me) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return meeting.Errorf(meeting.Unavailable, "Hết thời gian chờ; lệnh chưa được thực hiện", "timed out; the command had no effect").WithCause(err)
	}
	return meeting.Errorf(meeting.Unavailable, "Kho dữ liệu tạm thời không truy cập được; lệnh chưa được thực hiện", "storage unavailable; the command had no effect").WithCause(err)
}

func internal(err error) error {
	return meeting.Errorf(meeting.Internal, "Lỗi hệ thống; lệnh chưa được thực hiện", "internal error; the command had no effect").WithCause(err)
}

// Meetings lists the ids of the meetings in the store.
func (s *Service) Meetings(ctx context.Context) ([]string, error) {
	ids, err := s.store.Meetings(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	return ids, nil
}
