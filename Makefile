# Dais — the two commands are `make run` and `make test`.
SHELL := /bin/bash
GO    ?= go
DATA  ?= ./data
LISTEN ?= :8080
export GOFLAGS ?= -mod=mod

.PHONY: run test deps vet build fuzz clean

## run: start daisd alone (embedded NATS, bbolt in $(DATA)) with the Vietnamese demo meeting
run: deps
	$(GO) run ./cmd/daisd -listen $(LISTEN) -data $(DATA) -demo

## test: everything CI runs (installs what the tests need first)
test: deps vet
	$(GO) test -race -count=1 -timeout 15m ./...

## deps: system packages and services the tests need, installed or started when missing (idempotent)
deps:
	@bash .ci/deps.sh

vet:
	@fmt=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$fmt" ]; then echo "gofmt needed: $$fmt"; exit 1; fi
	$(GO) vet ./...

build:
	$(GO) build -o bin/ ./cmd/...

## fuzz: run every fuzz target for a while (FUZZTIME=30s by default)
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzCommands$$' -fuzztime $(FUZZTIME) ./meeting/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeCommand$$' -fuzztime $(FUZZTIME) ./meeting/

clean:
	rm -rf bin $(DATA)
