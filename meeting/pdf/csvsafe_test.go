package pdf

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

// semicolonCells reads CSV as a spreadsheet whose list separator is ";"
// does (Excel under the Vietnamese locale): a ";" outside quotes ends a
// cell. It returns each cell's text as it would start.
func semicolonCells(b []byte) []string {
	var cells []string
	for _, line := range strings.Split(strings.TrimPrefix(string(b), "\uFEFF"), "\n") {
		in, start := false, 0
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '"':
				in = !in
			case ';':
				if !in {
					cells = append(cells, line[start:i])
					start = i + 1
				}
			}
		}
		cells = append(cells, line[start:])
	}
	return cells
}

// TestCSVFormulaInjection: a comment, an author, a quote or a ballot's
// voter written to start a formula after a semicolon ("Đồng ý;=cmd|…")
// starts no cell with a formula character in a spreadsheet that splits at
// ";", and one that starts with "=", "+", "-", "@" is defused with "'";
// a standard reader still reads the row back exactly.
func TestCSVFormulaInjection(t *testing.T) {
	at := time.Date(2026, 12, 4, 2, 30, 0, 0, time.UTC)
	hostile := []string{"Đồng ý;=cmd|' /C calc'!A0", "x; +HYPERLINK(\"http://evil\")", "@SUM(1;2)", "-2+3;@A1", "a\";=1+1;\"b"}
	tab := CommentTable{Title: "Dự thảo", Versions: 1}
	for i, h := range hostile {
		tab.Rows = append(tab.Rows, CommentRow{Version: 1, Page: i + 1, Kind: "page", Quote: h, Text: h, Author: h, Title: h, At: at})
	}
	var buf bytes.Buffer
	if err := CommentTableCSV(&buf, tab, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range semicolonCells(buf.Bytes()) {
		c = strings.TrimLeft(c, "\" ")
		if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
			t.Errorf("a cell starts a formula in a semicolon spreadsheet: %q\n%s", c, buf.Bytes())
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil || len(rows) != len(hostile)+1 {
		t.Fatalf("read back: %v, %d rows", err, len(rows))
	}
	for i, h := range hostile {
		want := csvSafe(h)
		if got := rows[i+1][5]; got != want {
			t.Errorf("row %d's comment %q, want %q", i+1, got, want)
		}
	}
}
