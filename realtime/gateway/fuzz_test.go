package gateway_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dais-meeting/dais/realtime/gateway"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// FuzzClientFrame sends one arbitrary frame from a signed-in delegate to a
// real gateway, then a probe command. Whatever the frame, the server either
// answers the probe or closes with 4002 (protocol error) — never a server
// fault, a panic or a hang — and the meeting's state still folds.
//
//	go test -run '^$' -fuzz '^FuzzClientFrame$' -fuzztime 30s ./realtime/gateway/
func FuzzClientFrame(f *testing.F) {
	for _, s := range []string{
		`{"type":"command","id":"c1","name":"RequestFloor","args":{}}`,
		`{"type":"command","id":"c1","name":"CastBallot","args":{"poll":"v1","choice":"for","ballot_id":"b1"}}`,
		`{"type":"command","id":"c1","name":"TurnPage","args":{"page":-1}}`,
		`{"type":"command","id":"c1","name":"NoSuchCommand"}`,
		`{"type":"command","id":"c1","name":"SaveAnnotation","args":{"annotation":{"id":"a","document":"doc1","page":1,"kind":"ink","color":"#FF0000","points":[[0.1,0.1],[2,2]]}}}`,
		`{"type":"signal","name":"pointer","data":{"x":0.5,"y":0.5}}`,
		`{"type":"ping","id":"h1"}`,
		`{"type":"signal","name":""}`,
		`{"type":"hello","protocol":1,"token":"x"}`,
		`{"type":7}`,
		`[1,2,3]`,
		`null`,
		"\xff\xfe",
	} {
		f.Add(s)
	}
	h := mustServe(f, gateway.Config{}, 0)
	url := "ws" + strings.TrimPrefix(h.srv.URL, "http") + "/ws"
	f.Fuzz(func(t *testing.T, frame string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ws, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		// The server's close frame is recorded as it arrives: echoing it
		// (what the default handler does) may fail with a broken pipe once
		// the server has closed the socket, and ReadMessage would then
		// give that write error instead of the code the server sent.
		closeCode := 0
		ws.SetCloseHandler(func(code int, _ string) error {
			closeCode = code
			_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
			return nil
		})
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		hello, _ := json.Marshal(protocol.Hello{Type: protocol.TypeHello, Protocol: protocol.Version, Token: h.token["d1"]})
		if err := ws.WriteMessage(websocket.TextMessage, hello); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ws.ReadMessage(); err != nil { // welcome
			t.Fatal(err)
		}
		if err := ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
			t.Fatal(err)
		}
		probe := `{"type":"command","id":"probe-1","name":"WithdrawFloor","args":{}}`
		_ = ws.WriteMessage(websocket.TextMessage, []byte(probe)) // may fail if the server closed already
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				if closeCode != protocol.CloseProtocol {
					t.Fatalf("frame %q: connection ended with %v (close code %d), want an ack of the probe or 4002", frame, err, closeCode)
				}
				break
			}
			var ack protocol.Ack
			if json.Unmarshal(data, &ack) == nil && ack.Type == protocol.TypeAck && ack.ID == "probe-1" {
				break
			}
			if ack.Type == protocol.TypeAck && ack.Error != nil && ack.Error.Code == "internal" {
				t.Fatalf("frame %q: internal error %+v", frame, ack.Error)
			}
		}
		if _, err := h.svc.State(ctx, meetingID); err != nil {
			t.Fatalf("frame %q: the meeting no longer loads: %v", frame, err)
		}
	})
}
