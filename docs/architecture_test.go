// Package docs_test checks docs/architecture.md against the code: every
// package of the module is described there, every package it names exists,
// and the imports go the way it says.
package docs_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/dais-meeting/dais/"

type pkg struct {
	ImportPath string
	Imports    []string
}

// packages lists the module's packages with their imports (go list).
func packages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = ".."
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v\n%s", err, errOut.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(&out)
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		p.ImportPath = strings.TrimPrefix(p.ImportPath, module)
		var own []string
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module) {
				own = append(own, strings.TrimPrefix(imp, module))
			} else if !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
				continue // the standard library
			} else {
				own = append(own, "ext:"+imp)
			}
		}
		p.Imports = own
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	return pkgs
}

func under(path string, roots ...string) bool {
	for _, r := range roots {
		if path == r || strings.HasPrefix(path, r+"/") {
			return true
		}
	}
	return false
}

// helper packages of tests (storagetest, meetingtest, redistest, …) may
// reach further than the packages they help test.
func testHelper(path string) bool {
	last := path[strings.LastIndex(path, "/")+1:]
	return strings.HasSuffix(last, "test")
}

// TestImportDirection: the rules of "Packages and the direction of
// imports", checked on the imports go list reports.
func TestImportDirection(t *testing.T) {
	rules := []struct {
		what  string
		from  func(string) bool
		never func(string) bool
	}{
		{"the domain (meeting) imports the standard library only",
			func(p string) bool { return p == "meeting" },
			func(string) bool { return true }},
		{"nothing imports a command",
			func(p string) bool { return !under(p, "cmd") },
			func(imp string) bool { return under(imp, "cmd") }},
		{"meeting/… never imports the edges, the clients or a storage backend",
			func(p string) bool { return under(p, "meeting") && !testHelper(p) },
			func(imp string) bool {
				return under(imp, "realtime", "clients", "storage/bolt", "storage/redis", "storage/fsblob")
			}},
		{"storage/… never imports the domain's use cases, the edges or the clients",
			func(p string) bool { return under(p, "storage") },
			func(imp string) bool { return under(imp, "meeting", "realtime", "clients") }},
		{"realtime/… never imports a storage backend or the clients",
			func(p string) bool { return under(p, "realtime") && !testHelper(p) },
			func(imp string) bool { return under(imp, "storage/bolt", "storage/redis", "storage/fsblob", "clients") }},
		{"the Go client imports the domain and the wire protocol only",
			func(p string) bool { return p == "clients/daisclient" },
			func(imp string) bool {
				return !strings.HasPrefix(imp, "ext:") && imp != "meeting" && imp != "realtime/protocol"
			}},
	}
	for _, p := range packages(t) {
		for _, r := range rules {
			if !r.from(p.ImportPath) {
				continue
			}
			for _, imp := range p.Imports {
				if r.never(imp) {
					t.Errorf("%s imports %s: %s", p.ImportPath, imp, r.what)
				}
			}
		}
	}
}

// TestEveryPackageDescribed: the package list of docs/architecture.md names
// every package of the module (as `path`), and nothing that is not one.
func TestEveryPackageDescribed(t *testing.T) {
	doc, err := os.ReadFile("architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(doc)
	start := strings.Index(section, "## Packages and the direction of imports")
	if start < 0 {
		t.Fatal("docs/architecture.md has no \"Packages and the direction of imports\" section")
	}
	section = section[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	named := map[string]bool{}
	for _, m := range regexp.MustCompile("`((?:cmd|meeting|realtime|storage|clients)(?:/[a-z0-9-]+)*)`").FindAllStringSubmatch(section, -1) {
		named[m[1]] = true
	}
	var paths []string
	for _, p := range packages(t) {
		if p.ImportPath == "docs" {
			continue // this test
		}
		paths = append(paths, p.ImportPath)
		if !named[p.ImportPath] {
			t.Errorf("package %s is not described in docs/architecture.md (\"Packages and the direction of imports\")", p.ImportPath)
		}
	}
	for n := range named {
		if !slices.Contains(paths, n) {
			t.Errorf("docs/architecture.md names %s, which is not a package", n)
		}
	}
}
