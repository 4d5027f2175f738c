#!/bin/sh
# make-secrets.sh makes what docker-compose.yml's cluster needs and keeps it
# in deploy/secrets/ (git-ignored): a CA and a certificate for the NATS
# servers nats1–3 (TLS for clients; routes prove themselves with it), the
# daisd nodes' NATS password and the bridge sites' leaf password (nats.env,
# leaf.env) and the key that authenticates messages between daisd nodes
# (bus.key), and the bridge key (bridge.env; its public half in leaf.env). Run it once before `docker compose up`; it keeps what exists.
set -eu
cd "$(dirname "$0")"
mkdir -p secrets
chmod 700 secrets
cd secrets
umask 077
if [ ! -f ca.pem ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/O=Dais/CN=Dais NATS CA" -keyout ca-key.pem -out ca.pem
fi
if [ ! -f nats.pem ]; then
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/O=Dais/CN=nats" -keyout nats-key.pem -out nats.csr
  printf 'subjectAltName=DNS:nats1,DNS:nats2,DNS:nats3,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' > nats.ext
  openssl x509 -req -in nats.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 825 \
    -extfile nats.ext -out nats.pem
  rm -f nats.csr nats.ext
fi
if [ ! -f nats.env ]; then
  printf 'DAIS_NATS_PASSWORD=%s\n' "$(openssl rand -hex 24)" > nats.env
fi
# The compose's bridge site's leaf password (its own NATS user
# site-edge-bavi in nats/nats.conf): the NATS servers check it (nats.env),
# the edge sends it (leaf.env). Real sites: `dais bridge-sites add`.
if ! grep -q '^DAIS_LEAF_PASSWORD=' nats.env; then
  printf 'DAIS_LEAF_PASSWORD=%s\n' "$(openssl rand -hex 24)" >> nats.env
fi
if [ ! -f leaf.env ]; then
  printf 'DAIS_EDGE_PASSWORD=%s\n' "$(sed -n 's/^DAIS_LEAF_PASSWORD=//p' nats.env)" > leaf.env
fi
# The bridge key the daisd nodes sign with (bridge.env) and its public
# half, which the edges check (leaf.env).
if [ ! -f bridge.env ]; then
  printf 'DAIS_BRIDGE_KEY=%s\n' "$(openssl rand -hex 32)" > bridge.env
fi
if ! grep -q '^DAIS_EDGE_CENTRE_KEY=' leaf.env; then
  seed=$(sed -n 's/^DAIS_BRIDGE_KEY=//p' bridge.env)
  pub=$(printf '302e020100300506032b657004220420%s' "$seed" | xxd -r -p |
    openssl pkey -inform DER -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n')
  printf 'DAIS_EDGE_CENTRE_KEY=%s\n' "$pub" >> leaf.env
fi
if [ ! -f bus.key ]; then
  openssl rand -base64 48 > bus.key
fi
# The containers run as other users: the files they read must be readable.
chmod 644 ca.pem nats.pem nats-key.pem bus.key nats.env leaf.env bridge.env
echo "deploy/secrets: ready"
