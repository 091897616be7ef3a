# Nintei: `make run` serves the app with demo data; `make test` runs every test.
# Both install what is missing first (checking versions, so a second run costs seconds).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

TRUNK_VERSION := 0.21.14
MOTO_VERSION := 5.2.5
BINARYEN_VERSION := 132
# wasm-bindgen-cli must be exactly the library version that Cargo.lock pins.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3 }' Cargo.lock)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
PG_DEFAULT_URL := postgres://postgres@127.0.0.1:5432/test
E2E_PORT ?= 3100

.PHONY: run test tools pdf-tools client server lint unit api-postgres api-fuzz s3-deps e2e-deps e2e size restore-drill lighthouse bench bench-door bench-scale bench-import bench-logins bench-pdf load clean

## run: install tools, build client and server in release, serve with demo data.
run: client server
	NINTEI_DEMO=$${NINTEI_DEMO:-true} NINTEI_STAFF_TWO_FACTOR=$${NINTEI_STAFF_TWO_FACTOR:-false} $(TARGET_DIR)/release/nintei serve

## tools: the wasm target, Trunk, wasm-bindgen-cli and wasm-opt, each only if missing.
tools:
	@command -v npm >/dev/null || { echo "installing npm (Debian)"; apt-get update -qq && apt-get install -y -qq npm; }
	@command -v brotli >/dev/null || { echo "installing brotli (Debian)"; apt-get update -qq && apt-get install -y -qq brotli; }
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@# Trunk is built unoptimised: 2 min 51 s instead of 7 min 45 s on 2 cores, and a client build
	@# takes about 1 s longer (it mostly runs cargo, wasm-bindgen and wasm-opt).
	@trunk --version 2>/dev/null | grep -q " $(TRUNK_VERSION)$$" || cargo install trunk --version $(TRUNK_VERSION) --locked --debug
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)$$" || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@wasm-opt --version 2>/dev/null | grep -q "version $(BINARYEN_VERSION)" || { mkdir -p .tools && cd .tools && npm install --no-audit --no-fund --silent binaryen@$(BINARYEN_VERSION); }
	@# The Japanese fonts the certificate and transcript PDFs embed (as subsets).
	@test -f /usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf -a -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf || { echo "installing IPAex fonts (Debian)"; apt-get update -qq && apt-get install -y -qq fonts-ipaexfont; }

## pdf-tools: the real readers the tests read PDFs and printed QR codes back with (poppler's
## pdftotext, pdffonts, pdfinfo, pdftoppm; zbar's zbarimg).
pdf-tools:
	@command -v pdftotext >/dev/null && command -v pdffonts >/dev/null && command -v zbarimg >/dev/null || { echo "installing poppler-utils and zbar-tools (Debian)"; apt-get update -qq && apt-get install -y -qq poppler-utils zbar-tools; }

## client: the wasm client, built by Trunk once per audience (domain::bundle): the physician's
## into dist/, the door's into dist/_door/ and the staff's into dist/_staff/ (size profile +
## wasm-opt), with brotli and gzip copies beside each text and wasm file for the server to send
## as they are. The door's and the staff's pages are the physician's with other features; the
## door's also builds the QR decoder worker (app/door.html, inserted at its marker).
client: tools
	cargo fetch --locked
	trunk build --release --offline
	for b in records door staff; do \
		sed -e 's/data-cargo-features="physician"/data-cargo-features="'$$b'"/' \
			-e "/<!-- $$b: /r app/$$b.html" app/index.html > app/.$$b.html; \
		trunk build app/.$$b.html --release --offline --dist dist/_$$b --public-url /_$$b/; \
	done
	find dist -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \) \
		-exec gzip -9 -k -f {} \; -exec brotli -q 11 -k -f {} \;

## server: the `nintei` binary, release profile.
server:
	cargo build --release -p server

## test: formatting, clippy (native and wasm), unit and API tests on SQLite and on PostgreSQL
## with S3 (two instances included), the restore drill, schemathesis against the OpenAPI
## description, and the browser end-to-end suite.
test: tools lint unit api-postgres restore-drill api-fuzz e2e

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --exclude app --all-targets -- -D warnings
	cargo clippy -p app -p domain --target wasm32-unknown-unknown -- -D warnings

