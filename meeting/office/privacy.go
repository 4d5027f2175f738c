package office

// E-mail addresses are the office's to send reminders with: only its staff
// (and the person themself) see them. A member, a committee's chair, an
// assignee or a meeting's participant sees people by name and title
// (docs/security.md, "Who sees e-mail addresses"). These strip every
// address but me's ("" strips all) from a copy a caller is about to send;
// they never touch the log or the cached fold (callers pass copies:
// the services' Get and All return them).

// HideEmails clears the members' addresses of a consultation but me's.
func (c *Consultation) HideEmails(me string) {
	if c == nil {
		return
	}
	hideConsulted(c.Members, me)
}

func hideConsulted(ms []Consulted, me string) {
	for i := range ms {
		if me == "" || ms[i].Person != me {
			ms[i].Email = ""
		}
	}
}

// HideEmails clears the assignees' addresses of a conclusion's tasks but
// me's.
func (c *Conclusion) HideEmails(me string) {
	if c == nil {
		return
	}
	hideTasks(c.Tasks, me)
}

func hideTasks(ts []Task, me string) {
	for i := range ts {
		hideAssignee(&ts[i].Assignee, me)
	}
}

func hideAssignee(a *Assignee, me string) {
	if me == "" || a.Kind != AssignPerson || a.Person != me {
		a.Email = ""
	}
}

// HideTaskEmails clears the assignees' addresses of task rows but me's.
func HideTaskEmails(rows []TaskRow, me string) {
	for i := range rows {
		hideAssignee(&rows[i].Assignee, me)
	}
}

// HideDashboardEmails clears the assignees' addresses of a dashboard but
// me's.
func HideDashboardEmails(cts []CommitteeTasks, me string) {
	for i := range cts {
		HideTaskEmails(cts[i].Tasks, me)
		HideTaskEmails(cts[i].Imported, me)
	}
}

// HideEventEmails returns ev without the addresses of others than me in
// the events that carry them (a consultation's or a conclusion's draft
// and edit); other events as they are.
func HideEventEmails(ev Event, me string) Event {
	switch d := ev.Data.(type) {
	case ConsultationDrafted:
		d.Members = append([]Consulted(nil), d.Members...)
		hideConsulted(d.Members, me)
		ev.Data = d
	case ConclusionDrafted:
		d.Tasks = append([]Task(nil), d.Tasks...)
		hideTasks(d.Tasks, me)
		ev.Data = d
	case ConclusionEdited:
		d.Tasks = append([]Task(nil), d.Tasks...)
		hideTasks(d.Tasks, me)
		ev.Data = d
	}
	return ev
}
