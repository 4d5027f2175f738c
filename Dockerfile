# syntax=docker/dockerfile:1
#
# Dais server image: the web client (built with Node), the daisd binary
# (static, CGO_ENABLED=0) and nothing else on a small Alpine base, running as
# a non-root user.
#
#   docker build -t dais/daisd .
#   docker run -p 8080:8080 -v dais-data:/data dais/daisd            # alone: embedded NATS + bbolt in /data
#   docker compose up                                               # clustered: see docker-compose.yml
#
# Every flag of daisd can be given as an environment variable (DAIS_LISTEN,
# DAIS_REDIS_URL, DAIS_NATS_URL, …); see docs/operations.md.

# --- 1. the web client (clients/web → dist/) --------------------------------
FROM node:22-bookworm-slim AS web
WORKDIR /src/clients/web
COPY clients/web/package.json clients/web/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY clients/web/ ./
RUN npm run build

# --- 2. the server binary -----------------------------------------------------
FROM golang:1.26 AS build
WORKDIR /src
# -mod=mod as in the Makefile: a go.sum missing a line must not fail the build.
ENV CGO_ENABLED=0 GOOS=linux GOFLAGS=-mod=mod
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
# Only the Go sources: node_modules and local data never enter the image.
COPY cmd/ cmd/
COPY meeting/ meeting/
COPY realtime/ realtime/
COPY storage/ storage/
COPY clients/daisclient/ clients/daisclient/
COPY clients/web/*.go clients/web/
COPY --from=web /src/clients/web/dist/ clients/web/dist/
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags='-s -w' -o /out/daisd ./cmd/daisd \
 && mkdir -p /out/data

# --- 3. the runtime -----------------------------------------------------------
FROM alpine:3.22
# ca-certificates: TLS to NATS and Redis (rediss://); tzdata: local times in logs.
RUN apk add --no-cache ca-certificates tzdata \
 && addgroup -S -g 10001 dais \
 && adduser -S -D -H -u 10001 -G dais -h /data dais
COPY --from=build /out/daisd /usr/local/bin/daisd
COPY --from=build --chown=10001:10001 /out/data /data
USER 10001:10001
ENV DAIS_LISTEN=:8080 \
    DAIS_DATA=/data
# /data holds the embedded store (bbolt + PDFs) when daisd runs alone; a
# clustered node (DAIS_REDIS_URL set) keeps nothing there.
VOLUME ["/data"]
EXPOSE 8080
# /healthz: the process serves HTTP. (Load balancers should use /readyz,
# which also checks Redis and NATS.) busybox wget is part of Alpine.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1
# SIGTERM drains: clients are told to move, then the node stops (≤ 10 s by
# default; give `docker stop` more than -drain-timeout).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/daisd"]
