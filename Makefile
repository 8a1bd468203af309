# IMP Companion — the two commands: `make run` (the app on http://127.0.0.1:8787) and `make test`.
# Each installs what it needs (idempotently, cached outside the repo) and prints its progress.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help run test tools build size bench soak lighthouse fmt lint clean create-staff

help:
	@echo "make run    build everything and run the app + Worker + demo data on http://127.0.0.1:8787"
	@echo "make test   run every check and test (fmt, clippy, native, Worker on workerd, Chromium)"
	@echo "make size   print the app shell's sizes (raw and brotli)"
	@echo "make bench  print benchmark figures"
	@echo "make soak   run the sync simulation over 10,000 seeds"
	@echo "make lighthouse   Lighthouse (mobile) scores and figures of the app's / over http and https"
	@echo "make create-staff EMAIL=… NAME=… [REMOTE=1]   create a staff account (asks for its password)"

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

tools:
	@bash scripts/tools.sh --browser

build:
	@bash scripts/tools.sh && bash scripts/build.sh

size:
	@IMP_WANT_TWIGGY=1 bash scripts/tools.sh && bash scripts/build.sh && bash scripts/size.sh

bench:
	@bash scripts/bench.sh

lighthouse:
	@bash scripts/lighthouse.sh

soak:
	@bash scripts/tools.sh && SIM_SEEDS=10000 cargo test --locked --release -p imp-sim --test simulation -- --nocapture

create-staff:
	@bash scripts/tools.sh && bash scripts/create-staff.sh

fmt:
	cargo fmt --all

clean:
	rm -rf dist worker/build target/imp-build.stamp
