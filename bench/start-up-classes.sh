#!/usr/bin/env bash
# Writes src/main/resources/io/profilebridge/start-up-classes.txt: the classes a plain start of the jar (default
# configuration, embedded broker) loads from the jar and from the JDK's modules before /observe/health answers UP,
# in the order it loads them. ClassPreloader loads them beside the main thread at the next starts. Run it after a
# dependency upgrade or a change to what the start loads (StartUpClassesTest says when the list no longer matches),
# then rebuild: mvn -B package -DskipTests && bench/start-up-classes.sh && mvn -B package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
BRIDGE_ENV=(BRIDGE_JMS_ENABLED=true)
source bench/lib.sh
list=src/main/resources/io/profilebridge/start-up-classes.txt
# with the preloader off: the list is what the start itself asks for
BRIDGE_JAVA_OPTS="-Dbridge.preload-classes=false -Xlog:class+load:file=$work/class-load.txt:uptime"
start_bridge; wait_healthy
loaded_when_up=$(wc -l < "$work/class-load.txt")
kill "$bridge_pid"; wait "$bridge_pid" 2>/dev/null || true
bridge_pid=
# what was loaded until health answered UP, not the stop's; lambdas and other hidden classes are spun at run time
head -n "$loaded_when_up" "$work/class-load.txt" | awk '/source: (file:|jrt:)/ {print $2}' \
  | grep -v -e '\$\$Lambda' -e 'LambdaForm\$' -e '/0x' > "$list.new"
mv "$list.new" "$list"
summary "start-up classes written to $list" "-" "$(wc -l < "$list") classes"
