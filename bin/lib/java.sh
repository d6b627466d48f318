# shellcheck shell=bash
# Sourced by bin/meridian: finds a JDK 21+ (JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*)
# and exports JAVA_HOME and JAVA. Says what to install when there is none.

meridian_java_major() {
  # Prints the feature version of the JDK whose java binary is $1 (e.g. 17, 21, 25).
  local version
  version=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  case "$version" in
    1.*) echo "${version#1.}" | cut -d. -f1 ;;
    "") echo 0 ;;
    *) echo "$version" | cut -d. -f1 ;;
  esac
}

meridian_is_jdk21() {
  # A JDK (not only a JRE: Maven needs javac) whose home is $1, feature version >= 21.
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ "$(meridian_java_major "$1/bin/java")" -ge 21 ]
}

meridian_find_java() {
  local candidate
  if [ -n "${JAVA_HOME:-}" ] && meridian_is_jdk21 "$JAVA_HOME"; then
    candidate="$JAVA_HOME"
  elif command -v java >/dev/null 2>&1; then
    local on_path
    on_path=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    if meridian_is_jdk21 "$on_path"; then candidate="$on_path"; fi
  fi
  if [ -z "${candidate:-}" ]; then
    local home best_major=0
    for home in /usr/lib/jvm/*; do
      [ -d "$home" ] || continue
      if meridian_is_jdk21 "$home"; then
        local major
        major=$(meridian_java_major "$home/bin/java")
        if [ "$major" -gt "$best_major" ]; then best_major=$major; candidate="$home"; fi
      fi
    done
  fi
  if [ -z "${candidate:-}" ]; then
    echo "meridian: no JDK 21 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm/*)." >&2
    echo "meridian: install one, e.g. 'apt-get install openjdk-21-jdk-headless' (Debian/Ubuntu), then retry," >&2
    echo "meridian: or point JAVA_HOME at an existing JDK 21+." >&2
    return 1
  fi
  export JAVA_HOME="$candidate"
  export JAVA="$candidate/bin/java"
  # Flags every Meridian JVM gets: RocksDB and JNA are native libraries; protobuf (in the driver)
  # still uses sun.misc.Unsafe, which JDK 24+ warns about unless allowed.
  MERIDIAN_JVM_FLAGS="--enable-native-access=ALL-UNNAMED"
  if [ "$(meridian_java_major "$JAVA")" -ge 24 ]; then
    MERIDIAN_JVM_FLAGS="$MERIDIAN_JVM_FLAGS --sun-misc-unsafe-memory-access=allow"
  fi
  export MERIDIAN_JVM_FLAGS
}
