# appcsim build. `make` builds build/appcsim and the model library; `make test` runs every unit
# test under AddressSanitizer and UndefinedBehaviorSanitizer; `make bench` prints benchmark lines;
# `make run` runs the bundled scenario suite; `make coverage` measures the tests' coverage of model/
# and sim/ and writes reports/coverage*. Sources are found by wildcard: a new model/*.c or
# sim/*.c is built with no change here, and a new tests/test_NAME.c must define suite_NAME().

.DEFAULT_GOAL := all
BUILD    ?= build
CC       ?= cc
PKGS     := jansson ldns libcurl cunit
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
BASE_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARN) $(PKG_CFLAGS) -Imodel -Isim
OPT_CFLAGS  := -O2 -g
SAN_CFLAGS  := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
COV_CFLAGS  := -O0 -g --coverage

MODEL_SRC := $(sort $(wildcard model/*.c))
SIM_SRC   := $(sort $(filter-out sim/main.c,$(wildcard sim/*.c)))
TEST_SRC  := $(sort $(filter-out tests/test_main.c,$(wildcard tests/test_*.c)))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
SUITES    := $(patsubst tests/test_%.c,%,$(TEST_SRC))

# Three flavours share the rules below: opt (the shipped binary), san (tests), cov (coverage).
define flavour
$(1)_DIR := $(BUILD)/$(1)
$(1)_MODEL_OBJ := $$(patsubst %.c,$$($(1)_DIR)/%.o,$(MODEL_SRC))
$(1)_SIM_OBJ   := $$(patsubst %.c,$$($(1)_DIR)/%.o,$(SIM_SRC))
$$($(1)_DIR)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(BASE_CFLAGS) $(2) -MMD -MP -c $$< -o $$@
$$($(1)_DIR)/libappcsim_model.a: $$($(1)_MODEL_OBJ)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
-include $$(patsubst %.o,%.d,$$($(1)_MODEL_OBJ) $$($(1)_SIM_OBJ))
endef
$(eval $(call flavour,opt,$(OPT_CFLAGS)))
$(eval $(call flavour,san,$(SAN_CFLAGS)))
$(eval $(call flavour,cov,$(COV_CFLAGS)))

APPCSIM     := $(BUILD)/appcsim
SAN_APPCSIM := $(san_DIR)/appcsim
TEST_RUNNER := $(BUILD)/run_tests
COV_RUNNER  := $(BUILD)/run_tests_cov

.PHONY: all deps test bench run suite coverage clean build-all build-test build-bench build-coverage \
        build-run build-suite
# Each public target first installs missing packages, then re-enters make so that pkg-config's
# answers are read after the install.
all:
	@tools/ensure-deps
	@$(MAKE) --no-print-directory build-all
test:
	@tools/ensure-deps
	@$(MAKE) --no-print-directory build-test
bench:
	@tools/ensure-deps
	@$(MAKE) --no-print-directory build-bench
coverage:
	@tools/ensure-deps
	@$(MAKE) --no-print-directory build-coverage
run:
	@tools/ensure-deps
	@$(MAKE) --no-print-directory build-run
suite:
	@tools/ensure-deps
	@$(MAKE) --no-print-directory build-suite

build-all: $(APPCSIM) $(opt_DIR)/libappcsim_model.a

$(APPCSIM): $(opt_DIR)/sim/main.o $(opt_SIM_OBJ) $(opt_DIR)/libappcsim_model.a
	$(CC) $(OPT_CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# The CUnit runner calls suite_NAME() for every tests/test_NAME.c.
# Rewritten only when the list changes, so that adding or removing a test file is noticed.
$(BUILD)/suites.inc: FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' $(foreach s,$(SUITES),"SUITE($(s))") > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

$(san_DIR)/tests/%.o $(cov_DIR)/tests/%.o: BASE_CFLAGS += -I$(BUILD) -Itests
$(san_DIR)/tests/test_main.o: $(BUILD)/suites.inc
$(cov_DIR)/tests/test_main.o: $(BUILD)/suites.inc

SAN_TEST_OBJ := $(patsubst %.c,$(san_DIR)/%.o,$(TEST_SRC) tests/test_main.c $(wildcard tests/support_*.c))
COV_TEST_OBJ := $(patsubst %.c,$(cov_DIR)/%.o,$(TEST_SRC) tests/test_main.c $(wildcard tests/support_*.c))
-include $(SAN_TEST_OBJ:.o=.d) $(COV_TEST_OBJ:.o=.d)

# Out-of-memory injection (tests/support_oom.c): the test runners route every malloc, calloc,
# realloc, strdup and strndup call made from our own objects (model/, sim/, tests/) through the
# __wrap_ functions, which fail on request. Shared libraries (ldns, jansson, libc) are not
# affected: their internal allocations never fail in tests.
TEST_LDFLAGS := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup

$(TEST_RUNNER): $(SAN_TEST_OBJ) $(san_SIM_OBJ) $(san_DIR)/libappcsim_model.a
	$(CC) $(SAN_CFLAGS) $(TEST_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(COV_RUNNER): $(COV_TEST_OBJ) $(cov_SIM_OBJ) $(cov_DIR)/libappcsim_model.a
	$(CC) $(COV_CFLAGS) $(TEST_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# ASan's leak checker ignores only what ldns itself leaks (see the file's comments).
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
           LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# Every unit test, then the bundled scenario suite under the sanitizers. SUITE=name runs one
# CUnit suite only (and skips the scenario suite).
build-test: $(TEST_RUNNER) $(SAN_APPCSIM)
	$(SAN_ENV) $(TEST_RUNNER) $(SUITE)
	$(if $(SUITE),,$(SAN_ENV) $(SAN_APPCSIM) run scenarios --jobs 2 --quiet --report-dir $(BUILD)/suite-reports)

# The bundled scenario suite: `make run` with the optimised binary (reports in reports/),
# `make suite` with a sanitizer build of appcsim, as a test.
$(SAN_APPCSIM): $(san_DIR)/sim/main.o $(san_SIM_OBJ) $(san_DIR)/libappcsim_model.a
	$(CC) $(SAN_CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

build-run: $(APPCSIM)
	$(APPCSIM) run scenarios --jobs 2 --report-dir reports

build-suite: $(SAN_APPCSIM)
	$(SAN_ENV) $(SAN_APPCSIM) run scenarios --jobs 2 --quiet --report-dir $(BUILD)/suite-reports

BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/%,$(BENCH_SRC))
$(BUILD)/bench_%: bench/bench_%.c $(opt_SIM_OBJ) $(opt_DIR)/libappcsim_model.a
	$(CC) $(BASE_CFLAGS) $(OPT_CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

build-bench: $(APPCSIM) $(BENCH_BIN)
	@BUILD=$(BUILD) bench/run

# Coverage: the cov flavour (-O0 --coverage) of the test runner and of appcsim, run by
# tools/coverage, which removes stale .gcda files, runs the unit tests, then the scenario suite
# (once scenarios/ exists) and COVERAGE_EXTRA_RUN, and has gcovr write reports/coverage/index.html,
# reports/coverage.xml and reports/coverage-summary.json. It fails when the line coverage of
# model/ or sim/ is under its floor; lower floors can be given while developing, e.g.
# `make coverage COV_FLOOR_SIM=40`.
COV_APPCSIM      := $(cov_DIR)/appcsim
COV_FLOOR_MODEL  ?= 95
COV_FLOOR_SIM    ?= 85
# Hook: the scenario suite run by the instrumented appcsim (`appcsim run DIR`), when DIR exists.
COVERAGE_SCENARIOS ?= scenarios
# Hook: any further shell command, run before the report with the instrumented binaries (the
# environment's COV_APPCSIM names appcsim), e.g. COVERAGE_EXTRA_RUN='$(COV_APPCSIM) --help'.
COVERAGE_EXTRA_RUN ?=
export COV_RUNNER COV_APPCSIM COV_FLOOR_MODEL COV_FLOOR_SIM COVERAGE_SCENARIOS COVERAGE_EXTRA_RUN

$(COV_APPCSIM): $(cov_DIR)/sim/main.o $(cov_SIM_OBJ) $(cov_DIR)/libappcsim_model.a
	$(CC) $(COV_CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

build-coverage: $(COV_RUNNER) $(COV_APPCSIM)
	@BUILD='$(BUILD)' tools/coverage

clean:
	rm -rf $(BUILD)
