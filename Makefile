# gateguard: one Makefile for the binary, the tests and the benchmarks.
# Objects go under build/ (git-ignored): build/rel for the binary, build/asan
# for the test build with AddressSanitizer and UndefinedBehaviorSanitizer.

GATEWAY_API_VERSION := v1.6.3
VERSION := 0.1.0

CC ?= cc
PKG_CORE := jansson yaml-0.1 libpcre2-8
PKG_APP := $(PKG_CORE) libmicrohttpd openssl libcurl

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -I. -Ibuild/gen $(WARN) -g -fno-omit-frame-pointer \
	-DGG_VERSION='"$(VERSION)"' -DGG_GATEWAY_API_VERSION='"$(GATEWAY_API_VERSION)"'

REL_CFLAGS := $(BASE_CFLAGS) -O2
ASAN_CFLAGS := $(BASE_CFLAGS) -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
ASAN_LDFLAGS := -fsanitize=address,undefined
TSAN_CFLAGS := $(BASE_CFLAGS) -O1 -fsanitize=thread

CORE_SRC := $(sort $(wildcard validation/*.c))
APP_SRC := $(sort $(wildcard webhook/*.c kube/*.c proxy/*.c echo/*.c certs/*.c obs/*.c sync/*.c))
CMD_SRC := $(sort $(wildcard cmd/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*/*_test.c tests/unit/*_test.c))
GEN_SRC := build/gen/crds_blob.c

CRD_DIR := build/crds/$(GATEWAY_API_VERSION)
CRD_KINDS := gatewayclasses gateways httproutes grpcroutes referencegrants listenersets \
	tlsroutes tcproutes udproutes backendtlspolicies
CRD_FILES := $(foreach k,$(CRD_KINDS),$(CRD_DIR)/gateway.networking.k8s.io_$(k).yaml)

obj = $(patsubst %.c,build/$(1)/%.o,$(2))

.PHONY: all deps test-deps build run test bench-validate \
	bench-store bench-webhook bench-proxy format format-check clean crds help

all: build

help:
	@echo "make run          build, then check the examples (and later, serve them)"
	@echo "make test         install what is missing, build with sanitizers, run every test"
	@echo "make test-valgrind  the integration suites under Valgrind memcheck"
	@echo "make fuzz         the fuzz targets: FUZZ_RUNS=N mutations each, or FUZZ_SECONDS=N of libFuzzer"
	@echo "make build        build build/rel/gateguard"
	@echo "make bench-*      benchmarks: bench-validate, bench-store, bench-webhook, bench-proxy"
	@echo "make format       clang-format every C file"
	@echo "make manifests    render charts/gateguard into deploy/gateguard.yaml"

deps:
	@./tools/deps.sh

build: deps build/rel/gateguard

# --- upstream CRDs, compiled in ---------------------------------------------
$(CRD_DIR)/.stamp:
	./tools/fetch-crds.sh $(GATEWAY_API_VERSION) $(CRD_DIR)
	touch $@

crds: $(CRD_DIR)/.stamp

build/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $<

# The list of embedded CRD files, rewritten only when it changes, so adding a
# kind to CRD_KINDS re-embeds the CRDs in a tree that was built before.
CRD_LIST := build/gen/crd-files.list
$(shell mkdir -p build/gen && (echo '$(CRD_FILES)' | cmp -s - $(CRD_LIST) || echo '$(CRD_FILES)' > $(CRD_LIST)))

build/gen/crds_blob.c: $(CRD_DIR)/.stamp build/tools/embed $(CRD_LIST)
	@mkdir -p $(dir $@)
	build/tools/embed gg_crds_yaml $(CRD_FILES) > $@.tmp && mv $@.tmp $@

# --- objects ------------------------------------------------------------------
# The core is compiled with only its own libraries' flags, so an include of a
# transport header there fails to build.
CORE_CFLAGS_PKG = $(shell pkg-config --cflags $(PKG_CORE))
APP_CFLAGS_PKG = $(shell pkg-config --cflags $(PKG_APP))
LIBS = $(shell pkg-config --libs $(PKG_APP)) -lpthread -lm

build/rel/validation/%.o: validation/%.c | build/gen/crds_blob.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) $(CORE_CFLAGS_PKG) -MMD -MP -c -o $@ $<
build/asan/validation/%.o: validation/%.c | build/gen/crds_blob.c
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) $(CORE_CFLAGS_PKG) -MMD -MP -c -o $@ $<
build/rel/build/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -c -o $@ $<
build/asan/build/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -c -o $@ $<
build/rel/%.o: %.c | build/gen/crds_blob.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) $(APP_CFLAGS_PKG) -MMD -MP -c -o $@ $<
build/asan/%.o: %.c | build/gen/crds_blob.c
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) $(APP_CFLAGS_PKG) -MMD -MP -c -o $@ $<

build/rel/libggcore.a: $(call obj,rel,$(CORE_SRC) $(GEN_SRC))
	@rm -f $@
	ar rcs $@ $^
build/asan/libggcore.a: $(call obj,asan,$(CORE_SRC) $(GEN_SRC))
	@rm -f $@
	ar rcs $@ $^

build/rel/gateguard: $(call obj,rel,$(APP_SRC) $(CMD_SRC)) build/rel/libggcore.a
	$(CC) -o $@ $^ $(LIBS)
build/asan/gateguard: $(call obj,asan,$(APP_SRC) $(CMD_SRC)) build/asan/libggcore.a
	$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(LIBS)
build/asan/unit_tests: $(call obj,asan,$(TEST_SRC) $(APP_SRC) $(filter-out cmd/main.c,$(CMD_SRC))) build/asan/libggcore.a
	$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(LIBS) -lcriterion

-include $(shell find build -name '*.d' 2>/dev/null)

build/rel/bench_validate: build/rel/bench/validate.o build/rel/libggcore.a
	$(CC) -o $@ $^ $(LIBS)

# --- bench-store: the store and the cross-object checks (bench/store.c) -------
build/rel/bench_store: build/rel/bench/store.o build/rel/libggcore.a
	$(CC) -o $@ $^ $(LIBS)

# --- the store's locking under ThreadSanitizer (tests/stress/store_stress.c) ---
# A small build of its own: the core and one pthread stress program, run by
# tests/integration/store_stress.sh (so by make test); the ASan build of the
# same program checks the invariants where TSan is unavailable.
build/tsan/validation/%.o: validation/%.c | build/gen/crds_blob.c
	@mkdir -p $(dir $@)
	$(CC) $(TSAN_CFLAGS) $(CORE_CFLAGS_PKG) -MMD -MP -c -o $@ $<
build/tsan/build/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TSAN_CFLAGS) -c -o $@ $<
build/tsan/tests/stress/%.o: tests/stress/%.c | build/gen/crds_blob.c
	@mkdir -p $(dir $@)
	$(CC) $(TSAN_CFLAGS) $(CORE_CFLAGS_PKG) -MMD -MP -c -o $@ $<
build/tsan/libggcore.a: $(call obj,tsan,$(CORE_SRC) $(GEN_SRC))
	@rm -f $@
	ar rcs $@ $^
build/tsan/store_stress: build/tsan/tests/stress/store_stress.o build/tsan/libggcore.a
	$(CC) -fsanitize=thread -o $@ $^ $(shell pkg-config --libs $(PKG_CORE)) -lpthread -lm
build/asan/store_stress: build/asan/tests/stress/store_stress.o build/asan/libggcore.a
	$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(shell pkg-config --libs $(PKG_CORE)) -lpthread -lm

# --- the two commands the README starts with -----------------------------------
run: build
	@./tools/run.sh

# The Kubernetes binaries the chart and end-to-end tests run (built once per
# machine, outside the repository) are built first, outside the per-script
# time limit of tests/run.sh; without Go the build says so and those scripts skip.
test-deps:
	@GG_DEPS_TEST=1 ./tools/deps.sh

test: test-deps deps build/asan/gateguard build/asan/unit_tests build/rel/gateguard
	-@./tests/k8s/build.sh
	@./tests/run.sh

# The integration suites with the release binary under Valgrind's memcheck:
# fails on any memory error or definite leak (tests/valgrind.sh).
.PHONY: test-valgrind
test-valgrind: test-deps deps build/rel/gateguard build/asan/gateguard
	@GG_DEPS_VALGRIND=1 ./tools/deps.sh
	@./tests/valgrind.sh

# --- benchmarks ---------------------------------------------------------------
bench-validate: build
	@./bench/validate.sh

bench-store: build build/rel/bench_store
	@./bench/store.sh

bench-proxy: build
	@GG_DEPS_BENCH=1 ./tools/deps.sh
	@./bench/proxy.sh

bench-webhook: build
	@GG_DEPS_BENCH=1 ./tools/deps.sh
	@./bench/webhook.sh

# --- plain manifests (deploy/) from the Helm chart ------------------------------
# deploy/gateguard.yaml is charts/gateguard rendered with its defaults;
# tests/integration/chart.sh (tools/check-manifests.sh) fails when it is stale.
.PHONY: manifests
manifests:
	@./tools/manifests.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	@./tests/cli/format.sh

clean:
	rm -rf build

# --- kube sources: the integration driver ----------------------------------------
# A test program, not part of gateguard: tests/integration/kube_source.sh builds
# it and runs it against a real kube-apiserver.
KUBE_TEST_SRC := kube/lines.c kube/client.c kube/config.c kube/watch.c kube/dir.c kube/source.c

build/asan/kube_source_driver: $(call obj,asan,tests/integration/kube_source_driver.c \
		$(KUBE_TEST_SRC)) build/asan/libggcore.a
	$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(LIBS)

# --- fuzz targets ---------------------------------------------------------------
# One LLVMFuzzerTestOneInput per tests/fuzz/<target>_fuzz.c, with the sources it
# needs beyond the core. Two drivers: build/asan/<target>_fuzz links the
# standalone replay-and-mutate driver (tests/fuzz/standalone.c, no clang
# needed; make test replays every corpus with it), and build/fuzz/<target>
# links libFuzzer (clang), for coverage-guided runs:
#   make fuzz                   each corpus and FUZZ_RUNS mutations (standalone)
#   make fuzz FUZZ_SECONDS=600  libFuzzer, each target that long (tools/fuzz.sh)
FUZZ_TARGETS := manifest admission watch_stream route_table kubeconfig
FUZZ_SRC_admission := webhook/admission.c webhook/json_arena.c obs/log.c
FUZZ_SRC_watch_stream := kube/lines.c kube/client.c kube/config.c
FUZZ_SRC_route_table := proxy/route_build.c proxy/route_table.c proxy/route_plan.c \
	proxy/http1.c proxy/gateways.c
FUZZ_SRC_kubeconfig := kube/config.c
FUZZ_RUNS ?= 100000
FUZZ_SECONDS ?=

FUZZ_CC := clang
FUZZ_CFLAGS := $(BASE_CFLAGS) -O1 -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined

build/fuzz/%.o: %.c | build/gen/crds_blob.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(APP_CFLAGS_PKG) -MMD -MP -c -o $@ $<
build/fuzz/libggcore.a: $(call obj,fuzz,$(CORE_SRC) $(GEN_SRC))
	@rm -f $@
	ar rcs $@ $^

define FUZZ_RULES
build/asan/$(1)_fuzz: $$(call obj,asan,tests/fuzz/$(1)_fuzz.c tests/fuzz/standalone.c \
		$$(FUZZ_SRC_$(1))) build/asan/libggcore.a
	$$(CC) $$(ASAN_LDFLAGS) -o $$@ $$^ $$(LIBS)
build/fuzz/$(1): $$(call obj,fuzz,tests/fuzz/$(1)_fuzz.c $$(FUZZ_SRC_$(1))) build/fuzz/libggcore.a
	$$(FUZZ_CC) $$(FUZZ_LDFLAGS) -o $$@ $$^ $$(LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_RULES,$(t))))

.PHONY: fuzz fuzz-deps
fuzz-deps:
	@GG_DEPS_FUZZ=$(if $(FUZZ_SECONDS),1,0) ./tools/deps.sh
ifeq ($(FUZZ_SECONDS),)
fuzz: deps $(foreach t,$(FUZZ_TARGETS),build/asan/$(t)_fuzz)
	@./tools/fuzz.sh replay $(FUZZ_RUNS) $(FUZZ_TARGETS)
else
fuzz: deps fuzz-deps
	@$(MAKE) --no-print-directory $(foreach t,$(FUZZ_TARGETS),build/fuzz/$(t))
	@./tools/fuzz.sh libfuzzer $(FUZZ_SECONDS) $(FUZZ_TARGETS)
endif