## unit: every unit, property and integration test on SQLite (app's native tests included).
unit: pdf-tools
	env -u TEST_DATABASE_URL -u TEST_DOCUMENTS_URL cargo test --workspace

## s3-deps: moto's S3-compatible server (PyPI), which the tests of documents in a bucket use.
s3-deps:
	@python3 -c 'import importlib.metadata as m, sys; sys.exit(m.version("moto") != "$(MOTO_VERSION)")' 2>/dev/null && command -v moto_server >/dev/null || \
		python3 -m pip install --quiet --break-system-packages 'moto[server]==$(MOTO_VERSION)' || python3 -m pip install --quiet 'moto[server]==$(MOTO_VERSION)'

## api-postgres: the API tests again, on PostgreSQL (TEST_DATABASE_URL, or the local server)
## with documents in an S3 bucket (moto's server, started for the run by scripts/with_s3.sh),
## and the tests of two `nintei serve` processes sharing both (server/tests/api/instances.rs).
api-postgres: s3-deps pdf-tools
	@url="$${TEST_DATABASE_URL:-}"; \
	if [ -z "$$url" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then url="$(PG_DEFAULT_URL)"; fi; \
	if [ -z "$$url" ]; then \
		echo "SKIPPED: PostgreSQL API tests (no TEST_DATABASE_URL and no server at 127.0.0.1:5432)"; \
	else \
		echo "API tests on PostgreSQL: $${url%%@*}@…"; \
		TEST_DATABASE_URL="$$url" scripts/with_s3.sh cargo test -p server --test api; \
	fi

e2e-deps:
	@test -x /usr/bin/chromium || { echo "installing Chromium (Debian)"; apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk; }
	@test -d end2end/node_modules/@playwright/test -a -d end2end/node_modules/qrcode -a -d end2end/node_modules/@axe-core/playwright || (cd end2end && npm ci --no-audit --no-fund --silent)

## restore-drill: back up and restore scratch databases and data folders (SQLite with its
## online copy; PostgreSQL with pg_dump and documents in moto's S3), and check that every row
## and every document's bytes survive the round trip (scripts/restore_drill.sh).
restore-drill: s3-deps
	cargo build -p server
	scripts/with_s3.sh scripts/restore_drill.sh $(TARGET_DIR)/debug/nintei

## api-fuzz: schemathesis (PyPI) against a running server with `/api/openapi.json`, as an
## anonymous user and as each role: no 5xx, no answer that breaks its schema.
api-fuzz:
	@python3 -c 'import schemathesis' 2>/dev/null || python3 -m pip install --quiet --break-system-packages 'schemathesis==4.32.5' || python3 -m pip install --quiet 'schemathesis==4.32.5'
	cargo build -p server
	scripts/schemathesis.sh $(abspath $(TARGET_DIR))/debug/nintei $${FUZZ_EXAMPLES:-10}

## e2e: Playwright in Debian's Chromium against the real server and the real client build.
e2e: client e2e-deps pdf-tools
	cargo build -p server
	cd end2end && NINTEI_BIN=$(abspath $(TARGET_DIR))/debug/nintei NINTEI_DIST_DIR=$(CURDIR)/dist E2E_PORT=$(E2E_PORT) npx playwright test

## size: what each audience downloads before its first page works (js and wasm, brotli), per
## build; fails over budget (physician 250 KiB, door 350 KiB).
size: client
	python3 scripts/size.py dist

## lighthouse: Lighthouse mobile scores of /, /login, /mypage (signed in) and /door against a
## release server with demo data, in Debian's Chromium; fails under 95 / 100.
lighthouse: client server e2e-deps
	@lighthouse --version 2>/dev/null | grep -q '^12.2.3$$' || { mkdir -p .tools && cd .tools && npm install --no-audit --no-fund --silent lighthouse@12.2.3; }
	scripts/lighthouse.sh $(abspath $(TARGET_DIR))/release/nintei $(CURDIR)/dist

## bench-door: at the door, from the camera's code read (by the decoder worker) to the result
## panel on screen, with Chrome slowing the page's CPU 4× (end2end/bench/door.bench.ts, the
## release server on a fresh demo database); prints each run, the median and the slowest.
bench-door: client server e2e-deps
	cd end2end && NINTEI_BIN=$(abspath $(TARGET_DIR))/release/nintei NINTEI_DIST_DIR=$(CURDIR)/dist E2E_PORT=$(E2E_PORT) npx playwright test --config bench.config.ts

## bench: engine benchmark (1,000-credit ledger).
bench:
	cargo bench -p domain --bench evaluate

## bench-scale: My Page, the review queues, session search and posting at 3,400 and at 340,000
## physicians (`nintei admin seed-scale`), on SQLite and on PostgreSQL (server/benches/scale.rs);
## prints each figure, its ratio, and fails over 1.2×. BENCH_DATABASES, BENCH_SIZES, BENCH_RATE,
## BENCH_SECONDS and BENCH_PG_URL choose what runs.
bench-scale: server
	NINTEI_BIN=$(abspath $(TARGET_DIR))/release/nintei cargo bench -p server --bench scale

## bench-import: JMA's registry, 100,000 lines (scripts/registry_sample.py), imported by the
## release binary into a fresh SQLite database, then again (which must write nothing).
bench-import: server
	@dir=$$(mktemp -d); \
	python3 scripts/registry_sample.py 100000 > $$dir/registry.csv; \
	for run in first again; do \
		printf '%s import: ' $$run; \
		DATABASE_URL="$${BENCH_DATABASE_URL:-}" NINTEI_DATA_DIR=$$dir $(TARGET_DIR)/release/nintei admin import-registry $$dir/registry.csv | tail -1; \
	done; \
	rm -rf $$dir

## bench-logins: /api/health latency while 64 logins run at once (scripts/login_burst.py)
## against a release server on a fresh demo database.
bench-logins: server
	@dir=$$(mktemp -d); \
	NINTEI_DEMO=true NINTEI_TRUST_FORWARDED=true NINTEI_DATA_DIR=$$dir NINTEI_LISTEN=127.0.0.1:3300 NINTEI_DIST_DIR=$(CURDIR)/dist RUST_LOG=warn \
		$(TARGET_DIR)/release/nintei serve > $$dir/server.log 2>&1 & pid=$$!; \
	for i in $$(seq 1 60); do curl -sf http://127.0.0.1:3300/api/health >/dev/null && break; sleep 1; done; \
	python3 scripts/login_burst.py --base http://127.0.0.1:3300; status=$$?; \
	kill $$pid; rm -rf $$dir; exit $$status

## bench-pdf: certificate and transcript PDF times against a release server on a fresh demo
## database (scripts/bench_pdf.py); fails when the certificate's p95 is over 300 ms.
bench-pdf: server tools
	@dir=$$(mktemp -d); \
	NINTEI_DEMO=true NINTEI_JOBS=false NINTEI_DATA_DIR=$$dir NINTEI_LISTEN=127.0.0.1:3300 NINTEI_DIST_DIR=$(CURDIR)/dist RUST_LOG=warn \
		$(TARGET_DIR)/release/nintei serve > $$dir/server.log 2>&1 & pid=$$!; \
	for i in $$(seq 1 60); do curl -sf http://127.0.0.1:3300/api/health >/dev/null && break; sleep 1; done; \
	python3 scripts/bench_pdf.py --base http://127.0.0.1:3300; status=$$?; \
	kill $$pid; rm -rf $$dir; exit $$status

## load: the check-in load script against a release server on a fresh demo database
## (SQLite; LOAD_DATABASE_URL=postgres://… for PostgreSQL). Prints throughput and latency.
load: server
	@dir=$$(mktemp -d); \
	NINTEI_DEMO=true DATABASE_URL="$${LOAD_DATABASE_URL:-}" NINTEI_DATA_DIR=$$dir NINTEI_LISTEN=127.0.0.1:3300 NINTEI_DIST_DIR=$(CURDIR)/dist RUST_LOG=warn \
		$(TARGET_DIR)/release/nintei serve > $$dir/server.log 2>&1 & pid=$$!; \
	for i in $$(seq 1 60); do curl -sf http://127.0.0.1:3300/api/health >/dev/null && break; sleep 1; done; \
	python3 scripts/load_checkin.py --base http://127.0.0.1:3300; status=$$?; \
	kill $$pid; rm -rf $$dir; exit $$status

clean:
	cargo clean
	rm -rf dist end2end/test-results
