package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/dais-meeting/dais/meeting"
)

var metricName = regexp.MustCompile(`\b((?:dais|process|go)_[a-z0-9_]+)\b`)

// exported lists the metric families a running node serves on its internal
// listener.
func exported(t *testing.T) map[string]bool {
	t.Helper()
	n := mustStartNode(t, t.TempDir())
	// The families with labels appear once something is counted: the
	// chair opens the session and a delegate checks in, over WebSockets.
	codes := seedTestMeeting(t, n)
	join(t, n, "chair", codes["chair"]).do(t, meeting.OpenSession{})
	join(t, n, "d1", codes["d1"]).do(t, meeting.CheckIn{})
	resp, err := http.Get("http://" + n.internalLn.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	have := map[string]bool{}
	for _, line := range strings.Split(string(body), "\n") {
		if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
			have[strings.Fields(name)[0]] = true
		}
	}
	if !have["dais_store_up"] || !have["dais_event_fanout_seconds"] || !have["dais_log_write_seconds"] {
		t.Fatalf("the node's /metrics lacks its own families: %v", have)
	}
	return have
}

// family is the metric family a PromQL name belongs to.
func family(name string) string {
	for _, s := range []string{"_bucket", "_sum", "_count"} {
		if f, ok := strings.CutSuffix(name, s); ok && (strings.HasSuffix(f, "_seconds")) {
			return f
		}
	}
	return name
}

// TestDashboardsAndAlertsMatchMetrics: every metric the Grafana dashboard
// and the alert rules of deploy/ use is one a node exports, every rule says
// how severe it is and links its section of the runbook, and that section
// exists in docs/operations.md.
func TestDashboardsAndAlertsMatchMetrics(t *testing.T) {
	have := exported(t)
	check := func(where, expr string) {
		t.Helper()
		names := metricName.FindAllString(expr, -1)
		if len(names) == 0 && !strings.Contains(expr, "up{") {
			t.Errorf("%s: %q uses no metric", where, expr)
		}
		for _, name := range names {
			if !have[family(name)] {
				t.Errorf("%s: %q uses %s, which no node exports", where, expr, name)
			}
		}
	}

	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Expr        string            `yaml:"expr"`
				Labels      map[string]string `yaml:"labels"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	data, err := os.ReadFile("../../deploy/prometheus/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &rules); err != nil {
		t.Fatal(err)
	}
	runbook, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			n++
			check("alert "+r.Alert, r.Expr)
			if s := r.Labels["severity"]; s != "critical" && s != "warning" {
				t.Errorf("alert %s: severity %q", r.Alert, s)
			}
			anchor, ok := strings.CutPrefix(r.Annotations["runbook"], "docs/operations.md#")
			if !ok || r.Annotations["summary"] == "" {
				t.Errorf("alert %s: needs a summary and a runbook link into docs/operations.md", r.Alert)
				continue
			}
			if !strings.Contains(string(runbook), "\n#### "+r.Alert+"\n") || strings.ToLower(r.Alert) != anchor {
				t.Errorf("alert %s: docs/operations.md has no \"#### %s\" section (anchor #%s)", r.Alert, r.Alert, anchor)
			}
		}
	}
	if n < 6 {
		t.Fatalf("%d alert rules", n)
	}

	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	data, err = os.ReadFile("../../deploy/grafana/dais-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatal(err)
	}
	if len(dash.Panels) < 10 {
		t.Fatalf("the dashboard has %d panels", len(dash.Panels))
	}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			check("panel "+p.Title, tg.Expr)
		}
	}
}
