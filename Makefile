# Dais — the two commands are `make run` and `make test`.
SHELL := /bin/bash
GO    ?= go
DATA  ?= ./data
LISTEN ?= :8080
export GOFLAGS ?= -mod=mod

WEB   := clients/web

.PHONY: run test deps vet build web bench bench-full fuzz clean

## run: start daisd alone (embedded NATS, bbolt in $(DATA)) with the Vietnamese demo meeting
run: web
	$(GO) run ./cmd/daisd -listen $(LISTEN) -data $(DATA) -demo

## test: everything CI runs (installs what the tests need first): Go with -race, Vitest, the browser test
test: deps web vet
	$(GO) test -race -count=1 -timeout 15m ./...
	cd $(WEB) && npm test
	$(GO) build -o bin/daisd ./cmd/daisd
	cd $(WEB) && DAISD=$(CURDIR)/bin/daisd npm run e2e

## web: build the web client into clients/web/dist (embedded into daisd)
web: $(WEB)/node_modules/.package-lock.json
	cd $(WEB) && npm run build

$(WEB)/node_modules/.package-lock.json: $(WEB)/package-lock.json $(WEB)/package.json
	cd $(WEB) && npm ci --no-audit --no-fund

## deps: system packages and services the tests need, installed or started when missing (idempotent)
deps:
	@bash .ci/deps.sh

vet:
	@fmt=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$fmt" ]; then echo "gofmt needed: $$fmt"; exit 1; fi
	$(GO) vet ./...

build:
	$(GO) build -o bin/ ./cmd/...

## bench: micro-benchmarks, a short load run of every scenario (daisd as a child process, loopback only), then the browser bench of a cheap tablet (clients/web/bench)
BENCH_TABLETS ?= 200
bench: web build
	$(GO) test -run '^$$' -bench . ./meeting/ ./realtime/gateway/ ./storage/bolt/ ./storage/redis/ ./meeting/pdf/
	./bin/dais-bench -daisd ./bin/daisd -scenario hub,pageturn,vote,election,reconnect,download,idle -tablets $(BENCH_TABLETS) -doc-mib 5 -out bench-out
	mkdir -p bench-out && cd $(WEB) && DAISD=$(CURDIR)/bin/daisd OUT=$(CURDIR)/bench-out/browser.json npm run bench:browser
	./bin/dais-bench -daisd ./bin/daisd -scenario hub,morning -tablets $(BENCH_TABLETS) -duration 5s -out bench-out/morning
	./bin/dais-bench -daisd ./bin/daisd -scenario bridge -tablets 40 -sites 2 -duration 5s -interval 200ms -cut 3s -doc-mib 4 -doc-tablets 5 -out bench-out/bridge

## bench-full: the full-size runs of docs/performance.md's table (about 10 minutes; the shared Redis for the clustered run)
bench-full: web build
	./bin/dais-bench -scenario hub,morning -tablets 2000 -duration 10s -out bench-out/morning-2000
	./bin/dais-bench -scenario hub,morning -tablets 10000 -conc 128 -spread 30s -duration 10s -timeout 20m -out bench-out/morning-10000
	./bin/dais-bench -scenario hub,pageturn -tablets 2000 -duration 20s -profile 15s -out bench-out/pageturn
	./bin/dais-bench -scenario hub,pageturn -repeat 4 -tablets 5000 -conc 128 -interval 500ms -duration 20s -out bench-out/pageturn-5000
	./bin/dais-bench -scenario vote -tablets 1600 -out bench-out/vote
	./bin/dais-bench -scenario election -tablets 1600 -out bench-out/election
	./bin/dais-bench -scenario reconnect -tablets 2000 -conc 128 -out bench-out/reconnect
	./bin/dais-bench -scenario download -tablets 500 -doc-mib 20 -out bench-out/download
	./bin/dais-bench -scenario idle -tablets 10000 -meetings 20 -conc 128 -settle 10s -out bench-out/idle
	./bin/dais-bench -scenario bridge -tablets 1000 -sites 20 -wan-latency 30ms -wan-jitter 10ms -cut 60s -duration 20s -interval 500ms -conc 128 -timeout 15m -out bench-out/bridge
	./bin/dais-bench -redis-url redis://127.0.0.1:6379/0 -scenario pageturn,vote,reconnect -tablets 1000 -out bench-out/cluster
	./bin/dais-bench -redis-url redis://127.0.0.1:6379/0 -scenario election -tablets 1600 -out bench-out/cluster-election

## fuzz: run every fuzz target for a while (FUZZTIME=30s by default)
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzCommands$$' -fuzztime $(FUZZTIME) ./meeting/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeCommand$$' -fuzztime $(FUZZTIME) ./meeting/
	$(GO) test -run '^$$' -fuzz '^FuzzValidate$$' -fuzztime $(FUZZTIME) ./meeting/pdf/
	$(GO) test -run '^$$' -fuzz '^FuzzClientFrame$$' -fuzztime $(FUZZTIME) ./realtime/gateway/
	$(GO) test -run '^$$' -fuzz '^FuzzJoin$$' -fuzztime $(FUZZTIME) ./meeting/access/
	$(GO) test -run '^$$' -fuzz '^FuzzHTTPBodies$$' -fuzztime $(FUZZTIME) ./realtime/httpapi/

clean:
	rm -rf bin $(DATA) $(WEB)/node_modules
