# jdk-sse: build, test, run. Needs a JDK 21+ (found below) and mvn (JUnit, `make install`).
SHELL := /bin/bash
.DEFAULT_GOAL := build
VERSION := 0.1.0
JUNIT := 1.13.4

# JAVA_HOME when it is 21 or newer, else the newest JDK 21+ under /usr/lib/jvm.
JDK := $(shell ok() { v=$$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$$1/release" 2>/dev/null); \
  [ "$${v:-0}" -ge 21 ] && [ -x "$$1/bin/javac" ] && echo "$$v $$1"; }; \
  { ok "$$JAVA_HOME" || for d in /usr/lib/jvm/*; do ok "$$d"; done | sort -n | tail -1; } | cut -d' ' -f2-)
# `make clean` alone needs no JDK.
ifneq ($(MAKECMDGOALS),clean)
ifeq ($(JDK),)
$(error jdk-sse needs JDK 21 or newer: set JAVA_HOME to one or install one under /usr/lib/jvm (e.g. apt-get install openjdk-21-jdk-headless))
endif
endif
JAVA  := $(JDK)/bin/java
JAVAC := $(JDK)/bin/javac --release 21 -encoding UTF-8 -Xlint:all -Werror
export JAVA_HOME := $(JDK)

# The flags `make run` uses; the benchmark measures with the same ones. G1 gave the best fan-out
# and tail latency in bench/run (Serial the smallest footprint: see bench/results/NOTES.md).
RUN_OPTS ?= -XX:+UseG1GC
ARGS ?=

SRC        := $(shell find src -name '*.java')
RESOURCES  := $(shell find src -type f ! -name '*.java')
TESTSRC    := $(shell find test -path test/interop -prune -o -name '*.java' -print)
JAR        := build/jdk-sse.jar
JUNIT_JAR  := build/lib/junit-platform-console-standalone-$(JUNIT).jar

.PHONY: build jar test test-prereqs run javadoc install clean bench bench-quick bench-smoke test-interop test-hostile

build: build/classes.stamp

build/classes.stamp: $(SRC) $(RESOURCES)
	@rm -rf build/classes && mkdir -p build/classes
	$(JAVAC) -d build/classes $(SRC)
	@cd src && for f in $(RESOURCES:src/%=%); do mkdir -p ../build/classes/$$(dirname $$f) && cp $$f ../build/classes/$$f; done
	@touch $@

jar: $(JAR)

$(JAR): build/classes.stamp
	@rm -f $@
	$(JDK)/bin/jar --create --file $@ --main-class org.jdksse.hub.Main --module-version $(VERSION) -C build/classes .
	@echo "$@: $$(stat -c %s $@) bytes"

# JUnit comes from the Maven repository through mvn, cached in ~/.m2.
$(JUNIT_JAR):
	@command -v mvn >/dev/null || { echo "make test needs mvn to fetch JUnit (apt-get install maven)"; exit 1; }
	@mkdir -p build/lib
	mvn -q -B dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:$(JUNIT) -DoutputDirectory=build/lib \
	  || { echo "could not fetch JUnit $(JUNIT) with mvn: check the network or ~/.m2/settings.xml"; exit 1; }

build/test-classes.stamp: build/classes.stamp $(TESTSRC) $(JUNIT_JAR)
	@rm -rf build/test-classes && mkdir -p build/test-classes
	$(JAVAC) -Xlint:-try -d build/test-classes -cp build/classes:$(JUNIT_JAR) $(TESTSRC)
	@touch $@

# `make test TESTS=SseEventTest` runs the classes whose names match; `TAGS=process` only the classes
# that start a JVM, `EXCLUDE_TAGS=process` all but those (JUnit tag expressions, comma-separated).
TESTS ?=
TAGS ?=
EXCLUDE_TAGS ?=
TEST_OPTS ?= -Xmx2g -XX:+UseSerialGC
# The prerequisites in a sub-make, so that failing to build them (a compile error, no mvn, no
# redis-server) still ends with the line CI reads.
test-prereqs: build/test-classes.stamp $(JAR) redis-server
# failed counts failed containers too: a class whose @BeforeAll throws is one failed container, and
# its tests are found but never started (said as "N not started"), so "tests failed" alone stays 0.
# aborted: tests whose assumption did not hold, said next to the skipped ones.
test:
	@$(MAKE) --no-print-directory test-prereqs || { echo "Tests: 0 passed, 1 failed"; exit 1; }
	@set -o pipefail; $(JAVA) $(TEST_OPTS) -jar $(JUNIT_JAR) execute --disable-banner --disable-ansi-colors \
	  --details=tree --config=junit.jupiter.execution.timeout.default=300s --config=junit.jupiter.execution.timeout.thread.mode.default=SEPARATE_THREAD --class-path build/test-classes:build/classes --scan-class-path \
	  $(if $(TESTS),--include-classname '.*($(TESTS))') $(if $(TAGS),--include-tag '$(TAGS)') $(if $(EXCLUDE_TAGS),--exclude-tag '$(EXCLUDE_TAGS)') 2>&1 | tee build/test-output.txt; rc=$$?; \
	  n() { sed -n "s/.*\[ *\([0-9]*\) $$1 .*/\1/p" build/test-output.txt | tail -1; }; \
	  ok=$$(n 'tests successful'); sk=$$(n 'tests skipped'); ab=$$(n 'tests aborted'); \
	  tf=$$(n 'tests failed'); cf=$$(n 'containers failed'); fo=$$(n 'tests found'); st=$$(n 'tests started'); \
	  ko=$$(( $${tf:-0} + $${cf:-0} )); ns=$$(( $${fo:-0} - $${st:-0} - $${sk:-0} )); \
	  if grep -q '✘' build/test-output.txt; then echo "failed (the whole trace is in the tree above):"; \
	    grep '✘' build/test-output.txt | cut -c1-300; fi; \
	  [ -n "$$ok" ] || { echo "JUnit printed no summary"; ko=1; }; \
	  echo "Tests: $${ok:-0} passed, $$ko failed, $${sk:-0} skipped, $${ab:-0} aborted$$([ $$ns -gt 0 ] && echo ", $$ns not started")"; \
	  [ $$rc -eq 0 ] && [ "$$ko" = 0 ] && [ "$${ok:-0}" -gt 0 ]

run: $(JAR)
	$(JAVA) $(RUN_OPTS) -jar $(JAR) $(ARGS)

javadoc: build/classes.stamp
	@rm -rf build/javadoc
	$(JDK)/bin/javadoc -quiet -Xdoclint:all -Werror -d build/javadoc --module-source-path org.jdksse=src --module org.jdksse

install: $(JAR)
	mvn -q -B install:install-file -Dfile=$(JAR) -DgroupId=org.jdksse -DartifactId=jdk-sse -Dversion=$(VERSION) -Dpackaging=jar -DgeneratePom=true
	@echo "installed org.jdksse:jdk-sse:$(VERSION) into the local Maven repository"

bench: $(JAR)
	bash bench/run full

bench-quick: $(JAR)
	bash bench/run quick

bench-smoke: $(JAR)
	bash bench/run smoke

test-interop: $(JAR)
	bash test/interop/run

# Redis: the Redis tests need a redis-server binary (each test starts its own on a free port);
# this installs it with apt-get when it is missing. The cluster suite: three hubs on one Redis.
.PHONY: redis-server test-cluster bench-cluster
redis-server:
	@bash test/cluster/redis-install
test-cluster: $(JAR) redis-server
	bash test/cluster/run
bench-cluster: $(JAR) redis-server
	bash bench/cluster/run

# The hub under hostile clients (issue 14): loopback only, about 3 minutes; HOSTILE_SCENARIOS=1,3 for some.
test-hostile: $(JAR)
	@JAVA="$(JAVA)" JAVAC="$(JAVAC)" bash test/hostile/run

clean:
	rm -rf build
